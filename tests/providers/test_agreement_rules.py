"""Agreement rules at their edges: each test was written against a fault seeded into
providers/services.py that the suite did not catch."""

import datetime as dt

import pytest
from django.utils import timezone

from organisations.audit import history_for
from providers import services
from providers.models import AgreementStatus, FlexibleAgreement, NoticeFrom
from providers.services import ProviderError
from tests.providers.factories import TERMS, agreed

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
