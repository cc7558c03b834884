"""The family's summary sums the year's entries in PostgreSQL by day and kind (issue 14): its figures and
its balance by day are those of the entries taken one by one, corrections of every kind included."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from providers.ledger import services
from providers.ledger.models import Category, LedgerEntry
from providers.ledger.selectors import family_summary, money_breakdown
from tests.ledger.conftest import START

pytestmark = pytest.mark.django_db


def test_summed_by_day_and_kind_it_agrees_with_the_entries_one_by_one(fund, robot):
    today = timezone.localdate()
    services.post_due_payments(fund=fund, actor=robot, today=today)
    day = START + dt.timedelta(days=3)

    def spend(amount, key, category):
        entry, _ = services.record_spending(
            fund=fund,
            entry_date=day,
            category=category,
            amount=amount,
            description="Support from Ann",
            idempotency_key=key,
            actor=robot,
            today=today,
        )
        return entry

    support = spend("120.00", "s1", Category.SUPPORT)
    spend("80.50", "s2", Category.SUPPORT)  # the same day and kind: summed into one row
    activity = spend("30.25", "a1", Category.ACTIVITY)
    refund, _ = services.record_refund(
        fund=fund, amount="10.00", reason="Over paid", actor=robot, today=today
    )
    fee = LedgerEntry.objects.filter(fund=fund, category=Category.MANAGEMENT_FEE).first()
    for wrong in (support, activity, refund, fee):  # every kind a correction may correct
        services.reverse_entry(entry=wrong, reason="Wrong", actor=robot, today=today)
    fund.refresh_from_db()
    corrected = set(
        LedgerEntry.objects.filter(fund=fund, category=Category.CORRECTION).values_list(
            "reverses__category", flat=True
        )
    )
    assert corrected == {
        Category.SUPPORT,
        Category.ACTIVITY,
        Category.REFUND,
        Category.MANAGEMENT_FEE,
    }

    summary = family_summary(fund, today=today)
    entries = list(
        LedgerEntry.objects.filter(fund=fund, entry_date__gte=summary.since)
        .select_related("reverses")
        .order_by("entry_date", "recorded_at", "pk")
    )
    one_by_one = money_breakdown(entries)
    assert summary.money_in == one_by_one.from_council
    assert summary.spent == one_by_one.spent == Decimal("80.50")  # the corrected £120 and £30.25 net out
    assert summary.management_fee == one_by_one.management_fee
    assert summary.paid_back == one_by_one.paid_back == Decimal("0.00")
    assert summary.moved == one_by_one.moved
    assert summary.other_corrections == one_by_one.other_corrections
    assert summary.spending_by_kind == one_by_one.spending_by_kind
    # The balance at the end of each day with entries, worked out entry by entry.
    running, by_day = Decimal("0"), {}
    for entry in LedgerEntry.objects.filter(fund=fund).order_by("entry_date", "recorded_at", "pk"):
        running += entry.amount
        by_day[entry.entry_date] = running
    assert {d: v for d, v in summary.balance_points if d in by_day} == {
        d: v for d, v in by_day.items() if d >= summary.since
    }
    assert summary.money_left == running == fund.balance


def test_the_money_before_the_year_and_the_years_entries_are_summed_in_one_statement(fund, robot):
    """family_summary reads the sum before the year and the year's sums by day and kind in one SQL
    statement (issue 14): the year starts with exactly the entries before it, and an account with no
    entries before the year starts at £0.00."""
    services.post_due_payments(fund=fund, actor=robot, today=START)
    late = START + dt.timedelta(days=390)
    services.record_spending(
        fund=fund,
        entry_date=late,
        category=Category.SUPPORT,
        amount="12.34",
        description="Support from <Ann & 'Bo'>",
        idempotency_key="late-1",
        actor=robot,
        today=late,
    )
    fund.refresh_from_db()
    today = START + dt.timedelta(days=400)
    since = today - dt.timedelta(days=364)
    before = sum(
        LedgerEntry.objects.filter(fund=fund, entry_date__lt=since).values_list("amount", flat=True),
        Decimal("0"),
    )
    assert before > 0
    summary = family_summary(fund, today=today)
    assert summary.since == since
    assert summary.balance_points == [
        (since, before),
        (late, before - Decimal("12.34")),
        (today, fund.balance),
    ]
    assert summary.money_left == fund.balance == before - Decimal("12.34")
    assert (summary.spent, summary.money_in) == (Decimal("12.34"), 0)

    # A year with every entry in it (nothing before it): it starts from nothing, to the penny.
    first_year = family_summary(fund, today=START + dt.timedelta(days=10))
    on_the_first_day = sum(
        LedgerEntry.objects.filter(fund=fund, entry_date=START).values_list("amount", flat=True), Decimal("0")
    )
    assert first_year.since == fund.opened_on == START
    # (As before this change, an entry dated after `today` is summed with the year: the late one.)
    assert first_year.balance_points == [(START, on_the_first_day), (late, fund.balance)]
    assert str(on_the_first_day) == str(before) == "950.00"
    assert str(first_year.money_left) == "937.66"
