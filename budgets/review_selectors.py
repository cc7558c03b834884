"""Reads for reviews and a person's budget over time (issue 17), scoped like every other read."""

from decimal import Decimal

from django.db.models import QuerySet

from organisations.charts import GREEN, GREY, bar_chart
from organisations.money import format_money

from .models import BudgetReview, BudgetStatus, Person, PersonalBudget
from .selectors import people_visible_to


def reviews_visible_to(*, user) -> QuerySet[BudgetReview]:
    """Reviews of the people the user may see at all (pages then check casework or family: 403)."""
    return BudgetReview.objects.filter(budget__person__in=people_visible_to(user=user))


def version_total(budget: PersonalBudget) -> Decimal:
    """A version's annual amount on its first day (0.00 for a version that ends the budget)."""
    return budget.total_on(budget.start_date)


# What budget_by_version reads with each version: pass a list loaded with these to save the queries.
VERSION_RELATED = ("from_review", "from_review__reviewed_by")
VERSION_PREFETCH = ("arrangements", "from_review__outcomes")


def budget_by_version(person: Person, budgets: list[PersonalBudget] | None = None) -> list[dict]:
    """The person's approved versions in date order (and a proposal waiting, marked so), each with its
    annual amount, the change from the version before and the review that caused it. `budgets`: all
    the person's budgets, already loaded with VERSION_RELATED and VERSION_PREFETCH (the person page)."""
    wanted = (BudgetStatus.APPROVED, BudgetStatus.PROPOSED)
    if budgets is not None:
        versions = sorted((b for b in budgets if b.status in wanted), key=lambda b: (b.start_date, b.pk))
    else:
        versions = list(
            PersonalBudget.objects.filter(person=person, status__in=wanted)
            .select_related(*VERSION_RELATED)
            .prefetch_related(*VERSION_PREFETCH)
            .order_by("start_date", "pk")
        )
    rows, previous = [], None
    for v in versions:
        total = version_total(v)
        change = None if previous is None else total - previous
        rows.append(
            {
                "budget": v,
                "total": total,
                "change": change,
                "change_text": _change_text(change),
                "review": v.from_review,
                "waiting": v.status == BudgetStatus.PROPOSED,
            }
        )
        if v.status == BudgetStatus.APPROVED:
            previous = total
    return rows


def _change_text(change: Decimal | None) -> str:
    if change is None:
        return "–"
    if change == 0:
        return "no change"
    return f"{'+' if change > 0 else '−'}{format_money(abs(change))}"


def budget_chart(person: Person, rows: list[dict]):
    """A bar per version: green for an approved version, grey for one waiting for approval."""
    if not rows:
        return None
    bars = []
    for r in rows:
        label = f"From {r['budget'].start_date:%-d %b %Y}"
        if r["review"]:
            label += f" (after review on {r['review'].reviewed_on:%-d %b %Y})"
        if r["waiting"]:
            label += " (waiting for approval)"
        bars.append((label, r["total"], format_money(r["total"])))
    return bar_chart(
        chart_id="chart-budget-versions",
        title=f"Budget for {person} by version (pounds a year)",
        description="; ".join(f"{label}: {shown}" for label, _, shown in bars),
        rows=bars,
        colours=[GREY if r["waiting"] else GREEN for r in rows],
        css_class="app-chart",
    )
