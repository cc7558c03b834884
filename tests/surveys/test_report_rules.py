"""What the survey reports count, through surveys.selectors (issue 20: written against the surviving
mutants of surveys.selectors and surveys.services): only sent answers, each respondent's latest once per
survey, by the ways the budget was held when it was sent, one council's answers never in another's,
and the exact words and shares people read."""

import datetime as dt

import pytest
from auditlog.models import LogEntry

from organisations.models import Role
from surveys.definitions import LIFE_AREA_CODES, PROVIDER_SELF_ASSESSMENT
from surveys.selectors import (
    open_outcome_surveys_for,
    outcome_report,
    percent_of,
    survey_report,
    survey_report_by_management_type,
)
from surveys.services import add_council_question, save_answers, start_or_continue_response
from tests.factories import UserFactory, staff
from tests.surveys.factories import person_holding, send_response, survey

pytestmark = pytest.mark.django_db

HOLDERS, CARERS = "outcome-budget-holder", "outcome-carer"


def _row(report, code):
    [row] = [a for a in report["areas"] if a["code"] == code]
    return row


def _cells(report, code):
    return {c["type"]: c for c in _row(report, code)["by_type"]}


def _figures(cell):
    return tuple(
        cell[k]
        for k in ("answered", "better", "same", "worse", "better_percent", "same_percent", "worse_percent")
    )


def test_the_outcome_report_counts_each_way_of_holding_the_budget_and_the_link_with_process(
    council, other_council, commissioner
):
    send_response(
        HOLDERS,
        actor=commissioner,
        person=person_holding(council, "isf"),
        answers={"easy_information": "yes", "dignity": "better", "independence": "same"},
    )
    send_response(
        HOLDERS,
        actor=commissioner,
        person=person_holding(council, "direct_payment", "isf"),
        answers={"easy_information": "no", "dignity": "worse", "independence": "not_applicable"},
    )
    send_response(HOLDERS, actor=commissioner, person=person_holding(council), answers={"dignity": "same"})
    send_response(
        CARERS,
        actor=commissioner,
        person=person_holding(council, "commissioner_controlled"),
        answers={"easy_information": "yes", "staying_well": "better"},
    )
    # Neither another council's answers nor anyone's unsent answers are in this council's report.
    send_response(
        HOLDERS,
        actor=commissioner,
        person=person_holding(other_council, "isf"),
        answers={"easy_information": "yes", "dignity": "worse"},
    )
    draft = start_or_continue_response(
        survey=survey(HOLDERS), actor=commissioner, person=person_holding(council, "isf")
    )
    save_answers(
        response=draft, answers={"dignity": ["worse"], "easy_information": ["yes"]}, actor=commissioner
    )

    report = outcome_report(council=council)

    assert report["respondents"] == 4
    assert report["types"] == [
        {"code": "isf", "label": "Individual Service Fund only"},
        {"code": "commissioner_controlled", "label": "Council-managed budget only"},
        {"code": "mixed", "label": "More than one way (mixed)"},
        {"code": "none", "label": "No budget arrangement at the time"},
        {"code": "all", "label": "All"},
    ]
    assert report["by_management_type"] == {"isf": 1, "commissioner_controlled": 1, "mixed": 1, "none": 1}
    assert [a["code"] for a in report["areas"]][-3:] == [
        "staying_well",
        "able_to_keep_caring",
        "quality_of_life",
    ]
    assert (_row(report, "dignity")["label"], _row(report, "staying_well")["label"]) == (
        "Dignity",
        "Carer: staying well",
    )
    dignity = _cells(report, "dignity")
    assert list(dignity) == ["isf", "commissioner_controlled", "mixed", "none", "all"]
    assert {k: _figures(c) for k, c in dignity.items()} == {
        "isf": (1, 1, 0, 0, 100, 0, 0),
        "commissioner_controlled": (0, 0, 0, 0, 0, 0, 0),
        "mixed": (1, 0, 0, 1, 0, 0, 100),
        "none": (1, 0, 1, 0, 0, 100, 0),
        "all": (3, 1, 1, 1, 33, 33, 33),
    }
    # "Does not apply to me" is no answer to the area.
    assert _figures(_cells(report, "independence")["mixed"]) == (0, 0, 0, 0, 0, 0, 0)
    assert _figures(_cells(report, "independence")["all"]) == (1, 0, 1, 0, 0, 100, 0)
    assert _figures(_cells(report, "staying_well")["commissioner_controlled"]) == (1, 1, 0, 0, 100, 0, 0)

    [easy] = [lk for lk in report["links"] if lk["code"] == "easy_information"]
    assert easy["question"] == "Was it easy to get information about your personal budget?"
    # Said yes: the ISF holder (dignity better, independence same) and the carer (staying well better).
    # Did not say yes: the mixed holder. The person who did not answer is in neither group.
    assert easy["groups"] == [
        {
            "label": "Said yes",
            "respondents": 2,
            "any_better": 2,
            "any_better_percent": 100,
            "area_answers": 3,
            "better_answers": 2,
            "better_percent": 67,
        },
        {
            "label": "Did not say yes",
            "respondents": 1,
            "any_better": 0,
            "any_better_percent": 0,
            "area_answers": 1,
            "better_answers": 0,
            "better_percent": 0,
        },
    ]
    # All councils: the other council's respondent too.
    assert outcome_report()["respondents"] == 5
    # The budget holders' survey alone asks no carer's questions, and has no carer's answers.
    holders_only = outcome_report(council=council, slugs=[HOLDERS])
    assert [a["code"] for a in holders_only["areas"]] == list(LIFE_AREA_CODES)
    assert holders_only["respondents"] == 3


def test_each_provider_counts_once_with_its_latest_self_assessment(
    provider_org, other_provider_org, provider_a
):
    send_response(
        PROVIDER_SELF_ASSESSMENT,
        actor=provider_a,
        provider=provider_org,
        answers={"isf_years": "1_to_3"},
        on=dt.date(2026, 5, 1),
    )
    send_response(
        PROVIDER_SELF_ASSESSMENT,
        actor=provider_a,
        provider=provider_org,
        answers={"isf_years": "5_to_10"},
        on=dt.date(2026, 6, 1),
    )
    other = staff(Role.PROVIDER_MANAGER, provider=other_provider_org)
    send_response(
        PROVIDER_SELF_ASSESSMENT,
        actor=other,
        provider=other_provider_org,
        answers={"isf_years": "1_to_3"},
        on=dt.date(2026, 5, 1),
    )

    report = survey_report(survey=survey(PROVIDER_SELF_ASSESSMENT))

    assert report["respondents"] == 2
    options = report["questions"]["isf_years"]["options"]
    assert (options["1_to_3"], options["5_to_10"]) == (
        {"count": 1, "percent": 50},
        {"count": 1, "percent": 50},
    )
    # Providers hold no budget: there is no report by way of holding one.
    assert survey_report_by_management_type(survey=survey(PROVIDER_SELF_ASSESSMENT)) == {}


def test_a_person_answering_both_outcome_surveys_counts_once_in_each(council, commissioner):
    person = person_holding(council, "isf")
    send_response(HOLDERS, actor=commissioner, person=person, answers={"dignity": "better"})
    send_response(HOLDERS, actor=commissioner, person=person, answers={"dignity": "worse"})
    send_response(CARERS, actor=commissioner, person=person, answers={"dignity": "same"})

    report = outcome_report(council=council)
    assert report["respondents"] == 2
    assert _figures(_cells(report, "dignity")["isf"]) == (2, 0, 1, 1, 0, 50, 50)


def test_the_report_by_way_of_holding_gives_each_groups_shares_of_its_own_respondents(council, commissioner):
    for kind, dignity in (("isf", "better"), ("isf", "same"), ("commissioner_controlled", "worse")):
        send_response(
            HOLDERS, actor=commissioner, person=person_holding(council, kind), answers={"dignity": dignity}
        )
    send_response(
        HOLDERS,
        actor=commissioner,
        person=person_holding(council, "direct_payment", "isf"),
        answers={"dignity": "better"},
    )

    groups = survey_report_by_management_type(survey=survey(HOLDERS), council=council)

    assert list(groups) == ["isf", "commissioner_controlled", "mixed"]
    assert [g["respondents"] for g in groups.values()] == [2, 1, 1]
    assert groups["isf"]["questions"]["dignity"]["options"] == {
        "better": {"count": 1, "percent": 50},
        "same": {"count": 1, "percent": 50},
        "worse": {"count": 0, "percent": 0},
        "not_applicable": {"count": 0, "percent": 0},
    }
    assert groups["mixed"]["questions"]["dignity"]["options"]["better"] == {"count": 1, "percent": 100}
    assert percent_of(0, 0) == 0  # no respondents: a share of 0, not a division by zero


def test_a_councils_own_question_is_in_its_own_report_only(council, other_council, commissioner):
    holders = survey(HOLDERS)
    ours = add_council_question(
        survey=holders,
        council=council,
        text="Card?",
        options=["Yes", "No"],
        kind="single",
        actor=commissioner,
    )
    theirs = add_council_question(
        survey=holders,
        council=other_council,
        text="Bus?",
        options=["Yes", "No"],
        kind="single",
        actor=staff(Role.COMMISSIONER, council=other_council),
    )
    send_response(
        HOLDERS,
        actor=commissioner,
        person=person_holding(council, "isf"),
        answers={ours.code: "yes", "dignity": "better"},
    )

    own = survey_report(survey=holders, council=council, include_council_questions=True)
    assert own["questions"][ours.code]["options"] == {
        "yes": {"count": 1, "percent": 100},
        "no": {"count": 0, "percent": 0},
    }
    assert theirs.code not in own["questions"]
    assert list(own["questions"])[-1] == ours.code
    # Without asking for them, and in all councils' figures, no council's own question appears.
    for report in (survey_report(survey=holders, council=council), survey_report(survey=holders)):
        assert not {ours.code, theirs.code} & set(report["questions"])
        assert report["questions"]["dignity"]["options"]["better"] == {"count": 1, "percent": 100}


def test_your_surveys_shows_the_last_answers_sent_and_the_ones_still_open(council):
    user = UserFactory()
    me = person_holding(council, "isf", user=user)
    send_response(HOLDERS, actor=user, person=me, answers={"dignity": "worse"}, on=dt.date(2026, 5, 1))
    latest = send_response(
        HOLDERS, actor=user, person=me, answers={"dignity": "better"}, on=dt.date(2026, 9, 1)
    )
    [row] = open_outcome_surveys_for(user=user)
    assert (row["person"], row["is_self"], row["survey"].slug, row["open"], row["last_sent"]) == (
        me,
        True,
        HOLDERS,
        None,
        latest,
    )


def test_sending_with_no_budget_arrangement_records_none(council, commissioner):
    person = person_holding(council)
    sent = send_response(HOLDERS, actor=commissioner, person=person, answers={"dignity": "same"})
    assert sent.management_types == [] and sent.management_class == "none"
    note = LogEntry.objects.get_for_object(sent).order_by("pk").last().additional_data["note"]
    assert note == "management types: none"
