"""The small-numbers rule and the counting helpers as plain functions, at every boundary. Written to kill
the mutants `make mutate` found surviving in organisations/small_numbers.py and monitoring/counting.py."""

import datetime as dt

import pytest

from monitoring.counting import adult_population, rate_per_1000, years_before
from monitoring.models import PopulationFigure
from organisations.small_numbers import (
    SUPPRESSED,
    WITHHELD,
    all_councils,
    is_small,
    primary,
    rate,
    total_and_parts,
)


@pytest.mark.parametrize(
    ("value", "small"),
    [(0, False), (1, True), (4, True), (5, False), (None, False), ("3", False), (3.0, False)],
)
def test_only_a_whole_count_from_1_to_4_is_small(value, small):
    assert is_small(value) is small
    assert primary(value) == (SUPPRESSED if small else value)


def test_a_rate_is_hidden_only_when_it_rests_on_1_to_4_people():
    assert rate(2.5, 4) == SUPPRESSED
    assert rate(2.5, 1) == SUPPRESSED
    assert rate(2.5, 5) == 2.5
    assert rate(0.0, 0) == 0.0
    assert rate(None, None) is None


def test_one_hidden_part_takes_the_smallest_other_part_with_it():
    # The smallest other part is 0: shown as <5, which is true.
    assert total_and_parts(10, {"a": 3, "b": 0, "c": 7}) == (10, {"a": SUPPRESSED, "b": SUPPRESSED, "c": 7})
    # The smallest other part is 6: withheld, never called <5.
    assert total_and_parts(16, {"a": 3, "b": 6, "c": 7}) == (16, {"a": SUPPRESSED, "b": WITHHELD, "c": 7})
    # Equal smallest parts: the first by name goes.
    assert total_and_parts(15, {"a": 3, "c": 6, "b": 6}) == (15, {"a": SUPPRESSED, "c": 6, "b": WITHHELD})


def test_no_second_part_is_hidden_when_nothing_could_be_worked_out():
    # Two parts hidden already.
    assert total_and_parts(9, {"a": 3, "b": 2, "c": 4, "d": 0}) == (
        9,
        {"a": SUPPRESSED, "b": SUPPRESSED, "c": SUPPRESSED, "d": 0},
    )
    # The total itself is hidden.
    assert total_and_parts(4, {"a": 4, "b": 0}) == (SUPPRESSED, {"a": SUPPRESSED, "b": 0})
    # Nothing small at all.
    assert total_and_parts(12, {"a": 5, "b": 7, "c": 0}) == (12, {"a": 5, "b": 7, "c": 0})
    # A single part: nothing else to hide.
    assert total_and_parts(3, {"a": 3}) == (SUPPRESSED, {"a": SUPPRESSED})


def test_all_councils_together_is_withheld_when_the_others_could_be_worked_out():
    assert all_councils(3, [5, 6]) == 14
    assert all_councils(3, []) == 3
    assert all_councils(3, [2, 1]) == WITHHELD  # others add up to 3
    assert all_councils(3, [5, 0]) == 8
    assert all_councils(3, [9, 6], others_shown=[9, SUPPRESSED]) == WITHHELD
    assert all_councils(3, [9, 6], others_shown=[WITHHELD, 6]) == WITHHELD
    assert all_councils(3, [9, 6], others_shown=[9, 6]) == 18


def test_years_before_keeps_the_day_and_turns_29_february_into_the_28th():
    assert years_before(dt.date(2027, 3, 31), 18) == dt.date(2009, 3, 31)
    assert years_before(dt.date(2028, 2, 29), 18) == dt.date(2010, 2, 28)
    assert years_before(dt.date(2028, 2, 29), 4) == dt.date(2024, 2, 29)


def test_rates_are_per_1000_to_one_place_half_up_and_none_without_a_population():
    assert rate_per_1000(1, 800) == 1.3  # 1.25 → 1.3, not banker's 1.2
    assert rate_per_1000(7, 4000) == 1.8
    assert rate_per_1000(0, 400) == 0.0
    assert rate_per_1000(3, 0) is None
    assert rate_per_1000(3, None) is None
    assert isinstance(rate_per_1000(1, 3), float) and rate_per_1000(1, 3) == 333.3


@pytest.mark.django_db
def test_the_adult_population_is_18_to_64_plus_65_and_over_given_whole_or_split(council, other_council):
    def figure(c, band, n, year=2026):
        PopulationFigure.objects.create(council=c, year=year, age_band=band, population=n)

    assert adult_population(council_id=council.pk, year=2026) is None
    figure(council, "18-64", 300)
    assert adult_population(council_id=council.pk, year=2026) is None  # no 65+ yet
    figure(council, "65-74", 50)
    figure(council, "75-84", 30)
    assert adult_population(council_id=council.pk, year=2026) is None  # 85+ missing
    figure(council, "85+", 20)
    figure(council, "0-17", 999)
    figure(council, "18-64", 1, year=2025)
    assert adult_population(council_id=council.pk, year=2026) == 400
    figure(other_council, "65+", 70)
    figure(other_council, "18-64", 30)
    figure(other_council, "65-74", 1000)  # the whole 65+ figure wins over a split one
    assert adult_population(council_id=other_council.pk, year=2026) == 100
    figure(council, "65-74", 5, year=2027)
    assert adult_population(council_id=council.pk, year=2027) is None  # no 18-64 that year
