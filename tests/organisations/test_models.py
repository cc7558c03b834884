"""Database rules for organisations and roles."""

import pytest
from django.db import DataError, IntegrityError

from organisations.models import Membership, Provider, Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("ref", ["PRV-001", "a", "x" * 64, "org.one/two_3"])
def test_provider_references_of_the_agreed_form_are_accepted(ref):
    assert Provider.objects.create(provider_ref=ref, name="P").pk


@pytest.mark.parametrize("ref", ["", "has space", "x" * 65, "semi;colon"])
def test_other_provider_references_are_refused_by_the_database(ref):
    with pytest.raises((IntegrityError, DataError)):
        Provider.objects.create(provider_ref=ref, name="P")


def test_a_council_role_needs_a_council(provider_org):
    with pytest.raises(IntegrityError):
        Membership.objects.create(user=UserFactory(), role=Role.COMMISSIONER, provider=provider_org)


def test_a_provider_role_needs_a_provider(council):
    with pytest.raises(IntegrityError):
        Membership.objects.create(user=UserFactory(), role=Role.PROVIDER_MANAGER, council=council)
