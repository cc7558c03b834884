"""Small numbers: another council never sees a count from 1 to 4, nor one it can work out from totals."""

import datetime as dt

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from monitoring import services
from monitoring.models import MonitoringReturn, PopulationFigure
from monitoring.periods import parse_period
from monitoring.report import build_return
from organisations.small_numbers import SUPPRESSED, WITHHELD, total_and_parts
from tests.monitoring.factories import arrangement, budget, person, quick_pdf

CLASSES = ["a", "b", "c", "d", "e"]
LAST_YEAR = parse_period("2025-26")
HIDDEN = (SUPPRESSED, WITHHELD)


def _derivable(total, shown: dict) -> bool:
    """Can a hidden part be worked out as the total minus the parts shown?"""
    return total not in HIDDEN and sum(1 for v in shown.values() if v in HIDDEN) == 1


@given(st.lists(st.integers(min_value=0, max_value=12), min_size=5, max_size=5))
def test_no_hidden_part_can_be_worked_out_from_the_total(values):
    parts = dict(zip(CLASSES, values, strict=True))
    total, shown = total_and_parts(sum(values), parts)
    assert not _derivable(total, shown)
    for key, value in parts.items():
        if 1 <= value <= 4:
            assert shown[key] == SUPPRESSED
        elif shown[key] not in HIDDEN:
            assert shown[key] == value
        else:  # a secondary cell: <5 only when that is true
            assert shown[key] == (SUPPRESSED if value < 5 else WITHHELD)
    assert total == (SUPPRESSED if 1 <= sum(values) <= 4 else sum(values))


def test_the_smallest_other_part_is_hidden_and_a_large_one_says_withheld():
    assert total_and_parts(20, {"a": 2, "b": 11, "c": 7}) == (20, {"a": SUPPRESSED, "b": 11, "c": WITHHELD})
    assert total_and_parts(20, {"a": 2, "b": 18, "c": 0}) == (20, {"a": SUPPRESSED, "b": 18, "c": SUPPRESSED})
    # Two small parts already hide each other.
    assert total_and_parts(12, {"a": 2, "b": 3, "c": 7}) == (12, {"a": SUPPRESSED, "b": SUPPRESSED, "c": 7})
    assert total_and_parts(3, {"a": 3, "b": 0}) == (SUPPRESSED, {"a": SUPPRESSED, "b": 0})


def _publish(council, *, isf=0, dp=0, cc=0, adults_population=None):
    for _ in range(isf):
        arrangement(person(council), "isf", start="2025-04-01")
    for _ in range(dp):
        arrangement(person(council), "direct_payment", start="2025-04-01")
    for _ in range(cc):
        arrangement(person(council), "commissioner_controlled", start="2025-04-01")
    if adults_population:
        for band, n in (("0-17", 1), ("18-64", adults_population - 100), ("65+", 100)):
            PopulationFigure.objects.create(council=council, year=2025, age_band=band, population=n)
    snapshot = services.make_return_now(council=council, period=LAST_YEAR, render_pdf=quick_pdf)
    return services.publish_return(monitoring_return=snapshot, actor=None)


@pytest.mark.django_db
def test_another_councils_table_hides_a_second_class_rates_under_5_and_the_all_councils_figure(
    council, other_council
):
    _publish(other_council, isf=9, dp=2, cc=6, adults_population=10_000)
    for _ in range(3):
        arrangement(person(council), "isf", start="2025-04-01")
    data = build_return(council=council, period=LAST_YEAR, today=dt.date(2026, 6, 1))
    [theirs] = data["other_councils"]
    assert theirs["people_at_period_end"]["total"] == 17
    # The 2 is <5, and the smallest other class (a 0) is hidden with it.
    assert theirs["people_at_period_end"]["by_delivery"] == {
        "direct_payment_only": SUPPRESSED,
        "direct_payment_managed_only": SUPPRESSED,
        "isf_only": 9,
        "commissioner_controlled_only": 6,
        "mixed": 0,
    }
    assert not _derivable(17, theirs["people_at_period_end"]["by_delivery"])
    # Rates resting on 2 adults are hidden; those on 9 and 6 are shown.
    assert theirs["rates_per_1000_adults"]["self_managed_direct_payments"] == SUPPRESSED
    assert theirs["rates_per_1000_adults"]["direct_payments"] == SUPPRESSED
    assert theirs["rates_per_1000_adults"]["isf"] == 0.9
    assert theirs["rates_per_1000_adults"]["personal_budgets"] == 1.7
    # All councils: the total is shown (20), but where the other council's figure is hidden, adding
    # this council's own would let it be worked out, so it is withheld.
    everyone = data["all_councils"]
    assert everyone["councils"] == 2
    assert everyone["people_at_period_end"]["total"] == 20
    assert everyone["people_at_period_end"]["by_delivery"]["isf_only"] == 12
    assert everyone["people_at_period_end"]["by_delivery"]["direct_payment_only"] == WITHHELD
    assert everyone["rates_per_1000_adults"]["direct_payments"] == WITHHELD
    # No population here: the all-councils rate rests on the councils that have one.
    assert everyone["rates_per_1000_adults"]["isf"] == 0.9


@pytest.mark.django_db
def test_an_all_councils_figure_that_would_reveal_one_other_councils_small_total_is_withheld(
    council, other_council
):
    _publish(other_council, isf=2)
    for _ in range(8):
        arrangement(person(council), "isf", start="2025-04-01")
    data = build_return(council=council, period=LAST_YEAR, today=dt.date(2026, 6, 1))
    assert data["other_councils"][0]["people_at_period_end"]["total"] == SUPPRESSED
    assert data["all_councils"]["people_at_period_end"]["total"] == WITHHELD
    last = data["trend"][-1]
    assert last["people_at_period_end"]["personal_budgets"] == 8
    assert last["all_councils"]["people_at_period_end"]["personal_budgets"] == WITHHELD


@pytest.mark.django_db
def test_a_provisional_return_is_never_compared_even_if_marked_published(council, other_council):
    arrangement(person(other_council), "isf", start="2025-04-01")
    early = services.make_return_now(
        council=other_council,
        period=LAST_YEAR,
        created_at=timezone.make_aware(dt.datetime(2026, 3, 31, 12, 0)),
        render_pdf=quick_pdf,
    )
    MonitoringReturn.objects.filter(pk=early.pk).update(published_at=timezone.now())
    data = build_return(council=council, period=LAST_YEAR, today=dt.date(2026, 6, 1))
    assert data["other_councils"] == []
    assert data["all_councils"]["councils"] == 1


@pytest.mark.django_db
def test_the_csv_marks_suppressed_figures_with_no_value(council, other_council):
    from monitoring.exports import to_csv

    _publish(other_council, isf=9, dp=2, cc=6)
    pb = budget(person(council))
    arrangement(pb, "isf", start="2025-04-01")
    lines = to_csv(build_return(council=council, period=LAST_YEAR, today=dt.date(2026, 6, 1))).splitlines()
    assert "other_councils,people_at_period_end.by_delivery,E06000023.direct_payment_only,,true" in lines
    assert "other_councils,people_at_period_end.by_delivery,E06000023.isf_only,9,false" in lines
    assert "all_councils,people_at_period_end.by_delivery,direct_payment_only,,true" in lines
    for line in lines[1:]:
        section, measure, breakdown, value, suppressed = line.split(",")
        assert suppressed in ("true", "false")
        if value:
            float(value)  # numbers only
        if suppressed == "true":
            assert value == ""
