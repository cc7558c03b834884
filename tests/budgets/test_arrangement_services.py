"""Ending an arrangement and moving an ISF to another provider: the budgets services other apps call."""

import datetime as dt
from decimal import Decimal

import pytest

from budgets.services import BudgetError, arrangement_end, arrangement_move_to_provider
from organisations.audit import history_for
from tests.budgets.factories import approved_budget

pytestmark = pytest.mark.django_db


def test_ending_an_arrangement_is_recorded_with_who_and_the_old_and_new_dates(person, commissioner):
    arrangement = approved_budget(person).arrangements.get()
    arrangement_end(arrangement=arrangement, last_day=dt.date(2026, 9, 30), actor=commissioner, event="ended")
    arrangement.refresh_from_db()
    assert arrangement.end_date == dt.date(2026, 9, 30)
    [entry] = history_for(arrangement)
    assert entry.actor == commissioner
    assert entry.changes == {"end_date": ["", "2026-09-30"]}


def test_an_arrangement_already_ending_sooner_is_left_as_it_is(person, commissioner):
    arrangement = approved_budget(person).arrangements.get()
    arrangement_end(arrangement=arrangement, last_day=dt.date(2026, 6, 30), actor=commissioner, event="ended")
    arrangement_end(arrangement=arrangement, last_day=dt.date(2026, 9, 30), actor=commissioner, event="ended")
    arrangement.refresh_from_db()
    assert arrangement.end_date == dt.date(2026, 6, 30)
    assert len(history_for(arrangement)) == 1


def test_an_isf_moves_to_another_provider_in_the_same_budget(
    person, commissioner, provider_org, other_provider_org
):
    budget = approved_budget(person, parts=(("isf", "9000.00", provider_org),))
    old = budget.arrangements.get()
    moved = arrangement_move_to_provider(
        arrangement=old,
        provider=other_provider_org,
        annual_amount=Decimal("9100"),
        start_date=dt.date(2026, 10, 1),
        actor=commissioner,
    )
    assert (moved.budget, moved.provider, moved.annual_amount, moved.council) == (
        budget,
        other_provider_org,
        Decimal("9100.00"),
        person.council,
    )
    assert [e.additional_data["event"] for e in history_for(moved)] == ["arrangement moved to new provider"]


def test_only_an_isf_moves_to_another_provider(person, commissioner, other_provider_org):
    direct_payment = approved_budget(person).arrangements.get()
    with pytest.raises(BudgetError, match="Only an Individual Service Fund moves to another provider."):
        arrangement_move_to_provider(
            arrangement=direct_payment,
            provider=other_provider_org,
            annual_amount=Decimal("1"),
            start_date=dt.date(2026, 10, 1),
            actor=commissioner,
        )
