"""The private API for choices and agreements, scoped like the pages."""

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from providers.models import AgreementStatus, ChoiceStatus, FlexibleAgreement, ProviderChoice
from tests.budgets.factories import PersonFactory, RepresentativeFactory
from tests.conftest import sign_in
from tests.factories import UserFactory
from tests.providers.factories import accepted_choice, agreed, isf_budget, profile_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(council):
    return PersonFactory(council=council, person_ref="DOR-1", given_name="Ava", family_name="Stone")


@pytest.fixture
def family(person):
    user = UserFactory(email="family@test.example.org")
    RepresentativeFactory(person=person, user=user)
    return user


@pytest.fixture
def profile_a(provider_org, council):
    return profile_for(provider_org, areas=[council])


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        sign_in(client, user)
    return client


def test_anonymous_callers_are_told_to_authenticate(profile_a):
    for url in ("/api/provider-choices/", "/api/agreements/"):
        response = api().get(url)
        assert response.status_code == 401
        assert response.json() == {"detail": "Authentication credentials were not provided."}


def test_a_family_asks_a_provider_and_the_provider_accepts(family, person, profile_a, provider_a):
    response = api(family).post(
        "/api/provider-choices/",
        {"person_id": person.pk, "provider_ref": "PRV-001", "message": "Hi"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    choice_id = response.json()["id"]
    assert response.json()["status"] == "requested"
    response = api(provider_a).post(
        f"/api/provider-choices/{choice_id}/decision/", {"decision": "accept"}, format="json"
    )
    assert response.status_code == 200 and response.json()["status"] == "accepted"


def test_asking_twice_is_a_409_with_a_readable_message(family, person, profile_a):
    body = {"person_id": person.pk, "provider_ref": "PRV-001"}
    api(family).post("/api/provider-choices/", body, format="json")
    response = api(family).post("/api/provider-choices/", body, format="json")
    assert response.status_code == 409
    assert response.json() == {"detail": "You have already asked Harbour Lights Support."}


def test_a_family_cannot_ask_for_someone_else(family, profile_a, council):
    stranger_person = PersonFactory(council=council)
    response = api(family).post(
        "/api/provider-choices/", {"person_id": stranger_person.pk, "provider_ref": "PRV-001"}, format="json"
    )
    assert response.status_code == 404
    assert not ProviderChoice.objects.filter(person=stranger_person).exists()


def test_a_commissioner_sets_up_an_agreement_the_provider_accepts(
    person, profile_a, commissioner, provider_a
):
    choice = accepted_choice(person, profile_a.provider)
    arrangement = isf_budget(person, profile_a.provider, amount="13000.00")
    response = api(commissioner).post(
        "/api/agreements/",
        {
            "choice_id": choice.pk,
            "arrangement_id": arrangement.pk,
            "outcomes": "Swim.",
            "management_fee_percent": "8",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["status"] == "offered" and data["annual_budget"] == "13000.00"
    assert data["unspent_limit"] == "1000.00" and data["overdraft_limit"] == "0.00"
    assert data["payment_frequency_weeks"] == 4 and data["person_notice_days"] == 28
    response = api(provider_a).post(f"/api/agreements/{data['id']}/accept/")
    assert response.status_code == 200 and response.json()["status"] == "active"


def test_an_api_agreement_cannot_type_its_own_annual_amount(commissioner, person, profile_a):
    choice = accepted_choice(person, profile_a.provider)
    arrangement = isf_budget(person, profile_a.provider, amount="13000.00")
    response = api(commissioner).post(
        "/api/agreements/",
        {
            "choice_id": choice.pk,
            "arrangement_id": arrangement.pk,
            "annual_budget": "999999.00",
            "outcomes": "Swim.",
            "management_fee_percent": "8",
        },
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["detail"].startswith(
        "The annual budget comes from the approved budget: £13,000.00"
    )


def test_setting_up_with_no_budget_is_a_409(person, profile_a, commissioner):
    choice = accepted_choice(person, profile_a.provider)
    response = api(commissioner).post(
        "/api/agreements/", {"choice_id": choice.pk, "outcomes": "Swim."}, format="json"
    )
    assert response.status_code == 409
    assert "The choice is kept and waits for the budget." in response.json()["detail"]


def test_only_the_commissioner_sets_up_and_only_the_provider_accepts(
    person, family, profile_a, provider_a, commissioner
):
    agreement = agreed(person, profile_a.provider, accept=False)
    response = api(provider_a).post(
        "/api/agreements/", {"choice_id": agreement.choice_id, "outcomes": "Swim."}, format="json"
    )
    assert response.status_code == 403
    assert api(commissioner).post(f"/api/agreements/{agreement.pk}/accept/").status_code == 403
    assert api(family).post(f"/api/agreements/{agreement.pk}/accept/").status_code == 403
    # Refused, and nothing changed: still the one agreement, waiting for the provider.
    assert FlexibleAgreement.objects.get() == agreement
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.OFFERED


def test_the_person_gives_notice_through_the_api(person, family, profile_a):
    agreement = agreed(person, profile_a.provider)
    response = api(family).post(f"/api/agreements/{agreement.pk}/notice/", {}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == AgreementStatus.ENDING
    assert response.json()["end_date"] == (timezone.localdate() + dt.timedelta(days=28)).isoformat()


def test_lists_are_scoped_and_another_tenants_object_is_404(
    person, family, profile_a, other_council_commissioner, commissioner, other_provider_org
):
    agreement = agreed(person, profile_a.provider)
    assert [a["id"] for a in api(commissioner).get("/api/agreements/").json()] == [agreement.pk]
    assert api(other_council_commissioner).get("/api/agreements/").json() == []
    assert api(other_council_commissioner).get(f"/api/agreements/{agreement.pk}/").status_code == 404
    choice = ProviderChoice.objects.get()
    assert api(other_council_commissioner).get(f"/api/provider-choices/{choice.pk}/").status_code == 404
    assert api(family).get(f"/api/provider-choices/{choice.pk}/").json()["status"] == ChoiceStatus.ACCEPTED
