"""Agreement rules at their edges: each test was written against a fault seeded into
providers/services (then one module, services.py) that the suite did not catch."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from budgets.models import Arrangement, BudgetStatus, ManagementType, PersonalBudget
from organisations.audit import history_for
from providers import hooks, services
from providers.models import AgreementStatus, ChoiceMade, ChoiceStatus, FlexibleAgreement, NoticeFrom
from providers.services import ProviderError
from tests.budgets.factories import PersonFactory, approved_budget
from tests.factories import ProviderFactory
from tests.providers.factories import TERMS, accepted_choice, agreed, isf_budget, profile_for

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
LAST_DAY = TODAY + dt.timedelta(days=28)
MOVE_DAY = LAST_DAY + dt.timedelta(days=1)


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


# ---- which ISF an agreement may be for, and what a new agreement takes over (session 8 survivors) -----


def test_only_the_persons_approved_current_isfs_with_the_provider_not_yet_agreed_are_offered(
    person, family, profile_a, profile_b, commissioner
):
    """An agreement may be set up only for the person's own ISF with that provider, in an approved budget,
    not ended before today and not under an agreement that is offered, in force or ending (bug found here:
    one agreement without an arrangement, waiting to take over, made every ISF look taken)."""
    provider = profile_a.provider
    free = isf_budget(person, provider)
    ends_today = isf_budget(person, provider)
    Arrangement.objects.filter(pk=ends_today.pk).update(end_date=TODAY)
    ended = isf_budget(person, provider)
    Arrangement.objects.filter(pk=ended.pk).update(end_date=TODAY - dt.timedelta(days=1))
    proposed = isf_budget(person, provider)
    PersonalBudget.objects.filter(pk=proposed.budget_id).update(status=BudgetStatus.PROPOSED)
    isf_budget(person, profile_b.provider)  # another provider's
    approved_budget(person, parts=((ManagementType.DIRECT_PAYMENT_MANAGED, "5000.00", provider),))
    isf_budget(PersonFactory(council=person.council), provider)  # someone else's
    offered = agreed(person, provider, accept=False).arrangement
    services.withdraw_agreement(
        agreement=FlexibleAgreement.objects.get(arrangement=offered), actor=commissioner
    )  # withdrawn: its ISF is free again
    ending = services.give_notice(
        agreement=agreed(person, profile_b.provider), notice_from=NoticeFrom.PERSON, actor=family, today=TODAY
    )
    # An agreement waiting to take over has no arrangement yet: it hides nobody's ISF.
    waiting = services.set_up_agreement(
        choice=accepted_choice(person, _third_provider()), terms=dict(TERMS), actor=commissioner
    )
    assert (waiting.replaces, waiting.arrangement) == (ending, None)
    assert set(services.isf_arrangements_for(person=person, provider=provider)) == {free, ends_today, offered}
    assert ending.arrangement not in set(
        services.isf_arrangements_for(person=person, provider=profile_b.provider)
    )
    with pytest.raises(
        ProviderError,
        match=r"^Choose an Individual Service Fund with this provider in the person's approved budget\.$",
    ):
        services.set_up_agreement(
            choice=ending.choice, arrangement=ending.arrangement, terms=dict(TERMS), actor=commissioner
        )


def _third_provider():
    return profile_for(ProviderFactory(provider_ref="PRV-903", name="Third Provider")).provider


def test_a_new_provider_takes_over_the_agreement_that_ends_last(
    person, family, profile_a, profile_b, commissioner
):
    """With notice on two agreements, a new agreement replaces the one ending last, from the next day."""
    later = LAST_DAY + dt.timedelta(days=10)
    services.give_notice(
        agreement=agreed(person, profile_a.provider), notice_from=NoticeFrom.PERSON, actor=family, today=TODAY
    )
    last = services.give_notice(
        agreement=agreed(person, profile_b.provider),
        notice_from=NoticeFrom.PERSON,
        end_date=later,
        actor=family,
        today=TODAY,
    )
    third = _third_provider()
    assert services.agreement_being_left(person=person, provider=third) == last
    new = services.set_up_agreement(
        choice=accepted_choice(person, third), terms=dict(TERMS), actor=commissioner
    )
    assert (new.replaces, new.start_date, new.arrangement) == (last, later + dt.timedelta(days=1), None)


def test_an_agreement_is_taken_over_once_unless_its_replacement_was_turned_down(
    person, family, profile_a, profile_b, commissioner, provider_b_manager
):
    """While a replacement is offered or agreed, no second one takes over; once it is declined, one may."""
    old = services.give_notice(
        agreement=agreed(person, profile_a.provider), notice_from=NoticeFrom.PERSON, actor=family, today=TODAY
    )
    first = services.set_up_agreement(
        choice=accepted_choice(person, profile_b.provider), terms=dict(TERMS), actor=commissioner
    )
    assert first.replaces == old
    third = _third_provider()
    waiting = (
        f"{person} has no approved budget with an Individual Service Fund held by Third Provider yet. "
        "The choice is kept and waits for the budget."
    )
    choice = accepted_choice(person, third)
    with pytest.raises(ProviderError, match=f"^{re.escape(waiting)}$"):
        services.set_up_agreement(choice=choice, terms=dict(TERMS), actor=commissioner)
    services.decline_agreement(agreement=first, reason="No staff.", actor=provider_b_manager)
    second = services.set_up_agreement(choice=choice, terms=dict(TERMS), actor=commissioner)
    assert (second.replaces, second.start_date) == (old, MOVE_DAY)
    services.accept_agreement(agreement=second, actor=commissioner)
    ended = []
    hook = lambda **kwargs: ended.append(kwargs)  # noqa: E731
    hooks.register_on_end(hook)
    try:
        services.end_agreement(agreement=old, actor=commissioner, today=MOVE_DAY)
        assert services.complete_due_changes(today=MOVE_DAY) == {"moved": 1, "ended": 0, "failed": 0}
    finally:
        hooks.unregister(hook)
    assert ended == []  # the money moved with the person: nothing is settled as at an end
    second.refresh_from_db()
    assert second.move_completed_at is not None and second.arrangement.provider == third


# ---- setting up: the terms typed, the defaults, the first version and its record ----------------------


def test_terms_typed_at_set_up_are_kept_and_the_rest_take_the_defaults(person, profile_a, commissioner):
    """Every term typed applies (also after the annual budget), a fee agreed in the terms wins over the
    profile's, a blank unspent limit is 4 weeks of budget, and an ISF that began earlier starts today."""
    arrangement = isf_budget(person, profile_a.provider, amount="26000.00", start=dt.date(2026, 4, 1))
    agreement = services.set_up_agreement(
        choice=accepted_choice(person, profile_a.provider),
        arrangement=arrangement,
        actor=commissioner,
        terms={
            "annual_budget": "26000.00",
            "outcomes": "Swim.",
            "management_fee_percent": None,
            "management_fee_fixed": "500.00",
            "unspent_limit": "",
            "overdraft_limit": "100.00",
        },
    )
    review = TODAY + dt.timedelta(days=365)
    terms = {
        "annual_budget": "26000.00",
        "management_fee_percent": None,
        "management_fee_fixed": "500.00",
        "outcomes": "Swim.",
        "payment_frequency_weeks": "4",
        "payment_in_advance": "True",
        "unspent_limit": "2000.00",
        "overdraft_limit": "100.00",
        "person_notice_days": "28",
        "provider_notice_days": "56",
        "start_date": TODAY.isoformat(),
        "end_date": None,
        "review_date": review.isoformat(),
    }
    version = agreement.versions.get()
    assert (version.number, version.terms, version.reason, version.created_by) == (
        1,
        terms,
        "Agreement set up",
        commissioner,
    )
    (entry,) = history_for(agreement)
    assert (entry.action, entry.actor, entry.additional_data["event"]) == (
        entry.Action.CREATE,
        commissioner,
        "agreement offered to provider",
    )
    assert entry.changes_dict == {name: ["", value or ""] for name, value in terms.items()}


def test_with_no_fee_on_the_profile_the_fee_must_be_agreed(person, provider_org, commissioner):
    """A provider with no directory profile gives no default fee: the commissioner agrees one up front."""
    with pytest.raises(
        ProviderError,
        match=r"^Agree the management fee up front: a percentage or a fixed annual amount \(it may be 0\)\.$",
    ):
        services.set_up_agreement(
            choice=accepted_choice(person, provider_org),
            arrangement=isf_budget(person, provider_org),
            terms={"outcomes": "Swim."},
            actor=commissioner,
        )
    assert not FlexibleAgreement.objects.exists()


def test_a_managed_direct_payment_becomes_an_isf_only_from_a_date_and_only_the_persons_own(
    person, other_person, profile_a, commissioner
):
    """Moving from a managed direct payment needs the date it becomes an ISF, and the person's own budget."""
    choice = accepted_choice(person, profile_a.provider)
    own = approved_budget(
        person, parts=((ManagementType.DIRECT_PAYMENT_MANAGED, "5000.00", profile_a.provider),)
    ).arrangements.get()
    with pytest.raises(ProviderError, match=r"^Only a managed direct payment becomes an ISF from a date\.$"):
        services.set_up_agreement(choice=choice, moving_from=own, terms=dict(TERMS), actor=commissioner)
    theirs = approved_budget(
        other_person, parts=((ManagementType.DIRECT_PAYMENT_MANAGED, "5000.00", profile_a.provider),)
    ).arrangements.get()
    with pytest.raises(ProviderError, match=r"^That budget belongs to someone else\.$"):
        services.set_up_agreement(
            choice=choice, moving_from=theirs, terms={**TERMS, "start_date": LAST_DAY}, actor=commissioner
        )
    assert not FlexibleAgreement.objects.exists()
    agreement = services.set_up_agreement(
        choice=choice, moving_from=own, terms={**TERMS, "start_date": LAST_DAY}, actor=commissioner
    )
    assert (agreement.annual_budget, agreement.start_date, agreement.arrangement) == (
        Decimal("5000.00"),
        LAST_DAY,
        None,
    )


# ---- changing terms: the start, the reason, the record ------------------------------------------------


def test_a_change_of_start_is_a_new_version_but_a_moves_start_stays_fixed(
    person, family, profile_a, profile_b, commissioner
):
    """An agreement's start may change; a replacement's start is the day after the old one ends."""
    agreement = agreed(person, profile_a.provider)
    changed = services.change_agreement_terms(
        agreement=agreement,
        terms={"start_date": START + dt.timedelta(days=7)},
        reason="Later",
        actor=commissioner,
    )
    assert (changed.version, changed.start_date) == (2, START + dt.timedelta(days=7))
    services.give_notice(agreement=changed, notice_from=NoticeFrom.PERSON, actor=family, today=TODAY)
    new = services.set_up_agreement(
        choice=accepted_choice(person, profile_b.provider), terms=dict(TERMS), actor=commissioner
    )
    moved = services.change_agreement_terms(
        agreement=new,
        terms={"start_date": LAST_DAY + dt.timedelta(days=9), "overdraft_limit": "100.00"},
        reason="Earlier",
        actor=commissioner,
    )
    assert (moved.version, moved.start_date, moved.overdraft_limit) == (
        2,
        LAST_DAY + dt.timedelta(days=1),
        Decimal("100.00"),
    )
    assert moved.versions.get(number=2).terms["start_date"] == (LAST_DAY + dt.timedelta(days=1)).isoformat()


def test_each_change_is_kept_with_who_made_it_and_the_reason_as_given(person, profile_a, commissioner):
    """A new version records who changed the terms and the reason, trimmed (blank when none is given)."""
    agreement = agreed(person, profile_a.provider)
    services.change_agreement_terms(
        agreement=agreement,
        terms={"overdraft_limit": "50.00"},
        reason="  Winter heating  ",
        actor=commissioner,
    )
    services.change_agreement_terms(
        agreement=agreement, terms={"overdraft_limit": "60.00"}, reason=None, actor=commissioner
    )
    versions = [(v.number, v.reason, v.created_by) for v in agreement.versions.order_by("number")]
    assert versions[1:] == [(2, "Winter heating", commissioner), (3, "", commissioner)]
    changes = [
        (e.additional_data["event"], e.additional_data["note"], e.changes_dict, e.actor)
        for e in history_for(agreement)
    ][2:]
    assert changes == [
        (
            "agreement terms changed (version 2)",
            "Winter heating",
            {"overdraft_limit": ["0.00", "50.00"]},
            commissioner,
        ),
        ("agreement terms changed (version 3)", "", {"overdraft_limit": ["50.00", "60.00"]}, commissioner),
    ]


# ---- the provider's answer, notice, the move and the end (session 8 survivors) ------------------------


def _recorded(events_of, prefix):
    return [
        (e.additional_data["event"], e.additional_data["note"], e.changes_dict, e.actor)
        for e in history_for(events_of)
        if e.additional_data["event"].startswith(prefix)
    ]


def test_each_acceptance_is_recorded_on_the_agreement_and_the_version_accepted(
    person, family, profile_a, commissioner, provider_a
):
    """The first acceptance makes the agreement active; accepting a change during notice keeps it ending;
    accepting what is already accepted records nothing."""
    agreement = agreed(person, profile_a.provider, accept=False)
    active = services.accept_agreement(agreement=agreement, actor=provider_a)
    assert services.accept_agreement(agreement=agreement, actor=commissioner).accepted_by == provider_a
    first = active.versions.get(number=1)
    assert (active.status, active.accepted_version, first.accepted_by, first.accepted_at) == (
        AgreementStatus.ACTIVE,
        1,
        provider_a,
        active.accepted_at,
    )
    services.give_notice(agreement=active, notice_from=NoticeFrom.PERSON, actor=family, today=TODAY)
    services.change_agreement_terms(
        agreement=active, terms={"overdraft_limit": "10.00"}, reason="Heating", actor=commissioner
    )
    ending = services.accept_agreement(agreement=active, actor=provider_a)
    second = ending.versions.get(number=2)
    assert (ending.status, ending.accepted_version, second.accepted_by, second.accepted_at) == (
        AgreementStatus.ENDING,
        2,
        provider_a,
        ending.accepted_at,
    )
    assert ending.accepted_at > active.accepted_at
    assert _recorded(agreement, "agreement accepted") == [
        ("agreement accepted by provider (version 1)", "", {"status": ["offered", "active"]}, provider_a),
        ("agreement accepted by provider (version 2)", "", {}, provider_a),
    ]


def test_declining_an_agreement_from_a_recorded_choice_declines_the_choice_with_the_reason(
    person, profile_a, commissioner, provider_a
):
    """A choice the commissioner recorded waits on the agreement: declining the one declines the other."""
    choice = services.record_choice(
        person=person,
        provider=profile_a.provider,
        made=ChoiceMade.PHONE,
        chosen_by="Ava",
        chosen_on=TODAY,
        actor=commissioner,
    )
    agreement = services.set_up_agreement(
        choice=choice,
        arrangement=isf_budget(person, profile_a.provider),
        terms=dict(TERMS),
        actor=commissioner,
    )
    services.decline_agreement(agreement=agreement, reason="  Too far.  ", actor=provider_a)
    choice.refresh_from_db()
    assert (choice.status, choice.decline_reason, choice.decided_by) == (
        ChoiceStatus.DECLINED,
        "Too far.",
        provider_a,
    )
    assert _recorded(agreement, "agreement declined") == [
        ("agreement declined by provider", "Too far.", {"status": ["offered", "declined"]}, provider_a)
    ]


def test_an_offer_withdrawn_is_recorded_with_who_withdrew_it(person, profile_a, commissioner):
    """Withdrawing an offer records the status change and who made it."""
    agreement = agreed(person, profile_a.provider, accept=False)
    services.withdraw_agreement(agreement=agreement, actor=commissioner)
    assert _recorded(agreement, "agreement withdrawn") == [
        ("agreement withdrawn", "", {"status": ["offered", "withdrawn"]}, commissioner)
    ]


def test_notice_counts_from_the_day_it_is_given_and_may_end_on_the_earliest_day(person, family, profile_a):
    """The earliest end is the day notice is given plus the notice; that day itself is allowed."""
    given = TODAY + dt.timedelta(days=10)
    agreement = services.give_notice(
        agreement=agreed(person, profile_a.provider), notice_from=NoticeFrom.PERSON, actor=family, today=given
    )
    assert agreement.end_date == given + dt.timedelta(days=28)
    other = agreed(PersonFactory(council=person.council), profile_a.provider)
    exact = services.give_notice(
        agreement=other,
        notice_from=NoticeFrom.PERSON,
        end_date=TODAY + dt.timedelta(days=28),
        actor=family,
        today=TODAY,
    )
    assert exact.end_date == TODAY + dt.timedelta(days=28)


def test_a_provider_gives_its_own_notice_and_its_reason_is_recorded(person, profile_a, provider_a):
    """The provider's notice is its own (56 days); its reason is kept, trimmed, with who gave it and when."""
    agreement = agreed(person, profile_a.provider)
    earliest = TODAY + dt.timedelta(days=56)
    message = f"The provider must give 56 days' notice. The earliest end date is {earliest:%-d %B %Y}."
    with pytest.raises(ProviderError, match=f"^{re.escape(message)}$"):
        services.give_notice(
            agreement=agreement,
            notice_from=NoticeFrom.PROVIDER,
            end_date=earliest - dt.timedelta(days=1),
            reason="We are closing.",
            actor=provider_a,
            today=TODAY,
        )
    before = timezone.now()
    ending = services.give_notice(
        agreement=agreement,
        notice_from=NoticeFrom.PROVIDER,
        reason="  We are closing.  ",
        actor=provider_a,
        today=TODAY,
    )
    ending.refresh_from_db()
    assert (ending.end_date, ending.notice_from, ending.notice_reason, ending.notice_given_by) == (
        earliest,
        NoticeFrom.PROVIDER,
        "We are closing.",
        provider_a,
    )
    assert before <= ending.notice_given_at <= timezone.now()
    assert _recorded(agreement, "notice") == [
        (
            "notice given by the provider",
            "We are closing.",
            {"status": ["active", "ending"], "end_date": ["", earliest.isoformat()]},
            provider_a,
        )
    ]


def _replacement(person, family, old_provider, new_provider, *, notice_on, accept_as=None):
    """Notice on an agreement with `old_provider` given on `notice_on`; the agreement with `new_provider`
    that replaces it (accepted by `accept_as` when given)."""
    old = services.give_notice(
        agreement=agreed(person, old_provider), notice_from=NoticeFrom.PERSON, actor=family, today=notice_on
    )
    new = services.set_up_agreement(
        choice=accepted_choice(person, new_provider), terms=dict(TERMS), actor=old.created_by
    )
    if accept_as is not None:
        new = services.accept_agreement(agreement=new, actor=accept_as)
    return old, new


def test_a_replacement_accepted_on_its_first_day_moves_the_person_at_once(
    person, family, profile_a, profile_b, provider_b_manager
):
    """Accepted on (or after) its start, a replacement completes the move then, recorded as the acceptor's."""
    moves = []

    def on_move(*, old_agreement, new_agreement, on_date, actor):
        moves.append((old_agreement.pk, new_agreement.pk, on_date, actor))

    hooks.register_on_move(on_move)
    try:
        old, new = _replacement(
            person,
            family,
            profile_a.provider,
            profile_b.provider,
            notice_on=TODAY - dt.timedelta(days=29),
            accept_as=provider_b_manager,
        )
    finally:
        hooks.unregister(on_move)
    assert new.start_date == TODAY and new.move_completed_at is not None
    assert moves == [(old.pk, new.pk, TODAY, provider_b_manager)]
    assert _recorded(old, "agreement ended") == [
        ("agreement ended: person moved", "", {"status": ["ending", "ended"]}, provider_b_manager)
    ]
    assert _recorded(new, "person moved") == [
        ("person moved to this agreement", "", {"replaces": [str(old), str(new)]}, provider_b_manager)
    ]
    old.arrangement.refresh_from_db()
    assert old.arrangement.end_date == TODAY - dt.timedelta(days=1)
    assert _recorded(old.arrangement, "arrangement ended") == [
        (
            "arrangement ended: person moved provider",
            "",
            {"end_date": ["", (TODAY - dt.timedelta(days=1)).isoformat()]},
            provider_b_manager,
        )
    ]
    assert (new.arrangement.provider, new.arrangement.annual_amount, new.arrangement.start_date) == (
        profile_b.provider,
        old.annual_budget,
        TODAY,
    )


def test_a_replacement_accepted_before_its_day_waits_for_it(
    person, family, profile_a, profile_b, provider_b_manager
):
    """Accepted the day before it starts, a replacement moves nobody yet."""
    old, new = _replacement(
        person,
        family,
        profile_a.provider,
        profile_b.provider,
        notice_on=TODAY - dt.timedelta(days=28),
        accept_as=provider_b_manager,
    )
    assert new.start_date == TODAY + dt.timedelta(days=1) and new.move_completed_at is None
    assert FlexibleAgreement.objects.get(pk=old.pk).status == AgreementStatus.ENDING


def test_the_money_is_settled_at_the_end_only_when_no_replacement_takes_over(
    person, family, profile_a, profile_b, commissioner, provider_b_manager
):
    """At an agreement's end the `on_end` hooks run (the day after its last) unless a replacement is offered
    or agreed; a declined one takes nothing over."""
    ended = []
    hook = lambda *, agreement, on_date, actor: ended.append((agreement.pk, on_date, actor))  # noqa: E731
    hooks.register_on_end(hook)
    try:
        waiting, _ = _replacement(person, family, profile_a.provider, profile_b.provider, notice_on=TODAY)
        someone = PersonFactory(council=person.council)
        declined_old, declined_new = _replacement(
            someone, family, profile_a.provider, profile_b.provider, notice_on=TODAY
        )
        services.decline_agreement(agreement=declined_new, reason="No staff.", actor=provider_b_manager)
        for agreement in (waiting, declined_old):
            services.end_agreement(agreement=agreement, actor=commissioner, today=MOVE_DAY)
    finally:
        hooks.unregister(hook)
    assert ended == [(declined_old.pk, MOVE_DAY, commissioner)]
    for agreement in (waiting, declined_old):
        arrangement = FlexibleAgreement.objects.get(pk=agreement.pk).arrangement
        assert arrangement.end_date == LAST_DAY
        assert _recorded(arrangement, "arrangement ended") == [
            ("arrangement ended: agreement ended", "", {"end_date": ["", LAST_DAY.isoformat()]}, commissioner)
        ]
    assert _recorded(waiting, "agreement ended") == [
        ("agreement ended", "", {"status": ["ending", "ended"]}, commissioner)
    ]


def test_an_agreement_in_force_is_not_ended_by_an_end_date_in_its_terms(person, profile_a, commissioner):
    """Only notice ends an agreement: one in force whose terms' end date has passed is not ended."""
    agreement = agreed(person, profile_a.provider, end_date=START + dt.timedelta(days=30))
    with pytest.raises(ProviderError, match=r"^This agreement has not reached its end date\.$"):
        services.end_agreement(agreement=agreement, actor=commissioner, today=TODAY)
    assert FlexibleAgreement.objects.get(pk=agreement.pk).status == AgreementStatus.ACTIVE


def test_the_daily_job_counts_every_move_end_and_failure_and_acts_as_its_caller(
    person, family, profile_a, profile_b, commissioner, provider_b_manager
):
    """Each move, end and failure is counted; what the job does is recorded as done by who ran it. (A
    move that fails still lets the old agreement end on time; the move is retried the next day.)"""
    moves = [
        _replacement(
            p, family, profile_a.provider, profile_b.provider, notice_on=TODAY, accept_as=provider_b_manager
        )
        for p in (person, PersonFactory(council=person.council))
    ]

    def broken(**kwargs):
        raise ProviderError("ledger unavailable")

    hooks.register_on_move(broken)
    try:
        first = services.complete_due_changes(today=MOVE_DAY, actor=commissioner)
    finally:
        hooks.unregister(broken)
    assert first == {"moved": 0, "ended": 2, "failed": 2}
    assert services.complete_due_changes(today=MOVE_DAY, actor=commissioner) == {
        "moved": 2,
        "ended": 0,
        "failed": 0,
    }
    for old, new in moves:
        assert _recorded(old, "agreement ended") == [
            ("agreement ended", "", {"status": ["ending", "ended"]}, commissioner)
        ]
        assert _recorded(new, "person moved")[0][3] == commissioner


def test_an_isf_of_nothing_a_year_can_still_be_agreed(person, profile_a, commissioner):
    """The annual budget may be £0.00 (only a negative one is refused); the unspent limit is then £0.00."""
    agreement = services.set_up_agreement(
        choice=accepted_choice(person, profile_a.provider),
        arrangement=isf_budget(person, profile_a.provider, amount="0.00"),
        terms=dict(TERMS),
        actor=commissioner,
    )
    assert (agreement.annual_budget, agreement.unspent_limit) == (Decimal("0.00"), Decimal("0.00"))


def test_only_the_persons_own_agreement_under_notice_is_taken_over(
    person, family, profile_a, profile_b, commissioner
):
    """Another person's notice, or an agreement of the person's in force with an end date in its terms,
    makes no move: with no ISF with the new provider, the choice waits for the budget."""
    other = PersonFactory(council=person.council)
    services.give_notice(
        agreement=agreed(other, profile_a.provider), notice_from=NoticeFrom.PERSON, actor=family, today=TODAY
    )
    agreed(person, profile_a.provider, end_date=LAST_DAY)
    waiting = (
        f"{person} has no approved budget with an Individual Service Fund held by "
        f"{profile_b.provider.name} yet. The choice is kept and waits for the budget."
    )
    with pytest.raises(ProviderError, match=f"^{re.escape(waiting)}$"):
        services.set_up_agreement(
            choice=accepted_choice(person, profile_b.provider), terms=dict(TERMS), actor=commissioner
        )


def test_a_managed_direct_payment_becoming_an_isf_replaces_no_agreement(
    person, family, profile_a, profile_b, commissioner
):
    """Notice on an ISF with one provider does not make a managed direct payment's new ISF a move."""
    services.give_notice(
        agreement=agreed(person, profile_a.provider), notice_from=NoticeFrom.PERSON, actor=family, today=TODAY
    )
    managed = approved_budget(
        person, parts=((ManagementType.DIRECT_PAYMENT_MANAGED, "5000.00", profile_b.provider),)
    ).arrangements.get()
    start = LAST_DAY + dt.timedelta(days=10)
    agreement = services.set_up_agreement(
        choice=accepted_choice(person, profile_b.provider),
        moving_from=managed,
        terms={**TERMS, "start_date": start},
        actor=commissioner,
    )
    assert (agreement.replaces, agreement.start_date, agreement.annual_budget) == (
        None,
        start,
        Decimal("5000.00"),
    )


def test_accepting_an_agreement_accepts_its_recorded_choice_as_the_provider_and_runs_the_hooks(
    person, profile_a, commissioner, provider_a
):
    """The provider who accepts the agreement is recorded as accepting the request; on_accept hooks are
    told the agreement and who accepted it."""
    choice = services.record_choice(
        person=person,
        provider=profile_a.provider,
        made=ChoiceMade.PAPER,
        chosen_by="Ava",
        chosen_on=TODAY,
        actor=commissioner,
    )
    agreement = services.set_up_agreement(
        choice=choice,
        arrangement=isf_budget(person, profile_a.provider),
        terms=dict(TERMS),
        actor=commissioner,
    )
    accepted = []
    hook = lambda *, agreement, actor: accepted.append((agreement.pk, actor))  # noqa: E731
    hooks.register_on_accept(hook)
    try:
        services.accept_agreement(agreement=agreement, actor=provider_a)
    finally:
        hooks.unregister(hook)
    assert accepted == [(agreement.pk, provider_a)]
    choice.refresh_from_db()
    assert (choice.status, choice.decided_by) == (ChoiceStatus.ACCEPTED, provider_a)


def test_a_missing_reason_to_decline_is_refused(person, profile_a, provider_a):
    """No reason (None) is no reason: the offer stays waiting."""
    agreement = agreed(person, profile_a.provider, accept=False)
    with pytest.raises(ProviderError, match=r"^Say why you cannot accept this agreement\.$"):
        services.decline_agreement(agreement=agreement, reason=None, actor=provider_a)
    assert FlexibleAgreement.objects.get(pk=agreement.pk).status == AgreementStatus.OFFERED


def test_notice_records_the_end_date_it_replaces(person, family, profile_a):
    """An agreement with an end date in its terms: notice records the old end date and the new one."""
    agreement = agreed(person, profile_a.provider, end_date=TODAY + dt.timedelta(days=90))
    services.give_notice(agreement=agreement, notice_from=NoticeFrom.PERSON, actor=family, today=TODAY)
    assert _recorded(agreement, "notice")[0][2] == {
        "status": ["active", "ending"],
        "end_date": [(TODAY + dt.timedelta(days=90)).isoformat(), LAST_DAY.isoformat()],
    }


def test_the_isf_moved_to_the_new_provider_is_recorded_as_the_movers(
    person, family, profile_a, profile_b, provider_b_manager
):
    """The new provider's ISF arrangement is recorded as made by whoever completed the move."""
    old, new = _replacement(
        person,
        family,
        profile_a.provider,
        profile_b.provider,
        notice_on=TODAY - dt.timedelta(days=29),
        accept_as=provider_b_manager,
    )
    new.refresh_from_db()
    assert [(e.additional_data["event"], e.actor) for e in history_for(new.arrangement)] == [
        ("arrangement moved to new provider", provider_b_manager)
    ]


def test_the_daily_job_counts_each_end_that_fails_and_ends_nothing_twice(
    person, family, profile_a, commissioner
):
    """An end whose hook fails is rolled back and counted as failed, one by one; the next run ends them."""
    for p in (person, PersonFactory(council=person.council)):
        services.give_notice(
            agreement=agreed(p, profile_a.provider), notice_from=NoticeFrom.PERSON, actor=family, today=TODAY
        )

    def broken(**kwargs):
        raise ProviderError("ledger unavailable")

    hooks.register_on_end(broken)
    try:
        first = services.complete_due_changes(today=MOVE_DAY, actor=commissioner)
    finally:
        hooks.unregister(broken)
    assert first == {"moved": 0, "ended": 0, "failed": 2}
    assert services.complete_due_changes(today=MOVE_DAY, actor=commissioner) == {
        "moved": 0,
        "ended": 2,
        "failed": 0,
    }
