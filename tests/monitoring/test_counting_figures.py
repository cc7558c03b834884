"""DESIGN.md's counting rules, figure by figure, on one small caseload (monitoring.counting called
directly, the functions every return, page and export takes its figures from).

The caseload, for the year 2026-27 (1 April 2026 to 31 March 2027), with each person's age on its last day:

    who  born        age  reason               held at 31 March 2027          during the year, besides
    P1   1980-06-15  46   physical_support     direct payment (£1,234.56)
    P2   1962-03-31  65   memory_and_cognition managed direct payment
    P3   1952-04-01  74   learning_disability  ISF
    P4   1942-03-31  85   mental_health        council-managed
    P5   2009-04-01  17   sensory_support      ISF
    P6   2009-03-31  18   social_support       direct payment + ISF
    P7   1990-01-01  37   physical_support     direct payment + managed direct payment
    P8   1950-01-01  77   physical_support     council-managed (from 1 July)  a direct payment ended 30 June
    P9   1975-01-01  52   mental_health        nothing                        an ISF ended 1 April (day one)
    P13  1952-03-31  75   learning_disability  managed DP + ISF (ends 31 March)
    P14  1950-05-05  76   sensory_support      council-managed + ISF
    P15  1991-02-02  36   social_support       direct payment (from 31 March) + council-managed

Never counted: a person of another council, a budget not approved, a carer's own budget, an arrangement
that ended the day before the year and one starting the day after it.

Each test builds only what it needs and runs in a fraction of a second: every mutant of the counting
module runs these first."""

import datetime as dt

import pytest

from budgets.models import BudgetStatus
from monitoring.counting import (
    adult_population,
    adult_population_by_band,
    compute_figures,
    managed_third_party_history,
    rate_per_1000,
    trend_figures,
    years_before,
)
from monitoring.models import PopulationFigure
from monitoring.periods import Period
from tests.monitoring.factories import arrangement, budget, person

pytestmark = pytest.mark.django_db

YEAR = Period(2026)
DELIVERY = [
    "direct_payment_only",
    "direct_payment_managed_only",
    "isf_only",
    "commissioner_controlled_only",
    "mixed",
]
BANDS = ["0-17", "18-64", "65-74", "75-84", "85+"]


def delivery(**counts) -> dict:
    return {c: counts.get(c.removesuffix("_only"), 0) for c in DELIVERY}


def holding(council, born, reason, *held):
    """A person whose one approved budget holds `held`: types, or (type, start, end, amount)."""
    pb = budget(person(council, born=born, reason=reason))
    for h in held:
        kind, start, end, amount = (h, "2025-04-01", None, "10000.00") if isinstance(h, str) else h
        arrangement(pb, kind, start=start, end=end, amount=amount)
    return pb.person


@pytest.fixture
def caseload(council, other_council):
    holding(council, "1980-06-15", "physical_support", ("direct_payment", "2025-04-01", None, "1234.56"))
    holding(council, "1962-03-31", "memory_and_cognition", "direct_payment_managed")
    holding(council, "1952-04-01", "learning_disability", "isf")
    holding(council, "1942-03-31", "mental_health", "commissioner_controlled")
    holding(council, "2009-04-01", "sensory_support", "isf")
    holding(council, "2009-03-31", "social_support", "direct_payment", "isf")
    holding(council, "1990-01-01", "physical_support", "direct_payment", "direct_payment_managed")
    holding(
        council,
        "1950-01-01",
        "physical_support",
        ("direct_payment", "2025-04-01", "2026-06-30", "10000.00"),
        ("commissioner_controlled", "2026-07-01", None, "10000.00"),
    )
    holding(council, "1975-01-01", "mental_health", ("isf", "2025-04-01", "2026-04-01", "10000.00"))
    holding(
        council,
        "1952-03-31",
        "learning_disability",
        "direct_payment_managed",
        ("isf", "2025-04-01", "2027-03-31", "10000.00"),
    )
    holding(council, "1950-05-05", "sensory_support", "commissioner_controlled", "isf")
    holding(
        council,
        "1991-02-02",
        "social_support",
        ("direct_payment", "2027-03-31", None, "10000.00"),
        "commissioner_controlled",
    )
    # Never counted in Dorset's figures.
    holding(other_council, "1980-01-01", "physical_support", "isf")
    arrangement(person(council), "isf", status=BudgetStatus.PROPOSED)
    carer = holding(council, "1970-01-01", "social_support", "direct_payment")
    carer.is_carer = True
    carer.save(update_fields=["is_carer"])
    holding(council, "1980-01-01", "mental_health", ("isf", "2025-04-01", "2026-03-31", "10000.00"))
    holding(council, "1980-01-01", "mental_health", ("direct_payment", "2027-04-01", None, "10000.00"))


def test_each_person_is_counted_once_in_the_class_of_what_they_hold(council, caseload):
    figures = compute_figures(council=council, period=YEAR)
    assert figures["council"] == "E06000059"
    assert figures["period"] == {"label": "2026-27", "start": "2026-04-01", "end": "2027-03-31"}
    # At the year's end: P8 holds only the council-managed part, P9 nothing; P13's ISF ends that day.
    assert figures["people_at_period_end"] == {
        "total": 11,
        "by_delivery": delivery(
            direct_payment=1, direct_payment_managed=1, isf=2, commissioner_controlled=2, mixed=5
        ),
        "with_any": {
            "direct_payment": 4,
            "direct_payment_managed": 3,
            "isf": 5,
            "commissioner_controlled": 4,
        },
    }
    # During the year: P8 held two types (mixed), P9's ISF ended on its first day (ISF only).
    assert figures["people_during_period"] == {
        "total": 12,
        "by_delivery": delivery(
            direct_payment=1, direct_payment_managed=1, isf=3, commissioner_controlled=1, mixed=6
        ),
    }
    assert figures["managed_third_party"] == {"people_at_period_end": 7, "people_during_period": 8}


def test_age_is_taken_on_the_periods_last_day(council, caseload):
    figures = compute_figures(council=council, period=YEAR)
    assert figures["by_age_band"] == {"0-17": 1, "18-64": 4, "65-74": 2, "75-84": 3, "85+": 1}
    assert figures["by_age_band_and_delivery"] == {
        "0-17": delivery(isf=1),
        "18-64": delivery(direct_payment=1, mixed=3),
        "65-74": delivery(direct_payment_managed=1, isf=1),
        "75-84": delivery(commissioner_controlled=1, mixed=2),
        "85+": delivery(commissioner_controlled=1),
    }
    # A quarter takes ages on its own last day: on 30 September 2026 P6 (born 31 March 2009) is 17,
    # P2 (31 March 1962) 64, P13 (31 March 1952) 74 and P4 (31 March 1942) 84; P9 holds nothing, P15
    # the council-managed part only.
    quarter = compute_figures(council=council, period=Period(2026, 2))
    assert quarter["by_age_band"] == {"0-17": 2, "18-64": 4, "65-74": 2, "75-84": 3, "85+": 0}


def test_salt_mechanisms_count_adults_and_sds_options_everyone(council, caseload):
    figures = compute_figures(council=council, period=YEAR)
    # Adults only (not P5): only direct payments of either kind (P1, P2, P7); a direct payment and
    # something else (P6, P13, P15); no direct payment (P3, P4, P8, P14).
    assert figures["salt"] == {
        "direct_payment_only": 3,
        "part_direct_payment": 3,
        "cassr_managed_personal_budget": 4,
    }
    # Everyone: option 1 direct payments (P7 holds both kinds: still option 1), 2 ISF, 3 council-managed,
    # 4 two or more of them (P6 and P13: 1 and 2; P14: 2 and 3; P15: 1 and 3).
    assert figures["sds_options"] == {"option_1": 3, "option_2": 2, "option_3": 2, "option_4": 4}


def test_support_reasons_are_of_the_people_at_the_periods_end(council, caseload):
    assert compute_figures(council=council, period=YEAR)["by_primary_support_reason"] == {
        "physical_support": 3,
        "sensory_support": 2,
        "memory_and_cognition": 1,
        "learning_disability": 2,
        "mental_health": 1,  # P9's ISF ended in the year
        "social_support": 2,
    }


def test_budgets_at_the_periods_end_by_type_summed_as_stored(council, caseload):
    assert compute_figures(council=council, period=YEAR)["budgets_at_period_end"] == {
        "by_management_type": {
            "direct_payment": {"count": 4, "annual_value": "31234.56"},
            "direct_payment_managed": {"count": 3, "annual_value": "30000.00"},
            "isf": {"count": 5, "annual_value": "50000.00"},
            "commissioner_controlled": {"count": 4, "annual_value": "40000.00"},
        }
    }


def population(council, year, **bands):
    for band, number in bands.items():
        PopulationFigure.objects.create(council=council, year=year, age_band=band, population=number)


SPLIT = {"0-17": 9999, "18-64": 1600, "65-74": 300, "75-84": 150, "85+": 50}


def test_adults_and_their_rates_per_1000_of_the_years_adult_population(council, other_council, caseload):
    population(council, 2026, **SPLIT)  # the over-65s given split: 500
    population(council, 2027, **{"0-17": 1, "18-64": 1, "65+": 1})  # another year: not used
    population(other_council, 2026, **{"0-17": 1, "18-64": 1, "65+": 1})  # another council: not used
    figures = compute_figures(council=council, period=YEAR)
    assert figures["adults_at_period_end"] == {
        "personal_budgets": 10,
        "direct_payments": 6,
        "managed_third_party": 6,
        "self_managed_direct_payments": 4,
        "isf": 4,
        "council_managed": 4,
    }
    assert figures["adults_at_period_end_by_age_band"] == {
        "18-64": {"personal_budgets": 4, "direct_payments": 4, "managed_third_party": 2},
        "65+": {"personal_budgets": 6, "direct_payments": 2, "managed_third_party": 4},
    }
    assert figures["adult_population"] == {
        "year": 2026,
        "population": 2100,
        "by_age_band": {"18-64": 1600, "65+": 500},
    }
    # 10 / 2,100 = 4.76; 6 / 2,100 = 2.86; 4 / 2,100 = 1.90 per 1,000.
    assert figures["rates_per_1000_adults"] == {
        "personal_budgets": 4.8,
        "direct_payments": 2.9,
        "managed_third_party": 2.9,
        "self_managed_direct_payments": 1.9,
        "isf": 1.9,
        "council_managed": 1.9,
    }
    # 2 / 1,600 = 1.25, half up to 1.3.
    assert figures["rates_per_1000_adults_by_age_band"] == {
        "18-64": {"personal_budgets": 2.5, "direct_payments": 2.5, "managed_third_party": 1.3},
        "65+": {"personal_budgets": 12.0, "direct_payments": 4.0, "managed_third_party": 8.0},
    }


def test_the_adult_population_is_18_64_and_65_plus_given_whole_or_split(council):
    population(council, 2024, **{"0-17": 10, "18-64": 1000, "65+": 400})
    population(council, 2025, **SPLIT)
    population(council, 2026, **{"18-64": 1000, "65-74": 300, "75-84": 150})  # 85+ missing
    population(council, 2027, **{"0-17": 10, "65+": 400})  # 18-64 missing
    assert adult_population_by_band(council_id=council.pk, year=2024) == {"18-64": 1000, "65+": 400}
    assert adult_population(council_id=council.pk, year=2024) == 1400
    assert adult_population_by_band(council_id=council.pk, year=2025) == {"18-64": 1600, "65+": 500}
    assert adult_population(council_id=council.pk, year=2025) == 2100
    assert adult_population_by_band(council_id=council.pk, year=2026) == {"18-64": 1000, "65+": None}
    assert adult_population(council_id=council.pk, year=2026) is None
    assert adult_population_by_band(council_id=council.pk, year=2027) == {"18-64": None, "65+": 400}
    assert adult_population(council_id=council.pk, year=2027) is None
    assert adult_population(council_id=council.pk, year=2028) is None
    # No population, no rate; a zero count over a population is a rate of 0.0.
    figures = compute_figures(council=council, period=Period(2026))
    # A council with nobody: every count is 0 and every value £0.00.
    types = ["direct_payment", "direct_payment_managed", "isf", "commissioner_controlled"]
    assert figures["budgets_at_period_end"]["by_management_type"] == {
        t: {"count": 0, "annual_value": "0.00"} for t in types
    }
    assert figures["people_at_period_end"] == {
        "total": 0,
        "by_delivery": delivery(),
        "with_any": dict.fromkeys(types, 0),
    }
    assert set(figures["rates_per_1000_adults"].values()) == {None}
    assert figures["rates_per_1000_adults_by_age_band"]["18-64"] == {
        "personal_budgets": 0.0,
        "direct_payments": 0.0,
        "managed_third_party": 0.0,
    }
    assert figures["rates_per_1000_adults_by_age_band"]["65+"]["personal_budgets"] is None


def test_rates_round_half_up_to_one_place():
    assert rate_per_1000(1, 800) == 1.3  # 1.25
    assert rate_per_1000(1, 1600) == 0.6  # 0.625
    assert rate_per_1000(3, 8000) == 0.4  # 0.375
    assert rate_per_1000(7, 2000) == 3.5
    assert rate_per_1000(0, 100) == 0.0
    assert rate_per_1000(5, 0) is None
    assert rate_per_1000(5, None) is None


def test_trend_and_managed_history_count_each_periods_end(council, other_council):
    # The year 2025-26 ends on 31 March 2026, 2026-27 on 31 March 2027.
    holding(council, "2008-03-31", "physical_support", "isf")  # 18 on 31 March 2026
    holding(council, "2008-04-01", "physical_support", "direct_payment_managed")  # 17, then 18
    holding(council, "1970-01-01", "mental_health", ("direct_payment", "2026-03-31", None, "10.00"))
    holding(council, "1970-01-01", "mental_health", ("isf", "2025-04-01", "2026-03-31", "10.00"))
    holding(
        council,
        "1970-01-01",
        "mental_health",
        ("commissioner_controlled", "2024-04-01", "2025-03-31", "1.00"),
    )
    holding(council, "1970-01-01", "mental_health", ("isf", "2027-04-01", None, "10.00"))  # after both
    # Two managed arrangements of one person: one person.
    holding(council, "1960-01-01", "learning_disability", "isf", "direct_payment_managed")
    holding(other_council, "1970-01-01", "mental_health", "isf")
    population(council, 2025, **{"18-64": 2000, "65+": 500})
    population(council, 2026, **{"18-64": 800})  # no over-65s: no rate that year

    periods = [Period(2025), Period(2026)]
    assert trend_figures(council_id=council.pk, periods=periods) == [
        {
            "period": "2025-26",
            "people_at_period_end": {"personal_budgets": 5, "managed_third_party": 4},
            "adults_at_period_end": {"personal_budgets": 4, "managed_third_party": 3},
            "adult_population": 2500,
            "rates_per_1000_adults": {"personal_budgets": 1.6, "managed_third_party": 1.2},
        },
        {
            "period": "2026-27",
            "people_at_period_end": {"personal_budgets": 4, "managed_third_party": 3},
            "adults_at_period_end": {"personal_budgets": 4, "managed_third_party": 3},
            "adult_population": None,
            "rates_per_1000_adults": {"personal_budgets": None, "managed_third_party": None},
        },
    ]
    assert managed_third_party_history(council_id=council.pk, periods=periods) == [
        {"period": "2025-26", "people_at_period_end": 4},
        {"period": "2026-27", "people_at_period_end": 3},
    ]
    assert managed_third_party_history(council_id=council.pk, periods=[Period(2024)]) == [
        {"period": "2024-25", "people_at_period_end": 0}
    ]
    assert trend_figures(council_id=council.pk, periods=[]) == []
    assert managed_third_party_history(council_id=council.pk, periods=[]) == []


def test_counting_years_back_from_29_february_lands_on_28_february():
    # Age is counted back from the day: 29 February 2028 less 18 years is 28 February 2010 (2010 has no
    # 29th), so a person born on 28 February 2010 is 18 that day.
    assert years_before(dt.date(2028, 2, 29), 18) == dt.date(2010, 2, 28)
    assert years_before(dt.date(2026, 2, 28), 18) == dt.date(2008, 2, 28)
    assert years_before(dt.date(2027, 3, 31), 65) == dt.date(1962, 3, 31)
