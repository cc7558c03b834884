import pytest

from organisations.models import Role
from tests.budgets.factories import PersonFactory, RepresentativeFactory
from tests.factories import UserFactory, staff
from tests.providers.factories import profile_for


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
def profile_a(provider_org, council):
    return profile_for(provider_org, areas=[council], postcode_districts=["DT1"])


@pytest.fixture
def profile_b(other_provider_org, council):
    return profile_for(
        other_provider_org, areas=[council], management_fee_percent=None, management_fee_fixed="1200.00"
    )


@pytest.fixture
def provider_b_manager(other_provider_org):
    return staff(Role.PROVIDER_MANAGER, provider=other_provider_org, email="manager@provider-b.example.org")
