"""Oversight's selectors: where a balance comes from (a registered source first, the latest registered
first, each asked once), and lists of checks and statements read with their people and staff in one
query however many rows."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from oversight import selectors, services
from tests.budgets.factories import PersonFactory, approved_budget
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _direct_payment(council, name):
    person = PersonFactory(council=council, given_name=name, family_name="Jones")
    budget = approved_budget(
        person,
        start=timezone.localdate() - dt.timedelta(days=200),
        parts=(("direct_payment", "5200.00", None),),
    )
    return budget.arrangements.get()


@pytest.fixture
def sources():
    """The registered balance sources, as they were after the test."""
    before = list(selectors._BALANCE_SOURCES)
    yield selectors._BALANCE_SOURCES
    selectors._BALANCE_SOURCES[:] = before


def test_a_registered_balance_source_is_asked_first_the_latest_first_and_once(council, sources):
    dp = _direct_payment(council, "Megan")
    today = timezone.localdate()
    asked = []

    def silent(arrangement, on):
        asked.append(("silent", arrangement.pk, on))
        return None

    def hub(arrangement, on):
        asked.append(("hub", arrangement.pk, on))
        return selectors.Held(Decimal("812.50"), on, "the hub's account")

    assert selectors.held_for(dp, today) == selectors.Held(None, None, "")
    selectors.register_balance_source(hub)
    selectors.register_balance_source(hub)
    assert selectors.held_for(dp, today) == selectors.Held(Decimal("812.50"), today, "the hub's account")
    assert asked == [("hub", dp.pk, today)]
    asked.clear()
    selectors.register_balance_source(silent)
    selectors.register_balance_source(silent)
    assert selectors.held_for(dp, today) == selectors.Held(Decimal("812.50"), today, "the hub's account")
    assert asked == [("silent", dp.pk, today), ("hub", dp.pk, today)]


def test_lists_of_checks_and_statements_take_one_query_however_long(council, commissioner, approver):
    family = UserFactory(email="family@example.org")

    def add(name):
        dp = _direct_payment(council, name)
        services.raise_concern(arrangement=dp, actor=commissioner, concern="Bounced")
        statement = services.send_statement(
            arrangement=dp,
            actor=family,
            year_end=timezone.localdate(),
            paid_for="A sitter",
            money_received=Decimal("100.00"),
            money_spent=Decimal("40.00"),
        )
        services.read_statement(statement=statement, actor=approver)

    def read(user):
        checks = selectors.checks_visible_to(user=user).order_by("pk")
        statements = selectors.statements_visible_to(user=user).order_by("pk")
        with CaptureQueriesContext(connection) as ctx:
            words = (
                [(c.arrangement.budget.person.given_name, c.council.name, c.raised_by.email) for c in checks],
                [
                    (
                        s.arrangement.budget.person.given_name,
                        s.sent_by.email,
                        s.read_by.email,
                        s.money_left,
                    )
                    for s in statements
                ],
            )
        return words, len(ctx)

    add("Ann")
    assert read(commissioner) == (
        (
            [("Ann", "Dorset Council", "commissioner@test.example.org")],
            [("Ann", "family@example.org", "approver@test.example.org", Decimal("60.00"))],
        ),
        2,
    )
    add("Bea")
    add("Cal")
    assert read(approver) == (
        (
            [(n, "Dorset Council", "commissioner@test.example.org") for n in ("Ann", "Bea", "Cal")],
            [
                (n, "family@example.org", "approver@test.example.org", Decimal("60.00"))
                for n in ("Ann", "Bea", "Cal")
            ],
        ),
        2,
    )
