"""Survey counting at its edges (issue 20: written against surviving mutants of surveys.selectors): the
dates a report covers, a respondent sending again between others, each provider's own latest
self-assessment, a council's report by way of holding, and reads that do not grow with the answers."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from organisations.models import Role
from surveys.definitions import PROVIDER_SELF_ASSESSMENT
from surveys.selectors import (
    counted_responses,
    latest_self_assessment,
    outcome_report,
    outcome_results_by_management_type,
    survey_report,
    survey_report_by_management_type,
)
from tests.factories import staff
from tests.surveys.factories import person_holding, send_response, survey

pytestmark = pytest.mark.django_db
HOLDERS = "outcome-budget-holder"
APRIL, JUNE = dt.date(2026, 4, 1), dt.date(2026, 6, 30)


def _send(council, actor, on, dignity="better", kind="isf", person=None):
    person = person or person_holding(council, kind)
    return send_response(HOLDERS, actor=actor, person=person, on=on, answers={"dignity": dignity})


def test_reports_count_only_responses_sent_between_their_dates_both_days_included(
    council, monitoring_officer
):
    for day, dignity in (
        (dt.date(2026, 3, 31), "worse"),
        (APRIL, "better"),
        (JUNE, "same"),
        (dt.date(2026, 7, 1), "worse"),
    ):
        _send(council, monitoring_officer, day, dignity)
    report = outcome_report(council=council, start=APRIL, end=JUNE)
    assert report["respondents"] == 2
    [isf] = [c for c in report["areas"][0]["by_type"] if c["type"] == "isf"]
    assert (isf["better"], isf["same"], isf["worse"]) == (1, 1, 0)
    assert outcome_report(council=council, start=APRIL)["respondents"] == 3
    assert outcome_report(council=council, end=JUNE)["respondents"] == 3
    results = outcome_results_by_management_type(council=council, start=APRIL, end=JUNE)
    assert results["respondents"] == 2
    assert results["by_management_type"]["isf"]["life_areas"]["dignity"] == {
        "better": 1,
        "same": 1,
        "worse": 0,
    }


def test_a_respondent_who_sent_again_does_not_stop_older_respondents_being_counted(
    council, monitoring_officer
):
    again = person_holding(council, "isf")
    oldest = _send(council, monitoring_officer, dt.date(2026, 4, 1))
    _send(council, monitoring_officer, dt.date(2026, 4, 2), person=again)
    middle = _send(council, monitoring_officer, dt.date(2026, 4, 3))
    latest = _send(council, monitoring_officer, dt.date(2026, 4, 4), person=again)
    assert counted_responses(surveys=[survey(HOLDERS)], council=council) == [latest, middle, oldest]


def test_each_provider_reads_its_own_latest_self_assessment_not_anothers(
    provider_org, other_provider_org, provider_a
):
    other_manager = staff(
        Role.PROVIDER_MANAGER, provider=other_provider_org, email="manager@provider-b.example.org"
    )
    own = send_response(
        PROVIDER_SELF_ASSESSMENT, actor=provider_a, provider=provider_org, answers={"isf_years": "1_to_3"},
        on=dt.date(2026, 5, 1),
    )  # fmt: skip
    newer_elsewhere = send_response(
        PROVIDER_SELF_ASSESSMENT, actor=other_manager, provider=other_provider_org,
        answers={"isf_years": "5_to_10"}, on=dt.date(2026, 6, 1),
    )  # fmt: skip
    assert latest_self_assessment(provider=provider_org) == own
    assert latest_self_assessment(provider=other_provider_org) == newer_elsewhere


def test_a_councils_report_by_way_of_holding_counts_only_its_own_people(
    council, other_council, monitoring_officer
):
    _send(council, monitoring_officer, APRIL, "better")
    _send(other_council, monitoring_officer, APRIL, "worse")
    _send(other_council, monitoring_officer, APRIL, "worse", kind="direct_payment")
    groups = survey_report_by_management_type(survey=survey(HOLDERS), council=council)
    assert list(groups) == ["isf"]
    assert groups["isf"]["respondents"] == 1
    assert groups["isf"]["questions"]["dignity"]["options"]["worse"]["count"] == 0


def _queries(call) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        call()
    return [q["sql"] for q in queries.captured_queries]


def test_reports_read_answers_and_options_in_queries_that_do_not_grow_with_them(council, monitoring_officer):
    holders = survey(HOLDERS)
    for _ in range(2):
        _send(council, monitoring_officer, APRIL)
    few = _queries(lambda: outcome_report(council=council))
    few_survey = _queries(lambda: survey_report(survey=holders, council=council))
    for _ in range(4):
        _send(council, monitoring_officer, APRIL, "same")
    assert len(_queries(lambda: outcome_report(council=council))) == len(few)
    many_survey = _queries(lambda: survey_report(survey=holders, council=council))
    assert len(many_survey) == len(few_survey)
    # Every question's options in one read, however many questions the survey has.
    assert len([sql for sql in many_survey if 'FROM "surveys_option"' in sql]) == 1
