"""The counting rules (DESIGN.md, "Counting rules"), done by the database.

Every figure in a return comes from here. The people figures are one query: an inner GROUP BY person
over the council's counted arrangements in the period, and an outer set of conditional counts over
those rows. Arrangements by management type are a second query, the population a third and the
managed third-party history a fourth. Nothing loads people into Python.
"""

from datetime import date
from decimal import Decimal

from django.db.models import Case, Count, F, Max, Q, Sum, Value, When

from budgets.models import (
    DIRECT_PAYMENT_TYPES,
    MANAGED_THIRD_PARTY_TYPES,
    ManagementType,
    PrimarySupportReason,
)
from budgets.selectors import counted_arrangements
from organisations.models import Council
from organisations.money import round_half_up, to_money

from .models import AgeBand, PopulationFigure
from .periods import Period

MANAGEMENT_TYPES = [t.value for t in ManagementType]
DELIVERY_CLASSES = [f"{t}_only" for t in MANAGEMENT_TYPES] + ["mixed"]
AGE_BANDS = ["0-17", "18-64", "65-74", "75-84", "85+"]
SUPPORT_REASONS = [r.value for r in PrimarySupportReason]
SALT_MECHANISMS = ["direct_payment_only", "part_direct_payment", "cassr_managed_personal_budget"]
RATE_KEYS = ["personal_budgets", "direct_payments", "managed_third_party"]
_DP = [t.value for t in DIRECT_PAYMENT_TYPES]
_MTP = [t.value for t in MANAGED_THIRD_PARTY_TYPES]
# The population bands that make up the 18+ population: 18-64 and 65+, given whole or split.
ADULT_POPULATION_BANDS = [
    AgeBand.WORKING_AGE,
    AgeBand.OLDER,
    AgeBand.OLDER_65_74,
    AgeBand.OLDER_75_84,
    AgeBand.OLDER_85,
]


def years_before(day: date, years: int) -> date:
    """The same day `years` earlier; 29 February becomes 28 February in a common year, so that a person
    born on 28 February is a year older on 28 February (and one born on the 29th only on 1 March)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _age_band_filters(end: date) -> dict[str, Q]:
    """Age in whole years on `end` (a birthday on that day counts): someone is at least n on `end`
    exactly when they were born on or before the same day n years earlier."""
    born_by = {n: years_before(end, n) for n in (18, 65, 75, 85)}
    dob = "budget__person__date_of_birth"
    return {
        "0-17": Q(**{f"{dob}__gt": born_by[18]}),
        "18-64": Q(**{f"{dob}__lte": born_by[18], f"{dob}__gt": born_by[65]}),
        "65-74": Q(**{f"{dob}__lte": born_by[65], f"{dob}__gt": born_by[75]}),
        "75-84": Q(**{f"{dob}__lte": born_by[75], f"{dob}__gt": born_by[85]}),
        "85+": Q(**{f"{dob}__lte": born_by[85]}),
    }


def _in_period(start: date, end: date) -> Q:
    return Q(start_date__lte=end) & (Q(end_date__isnull=True) | Q(end_date__gte=start))


def _active_on(day: date) -> Q:
    return Q(start_date__lte=day) & (Q(end_date__isnull=True) | Q(end_date__gte=day))


def people_figures(*, council_id: int, period: Period) -> dict:
    """People at period end and during the period, by delivery class, age band, support reason and
    SALT mechanism: one query."""
    start, end = period.start, period.end
    at_end = _active_on(end)
    person = "budget__person_id"
    # One row per person: a 0/1 flag for each management type, at period end and during the period.
    # The set of types in scope is then the set of flags that are 1 (its size is their sum). Flags
    # (MAX of 0/1) rather than COUNT(DISTINCT type) let PostgreSQL hash-aggregate in parallel, which
    # is about twice as fast on a large council (see bench_monitoring).
    flags = {}
    for t in MANAGEMENT_TYPES:
        is_t = Q(management_type=t)
        flags[f"pp_end_{t}"] = Max(Case(When(at_end & is_t, then=Value(1)), default=Value(0)))
        flags[f"pp_dur_{t}"] = Max(Case(When(is_t, then=Value(1)), default=Value(0)))
    per_person = (
        counted_arrangements(council_ids=[council_id])
        .filter(_in_period(start, end))
        .values(person, "budget__person__date_of_birth", "budget__person__primary_support_reason")
        .annotate(**flags)
        .annotate(
            pp_types_end=sum(
                (F(f"pp_end_{t}") for t in MANAGEMENT_TYPES[1:]), F(f"pp_end_{MANAGEMENT_TYPES[0]}")
            ),
            pp_types_during=sum(
                (F(f"pp_dur_{t}") for t in MANAGEMENT_TYPES[1:]), F(f"pp_dur_{MANAGEMENT_TYPES[0]}")
            ),
        )
    )

    def any_of(prefix: str, types) -> Q:
        q = Q()
        for t in types:
            q |= Q(**{f"{prefix}{t}": 1})
        return q

    is_end = Q(pp_types_end__gte=1)
    adult = ~_age_band_filters(end)["0-17"]
    dp_end = any_of("pp_end_", _DP)
    not_dp_end = any_of("pp_end_", [t for t in MANAGEMENT_TYPES if t not in _DP])
    counts: dict[str, Count] = {
        "end_total": Count(person, filter=is_end),
        "during_total": Count(person),
        "mtp_end": Count(person, filter=any_of("pp_end_", _MTP)),
        "mtp_during": Count(person, filter=any_of("pp_dur_", _MTP)),
        "end_mixed": Count(person, filter=Q(pp_types_end__gt=1)),
        "during_mixed": Count(person, filter=Q(pp_types_during__gt=1)),
        "salt_direct_payment_only": Count(person, filter=is_end & adult & ~not_dp_end),
        "salt_part_direct_payment": Count(person, filter=adult & dp_end & not_dp_end),
        "salt_cassr_managed_personal_budget": Count(person, filter=is_end & adult & ~dp_end),
        "adults_end": Count(person, filter=is_end & adult),
        "adults_dp_end": Count(person, filter=adult & dp_end),
        "adults_mtp_end": Count(person, filter=adult & any_of("pp_end_", _MTP)),
    }
    for t in MANAGEMENT_TYPES:
        counts[f"end_{t}_only"] = Count(person, filter=Q(pp_types_end=1, **{f"pp_end_{t}": 1}))
        counts[f"during_{t}_only"] = Count(person, filter=Q(pp_types_during=1, **{f"pp_dur_{t}": 1}))
    for band, q in _age_band_filters(end).items():
        counts[f"age_{band}"] = Count(person, filter=is_end & q)
    for reason in SUPPORT_REASONS:
        counts[f"psr_{reason}"] = Count(
            person, filter=is_end & Q(budget__person__primary_support_reason=reason)
        )
    return per_person.aggregate(**counts)


def arrangement_figures(*, council_id: int, period: Period) -> dict:
    """Arrangements active at period end by management type: count and annual value (summed as
    stored). One GROUP BY query."""
    rows = (
        counted_arrangements(council_ids=[council_id])
        .filter(_active_on(period.end))
        .values("management_type")
        .annotate(count=Count("pk"), annual_value=Sum("annual_amount"))
    )
    found = {row["management_type"]: row for row in rows}
    return {
        t: {
            "count": found.get(t, {}).get("count", 0),
            "annual_value": str(to_money(found.get(t, {}).get("annual_value") or Decimal("0"))),
        }
        for t in MANAGEMENT_TYPES
    }


def adult_population(*, council_id: int, year: int) -> int | None:
    """The council's 18+ population for a year, or None when it has not been imported."""
    bands = dict(
        PopulationFigure.objects.filter(
            council_id=council_id, year=year, age_band__in=ADULT_POPULATION_BANDS
        ).values_list("age_band", "population")
    )
    if AgeBand.WORKING_AGE not in bands:
        return None
    older_split = [AgeBand.OLDER_65_74, AgeBand.OLDER_75_84, AgeBand.OLDER_85]
    if AgeBand.OLDER in bands:
        older = bands[AgeBand.OLDER]
    elif all(b in bands for b in older_split):
        older = sum(bands[b] for b in older_split)
    else:
        return None
    return bands[AgeBand.WORKING_AGE] + older


def rate_per_1000(count: int, population: int | None) -> float | None:
    """count / population × 1,000, one decimal place, half up (Decimal arithmetic, so 12.25 is 12.3)."""
    if not population:
        return None
    return float(round_half_up(Decimal(count) * 1000 / Decimal(population), 1))


def compute_figures(*, council: Council, period: Period) -> dict:
    """The figures the issue and DESIGN.md define, in the shape of the JSON return."""
    p = people_figures(council_id=council.pk, period=period)
    population = adult_population(council_id=council.pk, year=period.year)
    return {
        "council": council.gss_code,
        "period": period.as_dict(),
        "people_at_period_end": {
            "total": p["end_total"],
            "by_delivery": {c: p[f"end_{c}"] for c in DELIVERY_CLASSES},
        },
        "people_during_period": {
            "total": p["during_total"],
            "by_delivery": {c: p[f"during_{c}"] for c in DELIVERY_CLASSES},
        },
        "budgets_at_period_end": {
            "by_management_type": arrangement_figures(council_id=council.pk, period=period)
        },
        "managed_third_party": {
            "people_at_period_end": p["mtp_end"],
            "people_during_period": p["mtp_during"],
        },
        "by_age_band": {band: p[f"age_{band}"] for band in AGE_BANDS},
        "by_primary_support_reason": {reason: p[f"psr_{reason}"] for reason in SUPPORT_REASONS},
        "salt": {m: p[f"salt_{m}"] for m in SALT_MECHANISMS},
        "adults_at_period_end": {
            "personal_budgets": p["adults_end"],
            "direct_payments": p["adults_dp_end"],
            "managed_third_party": p["adults_mtp_end"],
        },
        "adult_population": {"year": period.year, "population": population},
        "rates_per_1000_adults": {
            "personal_budgets": rate_per_1000(p["adults_end"], population),
            "direct_payments": rate_per_1000(p["adults_dp_end"], population),
            "managed_third_party": rate_per_1000(p["adults_mtp_end"], population),
        },
    }


def managed_third_party_history(*, council_id: int, periods: list[Period]) -> list[dict]:
    """People with a managed third-party budget at the end of each period: one query, a conditional
    distinct count per period end."""
    if not periods:
        return []
    earliest, latest = min(p.start for p in periods), max(p.end for p in periods)
    counts = {
        f"p{i}": Count("budget__person_id", distinct=True, filter=_active_on(p.end))
        for i, p in enumerate(periods)
    }
    row = (
        counted_arrangements(council_ids=[council_id])
        .filter(_in_period(earliest, latest), management_type__in=_MTP)
        .aggregate(**counts)
    )
    return [{"period": p.label, "people_at_period_end": row[f"p{i}"]} for i, p in enumerate(periods)]
