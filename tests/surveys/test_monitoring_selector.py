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


def test_the_shipped_surveys_have_the_codes_the_issue_lists_and_shipping_twice_changes_nothing(db):
    from surveys.definitions import ensure_shipped_surveys
    from surveys.models import Option, Question, Survey

    ensure_shipped_surveys()
    ensure_shipped_surveys()
    assert sorted(Survey.objects.values_list("slug", flat=True)) == [
        "outcome-budget-holder",
        "outcome-carer",
        "provider-self-assessment",
    ]
    provider = {
        q.code: (q.kind, [o.code for o in q.options.all()])
        for q in Question.objects.filter(version__survey__slug="provider-self-assessment")
    }
    elements = [
        "individual_design",
        "creative_planning",
        "people_families_decide",
        "quality_checking_by_families",
        "individual_policies",
        "staff_matching",
        "all_housing_options",
        "protected_budget_isf",
        "families_recruit_staff",
        "direct_management",
        "funder_flexibility",
    ]
    assert list(provider) == ["client_groups", *elements, "isf_years"]
    assert provider["client_groups"] == (
        "multiple",
        [
            "adults_learning_disability",
            "children_learning_disability",
            "adults_autism",
            "children_autism",
            "older_people",
            "dementia",
            "adults_physical_disability",
            "children_physical_disability",
            "adults_mental_health",
            "children_mental_health",
            "substance_misuse",
            "looked_after_children",
            "adults_complex_health",
            "children_complex_health",
            "end_of_life",
            "other",
        ],
    )
    for code in elements:
        assert provider[code] == ("single", ["yes_frequently", "somewhat", "no", "not_applicable"])
    carer_codes = set(
        Question.objects.filter(version__survey__slug="outcome-carer").values_list("code", flat=True)
    )
    assert {
        "staying_well",
        "able_to_keep_caring",
        "quality_of_life",
        "dignity",
        "volunteering",
    } <= carer_codes
    counts = (Question.objects.count(), Option.objects.count())
    Question.objects.filter(code="quality_of_life").delete()
    ensure_shipped_surveys()
    assert (Question.objects.count(), Option.objects.count()) == counts


def test_the_demo_data_is_idempotent(db):
    from io import StringIO

    from organisations import demo as organisations_demo
    from surveys import demo

    organisations_demo.build(stdout=StringIO())
    first, second = StringIO(), StringIO()
    demo.build(stdout=first)
    demo.build(stdout=second)
    assert "5 provider self-assessments added" in first.getvalue()
    assert second.getvalue() == "surveys: 0 outcome responses and 0 provider self-assessments added"
