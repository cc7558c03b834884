"""The API lists and accepts only what the caller may see: related fields and filters are scoped like
the pages (the browsable API's forms included), another tenant's id answers like an unknown id, and
the browsable API is offered only with DEBUG on."""

import datetime as dt
import importlib
import inspect

import pytest
from django.test import Client
from rest_framework import serializers
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer

from budgets import api as budgets_api
from config.api import ScopedRelatedFieldMixin
from tests.budgets.factories import PersonFactory, RepresentativeFactory, approved_budget
from tests.conftest import sign_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(council, other_council, provider_org):
    own = PersonFactory(council=council, person_ref="DOR-1", given_name="Ava", family_name="Stone")
    neighbour = PersonFactory(council=council, person_ref="DOR-2", given_name="Cai", family_name="Neighbour")
    other = PersonFactory(council=other_council, person_ref="BRS-1", given_name="Bryn", family_name="Hale")
    for person in (own, neighbour, other):
        approved_budget(person, start=dt.date(2026, 4, 1), parts=(("direct_payment", "1000.00", None),))
    return {"own": own, "neighbour": neighbour, "other": other}


@pytest.fixture
def family(people):
    user = UserFactory(email="family@test.example.org", full_name="Pat Stone")
    RepresentativeFactory(person=people["own"], user=user, relationship="mother")
    return user


def test_a_family_sees_no_one_elses_name_in_the_browsable_api_forms(family, people, monkeypatch):
    for view in (budgets_api.BudgetList, budgets_api.PersonList, budgets_api.ArrangementList):
        monkeypatch.setattr(view, "renderer_classes", [JSONRenderer, BrowsableAPIRenderer])
    client = sign_in(Client(), family)
    for path in ("/api/budgets/", "/api/people/", "/api/arrangements/"):
        response = client.get(path, headers={"Accept": "text/html"})
        html = response.content.decode()
        assert response.status_code == 200 and "<form" in html, path
        for name in ("Bryn", "Hale", "BRS-1", "Cai", "Neighbour", "Bristol City Council"):
            assert name not in html, f"{path} lists {name}"


def test_a_commissioner_picks_only_their_councils_people_and_councils(commissioner, people, monkeypatch):
    monkeypatch.setattr(budgets_api.BudgetList, "renderer_classes", [JSONRenderer, BrowsableAPIRenderer])
    html = (
        sign_in(Client(), commissioner).get("/api/budgets/", headers={"Accept": "text/html"}).content.decode()
    )
    assert "Cai Neighbour" in html
    assert "Bryn" not in html and "BRS-1" not in html


def test_without_debug_the_api_answers_json_only(family, people):
    client = sign_in(Client(), family)
    response = client.get("/api/budgets/", headers={"Accept": "text/html"})
    assert response["Content-Type"] == "application/json"
    assert client.get("/api/budgets/?format=api").status_code == 404


def test_a_filter_does_not_reveal_that_another_councils_person_exists(commissioner, people):
    client = sign_in(Client(), commissioner)
    other = client.get(f"/api/budgets/?person={people['other'].pk}")
    unknown = client.get("/api/budgets/?person=987654")
    assert other.status_code == unknown.status_code == 400
    assert (
        other.json()
        == unknown.json()
        == {"person": ["Select a valid choice. That choice is not one of the available choices."]}
    )
    own = client.get(f"/api/budgets/?person={people['neighbour'].pk}")
    assert own.status_code == 200 and own.json()["count"] == 1
    budget_of_other = people["other"].budgets.get()
    assert (
        client.get(f"/api/arrangements/?budget={budget_of_other.pk}").json()
        == client.get("/api/arrangements/?budget=987654").json()
    )


def test_proposing_for_another_councils_person_answers_like_an_unknown_id(commissioner, people):
    client = sign_in(Client(), commissioner)
    body = {
        "start_date": "2027-04-01",
        "arrangements": [{"management_type": "direct_payment", "annual_amount": "100.00"}],
    }
    other = client.post(
        "/api/budgets/", {**body, "person": people["other"].pk}, content_type="application/json"
    )
    unknown = client.post("/api/budgets/", {**body, "person": 987654}, content_type="application/json")
    assert other.status_code == unknown.status_code == 404
    assert other.json() == unknown.json()


def test_no_provider_can_be_picked_by_someone_who_writes_no_budgets(family, people, provider_org):
    field = budgets_api.ArrangementSerializer(context={"request": type("R", (), {"user": family})()}).fields[
        "provider"
    ]
    assert not field.get_queryset().exists()


def _project_serializers():
    for module_name in (
        "budgets.api",
        "providers.api",
        "providers.ledger.api",
        "surveys.api",
        "monitoring.api",
        "organisations.api",
    ):
        module = importlib.import_module(module_name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, serializers.BaseSerializer) and cls.__module__ == module_name:
                yield cls


def test_every_writable_related_field_in_the_api_is_scoped_to_the_caller():
    unscoped = []
    for cls in _project_serializers():
        try:
            fields = cls().fields
        except TypeError:
            continue
        for name, field in fields.items():
            child = getattr(field, "child_relation", field)
            writable_related = isinstance(child, serializers.RelatedField) and not field.read_only
            if writable_related and not isinstance(child, ScopedRelatedFieldMixin):
                unscoped.append(f"{cls.__module__}.{cls.__name__}.{name}")
    assert not unscoped, f"related fields that list every tenant's objects: {unscoped}"
