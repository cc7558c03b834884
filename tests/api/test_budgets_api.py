"""The budgets API: scoped like the pages, 400 with field errors, 409 for broken rules, in the schema."""

import datetime as dt
from decimal import Decimal

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from budgets import services
from budgets.models import BudgetStatus, PersonalBudget
from tests.budgets.factories import PersonFactory, RepresentativeFactory, approved_budget
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def person(council):
    return PersonFactory(council=council, person_ref="DOR-1", given_name="Ava", family_name="Stone")


@pytest.fixture
def other_person(other_council):
    return PersonFactory(council=other_council, person_ref="BRS-1")


def _propose(person, commissioner, amount="1000.00"):
    return services.budget_propose(
        person=person,
        start_date=dt.date(2026, 4, 1),
        arrangements=[services.ArrangementInput("direct_payment", Decimal(amount))],
        actor=commissioner,
    )


def test_people_are_listed_only_for_the_callers_council(commissioner, person, other_person):
    response = api(commissioner).get("/api/people/")
    assert response.status_code == 200
    assert [p["person_ref"] for p in response.json()["results"]] == ["DOR-1"]


def test_another_councils_person_is_not_found(commissioner, other_person):
    response = api(commissioner).get(f"/api/people/{other_person.pk}/")
    assert response.status_code == 404
    assert "BRS-1" not in response.content.decode()
    # nor is the person reachable through their budgets
    approved_budget(other_person)
    assert api(commissioner).get("/api/budgets/").json()["results"] == []


def test_a_family_member_sees_only_their_own_person(person, other_person):
    user = UserFactory()
    RepresentativeFactory(person=person, user=user)
    client = api(user)
    assert [p["id"] for p in client.get("/api/people/").json()["results"]] == [person.pk]
    assert client.get(f"/api/people/{other_person.pk}/").status_code == 404


def test_adding_a_person_with_bad_fields_is_a_400_with_field_errors(commissioner, council):
    response = api(commissioner).post(
        "/api/people/",
        {
            "council": "E06000059",
            "person_ref": "bad ref",
            "date_of_birth": "1980-02-30",
            "primary_support_reason": "x",
        },
        format="json",
    )
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"person_ref", "date_of_birth", "primary_support_reason"}
    assert body["primary_support_reason"] == ['"x" is not a valid choice.']


def test_adding_a_person_twice_is_a_409(commissioner, person):
    response = api(commissioner).post(
        "/api/people/",
        {
            "council": "E06000059",
            "person_ref": "DOR-1",
            "date_of_birth": "1980-01-01",
            "primary_support_reason": "mental_health",
        },
        format="json",
    )
    assert response.status_code == 409
    assert response.json() == {"detail": "Dorset Council already has a person with reference DOR-1."}


def test_an_assessment_gives_the_indicative_budget_and_its_explanation(commissioner, person, council):
    questionnaire = services.ensure_default_questionnaire(council=council)
    allocation = api(commissioner).get("/api/resource-allocation/").json()["results"][0]
    answers = [{"question": q["id"], "option": q["options"][2]["id"]} for q in allocation["questions"]]
    carer = questionnaire.adjustments.get(percent__isnull=False)
    response = api(commissioner).post(
        f"/api/people/{person.pk}/assessments/",
        {"answers": answers, "adjustments": [carer.pk]},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    # 8 + 9 + 6 + 4 + 3 = 30 points × £850 = £25,500, less 10% = £22,950.
    assert body["indicative_amount"] == "22950.00"
    assert body["explanation"][2] == (
        "Because someone close to you gives you regular unpaid support, we took off 10% (£2,550.00)."
    )


def test_a_departure_without_a_reason_is_a_409(commissioner, person, council):
    services.ensure_default_questionnaire(council=council)
    allocation = api(commissioner).get("/api/resource-allocation/").json()["results"][0]
    answers = [{"question": q["id"], "option": q["options"][0]["id"]} for q in allocation["questions"]]
    response = api(commissioner).post(
        f"/api/people/{person.pk}/assessments/",
        {"answers": answers, "agreed_amount": "100.00"},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["detail"] == (
        "The indicative budget is £0.00. To set a different amount, write down why."
    )


def test_proposing_and_approving_through_the_api(commissioner, approver, person, provider_org):
    response = api(commissioner).post(
        "/api/budgets/",
        {
            "person": person.pk,
            "start_date": "2026-04-01",
            "arrangements": [
                {"management_type": "isf", "annual_amount": "9000.00", "provider": "PRV-001"},
                {"management_type": "direct_payment", "annual_amount": "1000.00"},
            ],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "proposed" and body["annual_total"] == "10000.00"
    own = api(commissioner).post(f"/api/budgets/{body['id']}/approve/")
    assert own.status_code == 403
    response = api(approver).post(f"/api/budgets/{body['id']}/approve/")
    assert response.status_code == 200
    assert response.json()["status"] == "approved"
    assert response.json()["review_due"] == "2027-04-01"


def test_an_approver_who_proposed_it_gets_a_409(approver, commissioner, person, council):
    from organisations.models import Role
    from organisations.services import grant_role

    grant_role(user=approver, role=Role.COMMISSIONER, council=council)
    budget = _propose(person, approver)
    response = api(approver).post(f"/api/budgets/{budget.pk}/approve/")
    assert response.status_code == 409
    assert response.json() == {"detail": "You proposed this budget, so someone else must approve it."}


def test_bad_arrangements_are_a_400_with_field_errors(commissioner, person):
    response = api(commissioner).post(
        "/api/budgets/",
        {
            "person": person.pk,
            "start_date": "2026-04-01",
            "arrangements": [
                {"management_type": "direct_payment", "annual_amount": "-1"},
                {"management_type": "isf", "annual_amount": "10.00"},
            ],
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "arrangements": {
            "0": {"annual_amount": ["Ensure this value is greater than or equal to 0."]},
            "1": {"provider": ["Needed for an isf or a direct_payment_managed."]},
        }
    }
    assert not PersonalBudget.objects.exists()


def test_a_second_proposal_while_one_waits_is_a_409(commissioner, person):
    _propose(person, commissioner)
    response = api(commissioner).post(
        "/api/budgets/",
        {
            "person": person.pk,
            "start_date": "2026-05-01",
            "arrangements": [{"management_type": "direct_payment", "annual_amount": "5.00"}],
        },
        format="json",
    )
    assert response.status_code == 409
    assert response.json() == {"detail": "A budget for Ava Stone is already waiting for approval."}


def test_send_back_needs_a_reason(commissioner, approver, person):
    budget = _propose(person, commissioner)
    client = api(approver)
    assert client.post(f"/api/budgets/{budget.pk}/send-back/", {}, format="json").json() == {
        "reason": ["This field is required."]
    }
    response = client.post(f"/api/budgets/{budget.pk}/send-back/", {"reason": "Too little"}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "sent_back" and response.json()["decision_reason"] == "Too little"


def test_another_councils_budget_cannot_be_approved(approver, other_council_commissioner, other_person):
    budget = _propose(other_person, other_council_commissioner)
    assert api(approver).post(f"/api/budgets/{budget.pk}/approve/").status_code == 404
    budget.refresh_from_db()
    assert budget.status == BudgetStatus.PROPOSED


def test_budgets_list_is_scoped_and_filterable(commissioner, person, other_person):
    approved_budget(person)
    approved_budget(other_person)
    body = api(commissioner).get("/api/budgets/", {"status": "approved"}).json()
    assert [b["person"] for b in body["results"]] == [person.pk]
    assert body["results"][0]["arrangements"][0]["management_type"] == "direct_payment"


def test_arrangements_are_scoped(commissioner, person, other_person):
    approved_budget(person)
    approved_budget(other_person)
    body = api(commissioner).get("/api/arrangements/").json()
    assert body["count"] == 1


def test_anonymous_callers_are_told_to_authenticate(person):
    response = api(None).get("/api/people/")
    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided."}
    assert "DOR-1" not in response.content.decode()


def test_the_budgets_api_is_in_the_schema(client):
    schema = client.get("/api/schema/", headers={"Accept": "application/json"}).content.decode()
    for p in (
        "/api/people/",
        "/api/budgets/{id}/approve/",
        "/api/budgets/{id}/send-back/",
        "/api/arrangements/",
    ):
        assert p in schema
