"""Who funds the budgets in a return (issue 18): the council's own people at period end, each counted
once, by whether their budget is funded by a council alone, by the NHS alone, or jointly; and the people
of other councils whose budgets this body pays a share of (counted in those councils' returns, not in
this one's people).

A budget with no funding shares is funded by the person's own council or NHS body; with shares, by the
kinds of body that hold them. Existing figures do not change: this is one more section of the return.
"""

from django.db.models import Case, Count, IntegerField, Max, Q, Sum, Value, When

from budgets.selectors import counted_arrangements
from nhs.models import FundingShare, NhsBody
from organisations.models import Council
from organisations.money import format_money, to_money

from .counting import people_arrangements
from .periods import Period

FUNDING_CLASSES = ["local_authority_only", "nhs_only", "joint"]
FUNDING_LABELS = {
    "local_authority_only": "Funded by a council alone",
    "nhs_only": "Funded by the NHS alone (for example a personal health budget)",
    "joint": "Funded jointly by a council and the NHS",
}


def _active_on(day) -> Q:
    return Q(start_date__lte=day) & (Q(end_date__isnull=True) | Q(end_date__gte=day))


def _flag(condition: Q):
    return Max(Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField()))


def nhs_funding_figures(*, council: Council, period: Period) -> dict:
    """People at period end by who funds their budget (each person once, the same people as
    people_at_period_end: a carer's own budget is not among them), and this body's shares of other
    councils' people's budgets active at period end."""
    end = period.end
    own_is_nhs = NhsBody.objects.filter(council=council).exists()
    shares = "budget__funding_shares"
    per_person = (
        people_arrangements(council.pk)
        .filter(_active_on(end))
        .values("budget__person_id")
        .annotate(
            any_share=_flag(Q(**{f"{shares}__isnull": False})),
            nhs_share=_flag(Q(**{f"{shares}__funder__nhs_body__isnull": False})),
            la_share=_flag(Q(**{f"{shares}__isnull": False, f"{shares}__funder__nhs_body__isnull": True})),
        )
    )
    person = "budget__person_id"
    unshared = Q(any_share=0)
    row = per_person.aggregate(
        unshared=Count(person, filter=unshared),
        joint=Count(person, filter=Q(nhs_share=1, la_share=1)),
        nhs_shared=Count(person, filter=Q(nhs_share=1, la_share=0)),
        la_shared=Count(person, filter=Q(nhs_share=0, la_share=1)),
    )
    people = {
        "local_authority_only": row["la_shared"] + (0 if own_is_nhs else row["unshared"]),
        "nhs_only": row["nhs_shared"] + (row["unshared"] if own_is_nhs else 0),
        "joint": row["joint"],
    }
    # Other councils' people only: a carer's own budget is never among people (issue 19), even when
    # this body pays a share of it.
    others = (
        FundingShare.objects.filter(funder=council, budget__status="approved", budget__person__is_carer=False)
        .exclude(budget__person__council=council)
        .filter(
            budget__arrangements__in=counted_arrangements().filter(_active_on(end)),
        )
        .aggregate(people=Count("budget__person_id", distinct=True))
    )
    value = (
        FundingShare.objects.filter(
            funder=council,
            budget__status="approved",
            budget__person__is_carer=False,
            pk__in=FundingShare.objects.filter(
                budget__arrangements__in=counted_arrangements().filter(_active_on(end))
            ).values("pk"),
        )
        .exclude(budget__person__council=council)
        .aggregate(total=Sum("annual_amount"))
    )
    return {
        "people_at_period_end": people,
        "shares_of_other_councils_budgets": {
            "people": others["people"],
            "annual_value": str(to_money(value["total"] or 0)),
        },
    }


def funding_table(figures: dict) -> dict | None:
    section = figures.get("nhs_funding")
    if not section:
        return None
    people = section["people_at_period_end"]
    other = section["shares_of_other_councils_budgets"]
    rows = [[FUNDING_LABELS[k], f"{people[k]:,}"] for k in FUNDING_CLASSES]
    rows.append(["Total (each person once)", f"{sum(people[k] for k in FUNDING_CLASSES):,}"])
    return {
        "id": "nhs-funding",
        "caption": "People at period end by who funds their budget",
        "head": ["Funded by", "People"],
        "rows": rows,
        "total": True,
        "note": (
            f"This body also pays a share of the budgets of {other['people']:,} people of other councils "
            f"({format_money(other['annual_value'])} a year); they are counted in those councils' returns."
        ),
    }
