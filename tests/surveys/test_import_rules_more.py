"""Importing survey answers, more rules (issue 20: written against surviving mutants of surveys.imports):
a person whose own reference holds a `/`, every bad line reported even after an empty reference, a
linked respondent's unknown question reported once, and the reads that must not grow with the file."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from surveys.imports import ImportFailed, import_responses
from surveys.models import Response
from tests.surveys.factories import person_holding, survey

pytestmark = pytest.mark.django_db
HEADER = "respondent_ref,question,answer\n"
HOLDERS = "outcome-budget-holder"


def test_a_person_whose_reference_holds_a_slash_is_found_by_the_first_slash(council, commissioner):
    person = person_holding(council, "isf", person_ref="DOR/12")
    text = HEADER + "E06000059/DOR/12,dignity,better\n"
    result = import_responses(survey=survey(HOLDERS), text=text, actor=commissioner)
    assert (result.responses, result.linked, result.anonymous) == (1, 1, 0)
    assert Response.objects.get().person == person
    with pytest.raises(ImportFailed) as failed:
        import_responses(
            survey=survey(HOLDERS), text=HEADER + "E06000059/DOR/13,dignity,better\n", actor=commissioner
        )
    assert failed.value.errors == ["line 2: respondent_ref: no person “DOR/13” in council “E06000059”"]


def test_lines_after_an_empty_reference_are_still_checked_and_the_failure_names_each_a_line_each(
    council, commissioner
):
    text = HEADER + ",dignity,better\nR1,dignity,better\nR 2,dignity,better\nR3,no_such,better\n"
    with pytest.raises(ImportFailed) as failed:
        import_responses(survey=survey(HOLDERS), text=text, actor=commissioner)
    assert failed.value.errors == [
        "line 2: respondent_ref: is empty",
        "line 4: respondent_ref: “R 2” may use only letters, digits, . _ / - (64 at most)",
        "line 5: question: unknown question “no_such” in outcome-budget-holder",
    ]
    assert str(failed.value) == "\n".join(failed.value.errors)
    assert not Response.objects.exists()


def test_a_linked_persons_unknown_question_is_the_only_error_of_its_line(council, commissioner):
    person_holding(council, "isf", person_ref="DOR-1")
    text = HEADER + "E06000059/DOR-1,no such question,better\n"
    with pytest.raises(ImportFailed) as failed:
        import_responses(survey=survey(HOLDERS), text=text, actor=commissioner)
    assert failed.value.errors == [
        "line 2: question: unknown question “no such question” in outcome-budget-holder"
    ]


def _import_queries(council, actor, refs: list[str]) -> list[str]:
    text = HEADER + "".join(
        f"E06000059/{ref},dignity,better\nE06000059/{ref},volunteering,same\n" for ref in refs
    )
    holders = survey(HOLDERS)
    with CaptureQueriesContext(connection) as queries:
        result = import_responses(survey=holders, text=text, actor=actor)
    assert (result.responses, result.linked) == (len(refs), len(refs))
    return [q["sql"] for q in queries.captured_queries]


def test_an_import_reads_people_councils_and_answers_in_queries_that_do_not_grow_with_the_file(
    council, commissioner
):
    for i in range(9):
        person_holding(council, "isf", person_ref=f"DOR-{i}")
    _import_queries(council, commissioner, ["DOR-8"])  # the first fills caches (content types, for audit)
    small = _import_queries(council, commissioner, ["DOR-0", "DOR-1"])
    large = _import_queries(council, commissioner, [f"DOR-{i}" for i in range(2, 8)])
    assert len(large) == len(small)
    # The answers' options: read once when the file is checked and once when it is written, whatever
    # the number of questions.
    options = [sql for sql in large if 'FROM "surveys_option"' in sql]
    assert len(options) == 2, "\n".join(options)
