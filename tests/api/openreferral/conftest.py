"""Directories for the Open Referral feed: one with every optional part a profile can publish filled in,
one with none."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from organisations.services import system_actor
from providers import services
from providers.elements import ELEMENTS, Answer, ClientGroup
from tests.factories import ProviderFactory
from tests.providers.factories import profile_for

FEED = "/api/openreferral"
ANSWERS = list(Answer.values)


@pytest.fixture
def feed():
    return APIClient()


@pytest.fixture
def full_profile(provider_org, council, other_council):
    """Every optional part a profile has, filled in."""
    return profile_for(
        provider_org,
        areas=[council, other_council],
        summary="A small Dorset organisation that helps people live the life they choose.",
        offers="Support at home, and holding your budget for you.",
        postcode_districts=["DT1", "DT4"],
        client_groups=list(ClientGroup.values),
        offers_isf=True,
        organisation_kind="community_hub",
        manages_direct_payments=True,
        management_fee_percent=None,
        management_fee_fixed=Decimal("1200.00"),
        languages=["English", "Polish"],
        staff_matching=True,
        supports_self_managed_staff=True,
        taking_new_people=True,
        regulator="Care Quality Commission",
        regulator_registration="1-123",
        regulator_rating="good",
        email="hello@a.example.org",
        phone="01305 000 000",
        website="https://a.example.org",
        address="1 Quay Street",
        town="Weymouth",
        postcode="DT4 8AA",
        latitude=Decimal("50.608100"),
        longitude=Decimal("-2.454800"),
        element_answers={code: ANSWERS[i % len(ANSWERS)] for i, code in enumerate(ELEMENTS)},
    )


@pytest.fixture
def bare_profile(other_provider_org):
    """A profile with nothing filled in but the provider's name."""
    return services.ensure_profile(provider=other_provider_org)


@pytest.fixture
def three_profiles(provider_org, other_provider_org, council, other_council):
    """Three providers to filter and page through."""
    a = profile_for(
        provider_org,
        areas=[council],
        postcode_districts=["DT1", "DT4"],
        client_groups=["adults_autism"],
        element_answers={"staff_matching": "yes_frequently"},
        latitude=Decimal("50.608100"),
        longitude=Decimal("-2.454800"),
        offers="Support at home in Weymouth.",
    )
    b = profile_for(
        other_provider_org,
        areas=[other_council],
        postcode_districts=["BS1"],
        offers_isf=False,
        management_fee_percent=None,
        taking_new_people=False,
        client_groups=["older_people"],
        element_answers={"staff_matching": "no"},
        latitude=Decimal("51.454500"),
        longitude=Decimal("-2.587900"),
        offers="Home support for older people in Bristol.",
    )
    c = profile_for(
        ProviderFactory(provider_ref="PRV-003", name="Wessex Community Hub"),
        areas=[council],
        organisation_kind="community_hub",
        manages_direct_payments=True,
        offers_isf=False,
        management_fee_percent=None,
        client_groups=["older_people", "dementia"],
        offers="A community hub in Dorchester that manages direct payments.",
    )
    return a, b, c


def update(profile, **values):
    return services.update_profile(provider=profile.provider, values=values, actor=system_actor())
