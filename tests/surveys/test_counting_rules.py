"""Survey counting rules at their edges: each test was written against a fault seeded into
surveys/selectors.py that the suite did not catch."""

import datetime as dt
from decimal import Decimal

import pytest

from budgets.models import Arrangement
from surveys.selectors import (
    management_types_of,
    management_types_on,
    outcome_results_by_management_type,
    survey_report,
)
from surveys.services import save_answers, start_or_continue_response
from tests.surveys.factories import person_holding, send_response, survey

pytestmark = pytest.mark.django_db

APRIL = dt.date(2026, 4, 1)
MARCH = dt.date(2027, 3, 31)


def _add_direct_payment_ending(person, last_day):
    """A direct payment in the person's approved budget, from its start to `last_day`."""
    budget = person.budgets.get()
    Arrangement.objects.create(
        budget=budget,
        council=person.council,
        management_type="direct_payment",
        annual_amount=Decimal("100.00"),
        start_date=budget.start_date,
        end_date=last_day,
    )


def test_unsent_answers_are_never_counted(council, commissioner):
    sent = person_holding(council, "isf")
    send_response(
        "outcome-budget-holder",
        actor=commissioner,
        person=sent,
        on=dt.date(2026, 5, 1),
        answers={"dignity": "better"},
    )
    # The same person starts again and changes their mind, but does not send it; another person
    # only ever has an unsent response.
    for who in (sent, person_holding(council, "isf")):
        draft = start_or_continue_response(
            survey=survey("outcome-budget-holder"), actor=commissioner, person=who
        )
        save_answers(response=draft, answers={"dignity": ["worse"]}, actor=commissioner)

    result = outcome_results_by_management_type(council=council, start=APRIL, end=MARCH)
    assert result["respondents"] == 1
    assert result["by_management_type"]["isf"]["life_areas"]["dignity"] == {
        "better": 1,
        "same": 0,
        "worse": 0,
    }
    report = survey_report(survey=survey("outcome-budget-holder"), council=council)
    assert report["respondents"] == 1
    assert report["questions"]["dignity"]["options"]["better"] == {"count": 1, "percent": 100}
    assert report["questions"]["dignity"]["options"]["worse"] == {"count": 0, "percent": 0}


def test_management_types_leave_out_arrangements_that_have_ended(council):
    person = person_holding(council, "isf")  # from 1 April 2025, no end
    _add_direct_payment_ending(person, dt.date(2026, 6, 30))
    assert management_types_on(person=person, day=dt.date(2026, 6, 30)) == ["direct_payment", "isf"]
    assert management_types_on(person=person, day=dt.date(2026, 7, 1)) == ["isf"]
    assert management_types_on(person=person, day=dt.date(2025, 3, 31)) == []


def test_a_response_sent_after_a_direct_payment_ended_is_counted_by_what_is_left(council, commissioner):
    person = person_holding(council, "isf")
    _add_direct_payment_ending(person, dt.date(2026, 6, 30))
    response = send_response(
        "outcome-budget-holder",
        actor=commissioner,
        person=person,
        on=dt.date(2026, 7, 1),
        answers={"dignity": "same"},
    )
    assert response.management_types == ["isf"]
    result = outcome_results_by_management_type(council=council, start=APRIL, end=MARCH)
    assert list(result["by_management_type"]) == ["isf"]


def test_many_peoples_management_types_leave_out_ended_and_not_yet_started_arrangements(council):
    # management_types_of is what an import of answers records for each person (surveys.imports).
    ended = person_holding(council, "isf")
    _add_direct_payment_ending(ended, dt.date(2026, 6, 30))
    later = person_holding(council, "commissioner_controlled", start=dt.date(2026, 8, 1))
    neither = person_holding(council)
    found = management_types_of(people=[ended, later, neither], day=dt.date(2026, 7, 1))
    assert found == {ended.pk: ["isf"], later.pk: [], neither.pk: []}
    assert management_types_of(people=[ended, later], day=dt.date(2026, 8, 1)) == {
        ended.pk: ["isf"],
        later.pk: ["commissioner_controlled"],
    }
    assert management_types_of(people=[ended], day=dt.date(2026, 6, 30)) == {
        ended.pk: ["direct_payment", "isf"]
    }


def test_an_imported_answer_records_only_the_arrangements_still_held_that_day(council, tmp_path):
    from io import StringIO

    from django.core.management import call_command
    from django.utils import timezone

    from surveys.models import Response

    person = person_holding(council, "isf", person_ref="DOR-1")
    _add_direct_payment_ending(person, timezone.localdate() - dt.timedelta(days=1))
    path = tmp_path / "answers.csv"
    path.write_text("respondent_ref,question,answer\nE06000059/DOR-1,dignity,better\n")
    call_command("import_survey_responses", "--survey", "outcome-budget-holder", str(path), stdout=StringIO())
    assert Response.objects.get(person=person).management_types == ["isf"]
