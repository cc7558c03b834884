"""Small numbers shown to other councils (DESIGN.md, "Small numbers") and the SALT mechanism at period
end: each test was written against a fault seeded into the monitoring code that the suite did not catch."""

import pytest

from monitoring import services
from monitoring.models import PopulationFigure
from monitoring.periods import parse_period
from tests.monitoring.factories import arrangement, person, quick_pdf

pytestmark = pytest.mark.django_db

PERIOD = parse_period("2026-27")
ENDED = parse_period("2025-26")  # only a final return (made after its period) is published


def _published_then_seen_by(council, other_council, monitoring_officer) -> dict:
    own = services.make_return_now(council=council, period=ENDED, render_pdf=quick_pdf)
    services.publish_return(monitoring_return=own, actor=monitoring_officer)
    (seen,) = services.make_return_now(council=other_council, period=ENDED, render_pdf=quick_pdf).figures[
        "other_councils"
    ]
    return seen


def _adult_population(council, people: int) -> None:
    PopulationFigure.objects.create(council=council, year=2025, age_band="18-64", population=people - 100)
    PopulationFigure.objects.create(council=council, year=2025, age_band="65+", population=100)


def test_a_count_of_four_and_a_rate_on_four_adults_are_hidden_from_other_councils(
    council, other_council, monitoring_officer
):
    _adult_population(council, 1000)
    for _ in range(4):
        arrangement(person(council), "isf")
    for _ in range(5):
        arrangement(person(council), "direct_payment")
    own = services.make_return_now(council=council, period=ENDED, render_pdf=quick_pdf).figures
    # The council itself sees every figure.
    assert own["managed_third_party"]["people_at_period_end"] == 4
    assert own["rates_per_1000_adults"]["managed_third_party"] == 4.0
    seen = _published_then_seen_by(council, other_council, monitoring_officer)
    assert seen["people_at_period_end"]["by_delivery"]["isf_only"] == "<5"
    assert seen["managed_third_party"] == {"people_at_period_end": "<5", "people_during_period": "<5"}
    # 4 adults with a managed third-party budget: with the population, the rate would give the count.
    assert seen["rates_per_1000_adults"]["managed_third_party"] == "<5"
    # Rates on 5 adults and more are shown.
    assert seen["rates_per_1000_adults"]["direct_payments"] == 5.0
    assert seen["rates_per_1000_adults"]["personal_budgets"] == 9.0


def test_a_count_of_five_is_shown_to_other_councils(council, other_council, monitoring_officer):
    _adult_population(council, 1000)
    for _ in range(5):
        arrangement(person(council), "isf")
    seen = _published_then_seen_by(council, other_council, monitoring_officer)
    assert seen["managed_third_party"] == {"people_at_period_end": 5, "people_during_period": 5}
    assert seen["rates_per_1000_adults"]["managed_third_party"] == 5.0


def test_a_direct_payment_that_ended_during_the_period_is_not_part_direct_payment_at_its_end(council):
    # The direct payment ended in the period; the ISF goes on: at period end only the ISF is held.
    ended_dp = person(council)
    arrangement(ended_dp, "isf", start="2025-04-01")
    budget = ended_dp.budgets.get()
    arrangement(budget, "direct_payment", start="2025-04-01", end="2026-10-31")
    # A direct payment ending on the period's last day is still held at its end.
    last_day_dp = person(council)
    arrangement(last_day_dp, "isf", start="2025-04-01")
    arrangement(last_day_dp.budgets.get(), "direct_payment", start="2025-04-01", end="2027-03-31")
    figures = services.make_return_now(council=council, period=PERIOD, render_pdf=quick_pdf).figures
    assert figures["salt"] == {
        "direct_payment_only": 0,
        "part_direct_payment": 1,
        "cassr_managed_personal_budget": 1,
    }
    assert figures["people_during_period"]["by_delivery"]["mixed"] == 2
    assert figures["people_at_period_end"]["by_delivery"]["mixed"] == 1
    assert figures["people_at_period_end"]["by_delivery"]["isf_only"] == 1
    assert figures["adults_at_period_end"]["direct_payments"] == 1
