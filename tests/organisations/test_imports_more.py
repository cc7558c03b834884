"""The shared import pipeline (organisations/imports.py) at edges `make mutate` found untested (issue 20): a
file given as text with a byte-order mark, a byte-order mark or a line of empty values further down, and
the set-based writes' answers: how many rows an update wrote, saved objects that behave as saved, and
`field__any` taking values as `field__in` does."""

import datetime as dt

import pytest
from django.utils import timezone

from budgets.models import Arrangement, Person
from monitoring.models import PopulationFigure
from monitoring.services import import_population
from organisations import imports
from organisations.imports import insert_rows, update_in_bulk
from tests.budgets.factories import approved_budget
from tests.organisations.test_import_pipeline import GOOD, _refused

pytestmark = pytest.mark.django_db


def test_a_file_given_as_text_may_start_with_a_byte_order_mark_and_its_header_is_quoted_whole(council):
    assert import_population(text="\ufeff" + GOOD) == 3
    assert PopulationFigure.objects.filter(council=council).count() == 3
    PopulationFigure.objects.all().delete()
    assert _refused("X" + GOOD) == [
        "line 1: header: expected council_code,year,age_band,population, found Xcouncil_code,year,age_band,"
        "population"
    ]


def test_only_the_first_line_may_carry_a_byte_order_mark_and_a_line_of_empty_values_is_skipped(council):
    # A byte-order mark further down (two exports pasted together) is part of the value it comes before.
    data = GOOD.encode() + b"\xef\xbb\xbfE06000059,2027,0-17,5\n"
    assert _refused(data) == ["line 5: council_code: no council with code '\ufeffE06000059'"]
    # A line of commas and spaces is blank: skipped, but still counted in the line numbers.
    lines = GOOD.splitlines(keepends=True)
    text = "".join(lines[:2]) + " , ,, \n" + "".join(lines[2:]) + "E06000059,2027,0-17,x\n"
    assert _refused(text) == ["line 6: population: 'x' is not a whole number of people"]


def _people(council, count: int) -> list[Person]:
    people = [
        Person(
            council=council,
            person_ref=f"P-{n}",
            date_of_birth=dt.date(1980, 5, 1),
            primary_support_reason="learning_disability",
        )
        for n in range(count)
    ]
    insert_rows(people)
    return people


def test_an_update_in_bulk_writes_every_batch_and_says_how_many_rows_it_wrote(council, monkeypatch):
    # Batches of two, so five people take three statements (the real batches are of 2,000).
    monkeypatch.setattr(imports, "BATCH", 2)
    people = _people(council, 5)
    for person in people:
        person.given_name = f"Name {person.person_ref}"
    assert update_in_bulk(people, ["given_name"]) == 5
    assert update_in_bulk(people[:3], ["given_name"]) == 3
    assert update_in_bulk([], ["given_name"]) == 0
    assert sorted(Person.objects.values_list("given_name", flat=True)) == [f"Name P-{n}" for n in range(5)]


def test_rows_inserted_in_bulk_are_saved_objects_that_pass_their_own_unique_check(council):
    (person,) = _people(council, 1)
    person.full_clean()  # a new object with the same reference would fail: "already exists"
    person.given_name = "Ann"
    person.save()
    assert Person.objects.get().given_name == "Ann"


def test_any_takes_values_as_in_does(council):
    """A value is prepared by its field first: a moment given for a date matches by its day, as with
    `__in`."""
    (person,) = _people(council, 1)
    approved_budget(person, start=dt.date(2026, 4, 1))
    noon = timezone.make_aware(dt.datetime(2026, 4, 1, 12, 0))
    by_in = list(Arrangement.objects.filter(start_date__in=[noon]))
    assert len(by_in) == 1
    assert list(Arrangement.objects.filter(start_date__any=[noon])) == by_in
    assert list(Person.objects.filter(pk__any=[str(person.pk)])) == [person]
