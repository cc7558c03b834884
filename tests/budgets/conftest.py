import pytest

from budgets.services import ensure_default_questionnaire
from tests.budgets.factories import PersonFactory, RepresentativeFactory
from tests.factories import UserFactory


@pytest.fixture
def person(council):
    return PersonFactory(council=council, person_ref="DOR-1", given_name="Ava", family_name="Stone")


@pytest.fixture
def other_person(other_council):
    return PersonFactory(council=other_council, person_ref="BRS-1", given_name="Bryn", family_name="Hale")


@pytest.fixture
def family(person):
    user = UserFactory(email="family@test.example.org", full_name="Pat Stone")
    RepresentativeFactory(person=person, user=user, relationship="mother")
    return user


@pytest.fixture
def questionnaire(council):
    return ensure_default_questionnaire(council=council)


@pytest.fixture
def second_approver(council):
    from decimal import Decimal

    from organisations.models import Role
    from tests.factories import staff

    return staff(
        Role.APPROVER, council=council, approval_limit=Decimal("20000.00"), email="a2@test.example.org"
    )
