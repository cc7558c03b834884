"""Each person's landing page shows what waits for them, not a list of links: a family's budget, the
money left in their ISF and what happens next; an approver's proposals; a provider's requests; a
commissioner's reviews and choices; a monitoring officer's returns."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from budgets import services as budget_services
from budgets.models import Representative
from organisations.services import system_actor
from providers.ledger.services import post_due_payments
from providers.models import ChoiceStatus, ProviderChoice
from tests.budgets.factories import PersonFactory
from tests.conftest import sign_in
from tests.factories import UserFactory
from tests.ledger.factories import isf_fund

pytestmark = pytest.mark.django_db


def home_of(user) -> str:
    return sign_in(Client(), user).get("/").content.decode()


@pytest.fixture
def family_with_an_isf(council, provider_org):
    family = UserFactory(email="pat@example.org", full_name="Pat Taylor")
    person = PersonFactory(council=council, given_name="Alys", family_name="Taylor")
    Representative.objects.create(person=person, user=family, relationship="mother")
    fund = isf_fund(
        person=person,
        provider=provider_org,
        actor=system_actor(),
        start=dt.date(2026, 4, 6),
        budget_ref="L-1",
    )
    post_due_payments(fund=fund, actor=system_actor(), today=dt.date(2026, 4, 6))
    budget = fund.agreement.arrangement.budget
    budget.review_due = dt.date(2027, 4, 6)
    budget.save(update_fields=["review_due"])
    return family, person, fund


def test_a_familys_landing_page_shows_their_budget_money_left_and_what_happens_next(family_with_an_isf):
    family, person, fund = family_with_an_isf
    page = home_of(family)
    assert "What is waiting for you" in page
    assert "Your budget is £13,000.00 a year." in page
    assert "We will review your budget with you by 6 April 2027." in page
    # £13,000 / 13 = £1,000 in, 5% fee out: £950 left.
    assert f"Money left with {fund.provider.name}: £950.00." in page
    assert f'href="/your-budget/{person.pk}/"' in page


def test_an_approver_sees_the_proposals_waiting(council, commissioner, approver):
    person = PersonFactory(council=council)
    budget_services.budget_propose(
        person=person,
        start_date=dt.date(2026, 4, 1),
        arrangements=[budget_services.ArrangementInput("direct_payment", Decimal("100.00"))],
        actor=commissioner,
    )
    assert "1 budget waiting for you to approve or send back." in home_of(approver)
    # The commissioner who proposed it has nothing to approve, and sees their people instead.
    assert "review" in home_of(commissioner) and "waiting for you to approve" not in home_of(commissioner)


def test_a_provider_sees_requests_waiting(council, provider_org, provider_a):
    person = PersonFactory(council=council)
    ProviderChoice.objects.create(person=person, provider=provider_org, status=ChoiceStatus.REQUESTED)
    page = home_of(provider_a)
    assert provider_org.name in page
    assert "1 request from people who chose you, waiting for an answer." in page
    assert "0 agreements waiting for you to accept." in page


def test_a_monitoring_officer_sees_returns(monitoring_officer):
    assert "monitoring returns ready to download." in home_of(monitoring_officer)


def test_someone_signed_out_sees_the_service_explained(client):
    page = client.get("/").content.decode()
    assert "What is waiting for you" not in page
    assert "Personalised support, without becoming an employer" in page
