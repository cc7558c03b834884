"""The carers' section of a return (issue 19): carers with a budget of their own, at period end and
during the period, by how it is held, and those receiving a direct payment. Carers are never in the
people figures (counting.people_arrangements leaves them out); they are counted only here, by the same
rules (DESIGN.md, "Counting rules"): one query, a row per carer, conditional counts over the rows."""

from decimal import Decimal

from django.db.models import Case, Count, F, Max, Q, Sum, Value, When

from budgets.selectors import counted_arrangements
from organisations.money import to_money

from .counting import _DP, DELIVERY_CLASSES, MANAGEMENT_TYPES, _active_on, _in_period
from .labels import DELIVERY_CLASS_LABELS, MANAGEMENT_TYPE_LABELS
from .periods import Period

CARER_WHEN = ("at_period_end", "during_period")


def carer_arrangements(council_id: int):
    return counted_arrangements(council_ids=[council_id]).filter(budget__person__is_carer=True)


def carer_figures(*, council_id: int, period: Period) -> dict:
    """`carers` in the return's JSON:

    {"at_period_end": {"total", "by_delivery": {class: n}, "with_any": {type: n},
                       "receiving_direct_payment", "annual_value": {type: "0.00"}},
     "during_period": {"total", "by_delivery", "with_any", "receiving_direct_payment"}}
    """
    start, end = period.start, period.end
    at_end = _active_on(end)
    carer = "budget__person_id"
    flags = {}
    for t in MANAGEMENT_TYPES:
        is_t = Q(management_type=t)
        flags[f"c_end_{t}"] = Max(Case(When(at_end & is_t, then=Value(1)), default=Value(0)))
        flags[f"c_dur_{t}"] = Max(Case(When(is_t, then=Value(1)), default=Value(0)))
    rows = carer_arrangements(council_id).filter(_in_period(start, end)).values(carer).annotate(**flags)
    counts = {}
    for when, prefix in (("at_period_end", "c_end_"), ("during_period", "c_dur_")):
        n_types = sum((F(f"{prefix}{t}") for t in MANAGEMENT_TYPES[1:]), F(f"{prefix}{MANAGEMENT_TYPES[0]}"))
        rows = rows.annotate(**{f"{prefix}n": n_types})
        dp = Q()
        for t in _DP:
            dp |= Q(**{f"{prefix}{t}": 1})
        counts[f"{when}_total"] = Count(carer, filter=Q(**{f"{prefix}n__gte": 1}))
        counts[f"{when}_dp"] = Count(carer, filter=dp)
        counts[f"{when}_mixed"] = Count(carer, filter=Q(**{f"{prefix}n__gt": 1}))
        for t in MANAGEMENT_TYPES:
            counts[f"{when}_any_{t}"] = Count(carer, filter=Q(**{f"{prefix}{t}": 1}))
            counts[f"{when}_only_{t}"] = Count(carer, filter=Q(**{f"{prefix}n": 1, f"{prefix}{t}": 1}))
    c = rows.aggregate(**counts)
    values = {
        row["management_type"]: row["value"]
        for row in carer_arrangements(council_id)
        .filter(at_end)
        .values("management_type")
        .annotate(value=Sum("annual_amount"))
    }
    result = {}
    for when in CARER_WHEN:
        by_delivery = {f"{t}_only": c[f"{when}_only_{t}"] for t in MANAGEMENT_TYPES}
        by_delivery["mixed"] = c[f"{when}_mixed"]
        result[when] = {
            "total": c[f"{when}_total"],
            "by_delivery": by_delivery,
            "with_any": {t: c[f"{when}_any_{t}"] for t in MANAGEMENT_TYPES},
            "receiving_direct_payment": c[f"{when}_dp"],
        }
    result["at_period_end"]["annual_value"] = {
        t: str(to_money(values.get(t) or Decimal("0"))) for t in MANAGEMENT_TYPES
    }
    return result


def carers_tables(figures: dict) -> list[dict]:
    """The carers' section as tables for the page and the PDF: by how the budget is held (adding up
    to all carers), then those receiving a direct payment. A return made before issue 19 has none."""
    carers = figures.get("carers")
    if not carers:
        return []
    from .tables import count

    end, during = carers["at_period_end"], carers["during_period"]
    rows = [
        [DELIVERY_CLASS_LABELS[c], count(end["by_delivery"][c]), count(during["by_delivery"][c])]
        for c in DELIVERY_CLASSES
    ]
    rows.append(["All carers with a budget", count(end["total"]), count(during["total"])])
    value = ", ".join(
        f"{MANAGEMENT_TYPE_LABELS[t]} £{Decimal(v):,.2f}"
        for t, v in end["annual_value"].items()
        if Decimal(v)
    )
    return [
        {
            "id": "carers",
            "caption": "Carers with a budget of their own, by how it is held: number of carers",
            "head": ["How the carer's budget is held", "At period end", "During the period"],
            "rows": rows,
            "total": True,
            "note": "Carers are counted here only, never in the people figures."
            + (f" Annual value at period end: {value}." if value else ""),
        },
        {
            "id": "carers-direct-payment",
            "caption": "Carers receiving a direct payment (self-managed or managed): number of carers",
            "head": ["Carers", "At period end", "During the period"],
            "rows": [
                [
                    "Receiving a direct payment",
                    count(end["receiving_direct_payment"]),
                    count(during["receiving_direct_payment"]),
                ]
            ],
            "note": "A carer receiving a direct payment may also hold part of their budget another way.",
        },
    ]
