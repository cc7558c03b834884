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
