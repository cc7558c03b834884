"""Ending and moving arrangements at their edges: an arrangement already ending that day is left as it
is; a move to another provider is an ISF with its own next reference, recorded with who and from which
provider and reference; new references follow the council's own latest pattern (issue 20: each test
here kills mutants that survived the earlier tests)."""

import datetime as dt
from decimal import Decimal

import pytest

from budgets.models import Arrangement, ManagementType
from budgets.services import BudgetError, arrangement_end, arrangement_move_to_provider, new_budget_refs
from organisations.audit import history_for
from tests.budgets.factories import approved_budget

pytestmark = pytest.mark.django_db


def test_an_arrangement_already_ending_on_that_day_is_left_as_it_is(person, commissioner):
    arrangement = approved_budget(person).arrangements.get()
    Arrangement.objects.filter(pk=arrangement.pk).update(end_date=dt.date(2026, 9, 30))
    arrangement.refresh_from_db()
    arrangement_end(arrangement=arrangement, last_day=dt.date(2026, 9, 30), actor=commissioner, event="ended")
    assert list(history_for(arrangement)) == []


def test_ending_sooner_than_planned_records_the_old_and_the_new_last_day(person, commissioner):
    arrangement = approved_budget(person).arrangements.get()
    Arrangement.objects.filter(pk=arrangement.pk).update(end_date=dt.date(2027, 3, 31))
    arrangement.refresh_from_db()
    arrangement_end(arrangement=arrangement, last_day=dt.date(2026, 9, 30), actor=commissioner, event="ended")
    arrangement.refresh_from_db()
    assert arrangement.end_date == dt.date(2026, 9, 30)
    [entry] = history_for(arrangement)
    assert (entry.actor, entry.changes) == (commissioner, {"end_date": ["2027-03-31", "2026-09-30"]})


def test_an_arrangement_is_never_ended_before_it_starts(person, commissioner):
    arrangement = approved_budget(person).arrangements.get()
    arrangement_end(arrangement=arrangement, last_day=dt.date(2026, 1, 1), actor=commissioner, event="ended")
    arrangement.refresh_from_db()
    assert arrangement.end_date == dt.date(2026, 4, 1)


def test_a_move_is_an_isf_with_the_next_reference_recorded_with_who_and_from_where(
    person, commissioner, provider_org, other_provider_org
):
    budget = approved_budget(person, parts=(("isf", "9000.00", provider_org),))
    old = budget.arrangements.get()
    Arrangement.objects.filter(pk=old.pk).update(budget_ref="DOR-PB-00041")
    old.refresh_from_db()
    moved = arrangement_move_to_provider(
        arrangement=old,
        provider=other_provider_org,
        annual_amount=Decimal("9100"),
        start_date=dt.date(2026, 10, 1),
        actor=commissioner,
    )
    moved.refresh_from_db()
    assert (moved.management_type, moved.budget_ref, moved.start_date, moved.end_date) == (
        ManagementType.ISF,
        "DOR-PB-00042",
        dt.date(2026, 10, 1),
        None,
    )
    [entry] = history_for(moved)
    assert entry.actor == commissioner
    assert entry.additional_data["event"] == "arrangement moved to new provider"
    assert entry.action == entry.Action.CREATE
    assert entry.changes == {
        "provider": ["Harbour Lights Support", "Purbeck Circles of Support"],
        "budget_ref": ["DOR-PB-00041", "DOR-PB-00042"],
    }


def test_only_an_isf_moves_and_the_refusal_says_so(person, commissioner, other_provider_org):
    direct_payment = approved_budget(person).arrangements.get()
    with pytest.raises(BudgetError) as refused:
        arrangement_move_to_provider(
            arrangement=direct_payment,
            provider=other_provider_org,
            annual_amount=Decimal("1"),
            start_date=dt.date(2026, 10, 1),
            actor=commissioner,
        )
    assert str(refused.value) == "Only an Individual Service Fund moves to another provider."
    assert Arrangement.objects.count() == 1


def test_new_references_follow_the_councils_latest_numbered_one(person, council):
    budget = approved_budget(person, parts=())
    for ref in ("DOR/2024/0007", "OLD-9"):
        Arrangement.objects.create(
            budget=budget,
            council=council,
            management_type="direct_payment",
            annual_amount=Decimal("1.00"),
            start_date=dt.date(2026, 4, 1),
            budget_ref=ref,
        )
    # The latest made is OLD-9: the next in its pattern, whatever other patterns the council has used.
    assert new_budget_refs(council_id=council.pk, count=2) == ["OLD-10", "OLD-11"]
