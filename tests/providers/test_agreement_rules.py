"""Agreement rules at their edges: each test was written against a fault seeded into
providers/services (then one module, services.py) that the suite did not catch."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from organisations.audit import history_for
from providers import services
from providers.models import AgreementStatus, FlexibleAgreement, NoticeFrom
from providers.services import ProviderError
from tests.providers.factories import TERMS, accepted_choice, agreed, isf_budget

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
LAST_DAY = TODAY + dt.timedelta(days=28)


def test_a_second_notice_is_refused_and_the_end_date_stays(person, family, profile_a, provider_a):
    agreement = services.give_notice(
        agreement=agreed(person, profile_a.provider), notice_from=NoticeFrom.PERSON, actor=family, today=TODAY
    )
    assert agreement.end_date == LAST_DAY
    later = LAST_DAY + dt.timedelta(days=30)
    for notice_from, actor, reason in (
        (NoticeFrom.PERSON, family, ""),
        (NoticeFrom.PROVIDER, provider_a, "We are closing."),
    ):
        with pytest.raises(
            ProviderError,
            match=f"^Notice has already been given: the agreement ends on {LAST_DAY:%-d %B %Y}.$",
        ):
            services.give_notice(
                agreement=agreement,
                notice_from=notice_from,
                end_date=later,
                reason=reason,
                actor=actor,
                today=TODAY,
            )
    agreement.refresh_from_db()
    assert (agreement.status, agreement.end_date, agreement.notice_from) == (
        AgreementStatus.ENDING,
        LAST_DAY,
        NoticeFrom.PERSON,
    )
    events = [e.additional_data["event"] for e in history_for(agreement)]
    assert events.count("notice given by the person") == 1
    assert "notice given by the provider" not in events


@pytest.mark.parametrize("accepted", [False, True], ids=["offered", "active"])
def test_a_second_live_agreement_with_the_same_provider_is_refused(person, profile_a, commissioner, accepted):
    first = agreed(person, profile_a.provider, accept=accepted)
    with pytest.raises(
        ProviderError, match=f"^{person} already has an agreement with {profile_a.provider.name}.$"
    ):
        services.set_up_agreement(
            choice=first.choice, arrangement=first.arrangement, terms=dict(TERMS), actor=commissioner
        )
    assert list(FlexibleAgreement.objects.filter(person=person)) == [first]


# ---- setting up an agreement: who it is with, and what it replaces ------------------------------------


def test_an_agreement_waits_for_the_provider_to_accept_an_online_request(
    person, family, profile_a, commissioner
):
    choice = services.ask_provider(person=person, provider=profile_a.provider, message="", actor=family)
    arrangement = isf_budget(person, profile_a.provider)
    with pytest.raises(
        ProviderError,
        match=r"^The provider must accept the person's request before an agreement is set up\.$",
    ):
        services.set_up_agreement(
            choice=choice, terms=dict(TERMS), arrangement=arrangement, actor=commissioner
        )
    assert not FlexibleAgreement.objects.exists()


def test_a_person_may_hold_agreements_with_two_providers_at_once(person, profile_a, profile_b, commissioner):
    """The rule is one live agreement per provider, not per person (a person may hold several ISFs)."""
    first = agreed(person, profile_a.provider)
    second = agreed(person, profile_b.provider, accept=False)
    assert second.provider == profile_b.provider and second.replaces is None
    assert set(FlexibleAgreement.objects.filter(person=person)) == {first, second}


def test_agreeing_again_with_the_provider_being_left_is_not_a_move(person, family, profile_a, commissioner):
    """Notice on an agreement with A, then a new ISF with A: the new agreement replaces nothing (only an
    agreement with another provider takes over from the one being left) and starts when its budget does."""
    first = services.give_notice(
        agreement=agreed(person, profile_a.provider), notice_from=NoticeFrom.PERSON, actor=family, today=TODAY
    )
    start = TODAY + dt.timedelta(days=90)
    arrangement = isf_budget(person, profile_a.provider, start=start)
    again = services.set_up_agreement(
        choice=first.choice, arrangement=arrangement, terms=dict(TERMS), actor=commissioner
    )
    assert again.replaces is None
    assert again.start_date == start != LAST_DAY + dt.timedelta(days=1)
    assert again.arrangement == arrangement


def test_only_a_managed_direct_payment_becomes_an_isf_from_a_date(person, profile_a, commissioner):
    choice = accepted_choice(person, profile_a.provider)
    isf = isf_budget(person, profile_a.provider)
    refused = r"^Only a managed direct payment becomes an ISF from a date\.$"
    with pytest.raises(ProviderError, match=refused):
        services.set_up_agreement(
            choice=choice, moving_from=isf, terms={**TERMS, "start_date": TODAY}, actor=commissioner
        )
    assert not FlexibleAgreement.objects.exists()


# ---- the terms an agreement may have ------------------------------------------------------------------

START = dt.date(2026, 4, 1)  # agreed()'s start


@pytest.mark.parametrize(
    "terms,message",
    [
        (
            {"management_fee_percent": "5.00", "management_fee_fixed": "100.00"},
            "Agree the management fee as a percentage or a fixed annual amount, not both.",
        ),
        (
            {"management_fee_percent": None, "management_fee_fixed": None},
            "Agree the management fee up front: a percentage or a fixed annual amount (it may be 0).",
        ),
        ({"management_fee_percent": "100.01"}, "A management fee percentage must be between 0 and 100."),
        ({"management_fee_percent": "-0.01"}, "A management fee percentage must be between 0 and 100."),
        (
            {"management_fee_percent": None, "management_fee_fixed": "26000.01"},
            "The management fee cannot be more than the annual budget.",
        ),
        (
            {"outcomes": "  "},
            "Write the outcomes from the support plan: what the person wants from their support.",
        ),
        ({"payment_frequency_weeks": 0}, "Pay the provider at least once a year and at most every week."),
        ({"payment_frequency_weeks": 53}, "Pay the provider at least once a year and at most every week."),
        ({"unspent_limit": "-0.01"}, "Limits cannot be negative."),
        ({"overdraft_limit": "-0.01"}, "Limits cannot be negative."),
        ({"end_date": START - dt.timedelta(days=1)}, "The end date cannot be before the start date."),
        ({"review_date": START - dt.timedelta(days=1)}, "The review date cannot be before the start date."),
        ({"overdraft_limit": "lots"}, "'lots' is not an amount of money."),
        ({"hours_a_week": 10}, "'hours_a_week' is not a term of the agreement."),
    ],
)
def test_terms_outside_the_rules_are_refused_and_nothing_changes(
    person, profile_a, commissioner, terms, message
):
    agreement = agreed(person, profile_a.provider)
    with pytest.raises(ProviderError, match=f"^{re.escape(message)}$"):
        services.change_agreement_terms(agreement=agreement, terms=terms, reason="Try", actor=commissioner)
    agreement.refresh_from_db()
    assert agreement.version == 1 and agreement.versions.count() == 1


@pytest.mark.parametrize(
    "terms",
    [
        {"management_fee_percent": "0.00"},
        {"management_fee_percent": "100.00"},
        {"management_fee_percent": None, "management_fee_fixed": "26000.00"},
        {"management_fee_percent": None, "management_fee_fixed": "0.00"},
        {"payment_frequency_weeks": 1},
        {"payment_frequency_weeks": 52},
        {"unspent_limit": "0.00", "overdraft_limit": "0.00"},
        {"end_date": START},
        {"review_date": START},
    ],
    ids=lambda t: ",".join(f"{k}={v}" for k, v in t.items()),
)
def test_terms_at_the_edges_of_the_rules_are_a_new_version(person, profile_a, commissioner, terms):
    agreement = agreed(person, profile_a.provider)
    changed = services.change_agreement_terms(
        agreement=agreement, terms=terms, reason="Edge", actor=commissioner
    )
    assert changed.version == 2 and changed.awaiting_provider
    assert changed.versions.get(number=2).reason == "Edge"


def test_an_ended_agreements_terms_no_longer_change(person, profile_a, commissioner):
    agreement = agreed(person, profile_a.provider)
    FlexibleAgreement.objects.filter(pk=agreement.pk).update(status=AgreementStatus.ENDED)
    with pytest.raises(ProviderError, match=r"^This agreement has ended; its terms can no longer change\.$"):
        services.change_agreement_terms(
            agreement=agreement, terms={"overdraft_limit": "10.00"}, reason="Late", actor=commissioner
        )


# ---- answering: each answer once, only to what waits for it, recorded with who ----------------------


def _events(obj):
    from organisations.audit import history_for

    return [(log.additional_data["event"], log.actor) for log in history_for(obj)]


def test_a_request_is_accepted_once_and_an_answered_one_cannot_be_answered_again(
    person, family, profile_a, provider_a
):
    choice = services.ask_provider(person=person, provider=profile_a.provider, message="", actor=family)
    accepted = services.accept_choice(choice=choice, actor=provider_a)
    assert accepted.status == "accepted" and accepted.decided_by == provider_a and accepted.decided_at
    assert services.accept_choice(choice=choice, actor=provider_a).decided_at == accepted.decided_at
    assert _events(choice).count(("request accepted", provider_a)) == 1
    with pytest.raises(ProviderError, match=r"^Only a request waiting for an answer can be declined\.$"):
        services.decline_choice(choice=choice, reason="Changed our mind.", actor=provider_a)
    shortlisted = services.shortlist_provider(
        person=person, provider=profile_b_provider(person), actor=family
    )
    with pytest.raises(ProviderError, match=r"^Only a request waiting for an answer can be accepted\.$"):
        services.accept_choice(choice=shortlisted, actor=provider_a)


def profile_b_provider(person):
    from tests.factories import ProviderFactory

    return ProviderFactory(provider_ref="PRV-900", name="Third Provider")


def test_a_request_is_declined_once_with_the_reason_recorded(person, family, profile_a, provider_a):
    choice = services.ask_provider(person=person, provider=profile_a.provider, message="", actor=family)
    declined = services.decline_choice(choice=choice, reason="  No staff near you.  ", actor=provider_a)
    assert (declined.status, declined.decline_reason, declined.decided_by) == (
        "declined",
        "No staff near you.",
        provider_a,
    )
    again = services.decline_choice(choice=choice, reason="Still no staff.", actor=provider_a)
    assert again.decline_reason == "No staff near you."
    assert _events(choice).count(("request declined", provider_a)) == 1
    with pytest.raises(ProviderError, match=r"^Only a request waiting for an answer can be accepted\.$"):
        services.accept_choice(choice=choice, actor=provider_a)


def test_an_offer_is_declined_once_with_a_reason_and_only_while_it_waits(
    person, profile_a, profile_b, provider_a
):
    agreement = agreed(person, profile_a.provider, accept=False)
    with pytest.raises(ProviderError, match=r"^Say why you cannot accept this agreement\.$"):
        services.decline_agreement(agreement=agreement, reason=" ", actor=provider_a)
    declined = services.decline_agreement(agreement=agreement, reason=" Too far. ", actor=provider_a)
    assert (declined.status, declined.decline_reason) == (AgreementStatus.DECLINED, "Too far.")
    assert services.decline_agreement(
        agreement=agreement, reason="Again", actor=provider_a
    ).decline_reason == ("Too far.")
    assert _events(agreement).count(("agreement declined by provider", provider_a)) == 1
    active = agreed(person, profile_b.provider)
    with pytest.raises(
        ProviderError, match=r"^Only an agreement waiting for you to accept can be declined\.$"
    ):
        services.decline_agreement(agreement=active, reason="Too far.", actor=provider_a)
    assert FlexibleAgreement.objects.get(pk=active.pk).status == AgreementStatus.ACTIVE


def test_an_offer_is_withdrawn_once_and_only_before_the_provider_accepts(
    person, profile_a, profile_b, commissioner
):
    agreement = agreed(person, profile_a.provider, accept=False)
    withdrawn = services.withdraw_agreement(agreement=agreement, actor=commissioner)
    assert withdrawn.status == AgreementStatus.WITHDRAWN
    assert (
        services.withdraw_agreement(agreement=agreement, actor=commissioner).status
        == AgreementStatus.WITHDRAWN
    )
    assert _events(agreement).count(("agreement withdrawn", commissioner)) == 1
    active = agreed(person, profile_b.provider)
    with pytest.raises(
        ProviderError, match=r"^Only an agreement the provider has not yet accepted can be withdrawn\.$"
    ):
        services.withdraw_agreement(agreement=active, actor=commissioner)
    assert FlexibleAgreement.objects.get(pk=active.pk).status == AgreementStatus.ACTIVE


def test_notice_only_on_an_agreement_in_place_and_only_from_the_person_or_provider(
    person, family, profile_a, commissioner
):
    offered = agreed(person, profile_a.provider, accept=False)
    with pytest.raises(ProviderError, match=r"^Notice can only be given on an agreement that is in place\.$"):
        services.give_notice(agreement=offered, notice_from=NoticeFrom.PERSON, actor=family, today=TODAY)
    active = services.accept_agreement(agreement=offered, actor=commissioner)
    with pytest.raises(ProviderError, match=r"^Notice comes from the person or the provider\.$"):
        services.give_notice(agreement=active, notice_from="council", actor=commissioner, today=TODAY)
    assert FlexibleAgreement.objects.get(pk=active.pk).status == AgreementStatus.ACTIVE


def test_an_agreement_ends_only_after_its_last_day_and_once(person, family, profile_a, commissioner):
    agreement = agreed(person, profile_a.provider)
    not_yet = r"^This agreement has not reached its end date\.$"
    with pytest.raises(ProviderError, match=not_yet):
        services.end_agreement(agreement=agreement, actor=commissioner, today=TODAY)
    services.give_notice(agreement=agreement, notice_from=NoticeFrom.PERSON, actor=family, today=TODAY)
    with pytest.raises(ProviderError, match=not_yet):
        services.end_agreement(agreement=agreement, actor=commissioner, today=LAST_DAY)
    ended = services.end_agreement(
        agreement=agreement, actor=commissioner, today=LAST_DAY + dt.timedelta(days=1)
    )
    assert ended.status == AgreementStatus.ENDED
    assert ended.arrangement.end_date == LAST_DAY
    again = services.end_agreement(
        agreement=agreement, actor=commissioner, today=LAST_DAY + dt.timedelta(days=9)
    )
    assert again.status == AgreementStatus.ENDED
    assert _events(agreement).count(("agreement ended", commissioner)) == 1


def test_a_move_completes_only_for_an_accepted_replacement_whose_day_has_come(
    person, family, profile_a, profile_b, commissioner, provider_b_manager
):
    alone = agreed(person, profile_a.provider)
    with pytest.raises(ProviderError, match=r"^This agreement does not replace another\.$"):
        services.complete_move(agreement=alone, actor=commissioner, today=TODAY)
    services.give_notice(agreement=alone, notice_from=NoticeFrom.PERSON, actor=family, today=TODAY)
    choice = services.ask_provider(person=person, provider=profile_b.provider, message="", actor=family)
    services.accept_choice(choice=choice, actor=provider_b_manager)
    new = services.set_up_agreement(choice=choice, terms=dict(TERMS), actor=commissioner)
    assert new.replaces == alone and new.start_date == LAST_DAY + dt.timedelta(days=1)
    with pytest.raises(ProviderError, match=r"^The provider has not accepted this agreement yet\.$"):
        services.complete_move(agreement=new, actor=commissioner, today=new.start_date)
    new = services.accept_agreement(agreement=new, actor=provider_b_manager)
    with pytest.raises(ProviderError, match=rf"^The move happens on {new.start_date:%-d %B %Y}\.$"):
        services.complete_move(agreement=new, actor=commissioner, today=LAST_DAY)
    moved = services.complete_move(agreement=new, actor=commissioner, today=new.start_date)
    assert moved.move_completed_at is not None
    assert FlexibleAgreement.objects.get(pk=alone.pk).status == AgreementStatus.ENDED
    assert _events(alone).count(("agreement ended: person moved", commissioner)) == 1


def test_an_agreement_is_for_an_isf_with_that_provider_and_records_who_offered_it(
    person, profile_a, profile_b, commissioner
):
    choice = accepted_choice(person, profile_a.provider)
    with_b = isf_budget(person, profile_b.provider)
    with pytest.raises(
        ProviderError,
        match=r"^Choose an Individual Service Fund with this provider in the person's approved budget\.$",
    ):
        services.set_up_agreement(choice=choice, arrangement=with_b, terms=dict(TERMS), actor=commissioner)
    with_a = isf_budget(person, profile_a.provider)
    agreement = services.set_up_agreement(
        choice=choice, arrangement=with_a, terms=dict(TERMS), actor=commissioner
    )
    assert agreement.created_by == commissioner and agreement.versions.get().created_by == commissioner
