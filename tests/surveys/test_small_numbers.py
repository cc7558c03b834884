"""Survey results and small numbers: groups under 5 are <5 everywhere, and a council's "all councils"
figures never reveal another council's answers by subtraction."""

import pytest

from surveys.disclosure import outcome_reports, survey_reports
from tests.surveys.factories import person_holding, send_response, survey

pytestmark = pytest.mark.django_db

SLUG = "outcome-budget-holder"


def answer(council, actor, kind, dignity, n=1):
    for _ in range(n):
        send_response(
            SLUG,
            actor=actor,
            person=person_holding(council, kind),
            answers={"easy_information": "yes", "dignity": dignity},
        )


def _cell(report, area, kind):
    [row] = [a for a in report["areas"] if a["code"] == area]
    [cell] = [c for c in row["by_type"] if c["type"] == kind]
    return cell


def test_a_group_under_5_is_hidden_with_the_next_smallest_so_the_total_gives_nothing_away(
    council, monitoring_officer
):
    answer(council, monitoring_officer, "isf", "better", n=6)
    answer(council, monitoring_officer, "commissioner_controlled", "same", n=7)
    answer(council, monitoring_officer, "direct_payment", "worse", n=2)
    own, _ = outcome_reports(council=council, slugs=[SLUG])
    assert own["respondents"] == 15
    assert own["by_management_type"] == {"direct_payment": "<5", "isf": "[c]", "commissioner_controlled": 7}
    assert _cell(own, "dignity", "direct_payment")["worse"] == "<5"
    assert _cell(own, "dignity", "isf")["better"] == "[c]"
    assert _cell(own, "dignity", "commissioner_controlled")["same"] == 7
    assert _cell(own, "dignity", "all")["better"] == 6  # two groups hidden: nothing can be worked out


def test_all_councils_beside_a_council_never_reveals_another_councils_answer(
    council, other_council, monitoring_officer
):
    answer(council, monitoring_officer, "isf", "better", n=6)
    answer(other_council, monitoring_officer, "isf", "worse", n=1)  # one person elsewhere
    own, platform = outcome_reports(council=council, slugs=[SLUG])
    assert own["by_management_type"] == {"isf": 6}
    assert _cell(own, "dignity", "isf")["better"] == 6
    # All councils minus this council's own would be the other council's one person: withheld.
    assert platform["respondents"] == "[c]"
    assert platform["by_management_type"] == {"isf": "[c]"}
    for kind in ("isf", "all"):
        assert _cell(platform, "dignity", kind)["worse"] == "[c]"
    questions_own, questions_platform = survey_reports(survey=survey(SLUG), council=council)
    assert questions_own["questions"]["dignity"]["options"]["better"] == {"count": 6, "percent": 100}
    assert questions_platform["respondents"] == "[c]"
    assert questions_platform["questions"]["dignity"]["options"]["worse"] == {
        "count": "[c]",
        "percent": "[c]",
    }


def test_all_councils_is_shown_where_other_councils_answers_are_5_or_more(
    council, other_council, monitoring_officer
):
    answer(council, monitoring_officer, "isf", "better", n=5)
    answer(other_council, monitoring_officer, "isf", "better", n=5)
    answer(other_council, monitoring_officer, "isf", "worse", n=1)
    _, platform = outcome_reports(council=council, slugs=[SLUG])
    assert platform["respondents"] == 11
    assert platform["by_management_type"] == {"isf": 11}
    # "better" elsewhere is 5 (shown), "worse" elsewhere is 1: the cell is withheld, and so is "all".
    assert _cell(platform, "dignity", "isf")["worse"] == "[c]"
    assert _cell(platform, "dignity", "all")["worse"] == "[c]"
    _, questions = survey_reports(survey=survey(SLUG), council=council)
    options = questions["questions"]["dignity"]["options"]
    assert options["worse"] == {"count": "[c]", "percent": "[c]"}
    # One option withheld would be the respondents minus the rest: the next smallest goes too.
    assert sum(1 for o in options.values() if o["count"] == "[c]") >= 2
    assert questions["questions"]["easy_information"]["options"]["yes"] == {"count": 11, "percent": 100}


def test_the_monitoring_returns_outcome_survey_shows_groups_under_5_as_under_5(council, monitoring_officer):
    import datetime as dt

    from monitoring.periods import parse_period
    from monitoring.report import build_return

    answer(council, monitoring_officer, "isf", "better", n=5)
    answer(council, monitoring_officer, "direct_payment", "worse", n=1)
    answer(council, monitoring_officer, "commissioner_controlled", "same", n=6)
    period = parse_period("2026-27")
    survey_part = build_return(council=council, period=period, today=dt.date(2026, 12, 1))["outcome_survey"]
    groups = survey_part["by_management_type"]
    assert groups["direct_payment"]["respondents"] == "<5"
    assert groups["direct_payment"]["life_areas"]["dignity"] == {"better": "<5", "same": "<5", "worse": "<5"}
    assert groups["isf"]["respondents"] == "[c]"
    assert groups["commissioner_controlled"]["respondents"] == 6
    assert groups["commissioner_controlled"]["life_areas"]["dignity"]["same"] == 6
