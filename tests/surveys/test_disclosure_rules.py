"""Small numbers in survey results at their exact thresholds (DESIGN.md, "Small numbers"), through the
functions the report pages, the API and the monitoring return call (issue 20: written against the
surviving mutants of surveys.disclosure). A group of 1 to 4 respondents is `<5`; a group of 5 is shown,
or `[c]` when it is the second group hidden; beside a council's own, an all-councils figure is withheld
where the other councils' part of it is 1 to 4."""

import pytest

from surveys.disclosure import outcome_reports, survey_reports
from tests.surveys.factories import person_holding, send_response, survey

pytestmark = pytest.mark.django_db

SLUG = "outcome-budget-holder"
ALL_HIDDEN = {
    "answered": "<5",
    "better": "<5",
    "same": "<5",
    "worse": "<5",
    "better_percent": "<5",
    "same_percent": "<5",
    "worse_percent": "<5",
    "hidden": True,
}
LINK_HIDDEN = {
    "respondents": "<5",
    "any_better": "<5",
    "any_better_percent": "<5",
    "area_answers": "<5",
    "better_answers": "<5",
    "better_percent": "<5",
    "hidden": True,
}


def withheld(cell: dict) -> dict:
    return {k: ("[c]" if k != "hidden" else True) for k in cell}


def answer(council, actor, kinds, n, **answers):
    """`n` people of `council` holding their budget in `kinds` ways send these answers."""
    kinds = kinds if isinstance(kinds, tuple) else (kinds,)
    for _ in range(n):
        send_response(SLUG, actor=actor, person=person_holding(council, *kinds), answers=answers)


def cell(report, kind, area="dignity"):
    [row] = [a for a in report["areas"] if a["code"] == area]
    [found] = [c for c in row["by_type"] if c["type"] == kind]
    return found


def link(report, code, label):
    [found] = [g for lk in report["links"] if lk["code"] == code for g in lk["groups"] if g["label"] == label]
    return found


def test_a_group_of_4_is_under_5_and_the_next_smallest_group_of_5_is_withheld_not_under_5(
    council, monitoring_officer
):
    answer(council, monitoring_officer, "isf", 4, dignity="better", easy_information="yes")
    answer(council, monitoring_officer, "direct_payment", 5, dignity="same", knew_budget_amount="yes")
    answer(council, monitoring_officer, "commissioner_controlled", 6, dignity="worse", easy_information="no")

    own, platform = outcome_reports(council=council, slugs=[SLUG])

    for report in (own, platform):  # no other council has answered: all councils is this council
        assert report["respondents"] == 15
        assert report["by_management_type"] == {
            "direct_payment": "[c]",
            "isf": "<5",
            "commissioner_controlled": 6,
        }
        assert report["hidden_types"] == ["direct_payment", "isf"]
        assert cell(report, "isf") == {"type": "isf", **ALL_HIDDEN}
        assert cell(report, "direct_payment") == {"type": "direct_payment", **withheld(ALL_HIDDEN)}
        assert cell(report, "commissioner_controlled") == {
            "type": "commissioner_controlled",
            "answered": 6,
            "better": 0,
            "same": 0,
            "worse": 6,
            "better_percent": 0,
            "same_percent": 0,
            "worse_percent": 100,
        }
        # Two groups hidden: the total cannot give either away, so it is shown.
        assert cell(report, "all") == {
            "type": "all",
            "answered": 15,
            "better": 4,
            "same": 5,
            "worse": 6,
            "better_percent": 27,
            "same_percent": 33,
            "worse_percent": 40,
        }
        # Four said yes to the first process question: <5. Five said yes to the second: shown.
        assert link(report, "easy_information", "Said yes") == {"label": "Said yes", **LINK_HIDDEN}
        assert link(report, "easy_information", "Did not say yes") == {
            "label": "Did not say yes",
            "respondents": 6,
            "any_better": 0,
            "any_better_percent": 0,
            "area_answers": 6,
            "better_answers": 0,
            "better_percent": 0,
        }
        assert link(report, "knew_budget_amount", "Said yes") == {
            "label": "Said yes",
            "respondents": 5,
            "any_better": 0,
            "any_better_percent": 0,
            "area_answers": 5,
            "better_answers": 0,
            "better_percent": 0,
        }


def test_a_council_with_only_4_respondents_shows_nothing_but_under_5(council, monitoring_officer):
    answer(council, monitoring_officer, "isf", 4, dignity="better", easy_information="yes")

    own, platform = outcome_reports(council=council, slugs=[SLUG])

    for report in (own, platform):
        assert report["respondents"] == "<5"
        assert report["by_management_type"] == {"isf": "<5"}
        assert report["hidden_types"] == ["isf"]
        assert cell(report, "isf") == {"type": "isf", **ALL_HIDDEN}
        # The one group hidden is the whole: "all" would give it away.
        assert cell(report, "all") == {"type": "all", **ALL_HIDDEN}
        assert link(report, "easy_information", "Said yes") == {"label": "Said yes", **LINK_HIDDEN}


def test_a_council_with_5_respondents_in_one_group_is_shown_in_full(council, monitoring_officer):
    answer(council, monitoring_officer, "isf", 5, dignity="better", easy_information="yes")

    own, _ = outcome_reports(council=council, slugs=[SLUG])

    assert own["respondents"] == 5
    assert own["by_management_type"] == {"isf": 5}
    assert own["hidden_types"] == []
    shown = {"answered": 5, "better": 5, "same": 0, "worse": 0, "better_percent": 100, "same_percent": 0}
    assert cell(own, "isf") == {"type": "isf", **shown, "worse_percent": 0}
    assert cell(own, "all") == {"type": "all", **shown, "worse_percent": 0}
    assert link(own, "easy_information", "Said yes") == {
        "label": "Said yes",
        "respondents": 5,
        "any_better": 5,
        "any_better_percent": 100,
        "area_answers": 5,
        "better_answers": 5,
        "better_percent": 100,
    }


def test_beside_a_council_all_councils_withholds_each_group_where_other_councils_gave_1_to_4(
    council, other_council, monitoring_officer
):
    # This council: 5 people with an ISF. Other councils: 4 with an ISF (hidden by subtraction),
    # 5 with a direct payment and 5 with a council-managed budget, which this council has none of.
    answer(council, monitoring_officer, "isf", 5, dignity="better", easy_information="yes")
    answer(other_council, monitoring_officer, "isf", 4, dignity="same", easy_information="yes")
    answer(other_council, monitoring_officer, "direct_payment", 5, dignity="same", easy_information="no")
    answer(other_council, monitoring_officer, "commissioner_controlled", 5, dignity="same")

    own, platform = outcome_reports(council=council, slugs=[SLUG])

    assert own["by_management_type"] == {"isf": 5}
    assert platform["respondents"] == 19
    # ISF elsewhere is 4: withheld; the smallest other group (5 and 5: the first by name) goes too.
    assert platform["by_management_type"] == {
        "direct_payment": 5,
        "isf": "[c]",
        "commissioner_controlled": "[c]",
    }
    assert platform["hidden_types"] == ["commissioner_controlled", "isf"]
    assert cell(platform, "isf") == {"type": "isf", **withheld(ALL_HIDDEN)}
    assert cell(platform, "commissioner_controlled") == {
        "type": "commissioner_controlled",
        **withheld(ALL_HIDDEN),
    }
    assert cell(platform, "direct_payment") == {
        "type": "direct_payment",
        "answered": 5,
        "better": 0,
        "same": 5,
        "worse": 0,
        "better_percent": 0,
        "same_percent": 100,
        "worse_percent": 0,
    }
    # Others: 0 better, 14 same, 0 worse; two groups hidden: "all" is shown.
    assert cell(platform, "all") == {
        "type": "all",
        "answered": 19,
        "better": 5,
        "same": 14,
        "worse": 0,
        "better_percent": 26,
        "same_percent": 74,
        "worse_percent": 0,
    }
    # Nine said yes, four of them elsewhere: withheld. Five elsewhere did not: shown.
    assert link(platform, "easy_information", "Said yes") == {"label": "Said yes", **withheld(LINK_HIDDEN)}
    assert link(platform, "easy_information", "Did not say yes") == {
        "label": "Did not say yes",
        "respondents": 5,
        "any_better": 0,
        "any_better_percent": 0,
        "area_answers": 5,
        "better_answers": 0,
        "better_percent": 0,
    }


def test_an_all_councils_cell_is_withheld_where_other_councils_answers_in_it_are_1_to_4(
    council, other_council, monitoring_officer
):
    # Groups are large enough everywhere, but elsewhere 4 ISF holders said "worse" to dignity.
    answer(council, monitoring_officer, "isf", 5, dignity="better")
    answer(other_council, monitoring_officer, "isf", 5, dignity="same")
    answer(other_council, monitoring_officer, "isf", 4, dignity="worse")
    answer(other_council, monitoring_officer, "isf", 5, dignity="same", independence="better")

    _, platform = outcome_reports(council=council, slugs=[SLUG])

    assert platform["respondents"] == 19
    assert platform["by_management_type"] == {"isf": 19}
    assert platform["hidden_types"] == []
    assert cell(platform, "isf") == {"type": "isf", **withheld(ALL_HIDDEN)}
    assert cell(platform, "all") == {"type": "all", **withheld(ALL_HIDDEN)}
    # Independence: 5 "better" elsewhere, none here: shown.
    assert cell(platform, "isf", area="independence") == {
        "type": "isf",
        "answered": 5,
        "better": 5,
        "same": 0,
        "worse": 0,
        "better_percent": 100,
        "same_percent": 0,
        "worse_percent": 0,
    }


def test_all_councils_is_withheld_entirely_where_other_councils_gave_4_answers_and_shown_at_5(
    council, other_council, monitoring_officer
):
    answer(council, monitoring_officer, "isf", 6, dignity="better", easy_information="no")
    answer(other_council, monitoring_officer, "isf", 4, dignity="better", easy_information="no")

    own, platform = outcome_reports(council=council, slugs=[SLUG])
    assert own["respondents"] == 6
    assert platform["respondents"] == "[c]"
    assert platform["by_management_type"] == {"isf": "[c]"}
    assert platform["hidden_types"] == ["isf"]
    for kind in ("isf", "all"):
        assert cell(platform, kind) == {"type": kind, **withheld(ALL_HIDDEN)}
    # Even a group whose own part is 0 elsewhere ("Said yes": nobody) is withheld with the rest.
    assert link(platform, "easy_information", "Said yes") == {"label": "Said yes", **withheld(LINK_HIDDEN)}
    assert link(platform, "easy_information", "Did not say yes") == {
        "label": "Did not say yes",
        **withheld(LINK_HIDDEN),
    }
    _, questions = survey_reports(survey=survey(SLUG), council=council)
    assert questions["respondents"] == "[c]"
    assert questions["questions"]["dignity"]["options"] == {
        o: {"count": "[c]", "percent": "[c]"} for o in ("better", "same", "worse", "not_applicable")
    }

    answer(other_council, monitoring_officer, "isf", 1, dignity="better", easy_information="no")
    _, platform = outcome_reports(council=council, slugs=[SLUG])
    assert platform["respondents"] == 11
    assert platform["by_management_type"] == {"isf": 11}
    assert cell(platform, "all")["better"] == 11
    assert link(platform, "easy_information", "Did not say yes")["respondents"] == 11


def test_the_all_councils_answers_to_a_question_withhold_options_given_by_1_to_4_elsewhere_and_one_more(
    council, other_council, monitoring_officer
):
    answer(council, monitoring_officer, "isf", 5, dignity="better")
    answer(other_council, monitoring_officer, "isf", 5, dignity="better")
    answer(other_council, monitoring_officer, "isf", 1, dignity="worse")

    own, platform = survey_reports(survey=survey(SLUG), council=council)

    assert own["respondents"] == 5
    assert own["questions"]["dignity"]["options"]["better"] == {"count": 5, "percent": 100}
    assert platform["respondents"] == 11
    # Elsewhere: better 5, same 0, worse 1, not applicable 0. "worse" is withheld, and one more (the
    # smallest other, 0, first by code) so that it cannot be worked out from the respondents.
    assert platform["questions"]["dignity"]["options"] == {
        "better": {"count": 10, "percent": 91},
        "same": {"count": 0, "percent": 0},
        "worse": {"count": "[c]", "percent": "[c]"},
        "not_applicable": {"count": "[c]", "percent": "[c]"},
    }


def test_all_councils_answers_with_5_elsewhere_in_every_option_are_shown_in_full(
    council, other_council, monitoring_officer
):
    answer(council, monitoring_officer, "isf", 1, dignity="worse")
    answer(other_council, monitoring_officer, "isf", 5, dignity="better")
    answer(other_council, monitoring_officer, "isf", 5, dignity="worse")

    own, platform = survey_reports(survey=survey(SLUG), council=council)

    # A council sees its own answers, however few.
    assert own["respondents"] == 1
    assert own["questions"]["dignity"]["options"]["worse"] == {"count": 1, "percent": 100}
    assert platform["respondents"] == 11
    assert platform["questions"]["dignity"]["options"] == {
        "better": {"count": 5, "percent": 45},
        "same": {"count": 0, "percent": 0},
        "worse": {"count": 6, "percent": 55},
        "not_applicable": {"count": 0, "percent": 0},
    }


def test_with_no_council_the_platform_admin_sees_all_councils_with_groups_under_5_hidden(
    council, monitoring_officer
):
    answer(council, monitoring_officer, "isf", 4, dignity="better")
    answer(council, monitoring_officer, "direct_payment", 6, dignity="same")

    own, platform = outcome_reports(council=None, slugs=[SLUG])
    assert own is None
    assert platform["respondents"] == 10
    assert platform["by_management_type"] == {"direct_payment": "[c]", "isf": "<5"}

    own, questions = survey_reports(survey=survey(SLUG), council=None)
    assert own is None
    assert questions["respondents"] == 10
    assert questions["questions"]["dignity"]["options"]["better"] == {"count": 4, "percent": 40}


def test_an_option_this_council_gave_most_of_is_withheld_when_other_councils_gave_it_1_to_4(
    council, other_council, monitoring_officer
):
    answer(council, monitoring_officer, "isf", 5, dignity="better")
    answer(other_council, monitoring_officer, "isf", 1, dignity="better")
    answer(other_council, monitoring_officer, "isf", 5, dignity="worse")

    _, platform = survey_reports(survey=survey(SLUG), council=council)

    # "better" is 6 in all, but 1 of them elsewhere: withheld, with the smallest other option (0).
    assert platform["respondents"] == 11
    assert platform["questions"]["dignity"]["options"] == {
        "better": {"count": "[c]", "percent": "[c]"},
        "same": {"count": 0, "percent": 0},
        "worse": {"count": 5, "percent": 45},
        "not_applicable": {"count": "[c]", "percent": "[c]"},
    }


def test_beside_a_council_all_councils_withholds_every_group_when_other_councils_gave_1_to_4_answers(
    council, other_council, monitoring_officer
):
    answer(council, monitoring_officer, "isf", 6, dignity="better")
    answer(council, monitoring_officer, "commissioner_controlled", 6, dignity="same")
    answer(other_council, monitoring_officer, "direct_payment", 1, dignity="worse")

    _, platform = outcome_reports(council=council, slugs=[SLUG])

    # 13 in all, 12 of them this council's: the one other answer must not be found by subtraction, so
    # every group is withheld, even the ways of holding the budget only this council's people answered.
    assert platform["respondents"] == "[c]"
    assert platform["by_management_type"] == {
        "direct_payment": "<5",
        "isf": "[c]",
        "commissioner_controlled": "[c]",
    }
    assert platform["hidden_types"] == ["commissioner_controlled", "direct_payment", "isf"]
    assert cell(platform, "isf") == {"type": "isf", **withheld(ALL_HIDDEN)}


def _return_outcome_survey(council):
    from monitoring.periods import parse_period
    from monitoring.report import outcome_survey

    return outcome_survey(council=council, period=parse_period("2026-27"))


def test_the_returns_outcome_survey_shows_a_group_of_1_as_under_5_with_all_its_answers(
    council, monitoring_officer
):
    answer(council, monitoring_officer, "direct_payment", 6, dignity="same")
    answer(council, monitoring_officer, "isf", 1, dignity="better")
    answer(council, monitoring_officer, "commissioner_controlled", 5, dignity="worse")

    survey_part = _return_outcome_survey(council)

    assert survey_part["respondents"] == 12
    groups = survey_part["by_management_type"]
    assert list(groups) == ["direct_payment", "isf", "commissioner_controlled"]
    assert groups["direct_payment"]["respondents"] == 6
    assert groups["direct_payment"]["life_areas"]["dignity"] == {"better": 0, "same": 6, "worse": 0}
    # The group of 1 is <5, every answer with it; the next smallest (5) is withheld so that the
    # total less the groups shown gives nothing away.
    assert groups["isf"]["respondents"] == "<5"
    assert set(groups["isf"]["life_areas"]) == set(groups["direct_payment"]["life_areas"])
    for area in groups["isf"]["life_areas"].values():
        assert area == {"better": "<5", "same": "<5", "worse": "<5"}
    assert groups["commissioner_controlled"]["respondents"] == "[c]"
    assert groups["commissioner_controlled"]["life_areas"]["dignity"] == {
        "better": "[c]",
        "same": "[c]",
        "worse": "[c]",
    }


def test_the_returns_outcome_survey_with_1_to_4_respondents_in_all_shows_under_5(council, monitoring_officer):
    answer(council, monitoring_officer, "isf", 4, dignity="better")

    survey_part = _return_outcome_survey(council)

    assert survey_part["respondents"] == "<5"
    assert survey_part["by_management_type"]["isf"]["respondents"] == "<5"
    assert survey_part["by_management_type"]["isf"]["life_areas"]["dignity"] == {
        "better": "<5",
        "same": "<5",
        "worse": "<5",
    }


def test_the_returns_outcome_survey_shows_5_respondents_as_5(council, monitoring_officer):
    answer(council, monitoring_officer, "isf", 5, dignity="better")

    survey_part = _return_outcome_survey(council)

    assert survey_part["respondents"] == 5
    assert survey_part["by_management_type"]["isf"]["respondents"] == 5
    assert survey_part["by_management_type"]["isf"]["life_areas"]["dignity"] == {
        "better": 5,
        "same": 0,
        "worse": 0,
    }


def test_all_councils_shows_an_answer_other_councils_gave_none_of_or_5_and_more(
    council, other_council, monitoring_officer
):
    answer(council, monitoring_officer, "isf", 2, dignity="better")
    answer(council, monitoring_officer, "isf", 4, dignity="same")
    answer(other_council, monitoring_officer, "isf", 5, dignity="worse")

    _, platform = outcome_reports(council=council, slugs=[SLUG])

    # Other councils' part of each answer is 0, 0 and 5: nothing of theirs can be worked out.
    assert platform["respondents"] == 11
    assert platform["by_management_type"] == {"isf": 11}
    for kind in ("isf", "all"):
        shown = cell(platform, kind)
        assert (shown["better"], shown["same"], shown["worse"], shown["answered"]) == (2, 4, 5, 11), kind


def test_all_councils_total_is_withheld_where_other_councils_gave_1_to_4_of_an_answer_in_hidden_groups(
    council, other_council, monitoring_officer
):
    answer(council, monitoring_officer, "isf", 6, dignity="better")
    answer(other_council, monitoring_officer, "isf", 5, dignity="worse")
    answer(other_council, monitoring_officer, "direct_payment", 3, dignity="better")
    answer(other_council, monitoring_officer, "commissioner_controlled", 4, dignity="same")

    _, platform = outcome_reports(council=council, slugs=[SLUG])

    assert platform["respondents"] == 18
    assert platform["by_management_type"] == {
        "direct_payment": "<5",
        "isf": 11,
        "commissioner_controlled": "<5",
    }
    isf = cell(platform, "isf")
    assert (isf["better"], isf["same"], isf["worse"]) == (6, 0, 5)
    # "All" better is 9, 6 of them this council's: the other 3 (hidden as a group) would show through.
    assert cell(platform, "all") == {"type": "all", **withheld(ALL_HIDDEN)}


def test_a_councils_own_report_covers_only_the_surveys_asked_for(council, monitoring_officer):
    answer(council, monitoring_officer, "isf", 5, dignity="better")
    send_response(
        "outcome-carer",
        actor=monitoring_officer,
        person=person_holding(council, "isf"),
        answers={"dignity": "worse"},
    )
    own, platform = outcome_reports(council=council, slugs=[SLUG])
    assert own["respondents"] == 5
    assert (cell(own, "isf")["better"], cell(own, "isf")["worse"]) == (5, 0)
    assert platform["respondents"] == 5
    own, _ = outcome_reports(council=council)
    assert own["respondents"] == 6


def test_a_councils_own_answers_include_its_own_question_and_all_councils_leave_it_out(
    council, other_council, commissioner
):
    from surveys.services import add_council_question

    holders = survey(SLUG)
    mine = add_council_question(
        survey=holders, council=council, text="Card?", options=["Yes", "No"], kind="single",
        actor=commissioner,
    )  # fmt: skip
    answer(council, commissioner, "isf", 6, dignity="better", **{mine.code: "yes"})
    answer(other_council, commissioner, "isf", 5, dignity="same")
    own, platform = survey_reports(survey=holders, council=council)
    assert own["questions"][mine.code]["options"]["yes"] == {"count": 6, "percent": 100}
    assert mine.code not in platform["questions"]
    assert platform["questions"]["dignity"]["options"]["better"] == {"count": 6, "percent": 55}
    assert platform["questions"]["dignity"]["options"]["same"] == {"count": 5, "percent": 45}
