"""Agreement rules at their edges: each test was written against a fault seeded into
providers/services.py that the suite did not catch."""

import datetime as dt

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
