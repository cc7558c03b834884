"""Choices and agreements stay with the people they are about (DESIGN.md, "Access"): a family's
shortlist is private, a family sees only their own, staff see only their council's or their
organisation's. Each assertion was written against a selector fault seeded by hand that the suite did
not catch."""

import pytest

from budgets.models import Representative
from providers import services
from providers.models import ChoiceStatus
from providers.selectors import agreements_visible_to, choices_visible_to
from tests.budgets.factories import PersonFactory
from tests.factories import UserFactory
from tests.providers.factories import agreed

pytestmark = pytest.mark.django_db


@pytest.fixture
def neighbour(council):
    """Another family in the same council, who has asked provider A and has an agreement with it."""
    person = PersonFactory(council=council, person_ref="DOR-2", given_name="Cai", family_name="Moss")
    user = UserFactory(email="neighbour@test.example.org")
    Representative.objects.create(person=person, user=user, relationship="son")
    return person, user


def test_council_staff_never_see_a_familys_private_shortlist(
    person, family, profile_a, profile_b, commissioner
):
    shortlisted = services.shortlist_provider(person=person, provider=profile_b.provider, actor=family)
    asked = services.ask_provider(person=person, provider=profile_a.provider, message="", actor=family)
    assert shortlisted.status == ChoiceStatus.SHORTLISTED
    assert list(choices_visible_to(user=commissioner)) == [asked]
    assert set(choices_visible_to(user=family)) == {shortlisted, asked}


def test_a_family_sees_only_their_own_choices_and_agreements(person, family, neighbour, profile_a, profile_b):
    other, other_user = neighbour
    mine = services.shortlist_provider(person=person, provider=profile_b.provider, actor=family)
    agreement = agreed(other, profile_a.provider)
    assert list(choices_visible_to(user=family)) == [mine]
    assert list(choices_visible_to(user=other_user)) == [agreement.choice]
    assert not agreements_visible_to(user=family).exists()
    assert list(agreements_visible_to(user=other_user)) == [agreement]


def test_provider_staff_see_only_requests_to_their_own_organisation(
    person, family, neighbour, profile_a, profile_b, provider_a, provider_b_manager
):
    other, other_user = neighbour
    to_a = services.ask_provider(person=person, provider=profile_a.provider, message="", actor=family)
    agreement = agreed(other, profile_b.provider)
    assert list(choices_visible_to(user=provider_a)) == [to_a]
    assert list(choices_visible_to(user=provider_b_manager)) == [agreement.choice]
    assert not agreements_visible_to(user=provider_a).exists()
    assert list(agreements_visible_to(user=provider_b_manager)) == [agreement]
