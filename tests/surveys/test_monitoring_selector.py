"""The function the monitoring return calls: outcome results by management type for a period."""

import datetime as dt

from surveys.selectors import outcome_results_by_management_type
from tests.surveys.factories import person_holding, send_response

APRIL = dt.date(2026, 4, 1)
MARCH = dt.date(2027, 3, 31)


def test_results_are_counted_by_the_management_types_held_when_the_response_was_sent(
    council, other_council, commissioner
):
    isf_person = person_holding(council, "isf")
    dp_person = person_holding(council, "direct_payment")
    mixed_person = person_holding(council, "direct_payment", "commissioner_controlled")
    elsewhere = person_holding(other_council, "isf")
    send_response(
        "outcome-budget-holder",
        actor=commissioner,
        person=isf_person,
        on=dt.date(2026, 5, 1),
        answers={"dignity": "better", "independence": "better", "paid_work": "not_applicable"},
    )
    send_response(
        "outcome-budget-holder", actor=commissioner, person=dp_person, on=APRIL, answers={"dignity": "same"}
    )
    send_response(
        "outcome-carer",
        actor=commissioner,
        person=mixed_person,
        on=MARCH,
        answers={"dignity": "worse", "staying_well": "better"},
    )
    send_response(
        "outcome-budget-holder",
        actor=commissioner,
        person=elsewhere,
        on=dt.date(2026, 5, 1),
        answers={"dignity": "worse"},
    )
    # Outside the period: not counted.
    send_response(
        "outcome-budget-holder",
        actor=commissioner,
        person=person_holding(council, "isf"),
        on=dt.date(2027, 4, 1),
        answers={"dignity": "worse"},
    )

    result = outcome_results_by_management_type(council=council, start=APRIL, end=MARCH)

    assert result["respondents"] == 3
    assert list(result["by_management_type"]) == ["direct_payment", "isf", "mixed"]
    isf = result["by_management_type"]["isf"]
    assert isf["respondents"] == 1
    assert isf["life_areas"]["dignity"] == {"better": 1, "same": 0, "worse": 0}
    assert isf["life_areas"]["independence"] == {"better": 1, "same": 0, "worse": 0}
    assert isf["life_areas"]["paid_work"] == {"better": 0, "same": 0, "worse": 0}
    assert result["by_management_type"]["direct_payment"]["life_areas"]["dignity"]["same"] == 1
    mixed = result["by_management_type"]["mixed"]
    assert mixed["life_areas"]["dignity"]["worse"] == 1
    assert mixed["life_areas"]["staying_well"]["better"] == 1


def test_only_each_persons_latest_response_in_the_period_counts(council, commissioner):
    person = person_holding(council, "isf")
    send_response(
        "outcome-budget-holder",
        actor=commissioner,
        person=person,
        on=dt.date(2026, 5, 1),
        answers={"dignity": "worse"},
    )
    send_response(
        "outcome-budget-holder",
        actor=commissioner,
        person=person,
        on=dt.date(2026, 9, 1),
        answers={"dignity": "better"},
    )
    result = outcome_results_by_management_type(council=council, start=APRIL, end=MARCH)
    assert result["respondents"] == 1
    assert result["by_management_type"]["isf"]["life_areas"]["dignity"] == {
        "better": 1,
        "same": 0,
        "worse": 0,
    }


def test_a_later_change_of_how_the_budget_is_held_does_not_rewrite_the_snapshot(council, commissioner):
    person = person_holding(council, "isf", end=dt.date(2026, 6, 30))
    send_response(
        "outcome-budget-holder",
        actor=commissioner,
        person=person,
        on=dt.date(2026, 5, 1),
        answers={"dignity": "better"},
    )
    result = outcome_results_by_management_type(council=council, start=APRIL, end=MARCH)
    assert list(result["by_management_type"]) == ["isf"]


def test_a_council_with_no_responses_gets_zero(council):
    assert outcome_results_by_management_type(council=council, start=APRIL, end=MARCH) == {
        "respondents": 0,
        "by_management_type": {},
    }
