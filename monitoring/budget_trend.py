"""Budget per person over time (issue 17): the triangle, not the box.

For each period: the people with a budget at its end, the mean and median annual budget per person
(the sum, as stored, of each person's arrangements active at period end), and how many approved new
versions starting in the period went down after a review with an outcome met (tapering), went down
otherwise (a cut), or went up. Money is exact: means and medians are worked out in Decimal and rounded
to pennies half up; the median is the middle person (or the mean of the middle two) fetched in order
by the database.
"""

import datetime as dt
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum

from budgets.models import BudgetStatus, ManagementType, PersonalBudget, PrimarySupportReason, ReviewOutcome
from organisations.money import to_money

from .counting import MANAGEMENT_TYPES, people_arrangements
from .periods import Period

TREND_LENGTH = 5


def _active_on(day: dt.date) -> Q:
    return Q(start_date__lte=day) & (Q(end_date__isnull=True) | Q(end_date__gte=day))


def _per_person(arrangements: QuerySet, day: dt.date) -> QuerySet:
    return (
        arrangements.filter(_active_on(day))
        .values("budget__person_id")
        .annotate(total=Sum("annual_amount"))
        .order_by("total", "budget__person_id")
    )


def mean_and_median(per_person: QuerySet) -> tuple[int, Decimal, Decimal]:
    """(people, mean, median) of per-person totals: one aggregate and one small ordered slice."""
    row = per_person.order_by().aggregate(people=Count("budget__person_id"), whole=Sum("total"))
    n = row["people"] or 0
    if not n:
        return 0, Decimal("0.00"), Decimal("0.00")
    mean = to_money(Decimal(row["whole"]) / n)
    middle = [r["total"] for r in per_person[(n - 1) // 2 : n // 2 + 1]]
    median = to_money(sum(middle, Decimal("0")) / len(middle))
    return n, mean, median


def _version_changes(*, council_id: int, start: dt.date, end: dt.date) -> list[dict]:
    """Approved new versions starting between `start` and `end`: their annual amount on their first
    day against the version they replaced on the day before, and whether the review that caused them
    found an outcome met."""
    met = ReviewOutcome.objects.filter(review_id=OuterRef("from_review_id"), status="met")
    versions = (
        PersonalBudget.objects.filter(
            person__council_id=council_id,
            person__is_carer=False,
            status=BudgetStatus.APPROVED,
            replaces__isnull=False,
            start_date__gte=start,
            start_date__lte=end,
        )
        .annotate(outcomes_met=Exists(met))
        .prefetch_related("arrangements", "replaces__arrangements")
    )
    changes = []
    for v in versions:
        new = v.total_on(v.start_date)
        old = v.replaces.total_on(v.start_date - dt.timedelta(days=1))
        changes.append({"start": v.start_date, "change": new - old, "outcomes_met": v.outcomes_met})
    return changes


def budget_trend(*, council_id: int, periods: list[Period]) -> list[dict]:
    """`budget_trend` in the return's JSON: one entry per period, oldest first, exactly
    {"period", "people", "mean_annual_budget", "median_annual_budget", "reduced_after_outcomes_met",
    "reduced_otherwise", "increased"} (money as strings with two decimals)."""
    if not periods:
        return []
    arrangements = people_arrangements(council_id)
    changes = _version_changes(
        council_id=council_id, start=min(p.start for p in periods), end=max(p.end for p in periods)
    )
    result = []
    for p in sorted(periods):
        people, mean, median = mean_and_median(_per_person(arrangements, p.end))
        in_period = [c for c in changes if p.start <= c["start"] <= p.end]
        down = [c for c in in_period if c["change"] < 0]
        result.append(
            {
                "period": p.label,
                "people": people,
                "mean_annual_budget": str(mean),
                "median_annual_budget": str(median),
                "reduced_after_outcomes_met": sum(1 for c in down if c["outcomes_met"]),
                "reduced_otherwise": sum(1 for c in down if not c["outcomes_met"]),
                "increased": sum(1 for c in in_period if c["change"] > 0),
            }
        )
    return result


def budget_trend_breakdown(*, council_id: int, periods: list[Period]) -> dict:
    """For the council's trend page: mean and median per person by primary support reason (the whole
    budget) and by how it is held (the part of each person's budget held that way), per period."""
    arrangements = people_arrangements(council_id)
    by_reason, by_type = [], []
    for reason in PrimarySupportReason:
        cells = []
        for p in sorted(periods):
            qs = _per_person(arrangements.filter(budget__person__primary_support_reason=reason.value), p.end)
            cells.append(mean_and_median(qs))
        by_reason.append({"label": reason.label, "cells": cells})
    for t in MANAGEMENT_TYPES:
        cells = [
            mean_and_median(_per_person(arrangements.filter(management_type=t), p.end))
            for p in sorted(periods)
        ]
        by_type.append({"label": ManagementType(t).label, "cells": cells})
    return {"periods": [p.label for p in sorted(periods)], "by_reason": by_reason, "by_type": by_type}
