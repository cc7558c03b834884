"""import_survey_responses and survey_report: all-or-nothing imports, exact shares."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from surveys.models import Channel, Response
from surveys.selectors import percent_of
from tests.surveys import published
from tests.surveys.factories import person_holding


@pytest.fixture
def csv_file(tmp_path):
    def write(text: str):
        path = tmp_path / "answers.csv"
        path.write_text(text, encoding="utf-8")
        return str(path)

    return write


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def report(slug: str) -> dict:
    out, _ = run("survey_report", "--survey", slug, "--format", "json")
    return json.loads(out)


def test_shares_are_whole_numbers_rounded_half_up_not_to_even():
    assert percent_of(1, 8) == 13  # 12.5: banker's rounding would say 12
    assert percent_of(5, 8) == 63  # 62.5: round() on a float says 62
    assert percent_of(57, 156) == 37
    assert percent_of(0, 0) == 0


@pytest.mark.django_db
def test_156_provider_responses_reproduce_the_published_shares_exactly(csv_file):
    out, _ = run(
        "import_survey_responses", "--survey", "provider-self-assessment", csv_file(published.csv_text())
    )
    assert out.strip() == (
        f"Imported 156 responses ({len(published.csv_rows())} answers) to provider-self-assessment: "
        "0 linked to providers, 156 anonymous."
    )

    result = report("provider-self-assessment")

    assert result["respondents"] == 156
    groups = result["questions"]["client_groups"]["options"]
    assert list(groups) == [code for code, _, _ in published.TABLE_2]
    for code, count, share in published.TABLE_2:
        assert groups[code] == {"count": count, "percent": share}, code
    for question, options, share in published.QUOTED:
        counted = sum(result["questions"][question]["options"][o]["count"] for o in options)
        assert percent_of(counted, result["respondents"]) == share, (question, options)
    assert result["questions"]["direct_management"]["options"]["yes_frequently"] == {
        "count": 55,
        "percent": 35,
    }
    assert result["questions"]["funder_flexibility"]["options"]["yes_frequently"] == {
        "count": 33,
        "percent": 21,
    }


@pytest.mark.django_db
def test_the_json_report_has_exactly_the_documented_shape(csv_file):
    run(
        "import_survey_responses",
        "--survey",
        "provider-self-assessment",
        csv_file(
            "respondent_ref,question,answer\nR1,client_groups,dementia\nR1,client_groups,other\nR2,isf_years,1_to_3\n"
        ),
    )
    result = report("provider-self-assessment")
    # Providers hold no budget: nothing by way of holding one.
    assert set(result) == {"respondents", "questions", "by_management_type"}
    assert result["by_management_type"] == {}
    assert result["respondents"] == 2
    assert result["questions"]["client_groups"] == {
        "options": {
            code: {"count": 1, "percent": 50} if code in ("dementia", "other") else {"count": 0, "percent": 0}
            for code, _, _ in published.TABLE_2
        }
    }
    assert result["questions"]["isf_years"]["options"]["1_to_3"] == {"count": 1, "percent": 50}
    assert set(result["questions"]["funder_flexibility"]["options"]) == {
        "yes_frequently",
        "somewhat",
        "no",
        "not_applicable",
    }


@pytest.mark.django_db
def test_a_bad_file_imports_nothing_and_says_what_is_wrong_line_by_line(csv_file):
    text = (
        "respondent_ref,question,answer\n"
        "R1,client_groups,dementia\n"
        "R1,favourite_colour,blue\n"
        "R1,client_groups,unicorns\n"
        "R1,individual_design,yes_frequently\n"
        "R1,individual_design,no\n"
        "R1,client_groups,dementia\n"
        ",isf_years,1_to_3\n"
    )
    err = StringIO()
    with pytest.raises(SystemExit) as exit_status:
        call_command(
            "import_survey_responses",
            "--survey",
            "provider-self-assessment",
            csv_file(text),
            stderr=err,
            stdout=StringIO(),
        )
    assert err.getvalue().splitlines() == [
        "line 3: question: unknown question “favourite_colour” in provider-self-assessment",
        "line 4: answer: “unicorns” is not an answer to “client_groups”",
        "line 6: answer: “individual_design” takes one answer and “R1” already answered it on line 5",
        "line 7: answer: repeats line 2 for “R1”",
        "line 8: respondent_ref: is empty",
    ]
    assert exit_status.value.code == 1
    assert Response.objects.count() == 0


@pytest.mark.django_db
def test_a_wrong_header_is_line_1(csv_file):
    err = StringIO()
    with pytest.raises(SystemExit):
        call_command(
            "import_survey_responses",
            "--survey",
            "outcome-budget-holder",
            csv_file("ref,q,a\nR1,dignity,better\n"),
            stderr=err,
            stdout=StringIO(),
        )
    assert (
        err.getvalue().strip() == "line 1: header: expected “respondent_ref,question,answer”, found “ref,q,a”"
    )


def test_the_commands_exit_1_for_an_unknown_survey(db, csv_file):
    # manage.py turns a CommandError into its returncode as the exit status.
    for args in (
        ["survey_report", "--survey", "no-such-survey", "--format", "json"],
        ["import_survey_responses", "--survey", "no-such-survey", csv_file("x\n")],
    ):
        with pytest.raises(CommandError, match="unknown survey “no-such-survey”") as raised:
            run(*args)
        assert raised.value.returncode == 1


@pytest.mark.django_db
def test_an_outcome_import_links_people_by_council_and_reference_with_their_management_types(
    council, csv_file
):
    person = person_holding(council, "isf", person_ref="DOR-1")
    text = (
        "respondent_ref,question,answer\n"
        "E06000059/DOR-1,dignity,better\n"
        "E06000059/DOR-1,easy_information,yes\n"
        "ANON-7,dignity,worse\n"
    )
    out, _ = run("import_survey_responses", "--survey", "outcome-budget-holder", csv_file(text))
    assert out.strip() == (
        "Imported 2 responses (3 answers) to outcome-budget-holder: 1 linked to people, 1 anonymous."
    )
    linked = Response.objects.get(person=person)
    assert linked.management_types == ["isf"]
    assert linked.council == council
    assert linked.channel == Channel.IMPORT
    assert Response.objects.get(respondent_ref="ANON-7").management_class == "none"


@pytest.mark.django_db
def test_an_outcome_import_refuses_a_person_who_does_not_exist(csv_file):
    err = StringIO()
    with pytest.raises(SystemExit):
        call_command(
            "import_survey_responses",
            "--survey",
            "outcome-budget-holder",
            csv_file("respondent_ref,question,answer\nE06000059/NOPE,dignity,better\n"),
            stderr=err,
            stdout=StringIO(),
        )
    assert err.getvalue().strip() == "line 2: respondent_ref: no person “NOPE” in council “E06000059”"


@pytest.mark.django_db
def test_importing_the_same_respondents_again_does_not_double_count(csv_file):
    path = csv_file("respondent_ref,question,answer\nR1,dignity,better\nR2,dignity,worse\n")
    run("import_survey_responses", "--survey", "outcome-budget-holder", path)
    run("import_survey_responses", "--survey", "outcome-budget-holder", path)
    assert report("outcome-budget-holder")["respondents"] == 2


@pytest.mark.django_db
def test_the_pdf_report_has_charts_and_the_figures(csv_file, tmp_path):
    run("import_survey_responses", "--survey", "provider-self-assessment", csv_file(published.csv_text()))
    pdf = tmp_path / "report.pdf"
    out, _ = run(
        "survey_report", "--survey", "provider-self-assessment", "--format", "pdf", "--output", str(pdf)
    )
    assert out.strip() == f"Wrote {pdf}"
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    from tests.surveys.pdf_text import pdf_text

    text = pdf_text(data)
    assert "Personalised support self-assessment" in text
    assert "Respondents: 156" in text
    assert "Adults with learning disabilities or intellectual disabilities" in text
    assert "91%" in text


@pytest.mark.django_db
def test_the_json_report_by_way_of_holding_has_the_same_shape_per_group_and_hides_groups_under_5(
    council, monitoring_officer
):
    from tests.surveys.factories import send_response

    for kind, n, answer in (
        ("isf", 6, "better"),
        ("commissioner_controlled", 7, "same"),
        ("direct_payment", 2, "worse"),
    ):
        for _ in range(n):
            send_response(
                "outcome-budget-holder",
                actor=monitoring_officer,
                person=person_holding(council, kind),
                answers={"dignity": answer},
            )
    result = report("outcome-budget-holder")
    groups = result["by_management_type"]
    assert list(groups) == ["direct_payment", "isf", "commissioner_controlled"]
    assert groups["commissioner_controlled"]["respondents"] == 7
    assert groups["commissioner_controlled"]["questions"]["dignity"]["options"]["same"] == {
        "count": 7,
        "percent": 100,
    }
    assert set(groups["commissioner_controlled"]["questions"]) == set(result["questions"])
    # 2 people: <5, and so is every figure of theirs; the next smallest group is hidden too, so the
    # 2 cannot be worked out from the whole survey's figures.
    assert groups["direct_payment"]["respondents"] == "<5"
    assert groups["direct_payment"]["questions"]["dignity"]["options"]["worse"] == {
        "count": "<5",
        "percent": "<5",
    }
    assert groups["isf"]["respondents"] == "[c]"
    assert result["respondents"] == 15


@pytest.mark.django_db
def test_the_pdf_report_charts_give_shares_and_counts_labels_whole_and_a_no_answer_row(
    council, monitoring_officer
):
    from surveys.reports import report_context
    from tests.surveys.factories import send_response, survey
    from tests.surveys.pdf_text import pdf_text

    for i in range(6):
        send_response(
            "outcome-budget-holder",
            actor=monitoring_officer,
            person=person_holding(council, "isf"),
            answers={"dignity": "better"} if i < 4 else {"easy_information": "yes"},
        )
    context = report_context(survey=survey("outcome-budget-holder"), council=council)
    [dignity] = [q for q in context["questions"] if q["code"] == "dignity"]
    rows = {o["label"]: (o["count"], o["percent"]) for o in dignity["options"]}
    assert rows["No answer"] == (2, 33)
    assert sum(p for _, p in rows.values()) == 100
    assert "67% (4 people)" in dignity["chart"] and "33% (2 people)" in dignity["chart"]
    assert "…" not in dignity["chart"]
    from surveys.reports import render_pdf

    text = pdf_text(render_pdf(context=context))
    assert "No answer" in text
    assert "Individual Service Fund only" in text


def test_chart_labels_wrap_and_are_never_cut_off():
    from organisations.charts import bar_chart

    label = "Adults with learning disabilities or intellectual disabilities and complex health needs"
    svg = bar_chart(title="Who we support", rows=[(label, 40, "40%")], chart_id="c", label_width=200)
    words = " ".join(__import__("re").findall(r"<tspan[^>]*>([^<]*)</tspan>", svg))
    assert words == label
    assert "…" not in svg
