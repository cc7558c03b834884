"""The public directory as Open Referral UK / HSDS 3.0: organizations, services, locations, contacts."""

import pytest
from rest_framework.test import APIClient

from providers.openreferral import contact_id, location_id, service_id
from tests.factories import ProviderFactory
from tests.providers.factories import profile_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def profiles(provider_org, other_provider_org, council, other_council):
    a = profile_for(
        provider_org,
        areas=[council],
        postcode_districts=["DT1"],
        email="hello@a.example.org",
        phone="01305 000 000",
        address="1 Quay Street",
        town="Weymouth",
        postcode="DT4 8AA",
        client_groups=["adults_autism"],
        element_answers={"staff_matching": "yes_frequently"},
        regulator="Care Quality Commission",
        regulator_registration="1-123",
    )
    b = profile_for(other_provider_org, areas=[other_council], offers_isf=False, taking_new_people=False)
    return a, b


def test_organizations_are_paginated_the_hsds_way(profiles):
    data = APIClient().get("/api/openreferral/organizations/?per_page=1").json()
    assert {
        k: data[k] for k in ("total_items", "total_pages", "page_number", "size", "first_page", "last_page")
    } == {
        "total_items": 2,
        "total_pages": 2,
        "page_number": 1,
        "size": 1,
        "first_page": True,
        "last_page": False,
    }
    (org,) = data["contents"]
    a = profiles[0]
    assert org["id"] == str(a.public_id) and org["name"] == "Harbour Lights Support"
    assert org["email"] == "hello@a.example.org"
    assert {"identifier_type": "provider_ref", "identifier": "PRV-001"}.items() <= org[
        "organization_identifiers"
    ][0].items()
    assert org["services"][0]["id"] == str(service_id(a))
    assert org["locations"][0]["id"] == str(location_id(a))
    assert org["contacts"][0]["id"] == str(contact_id(a))


def test_a_service_carries_areas_languages_fees_and_attributes(profiles):
    a = profiles[0]
    data = APIClient().get(f"/api/openreferral/services/{service_id(a)}/").json()
    assert data["organization_id"] == str(a.public_id)
    assert data["status"] == "active"
    assert data["fees_description"] == "Management fee 8.00% of the budget"
    assert [area["name"] for area in data["service_areas"]] == ["Dorset Council", "DT1"]
    assert data["service_areas"][0]["uri"].endswith("/E06000059")
    assert [lang["name"] for lang in data["languages"]] == ["English"]
    codes = [attr["taxonomy_term"]["code"] for attr in data["attributes"]]
    assert codes == ["client_group:adults_autism", "offers_isf", "element:staff_matching"]
    assert data["service_at_locations"][0]["location"]["addresses"][0]["postal_code"] == "DT4 8AA"


def test_a_full_provider_is_temporarily_closed(profiles):
    b = profiles[1]
    assert (
        APIClient().get(f"/api/openreferral/services/{service_id(b)}/").json()["status"]
        == "temporarily closed"
    )


def test_services_filter_like_the_directory(profiles):
    data = APIClient().get("/api/openreferral/services/?council=E06000023").json()
    assert [s["name"] for s in data["contents"]] == ["Personalised support from Purbeck Circles of Support"]
    data = APIClient().get("/api/openreferral/services/?offers_isf=true").json()
    assert data["total_items"] == 1


def test_locations_and_contacts_list(profiles):
    locations = APIClient().get("/api/openreferral/locations/").json()["contents"]
    assert locations[0]["addresses"][0]["address_1"] == "1 Quay Street"
    contacts = APIClient().get("/api/openreferral/contacts/").json()["contents"]
    assert contacts[0]["phones"][0]["number"] == "01305 000 000"


def test_an_unknown_id_is_404_and_a_provider_without_profile_is_absent(profiles):
    ProviderFactory(provider_ref="PRV-X", name="No profile")
    assert APIClient().get("/api/openreferral/organizations/?per_page=10").json()["total_items"] == 2
    assert (
        APIClient().get("/api/openreferral/organizations/00000000-0000-0000-0000-000000000000/").status_code
        == 404
    )


def test_the_directory_api_needs_no_sign_in_and_ignores_a_bad_token(profiles):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token nonsense")
    assert client.get("/api/openreferral/services/").status_code == 200
