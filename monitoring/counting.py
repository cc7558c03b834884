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
# Distinct rates: each counts adults with at least one arrangement of that kind (they still overlap for
# mixed people, but none includes another, unlike direct payments and managed third-party budgets).
DISTINCT_RATE_KEYS = ["self_managed_direct_payments", "isf", "council_managed"]
ALL_RATE_KEYS = RATE_KEYS + DISTINCT_RATE_KEYS
ADULT_RATE_BANDS = ["18-64", "65+"]
SDS_OPTIONS = ["option_1", "option_2", "option_3", "option_4"]
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


def people_arrangements(council_id: int):
    """The counted arrangements of people with care and support needs: a carer's own budget is
    counted only in the carers' section (monitoring.carers), never in the people figures."""
    return counted_arrangements(council_ids=[council_id]).filter(budget__person__is_carer=False)


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


def _adult_rate_band_filters(end: date) -> dict[str, Q]:
    bands = _age_band_filters(end)
    return {"18-64": bands["18-64"], "65+": bands["65-74"] | bands["75-84"] | bands["85+"]}


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
        people_arrangements(council_id)
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
        "adults_self_managed_direct_payments_end": Count(person, filter=adult & Q(pp_end_direct_payment=1)),
        "adults_isf_end": Count(person, filter=adult & Q(pp_end_isf=1)),
        "adults_council_managed_end": Count(person, filter=adult & Q(pp_end_commissioner_controlled=1)),
    }
    for t in MANAGEMENT_TYPES:
        counts[f"with_any_{t}"] = Count(person, filter=Q(**{f"pp_end_{t}": 1}))
    # Scottish SDS options at period end: direct payments of either kind are option 1, ISF option 2,
    # council-managed option 3; a person whose arrangements span two or more of them is option 4 (so a
    # self-managed and a managed direct payment together are still option 1).
    options = {
        "option_1": dp_end,
        "option_2": Q(pp_end_isf=1),
        "option_3": Q(pp_end_commissioner_controlled=1),
    }
    for name, has in options.items():
        others = Q()
        for other_name, other in options.items():
            if other_name != name:
                others |= other
        counts[f"sds_{name}"] = Count(person, filter=has & ~others)
    two_or_more = Q()
    for a, b in (("option_1", "option_2"), ("option_1", "option_3"), ("option_2", "option_3")):
        two_or_more |= options[a] & options[b]
    counts["sds_option_4"] = Count(person, filter=two_or_more)
    for band, q in _adult_rate_band_filters(end).items():
        counts[f"band_{band}_personal_budgets"] = Count(person, filter=is_end & q)
        counts[f"band_{band}_direct_payments"] = Count(person, filter=dp_end & q)
        counts[f"band_{band}_managed_third_party"] = Count(person, filter=any_of("pp_end_", _MTP) & q)
    for band, q in _age_band_filters(end).items():
        for t in MANAGEMENT_TYPES:
            counts[f"bd_{band}_{t}_only"] = Count(person, filter=q & Q(pp_types_end=1, **{f"pp_end_{t}": 1}))
        counts[f"bd_{band}_mixed"] = Count(person, filter=q & Q(pp_types_end__gt=1))
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
        people_arrangements(council_id)
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


def adult_population_by_band(*, council_id: int, year: int) -> dict[str, int | None]:
    """The council's 18-64 and 65+ populations for a year (None where not imported). 65+ is the `65+`
    row, or the sum of `65-74`, `75-84` and `85+` when those are given instead."""
    bands = dict(
        PopulationFigure.objects.filter(
            council_id=council_id, year=year, age_band__in=ADULT_POPULATION_BANDS
        ).values_list("age_band", "population")
    )
    older_split = [AgeBand.OLDER_65_74, AgeBand.OLDER_75_84, AgeBand.OLDER_85]
    if AgeBand.OLDER in bands:
        older = bands[AgeBand.OLDER]
    elif all(b in bands for b in older_split):
        older = sum(bands[b] for b in older_split)
    else:
        older = None
    return {"18-64": bands.get(AgeBand.WORKING_AGE), "65+": older}


def adult_population(*, council_id: int, year: int) -> int | None:
    """The council's 18+ population for a year, or None when it has not been imported."""
    bands = adult_population_by_band(council_id=council_id, year=year)
    if bands["18-64"] is None or bands["65+"] is None:
        return None
    return bands["18-64"] + bands["65+"]


def rate_per_1000(count: int, population: int | None) -> float | None:
    """count / population × 1,000, one decimal place, half up (Decimal arithmetic, so 12.25 is 12.3)."""
    if not population:
        return None
    return float(round_half_up(Decimal(count) * 1000 / Decimal(population), 1))


def compute_figures(*, council: Council, period: Period) -> dict:
    """The figures the issue and DESIGN.md define, in the shape of the JSON return."""
    p = people_figures(council_id=council.pk, period=period)
    band_population = adult_population_by_band(council_id=council.pk, year=period.year)
    population = adult_population(council_id=council.pk, year=period.year)
    adults = {
        "personal_budgets": p["adults_end"],
        "direct_payments": p["adults_dp_end"],
        "managed_third_party": p["adults_mtp_end"],
        **{k: p[f"adults_{k}_end"] for k in DISTINCT_RATE_KEYS},
    }
    adults_by_band = {band: {k: p[f"band_{band}_{k}"] for k in RATE_KEYS} for band in ADULT_RATE_BANDS}
    return {
        "council": council.gss_code,
        "period": period.as_dict(),
        "people_at_period_end": {
            "total": p["end_total"],
            "by_delivery": {c: p[f"end_{c}"] for c in DELIVERY_CLASSES},
            "with_any": {t: p[f"with_any_{t}"] for t in MANAGEMENT_TYPES},
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
        "by_age_band_and_delivery": {
            band: {c: p[f"bd_{band}_{c}"] for c in DELIVERY_CLASSES} for band in AGE_BANDS
        },
        "sds_options": {o: p[f"sds_{o}"] for o in SDS_OPTIONS},
        "adults_at_period_end": adults,
        "adults_at_period_end_by_age_band": adults_by_band,
        "adult_population": {"year": period.year, "population": population, "by_age_band": band_population},
        "rates_per_1000_adults": {k: rate_per_1000(adults[k], population) for k in ALL_RATE_KEYS},
        "rates_per_1000_adults_by_age_band": {
            band: {k: rate_per_1000(adults_by_band[band][k], band_population[band]) for k in RATE_KEYS}
            for band in ADULT_RATE_BANDS
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
        people_arrangements(council_id)
        .filter(_in_period(earliest, latest), management_type__in=_MTP)
        .aggregate(**counts)
    )
    return [{"period": p.label, "people_at_period_end": row[f"p{i}"]} for i, p in enumerate(periods)]


TREND_KEYS = ["personal_budgets", "managed_third_party"]


def trend_figures(*, council_id: int, periods: list[Period]) -> list[dict]:
    """For each period: people at its end with a personal budget and with a managed third-party
    budget, the adults among them, and the rates per 1,000 adults (that year's population). One query:
    conditional distinct counts per period end (age is taken on each period's own last day)."""
    if not periods:
        return []
    earliest, latest = min(p.start for p in periods), max(p.end for p in periods)
    dob = "budget__person__date_of_birth"
    counts = {}
    for i, p in enumerate(periods):
        at_end = _active_on(p.end)
        adult = Q(**{f"{dob}__lte": years_before(p.end, 18)})
        mtp = Q(management_type__in=_MTP)
        counts[f"p{i}_personal_budgets"] = Count("budget__person_id", distinct=True, filter=at_end)
        counts[f"p{i}_managed_third_party"] = Count("budget__person_id", distinct=True, filter=at_end & mtp)
        counts[f"a{i}_personal_budgets"] = Count("budget__person_id", distinct=True, filter=at_end & adult)
        counts[f"a{i}_managed_third_party"] = Count(
            "budget__person_id", distinct=True, filter=at_end & adult & mtp
        )
    row = people_arrangements(council_id).filter(_in_period(earliest, latest)).aggregate(**counts)
    result = []
    for i, p in enumerate(periods):
        population = adult_population(council_id=council_id, year=p.year)
        adults = {k: row[f"a{i}_{k}"] for k in TREND_KEYS}
        result.append(
            {
                "period": p.label,
                "people_at_period_end": {k: row[f"p{i}_{k}"] for k in TREND_KEYS},
                "adults_at_period_end": adults,
                "adult_population": population,
                "rates_per_1000_adults": {k: rate_per_1000(adults[k], population) for k in TREND_KEYS},
            }
        )
    return result
