"""Small numbers in survey results, rule by rule, on report dictionaries built by hand (DESIGN.md, "Small
numbers"). No database: these run in milliseconds, so the mutation run tries them first on every mutant of
surveys.disclosure (issue 20). test_disclosure_rules.py checks the same rules through real answers.

A report has the shape selectors.outcome_report gives: respondents, respondents by way of holding the
budget, each area of life by way of holding it (with an "all" cell) and the process-to-outcome links.
"""

import copy

from organisations.small_numbers import SUPPRESSED, WITHHELD
from surveys.disclosure import (
    _hidden_groups,
    _marker,
    protect_groups,
    protect_outcome_report,
    protect_outcome_results,
    protect_platform_survey_report,
)

CELL_KEYS = ("answered", "better", "same", "worse", "better_percent", "same_percent", "worse_percent")
LINK_KEYS = (
    "respondents",
    "any_better",
    "any_better_percent",
    "area_answers",
    "better_answers",
    "better_percent",
)


def cell(kind: str, better: int, same: int, worse: int) -> dict:
    answered = better + same + worse
    share = {
        k: round(100 * v / answered) if answered else 0
        for k, v in (("better", better), ("same", same), ("worse", worse))
    }
    return {
        "type": kind,
        "answered": answered,
        "better": better,
        "same": same,
        "worse": worse,
        **{f"{k}_percent": v for k, v in share.items()},
    }


def group(label: str, respondents: int, any_better: int, better_answers: int) -> dict:
    return {
        "label": label,
        "respondents": respondents,
        "any_better": any_better,
        "any_better_percent": round(100 * any_better / respondents) if respondents else 0,
        "area_answers": respondents * 2,
        "better_answers": better_answers,
        "better_percent": 50,
    }


def report(cells: dict[str, tuple[int, int, int]], links: tuple[tuple[int, int, int], ...] = ()) -> dict:
    """One area of life ("dignity") whose cells are `cells` ({way of holding: (better, same, worse)}, each
    person answering it once) plus the "all" cell, and one process question whose groups are `links`."""
    sizes = {kind: sum(answers) for kind, answers in cells.items()}
    total = tuple(sum(answers[i] for answers in cells.values()) for i in range(3))
    return {
        "respondents": sum(sizes.values()),
        "types": [{"code": kind, "label": kind} for kind in [*cells, "all"]],
        "by_management_type": sizes,
        "areas": [
            {
                "code": "dignity",
                "label": "Dignity",
                "by_type": [cell(kind, *answers) for kind, answers in cells.items()] + [cell("all", *total)],
            }
        ],
        "links": [
            {
                "code": "choice",
                "question": "Did you choose?",
                "groups": [group(f"group {i}", *figures) for i, figures in enumerate(links)],
            }
        ],
    }


def cells_of(shown: dict) -> dict[str, dict]:
    return {c["type"]: c for c in shown["areas"][0]["by_type"]}


def hidden_as(marker: str, keys=CELL_KEYS) -> dict:
    return {**dict.fromkeys(keys, marker), "hidden": True}


def shown_part(c: dict, keys=CELL_KEYS) -> dict:
    return {k: c[k] for k in (*keys, "hidden") if k in c}


# --- which groups are hidden -------------------------------------------------------------------------


def test_a_group_of_1_to_4_is_hidden_with_the_smallest_other_group():
    assert _hidden_groups({"isf": 3, "dp": 10, "council": 7}) == {"isf", "council"}
    assert _hidden_groups({"isf": 4, "dp": 5, "council": 6}) == {"isf", "dp"}
    assert _hidden_groups({"isf": 1, "dp": 6}) == {"isf", "dp"}


def test_groups_of_0_and_of_5_or_more_are_not_hidden():
    assert _hidden_groups({"isf": 0, "dp": 10, "council": 7}) == set()
    assert _hidden_groups({"isf": 5, "dp": 5}) == set()


def test_two_small_groups_hide_only_themselves():
    assert _hidden_groups({"isf": 2, "dp": 4, "council": 9, "mixed": 12}) == {"isf", "dp"}


def test_a_lone_group_is_hidden_alone():
    assert _hidden_groups({"isf": 3}) == {"isf"}


def test_of_two_equally_small_others_the_first_by_name_is_hidden():
    assert _hidden_groups({"isf": 2, "dp": 7, "council": 7}) == {"isf", "council"}
    assert _hidden_groups({"isf": 2, "mixed": 7, "dp": 7}) == {"isf", "dp"}


def test_a_group_hidden_for_another_reason_counts_as_the_one_hidden():
    assert _hidden_groups({"isf": 20, "dp": 12, "council": 30}, also={"isf"}) == {"isf", "dp"}
    assert _hidden_groups({"isf": 20, "dp": 12}, also={"isf", "dp"}) == {"isf", "dp"}
    assert _hidden_groups({"isf": 20, "dp": 3, "council": 30}, also={"isf"}) == {"isf", "dp"}


def test_a_count_of_0_to_4_is_under_5_and_anything_else_is_withheld():
    assert [_marker(n) for n in (0, 1, 4)] == [SUPPRESSED] * 3
    assert [_marker(n) for n in (5, 12, "[c]", None)] == [WITHHELD] * 4


# --- an outcome report on its own (a council's, or all councils' for a platform admin) ---------------


def test_a_group_under_5_is_under_5_and_the_next_smallest_withheld_in_every_figure():
    given = report({"isf": (1, 1, 1), "dp": (5, 3, 2), "council": (4, 2, 1)})
    shown = protect_outcome_report(given)
    assert shown["by_management_type"] == {"isf": SUPPRESSED, "dp": 10, "council": WITHHELD}
    assert shown["hidden_types"] == ["council", "isf"]
    assert shown["respondents"] == 20
    cells = cells_of(shown)
    assert shown_part(cells["isf"]) == hidden_as(SUPPRESSED)
    assert shown_part(cells["council"]) == hidden_as(WITHHELD)
    assert cells["dp"] == cell("dp", 5, 3, 2)
    # Two groups hidden: the "all" cell minus the one shown gives only their sum, so it is shown.
    assert cells["all"] == cell("all", 10, 6, 4)


def test_nothing_is_hidden_when_every_group_has_5_or_more():
    given = report({"isf": (2, 2, 1), "dp": (3, 3, 3)}, links=((5, 3, 4), (9, 1, 2)))
    shown = protect_outcome_report(given)
    assert shown["hidden_types"] == []
    assert shown["by_management_type"] == {"isf": 5, "dp": 9}
    assert shown["areas"] == given["areas"]
    assert shown["links"] == given["links"]
    assert shown["respondents"] == 14


def test_with_one_group_of_1_to_4_everything_is_under_5_and_the_all_cell_too():
    given = report({"isf": (2, 1, 1)})
    shown = protect_outcome_report(given)
    assert shown["respondents"] == SUPPRESSED
    assert shown["by_management_type"] == {"isf": SUPPRESSED}
    cells = cells_of(shown)
    assert shown_part(cells["isf"]) == hidden_as(SUPPRESSED)
    assert shown_part(cells["all"]) == hidden_as(SUPPRESSED)


def test_with_one_group_of_5_everything_is_shown():
    given = report({"isf": (2, 2, 1)})
    shown = protect_outcome_report(given)
    assert shown["respondents"] == 5
    assert shown["areas"] == given["areas"]


def test_no_respondents_is_0_not_under_5():
    given = report({})
    shown = protect_outcome_report(given)
    assert shown["respondents"] == 0
    assert cells_of(shown)["all"] == cell("all", 0, 0, 0)


def test_a_link_group_of_1_to_4_is_under_5_and_one_of_5_is_shown():
    given = report({"isf": (3, 3, 3), "dp": (4, 4, 4)}, links=((4, 2, 3), (5, 1, 1), (0, 0, 0)))
    shown = protect_outcome_report(given)
    groups = shown["links"][0]["groups"]
    assert shown_part(groups[0], LINK_KEYS) == hidden_as(SUPPRESSED, LINK_KEYS)
    assert groups[0]["label"] == "group 0"
    assert groups[1] == given["links"][0]["groups"][1]
    assert groups[2] == given["links"][0]["groups"][2]


def test_the_report_given_is_not_changed():
    given = report({"isf": (1, 1, 1), "dp": (5, 3, 2)}, links=((2, 1, 1),))
    before = copy.deepcopy(given)
    protect_outcome_report(given, own=copy.deepcopy(given))
    protect_outcome_report(given)
    assert given == before


# --- all councils beside a council's own ------------------------------------------------------------


def test_all_councils_withholds_a_group_where_other_councils_gave_1_to_4_and_the_next_smallest():
    platform = report({"isf": (10, 5, 5), "dp": (6, 3, 3), "council": (10, 10, 10)})
    own = report({"isf": (9, 4, 4), "dp": (1, 1, 0), "council": (1, 1, 1)})
    shown = protect_outcome_report(platform, own=own)
    # Other councils: isf 3 (withheld), dp 10, council 27; dp is the next smallest.
    assert shown["by_management_type"] == {"isf": WITHHELD, "dp": WITHHELD, "council": 30}
    assert shown["hidden_types"] == ["dp", "isf"]
    assert shown["respondents"] == 62
    cells = cells_of(shown)
    assert shown_part(cells["isf"]) == hidden_as(WITHHELD)
    assert shown_part(cells["dp"]) == hidden_as(WITHHELD)
    # council's cell: other councils gave 9 better, 9 same, 9 worse: shown.
    assert cells["council"] == cell("council", 10, 10, 10)
    # all: other councils gave 15 better, 12 same, 13 worse: shown (two groups hidden).
    assert cells["all"] == cell("all", 26, 18, 18)


def test_all_councils_is_withheld_entirely_when_other_councils_gave_1_to_4_responses():
    platform = report({"isf": (10, 5, 5), "dp": (6, 3, 3)}, links=((20, 10, 12),))
    own = report({"isf": (9, 4, 4), "dp": (6, 3, 3)}, links=((17, 8, 10),))
    shown = protect_outcome_report(platform, own=own)
    assert shown["respondents"] == WITHHELD
    assert shown["by_management_type"] == {"isf": WITHHELD, "dp": WITHHELD}
    assert shown["hidden_types"] == ["dp", "isf"]
    for c in cells_of(shown).values():
        assert shown_part(c) == hidden_as(WITHHELD)
    assert shown_part(shown["links"][0]["groups"][0], LINK_KEYS) == hidden_as(WITHHELD, LINK_KEYS)


def test_all_councils_is_shown_when_other_councils_gave_none_or_5():
    platform = report({"isf": (10, 5, 5), "dp": (6, 3, 3)}, links=((20, 10, 12),))
    for own in (
        platform,
        report({"isf": (5, 5, 5), "dp": (1, 3, 3)}, links=((15, 5, 7),)),
    ):
        shown = protect_outcome_report(platform, own=own)
        assert shown["respondents"] == 32
        assert shown["by_management_type"] == {"isf": 20, "dp": 12}
        assert shown["areas"] == platform["areas"]
        assert shown["links"] == platform["links"]


def test_a_cell_is_withheld_where_other_councils_gave_1_to_4_of_one_answer_and_the_all_cell_with_it():
    platform = report({"isf": (10, 6, 6), "dp": (10, 10, 10), "council": (9, 9, 9)})
    own = report({"isf": (5, 1, 5), "dp": (5, 5, 5), "council": (2, 2, 2)})
    shown = protect_outcome_report(platform, own=own)
    # Groups: other councils gave isf 11, dp 15, council 21: none hidden as a group.
    assert shown["hidden_types"] == []
    cells = cells_of(shown)
    # isf: other councils' worse is 1: withheld; the "all" cell would give it back by subtraction.
    assert shown_part(cells["isf"]) == hidden_as(WITHHELD)
    assert shown_part(cells["all"]) == hidden_as(WITHHELD)
    assert cells["dp"] == cell("dp", 10, 10, 10)
    assert cells["council"] == cell("council", 9, 9, 9)


def test_the_all_cell_is_withheld_where_other_councils_gave_1_to_4_of_an_answer_in_it():
    platform = report({"isf": (10, 5, 5), "dp": (10, 5, 5)})
    own = report({"isf": (5, 0, 0), "dp": (5, 2, 0)})
    shown = protect_outcome_report(platform, own=own)
    cells = cells_of(shown)
    # Each group's cell: other councils gave 5, 5, 5 and 5, 3, 5: isf shown, dp withheld.
    assert cells["isf"] == cell("isf", 10, 5, 5)
    assert shown_part(cells["dp"]) == hidden_as(WITHHELD)
    # all: 20 - 10, 10 - 2, 10 - 0: shown... but a lone hidden cell would be given away by it.
    assert shown_part(cells["all"]) == hidden_as(WITHHELD)


def test_a_cell_with_0_or_5_of_each_answer_elsewhere_is_shown_and_one_with_2_is_withheld():
    platform = report({"isf": (10, 5, 7), "dp": (10, 5, 7)})
    own = report({"isf": (3, 0, 0), "dp": (2, 0, 7)})
    cells = cells_of(protect_outcome_report(platform, own=own))
    # Other councils: isf 7, 5, 7; dp 8, 5, 0; all 15, 10, 7.
    assert cells == {"isf": cell("isf", 10, 5, 7), "dp": cell("dp", 10, 5, 7), "all": cell("all", 20, 10, 14)}
    own = report({"isf": (3, 0, 5), "dp": (2, 0, 7)})
    cells = cells_of(protect_outcome_report(platform, own=own))
    assert shown_part(cells["isf"]) == hidden_as(WITHHELD)  # other councils' worse: 2
    assert cells["dp"] == cell("dp", 10, 5, 7)
    assert shown_part(cells["all"]) == hidden_as(WITHHELD)


def test_with_two_groups_hidden_the_all_cell_is_withheld_by_its_own_figures():
    platform = report({"isf": (1, 1, 1), "dp": (1, 1, 2), "council": (10, 10, 10)})
    own = report({"isf": (1, 1, 1), "dp": (1, 1, 2), "council": (9, 5, 10)})
    shown = protect_outcome_report(platform, own=own)
    assert shown["hidden_types"] == ["dp", "isf"]
    assert shown["respondents"] == 37
    cells = cells_of(shown)
    assert shown_part(cells["isf"]) == hidden_as(SUPPRESSED)
    assert shown_part(cells["dp"]) == hidden_as(SUPPRESSED)
    # Other councils gave 1 better, 5 same, 0 worse: the council cell and the "all" cell are withheld,
    # the "all" cell for its own figures (with two groups hidden, their sum alone gives nothing away).
    assert shown_part(cells["council"]) == hidden_as(WITHHELD)
    assert shown_part(cells["all"]) == hidden_as(WITHHELD)
    own = report({"isf": (1, 1, 1), "dp": (1, 1, 2), "council": (5, 5, 10)})
    cells = cells_of(protect_outcome_report(platform, own=own))
    assert cells["council"] == cell("council", 10, 10, 10)
    assert cells["all"] == cell("all", 12, 12, 13)


def test_a_cell_the_council_has_none_of_is_judged_on_its_own_figures():
    platform = report({"isf": (10, 5, 5), "dp": (10, 5, 5)})
    own = report({"isf": (5, 0, 0)})  # no dp responses of its own at all
    shown = protect_outcome_report(platform, own=own)
    cells = cells_of(shown)
    assert cells["dp"] == cell("dp", 10, 5, 5)
    assert cells["isf"] == cell("isf", 10, 5, 5)
    assert cells["all"] == cell("all", 20, 10, 10)


def test_an_area_the_councils_own_report_lacks_is_judged_on_all_councils_figures():
    platform = report({"isf": (10, 5, 5), "dp": (10, 0, 5)})
    own = report({"isf": (5, 0, 0)})
    own["areas"] = []
    shown = protect_outcome_report(platform, own=own)
    # Other councils' cells are the whole cells: isf 10/5/5, dp 10/0/5, all 20/5/10; none 1 to 4.
    assert shown["areas"] == platform["areas"]


def test_a_link_group_is_withheld_where_other_councils_gave_1_to_4_in_any_of_its_figures():
    platform = report(
        {"isf": (10, 5, 5), "dp": (10, 5, 5)},
        links=((20, 10, 12), (20, 10, 12), (20, 10, 12), (20, 10, 12), (3, 1, 1)),
    )
    own = report(
        {"isf": (5, 0, 0), "dp": (5, 0, 0)},
        links=((16, 5, 5), (10, 7, 5), (10, 5, 9), (10, 5, 5), (0, 0, 0)),
    )
    shown = protect_outcome_report(platform, own=own)
    groups = shown["links"][0]["groups"]
    for i in (0, 1, 2):  # other councils: 4 respondents; 3 any better; 3 better answers
        assert shown_part(groups[i], LINK_KEYS) == hidden_as(WITHHELD, LINK_KEYS), i
    assert groups[3] == platform["links"][0]["groups"][3]
    # Under 5 in all councils: under 5, not withheld.
    assert shown_part(groups[4], LINK_KEYS) == hidden_as(SUPPRESSED, LINK_KEYS)


def test_a_link_group_the_council_does_not_have_is_judged_on_its_own_figures():
    platform = report({"isf": (10, 5, 5), "dp": (10, 5, 5)}, links=((20, 10, 12),))
    own = report({"isf": (5, 0, 0), "dp": (5, 0, 0)})
    shown = protect_outcome_report(platform, own=own)
    assert shown["links"][0]["groups"][0] == platform["links"][0]["groups"][0]


# --- all councils' answers to each question, beside a council's own ----------------------------------


def survey(respondents: int, **questions: dict[str, int]) -> dict:
    return {
        "respondents": respondents,
        "questions": {
            code: {"options": {o: {"count": n, "percent": 10} for o, n in options.items()}}
            for code, options in questions.items()
        },
    }


def test_an_option_other_councils_gave_1_to_4_times_is_withheld_with_the_next_fewest():
    platform = survey(30, q1={"a": 12, "b": 8, "c": 10, "d": 20})
    own = survey(10, q1={"a": 2, "b": 5, "c": 3, "d": 0})
    shown = protect_platform_survey_report(platform, own=own)
    assert shown["respondents"] == 30
    options = shown["questions"]["q1"]["options"]
    assert options["b"] == {"count": WITHHELD, "percent": WITHHELD}  # 3 elsewhere
    assert options["c"] == {"count": WITHHELD, "percent": WITHHELD}  # 7: the next fewest
    assert options["a"] == {"count": 12, "percent": 10}
    assert options["d"] == {"count": 20, "percent": 10}
    assert platform == survey(30, q1={"a": 12, "b": 8, "c": 10, "d": 20})


def test_two_options_given_1_to_4_times_elsewhere_are_withheld_without_a_third():
    platform = survey(30, q1={"a": 12, "b": 8, "c": 10})
    own = survey(10, q1={"a": 1, "b": 5, "c": 9})
    options = protect_platform_survey_report(platform, own=own)["questions"]["q1"]["options"]
    assert options == {
        "a": {"count": 12, "percent": 10},
        "b": {"count": WITHHELD, "percent": WITHHELD},
        "c": {"count": WITHHELD, "percent": WITHHELD},
    }


def test_a_lone_option_given_1_to_4_times_elsewhere_is_withheld_alone():
    platform = survey(30, q1={"a": 8})
    own = survey(10, q1={"a": 5})
    options = protect_platform_survey_report(platform, own=own)["questions"]["q1"]["options"]
    assert options == {"a": {"count": WITHHELD, "percent": WITHHELD}}


def test_options_given_0_or_5_times_elsewhere_are_shown():
    platform = survey(30, q1={"a": 12, "b": 5}, q2={"x": 7})
    own = survey(10, q1={"a": 12, "b": 0}, q2={"x": 2})
    assert protect_platform_survey_report(platform, own=own) == platform


def test_of_two_options_equally_few_elsewhere_the_first_by_name_is_withheld_with_the_small_one():
    platform = survey(30, q1={"c": 10, "b": 10, "a": 2, "d": 12})
    own = survey(10, q1={"c": 3, "b": 3, "a": 0})
    options = protect_platform_survey_report(platform, own=own)["questions"]["q1"]["options"]
    assert {o for o, f in options.items() if f["count"] == WITHHELD} == {"a", "b"}


def test_a_question_or_option_the_council_has_no_answers_to_is_judged_on_all_councils_figures():
    platform = survey(30, q1={"a": 12, "b": 3}, q2={"x": 7, "y": 9, "z": 5})
    own = survey(10, q2={"x": 7})
    options = protect_platform_survey_report(platform, own=own)["questions"]
    assert options["q1"]["options"]["b"] == {"count": WITHHELD, "percent": WITHHELD}
    assert options["q1"]["options"]["a"] == {"count": WITHHELD, "percent": WITHHELD}
    # Other councils gave x 0 times, y 9 and z 5: all shown.
    assert options["q2"] == platform["questions"]["q2"]


def test_every_option_is_withheld_when_other_councils_gave_1_to_4_responses():
    platform = survey(14, q1={"a": 12, "b": 2})
    own = survey(10, q1={"a": 2, "b": 2})
    shown = protect_platform_survey_report(platform, own=own)
    assert shown["respondents"] == WITHHELD
    assert shown["questions"]["q1"]["options"] == dict.fromkeys(
        ("a", "b"), {"count": WITHHELD, "percent": WITHHELD}
    )
    shown = protect_platform_survey_report(survey(15, q1={"a": 12}), own=survey(10, q1={"a": 2}))
    assert shown["respondents"] == 15
    assert shown["questions"]["q1"]["options"]["a"] == {"count": 12, "percent": 10}


# --- a survey's answers by way of holding the budget; the monitoring return's outcome survey ---------


def by_group(**sizes: int) -> dict:
    return {
        kind: {
            "respondents": n,
            "questions": {
                "q1": {"options": {"yes": {"count": n, "percent": 100}, "no": {"count": 0, "percent": 0}}}
            },
        }
        for kind, n in sizes.items()
    }


def test_a_group_under_5_and_the_next_smallest_lose_every_answer():
    shown = protect_groups(by_group(isf=3, dp=9, council=6))
    assert shown["dp"] == by_group(dp=9)["dp"]
    for kind, marker in (("isf", SUPPRESSED), ("council", WITHHELD)):
        assert shown[kind] == {
            "respondents": marker,
            "questions": {
                "q1": {"options": {o: {"count": marker, "percent": marker} for o in ("yes", "no")}}
            },
        }
    assert list(shown) == ["isf", "dp", "council"]


def test_groups_of_5_or_more_are_shown_as_they_are():
    given = by_group(isf=5, dp=9)
    assert protect_groups(given) == given


def results(respondents, **groups: int) -> dict:
    return {
        "respondents": respondents,
        "by_management_type": {
            kind: {
                "respondents": n,
                "life_areas": {"dignity": {"better": n, "same": 0}, "safety": {"worse": 1}},
            }
            for kind, n in groups.items()
        },
    }


def test_the_returns_outcome_survey_hides_a_group_under_5_with_the_next_smallest():
    shown = protect_outcome_results(results(17, isf=2, dp=9, council=6))
    assert shown["respondents"] == 17
    assert shown["by_management_type"]["dp"] == results(9, dp=9)["by_management_type"]["dp"]
    for kind, marker in (("isf", SUPPRESSED), ("council", WITHHELD)):
        assert shown["by_management_type"][kind] == {
            "respondents": marker,
            "life_areas": {"dignity": {"better": marker, "same": marker}, "safety": {"worse": marker}},
        }


def test_the_returns_outcome_survey_with_1_to_4_respondents_is_under_5_and_0_is_0():
    assert protect_outcome_results(results(4, isf=4))["respondents"] == SUPPRESSED
    assert protect_outcome_results(results(5, isf=5)) == results(5, isf=5)
    assert protect_outcome_results({"respondents": 0}) == {"respondents": 0, "by_management_type": {}}
    assert protect_outcome_results({"respondents": 0, "by_management_type": None}) == {
        "respondents": 0,
        "by_management_type": {},
    }
