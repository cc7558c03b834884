"""Every return holds the outcome survey section. (It used to be dropped silently when the surveys
import failed; the import is now plain, so a broken one fails loudly.)"""

import datetime as dt

import pytest

from monitoring import exports, services
from monitoring.periods import parse_period
from tests.monitoring.factories import quick_pdf
from tests.surveys.factories import person_holding, send_response

pytestmark = pytest.mark.django_db

PERIOD = parse_period("2026-27")


def _answer(council, commissioner, *answers):
    for answer in answers:
        send_response(
            "outcome-budget-holder",
            actor=commissioner,
            person=person_holding(council, "isf"),
            on=dt.date(2026, 5, 1),
            answers={"dignity": answer},
        )


def test_a_return_with_no_responses_still_has_the_outcome_section(council):
    figures = services.make_return_now(council=council, period=PERIOD, render_pdf=quick_pdf).figures
    assert figures["outcome_survey"] == {"respondents": 0, "by_management_type": {}}


def test_the_outcome_section_holds_the_periods_responses_in_the_return_and_its_csv(council, commissioner):
    _answer(council, commissioner, "better", "better", "better", "same", "worse")
    made = services.make_return_now(council=council, period=PERIOD, render_pdf=quick_pdf)
    survey = made.figures["outcome_survey"]
    assert survey["respondents"] == 5
    assert list(survey["by_management_type"]) == ["isf"]
    assert survey["by_management_type"]["isf"]["life_areas"]["dignity"] == {
        "better": 3,
        "same": 1,
        "worse": 1,
    }
    csv_lines = exports.to_csv(made.figures).splitlines()
    assert "outcome_survey,respondents,,5,false" in csv_lines
    assert "outcome_survey,dignity.better,isf,3,false" in csv_lines


def test_a_group_of_fewer_than_five_respondents_is_shown_as_under_five_and_the_pdf_is_drawn(
    council, commissioner
):
    _answer(council, commissioner, "better")
    made = services.make_return_now(council=council, period=PERIOD)
    assert bytes(made.pdf).startswith(b"%PDF")
    assert made.figures["outcome_survey"]["respondents"] == "<5"
    assert made.figures["outcome_survey"]["by_management_type"]["isf"]["respondents"] == "<5"
