"""Importing survey answers through surveys.imports (issue 20: kills mutmut survivors of surveys.imports):
all or nothing with every error by line, a council's own question only for its people, a provider's
self-assessment linked to it and passed to its directory profile, and the import audited."""

import pytest
from auditlog.models import LogEntry

from surveys.imports import ImportFailed, import_responses, parse
from surveys.models import Response, ResponseStatus
from surveys.services import add_council_question
from tests.surveys.factories import person_holding, survey

pytestmark = pytest.mark.django_db
HEADER = "respondent_ref,question,answer\n"


def test_every_problem_is_reported_by_line_and_nothing_is_written(council, other_council, commissioner):
    holders = survey("outcome-budget-holder")
    own = add_council_question(
        survey=holders, council=council, text="Card?", options=["Yes", "No"], kind="single",
        actor=commissioner,
    )  # fmt: skip
    person_holding(other_council, "isf", person_ref="BRI-1")
    text = (
        HEADER + "R1,dignity\n"
        "R 1,dignity,better\n"
        f"R2,{own.code},yes\n"
        f"E06000023/BRI-1,{own.code},yes\n"
        "R3,dignity,better\n"
    )
    with pytest.raises(ImportFailed) as failed:
        import_responses(survey=holders, text=text, actor=commissioner)
    assert failed.value.errors == [
        "line 2: row: expected 3 columns, found 2",
        "line 3: respondent_ref: “R 1” may use only letters, digits, . _ / - (64 at most)",
        f"line 4: question: “{own.code}” is asked only of Dorset Council's people",
        f"line 5: question: “{own.code}” is asked only of Dorset Council's people",
    ]
    assert not Response.objects.exists()
    with pytest.raises(ImportFailed, match="^line 2: respondent_ref: the file has no answers$"):
        parse(survey=holders, text=HEADER)


def test_a_councils_own_question_is_imported_for_its_people_and_counted_once_per_answer(
    council, commissioner
):
    holders = survey("outcome-budget-holder")
    own = add_council_question(
        survey=holders, council=council, text="Card?", options=["Yes", "No"], kind="single",
        actor=commissioner,
    )  # fmt: skip
    person = person_holding(council, "isf", "direct_payment", person_ref="DOR-1")
    text = HEADER + f"E06000059/DOR-1,{own.code},yes\nE06000059/DOR-1,dignity,better\nANON-1,dignity,same\n"
    respondents, answers = parse(survey=holders, text=text)
    assert answers == 3 and [r.ref for r in respondents] == ["E06000059/DOR-1", "ANON-1"]
    assert respondents[0].person == person and respondents[1].person is None
    result = import_responses(survey=holders, text=text, actor=commissioner)
    assert (result.responses, result.answers, result.linked, result.anonymous) == (2, 3, 1, 1)
    linked = Response.objects.get(person=person)
    assert linked.status == ResponseStatus.SUBMITTED and linked.submitted_by == commissioner
    assert linked.management_types == ["direct_payment", "isf"]
    assert sorted(linked.answers.values_list("question__code", "option__code")) == [
        ("dignity", "better"),
        (own.code, "yes"),
    ]
    entry = LogEntry.objects.get_for_object(holders).get()
    assert entry.actor == commissioner and entry.additional_data["event"] == "survey responses imported"
    assert entry.additional_data["note"] == "3 answers" and entry.changes_dict["responses"] == ["", "2"]


def test_a_providers_imported_self_assessment_is_linked_and_updates_its_profile(provider_org, commissioner):
    from tests.providers.factories import profile_for

    profile = profile_for(provider_org)
    text = (
        HEADER + "PRV-001,isf_years,1_to_3\nPRV-001,client_groups,dementia\nOTHER-9,isf_years,not_offered\n"
    )
    result = import_responses(survey=survey("provider-self-assessment"), text=text, actor=commissioner)
    assert (result.linked, result.anonymous) == (1, 1)
    assert result.summary("provider-self-assessment") == (
        "Imported 2 responses (3 answers) to provider-self-assessment: 1 linked to providers, 1 anonymous."
    )
    assert Response.objects.get(provider=provider_org).respondent_ref == "PRV-001"
    profile.refresh_from_db()
    assert (profile.client_groups, profile.isf_years) == (["dementia"], "1_to_3")
    # The profile's change is recorded as the importer's, like the response.
    assert LogEntry.objects.get_for_object(profile).latest("pk").actor == commissioner


def test_an_uploaded_answers_file_runs_as_a_job_reporting_progress_and_leads_back_to_the_upload_page(
    council, commissioner
):
    from organisations import jobs
    from surveys.imports import run_upload_job

    survey("outcome-budget-holder")  # the shipped surveys, should a test before have emptied the tables
    person = person_holding(council, "isf", person_ref="DOR-1")
    job = jobs.request_import(
        kind="survey_responses",
        target="survey:outcome-budget-holder",
        file_name="answers.csv",
        data=(
            HEADER + "E06000059/DOR-1,dignity,better\nANON-1,dignity,same\nANON-1,easy_information,yes\n"
        ).encode(),
        actor=commissioner,
        enqueue=False,
    )
    told = []
    summary, url = run_upload_job(job, lambda **figures: told.append(figures))
    assert summary == (
        "Imported 2 responses (3 answers) to outcome-budget-holder: 1 linked to people, 1 anonymous."
    )
    assert url == "/surveys/answers/upload/"
    assert told == [{"checked": 3}, {"written": 3}]
    linked = Response.objects.get(person=person)
    assert (linked.survey.slug, linked.started_by, linked.submitted_by) == (
        "outcome-budget-holder",
        commissioner,
        commissioner,
    )
    assert Response.objects.get(respondent_ref="ANON-1").answers.count() == 2


def test_the_import_tells_its_progress_and_a_refused_file_writes_nothing(council, commissioner):
    told = []
    holders = survey("outcome-budget-holder")
    result = import_responses(
        survey=holders, text=HEADER + "R1,dignity,better\n\nR2,dignity,worse\n", actor=commissioner,
        progress=lambda **figures: told.append(figures),
    )  # fmt: skip
    assert result.responses == 2 and told == [{"checked": 2}, {"written": 2}]
    told.clear()
    with pytest.raises(ImportFailed) as failed:
        import_responses(
            survey=holders, text=HEADER + "R3,dignity,better\nR4,dignity,sideways\n", actor=commissioner,
            progress=lambda **figures: told.append(figures),
        )  # fmt: skip
    assert str(failed.value) == "line 3: answer: “sideways” is not an answer to “dignity”"
    assert told == [{"checked": 2}] and Response.objects.count() == 2


def test_checking_a_file_names_a_line_that_cannot_be_read_as_csv():
    text = HEADER + "R1,dignity,better\nR2,dignity," + "x" * 131_073 + "\n"
    with pytest.raises(ImportFailed) as failed:
        parse(survey=survey("outcome-budget-holder"), text=text)
    assert failed.value.errors == [
        "line 3: row: could not be read as CSV (field larger than field limit (131072))"
    ]
