import datetime as dt

import pytest

from budgets.models import Representative
from organisations.services import system_actor
from providers.ledger import services
from tests.budgets.factories import PersonFactory
from tests.factories import UserFactory
from tests.ledger.factories import isf_fund

START = dt.date(2026, 4, 6)


@pytest.fixture
def family(db):
    return UserFactory(email="family@test.example.org", full_name="Pat Taylor")


@pytest.fixture
def person(council, family):
    person = PersonFactory(council=council, given_name="Alys", family_name="Taylor")
    Representative.objects.create(person=person, user=family, relationship="mother")
    return person


@pytest.fixture
def other_person(other_council):
    return PersonFactory(council=other_council, given_name="Bryn", family_name="Other")


@pytest.fixture
def robot(db):
    return system_actor()


@pytest.fixture
def fund(person, provider_org, robot):
    """Alys's ISF with provider A: £13,000 a year, 5% fee, every 4 weeks in advance from 6 April 2026."""
    return isf_fund(person=person, provider=provider_org, actor=robot, start=START, budget_ref="DOR-ISF-1")


@pytest.fixture
def other_fund(other_person, other_provider_org, robot):
    return isf_fund(
        person=other_person, provider=other_provider_org, actor=robot, start=START, budget_ref="BRI-ISF-1"
    )


@pytest.fixture
def paid(fund, robot):
    """The first four weeks: £1,000.00 in from the council, £50.00 fee out (5%): £950.00 left."""
    services.post_due_payments(fund=fund, actor=robot, today=START)
    return fund
