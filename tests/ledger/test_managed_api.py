"""Issue 13, gap 5: the held-account API (/api/isf/, the ISF paths kept) with managed direct payments.
The managing organisation, the family and the commissioner each get exactly their own managed accounts
(anyone else's is 404, as for ISFs); entries post with idempotency keys; bad input is a 400 naming the
field."""

from decimal import Decimal

import pytest
from django.utils import timezone

from budgets.models import ManagementType
from organisations.models import Role
from providers.ledger import managed, services
from tests.budgets.factories import PersonFactory, approved_budget
from tests.conftest import sign_in
from tests.factories import ProviderFactory, UserFactory, staff
from tests.ledger.conftest import START

D = Decimal


def _managed_account(person, hub, robot, ref):
    budget = approved_budget(
        person, start=START, parts=((ManagementType.DIRECT_PAYMENT_MANAGED, "10400.00", hub),)
    )
    arrangement = budget.arrangements.get()
    arrangement.management_cost_percent = D("8.00")
    arrangement.budget_ref = ref
    arrangement.save()
    account = managed.open_managed_account(arrangement=arrangement, actor=robot)
    services.post_due_payments(fund=account, actor=robot, today=START)
    return account


@pytest.fixture
def hub(db):
    return ProviderFactory(provider_ref="PRV-HUB", name="Wareham Community Hub")


@pytest.fixture
def hub_staff(hub):
    return staff(Role.PROVIDER_FINANCE, provider=hub, email="finance@hub.example.org")


@pytest.fixture
def account(person, hub, robot):
    """Alys's managed direct payment, held by the hub: £800 after the first payment and cost."""
    return _managed_account(person, hub, robot, "DOR-MDP-1")


@pytest.fixture
def neighbour(council, robot):
    """Another Dorset person, whose direct payment another hub manages: same council, other organisation,
    other family."""
    other_hub = ProviderFactory(provider_ref="PRV-HUB2", name="Swanage Hub")
    relative = UserFactory(email="relative@test.example.org")
    person = PersonFactory(council=council, given_name="Cai", family_name="Neighbour")
    from budgets.models import Representative

    Representative.objects.create(person=person, user=relative, relationship="son")
    return _managed_account(person, other_hub, robot, "DOR-MDP-2")


@pytest.fixture
def elsewhere(other_person, robot):
    """A Bristol person's managed direct payment: another council's."""
    bristol_hub = ProviderFactory(provider_ref="PRV-HUB3", name="Avon Hub")
    return _managed_account(other_person, bristol_hub, robot, "BRI-MDP-1")


def _ids(client, query=""):
    response = client.get(f"/api/isf/{query}")
    assert response.status_code == 200
    return sorted(f["id"] for f in response.json()["results"])


def _post(client, account, key="hub-api-1", **overrides):
    body = {
        "entry_date": timezone.localdate().isoformat(),
        "category": "support",
        "amount": "40.00",
        "description": "Personal assistant, 2 hours",
    }
    body.update(overrides)
    headers = {"Idempotency-Key": key} if key is not None else {}
    return client.post(
        f"/api/isf/{account.pk}/entries/", body, content_type="application/json", headers=headers
    )


def _others_are_not_found(client, *accounts):
    for other in accounts:
        for path in ("", "entries/"):
            assert client.get(f"/api/isf/{other.pk}/{path}").status_code == 404, (other, path)
        assert _post(client, other, key="probe").status_code == 404
        assert (
            client.post(f"/api/isf/{other.pk}/statements/", {}, content_type="application/json").status_code
            == 404
        )


def test_the_managing_organisation_gets_exactly_its_own_managed_accounts(
    client, hub_staff, account, neighbour, elsewhere, fund
):
    sign_in(client, hub_staff)
    assert _ids(client) == [account.pk]
    detail = client.get(f"/api/isf/{account.pk}/").json()
    assert detail["kind"] == "direct_payment_managed" and detail["provider"] == "Wareham Community Hub"
    assert (detail["budget_ref"], detail["balance"]) == ("DOR-MDP-1", "800.00")
    # The annual amount the council pays: support plus the management cost on top.
    assert detail["annual_budget"] == "11232.00"
    entries = client.get(f"/api/isf/{account.pk}/entries/").json()
    assert [(e["category"], e["category_label"], e["amount"]) for e in entries] == [
        ("council_payment", "Money from the council", "864.00"),
        ("management_fee", "Management cost", "-64.00"),
    ]
    # Another organisation's account in the same council, another council's, and an ISF: 404.
    _others_are_not_found(client, neighbour, elsewhere, fund)


def test_the_family_gets_exactly_their_own_managed_account(client, family, account, neighbour, elsewhere):
    sign_in(client, family)
    assert _ids(client) == [account.pk]
    assert _ids(client, "?kind=direct_payment_managed") == [account.pk] and _ids(client, "?kind=isf") == []
    assert client.get(f"/api/isf/{account.pk}/").json()["balance"] == "800.00"
    _others_are_not_found(client, neighbour, elsewhere)
    # The family reads but never writes.
    assert _post(client, account).status_code == 403
    assert account.entries.count() == 2


def test_the_commissioner_gets_exactly_their_councils_managed_accounts(
    client, commissioner, account, neighbour, elsewhere, fund, other_fund
):
    sign_in(client, commissioner)
    assert _ids(client) == sorted([account.pk, neighbour.pk, fund.pk])
    assert _ids(client, "?kind=direct_payment_managed") == sorted([account.pk, neighbour.pk])
    bad = client.get("/api/isf/?kind=managed")
    assert bad.status_code == 400 and "kind" in bad.json()
    _others_are_not_found(client, elsewhere, other_fund)
    assert _post(client, account).status_code == 403  # the council reads; the hub records spending


def test_the_hub_posts_entries_with_idempotency_keys(client, hub_staff, account):
    sign_in(client, hub_staff)
    first = _post(client, account)
    assert first.status_code == 201 and first.json()["amount"] == "-40.00"
    assert first.json()["idempotency_key"] == "hub-api-1"
    again = _post(client, account)
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert again["Idempotent-Replayed"] == "true"
    conflict = _post(client, account, amount="41.00")
    assert conflict.status_code == 409 and "already used for a different entry" in conflict.json()["detail"]
    too_much = _post(client, account, key="hub-api-2", amount="900.00")
    assert too_much.status_code == 409 and "not enough money left" in too_much.json()["detail"]
    assert account.entries.filter(category="support").count() == 1
    assert client.get(f"/api/isf/{account.pk}/").json()["balance"] == "760.00"


@pytest.mark.parametrize(
    ("key", "overrides", "field"),
    [
        (None, {}, "Idempotency-Key"),
        ("x" * 121, {}, "Idempotency-Key"),
        ("bad-1", {"category": "management_fee"}, "category"),
        ("bad-2", {"category": "holiday"}, "category"),
        ("bad-3", {"amount": "-5.00"}, "amount"),
        ("bad-4", {"amount": "0.00"}, "amount"),
        ("bad-5", {"amount": "lots"}, "amount"),
        ("bad-6", {"entry_date": "27/11/2026"}, "entry_date"),
        ("bad-7", {"description": ""}, "description"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(client, hub_staff, account, key, overrides, field):
    sign_in(client, hub_staff)
    response = _post(client, account, key=key, **overrides)
    assert response.status_code == 400
    errors = response.json()
    assert set(errors) == {field}, errors
    assert errors[field], errors
    assert account.entries.count() == 2  # nothing written
