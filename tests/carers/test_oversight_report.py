"""The council's oversight report and the parts oversight checks, through the selectors its pages and
its daily run call (issue 20: each states a rule mutmut's survivors showed untested). The report counts
the checks started in the period, by how the budget is held and why, the latest decision of each (a
second look replaces the first), money returned and money kept; another council's checks never count."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from oversight import selectors, services
from oversight.models import Check, CheckKind, Decision, Outcome
from tests.budgets.factories import PersonFactory, RepresentativeFactory, approved_budget

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def _part(council, kind, provider=None, *, start=None, amount="5200.00"):
    person = PersonFactory(council=council)
    budget = approved_budget(
        person, start=start or TODAY() - dt.timedelta(days=200), parts=((kind, amount, provider),)
    )
    return budget.arrangements.get()


def _check(arrangement, actor, *, kind=CheckKind.CONCERN, raised_days_ago=0, talked=True):
    check = services.raise_concern(arrangement=arrangement, actor=actor, concern="Payments bounced")
    Check.objects.filter(pk=check.pk).update(
        kind=kind, raised_at=timezone.now() - dt.timedelta(days=raised_days_ago)
    )
    if talked:
        services.record_conversation(check=check, actor=actor, note="We talked.")
    return check


def _row(**values):
    row = {
        "checks": 0,
        "by_reason": {"large_balance": 0, "no_spending": 0, "concern": 0},
        "by_outcome": {"no_change": 0, "kept": 0, "plan_review": 0, "recovered": 0},
        "money_recovered": Decimal("0"),
        "money_kept": Decimal("0"),
        "waiting": 0,
    }
    for key, value in values.items():
        if isinstance(value, dict):
            row[key] = {**row[key], **value}
        else:
            row[key] = value
    return row


def test_the_report_counts_the_periods_checks_by_how_held_and_why_with_the_latest_decision_and_money(
    council, other_council, commissioner, approver, other_council_commissioner, provider_org
):
    dp, dp2 = _part(council, "direct_payment"), _part(council, "direct_payment")
    managed = _part(council, "direct_payment_managed", provider_org)
    isf = _part(council, "isf", provider_org)
    family = RepresentativeFactory(person=dp.budget.person).user

    # Direct payments: one decided twice (asked again: the second decision counts), one waiting, one
    # decided with nothing changing, one started on the period's first day.
    first = _check(dp, commissioner)
    services.decide(
        check=first, actor=commissioner, outcome=Outcome.RECOVERED, reason="Too much",
        amount_recovered=Decimal("600.00"), amount_kept=Decimal("400.00"), kept_for="a break",
    )  # fmt: skip
    services.ask_again(check=first, actor=family, reason="We need it")
    services.decide(
        check=first, actor=approver, outcome=Outcome.KEPT, reason="Agreed",
        amount_kept=Decimal("1000.00"), kept_for="a break",
    )  # fmt: skip
    _check(dp2, commissioner, kind=CheckKind.NO_SPENDING)
    quiet = _check(dp2, commissioner, kind=CheckKind.LARGE_BALANCE, raised_days_ago=10)
    services.decide(check=quiet, actor=commissioner, outcome=Outcome.NO_CHANGE, reason="Fine")
    recovered = _check(dp, commissioner, kind=CheckKind.LARGE_BALANCE, raised_days_ago=30)
    services.decide(
        check=recovered, actor=commissioner, outcome=Outcome.RECOVERED, reason="Unused",
        amount_recovered=Decimal("250.50"), amount_kept=Decimal("49.50"), kept_for="a trip",
    )  # fmt: skip
    # The managed direct payment: one decided to review the plan; the ISF: two returning money.
    review = _check(managed, commissioner, kind=CheckKind.NO_SPENDING)
    services.decide(check=review, actor=commissioner, outcome=Outcome.PLAN_REVIEW, reason="Review")
    for amount in ("100.00", "50.25"):
        back = _check(isf, commissioner)
        services.decide(
            check=back, actor=commissioner, outcome=Outcome.RECOVERED, reason="Unused",
            amount_recovered=Decimal(amount), amount_kept=Decimal("10.00"), kept_for="a trip",
        )  # fmt: skip
    # Not counted: started before the period or after it, or by another council.
    _check(dp, commissioner, raised_days_ago=31)
    before = _check(dp2, commissioner, raised_days_ago=40)
    services.decide(check=before, actor=commissioner, outcome=Outcome.NO_CHANGE, reason="Fine")
    _check(dp, commissioner, raised_days_ago=-1, talked=False)
    elsewhere = _part(other_council, "direct_payment")
    services.decide(
        check=_check(elsewhere, other_council_commissioner), actor=other_council_commissioner,
        outcome=Outcome.KEPT, reason="Agreed", amount_kept=Decimal("5.00"), kept_for="x",
    )  # fmt: skip

    report = selectors.council_report(
        council_id=council.pk, start=TODAY() - dt.timedelta(days=30), end=TODAY()
    )
    assert list(report) == ["direct_payment", "direct_payment_managed", "isf"]
    assert report["direct_payment"] == _row(
        checks=4,
        by_reason={"large_balance": 2, "no_spending": 1, "concern": 1},
        by_outcome={"kept": 1, "no_change": 1, "recovered": 1},
        money_recovered=Decimal("250.50"),
        money_kept=Decimal("1049.50"),
        waiting=1,
    )
    assert report["direct_payment_managed"] == _row(
        checks=1, by_reason={"no_spending": 1}, by_outcome={"plan_review": 1}
    )
    assert report["isf"] == _row(
        checks=2,
        by_reason={"concern": 2},
        by_outcome={"recovered": 2},
        money_recovered=Decimal("150.25"),
        money_kept=Decimal("20.00"),
    )
    empty = selectors.council_report(
        council_id=council.pk, start=TODAY() - dt.timedelta(days=400), end=TODAY() - dt.timedelta(days=300)
    )
    assert empty == {kind: _row() for kind in ("direct_payment", "direct_payment_managed", "isf")}


def test_two_decisions_at_the_same_moment_the_later_recorded_one_counts(council, commissioner, approver):
    dp = _part(council, "direct_payment")
    family = RepresentativeFactory(person=dp.budget.person).user
    check = _check(dp, commissioner)
    services.decide(check=check, actor=commissioner, outcome=Outcome.NO_CHANGE, reason="Fine")
    services.ask_again(check=check, actor=family, reason="Please")
    services.decide(
        check=check, actor=approver, outcome=Outcome.KEPT, reason="Agreed",
        amount_kept=Decimal("70.00"), kept_for="a trip",
    )  # fmt: skip
    Decision.objects.filter(check_obj=check).update(decided_at=timezone.now())
    row = selectors.council_report(council_id=council.pk, start=TODAY(), end=TODAY())["direct_payment"]
    assert (row["by_outcome"]["kept"], row["by_outcome"]["no_change"], row["money_kept"]) == (
        1,
        0,
        Decimal("70.00"),
    )


def test_the_parts_checked_today_are_the_councils_approved_direct_payments_and_isfs_active_today(
    council, other_council, provider_org
):
    dp = _part(council, "direct_payment", start=TODAY())
    managed = _part(council, "direct_payment_managed", provider_org)
    isf = _part(council, "isf", provider_org)
    ending_today = _part(council, "direct_payment")
    ending_today.end_date = TODAY()
    ending_today.save()
    ended = _part(council, "direct_payment")
    ended.end_date = TODAY() - dt.timedelta(days=1)
    ended.save()
    _part(council, "direct_payment", start=TODAY() + dt.timedelta(days=1))
    _part(council, "commissioner_controlled")
    _part(other_council, "direct_payment")
    checked = selectors.arrangements_to_check(council_id=council.pk, today=TODAY())
    assert set(checked) == {dp, managed, isf, ending_today}
    assert selectors.arrangements_to_check_for(dp.budget.person, today=TODAY()) == [dp]
    assert selectors.arrangements_to_check_for(ended.budget.person, today=TODAY()) == []


def test_the_money_left_comes_from_the_latest_annual_statement_sent_by_that_day_in_its_words(council):
    dp = _part(council, "direct_payment")
    family = RepresentativeFactory(person=dp.budget.person).user
    assert selectors.held_for(dp, TODAY()) == selectors.Held(None, None, "")
    older, latest = dt.date(2025, 3, 31), TODAY() - dt.timedelta(days=30)
    for year_end, spent in ((latest, "4000.00"), (older, "5100.00")):
        services.send_statement(
            arrangement=dp, actor=family, year_end=year_end, paid_for="A sitter",
            money_received=Decimal("5200.00"), money_spent=Decimal(spent),
        )  # fmt: skip
    assert selectors.held_for(dp, TODAY()) == selectors.Held(
        Decimal("1200.00"), None, f"your annual statement to {latest:%-d %B %Y}"
    )
    assert selectors.held_for(dp, latest) == selectors.Held(
        Decimal("1200.00"), None, f"your annual statement to {latest:%-d %B %Y}"
    )
    assert selectors.held_for(dp, latest - dt.timedelta(days=1)) == selectors.Held(
        Decimal("100.00"), None, "your annual statement to 31 March 2025"
    )


def test_the_parts_to_check_are_picked_from_the_loaded_versions_without_a_query_first_and_last_day_in(
    council, provider_org, django_assert_num_queries
):
    from budgets.selectors import casework_budgets

    starting = _part(council, "direct_payment", start=TODAY())
    person = starting.budget.person
    later = approved_budget(
        person, start=TODAY() - dt.timedelta(days=5), parts=(("isf", "100.00", provider_org),)
    )
    ending = later.arrangements.get()
    ending.end_date = TODAY()
    ending.save()
    expected = selectors.arrangements_to_check_for(person, today=TODAY())
    assert set(expected) == {starting, ending}
    person.loaded_budgets = casework_budgets(person)
    list(person.loaded_budgets)
    with django_assert_num_queries(0):
        assert selectors.arrangements_to_check_for(person, today=TODAY()) == expected
