"""Resource allocation at its edges: the questionnaire a council starts with, answers that must come
from the council's own lists, a budget never below £0.00, and a different amount only with a reason,
recorded with who and when (issue 20: each test here kills mutants that survived the earlier tests)."""

import datetime as dt
from decimal import Decimal

import pytest
from auditlog.models import LogEntry

from budgets import services
from budgets.models import AllocationQuestionnaire, Assessment
from budgets.services import BudgetError

pytestmark = pytest.mark.django_db

D = Decimal


def _answers(questionnaire, pick):
    return {q.pk: list(q.options.all())[pick].pk for q in questionnaire.questions.all()}


def test_a_council_starts_with_the_default_questions_once(council):
    q = services.ensure_default_questionnaire(council=council)
    assert services.ensure_default_questionnaire(council=council, price_per_point=D("1.00")) == q
    assert AllocationQuestionnaire.objects.count() == 1
    q.refresh_from_db()
    assert (q.council, q.price_per_point) == (council, D("850.00"))
    assert q.introduction == (
        "Each answer is worth points. Points times the price per point gives the indicative budget."
    )
    asked = [
        (question.order, question.text, [(o.order, o.label, o.points) for o in question.options.all()])
        for question in q.questions.all()
    ]
    assert asked == [
        (i, text, [(j, label, points) for j, (label, points) in enumerate(options)])
        for i, (text, options) in enumerate(services.DEFAULT_QUESTIONS)
    ]
    assert [(a.order, a.label, a.family_wording, a.percent, a.amount) for a in q.adjustments.all()] == [
        (
            0,
            "A family carer gives regular unpaid support",
            "someone close to you gives you regular unpaid support",
            D("-10.00"),
            None,
        ),
        (
            1,
            "Extra travel costs in a rural area",
            "you live where getting to things costs more",
            None,
            D("600.00"),
        ),
    ]


def test_a_council_may_start_at_its_own_price_per_point(council):
    assert services.ensure_default_questionnaire(
        council=council, price_per_point=D("900.00")
    ).price_per_point == D("900.00")


def test_each_answer_must_be_one_of_that_questions_own(questionnaire):
    answers = _answers(questionnaire, 0)
    first, second = list(questionnaire.questions.all())[:2]
    answers[first.pk] = second.options.first().pk
    with pytest.raises(BudgetError) as refused:
        services.calculate_indicative(questionnaire=questionnaire, answers=answers)
    assert str(refused.value) == f"Choose one of the answers given for '{first.text}'."


def test_adjustments_must_be_the_councils_own(questionnaire, other_council):
    theirs = services.ensure_default_questionnaire(council=other_council).adjustments.first()
    with pytest.raises(BudgetError) as refused:
        services.calculate_indicative(
            questionnaire=questionnaire, answers=_answers(questionnaire, 0), adjustment_ids=[theirs.pk]
        )
    assert str(refused.value) == "Choose adjustments from this council's list."


def test_the_breakdown_shows_each_answer_its_points_and_each_step(questionnaire):
    rural = questionnaire.adjustments.get(amount__isnull=False)
    calc = services.calculate_indicative(
        questionnaire=questionnaire, answers=_answers(questionnaire, 2), adjustment_ids=(rural.pk,)
    )
    points = sum(options[2][1] for _, options in services.DEFAULT_QUESTIONS)
    assert points == 30
    assert calc.breakdown == {
        "answers": [
            {"question": text, "answer": options[2][0], "points": options[2][1]}
            for text, options in services.DEFAULT_QUESTIONS
        ],
        "points": 30,
        "price_per_point": "850.00",
        "base": "25500.00",
        "adjustments": [
            {
                "label": "Extra travel costs in a rural area",
                "family_wording": "you live where getting to things costs more",
                "percent": "",
                "change": "600.00",
            }
        ],
        "indicative": "26100.00",
    }
    assert (calc.points, calc.price_per_point, calc.base, calc.indicative) == (
        30,
        D("850.00"),
        D("25500.00"),
        D("26100.00"),
    )


def test_the_indicative_budget_is_never_below_nothing(questionnaire):
    questionnaire.adjustments.create(order=2, label="Big saving", family_wording="x", amount=D("-99999.00"))
    calc = services.calculate_indicative(
        questionnaire=questionnaire,
        answers=_answers(questionnaire, 1),
        adjustment_ids=[a.pk for a in questionnaire.adjustments.all()],
    )
    assert calc.indicative == D("0.00")
    assert calc.breakdown["indicative"] == "0.00"


def test_an_assessment_records_the_answers_and_who_made_it(questionnaire, person, commissioner):
    carer = questionnaire.adjustments.get(percent__isnull=False)
    assessment = services.assessment_create(
        person=person,
        answers=_answers(questionnaire, 1),
        adjustment_ids=[carer.pk],
        actor=commissioner,
        assessed_on=dt.date(2026, 5, 2),
        departure_reason="  not needed  ",
    )
    assessment.refresh_from_db()
    assert (assessment.person, assessment.assessed_by, assessment.assessed_on) == (
        person,
        commissioner,
        dt.date(2026, 5, 2),
    )
    assert (assessment.total_points, assessment.price_per_point) == (15, D("850.00"))
    assert (assessment.indicative_amount, assessment.agreed_amount) == (D("11475.00"), D("11475.00"))
    assert assessment.departure_reason == ""  # the same amount needs no reason, so none is kept
    assert assessment.breakdown["adjustments"][0]["percent"] == "-10.00"
    entry = LogEntry.objects.get(object_pk=str(assessment.pk), additional_data__event="assessment recorded")
    assert (entry.actor, entry.action) == (commissioner, LogEntry.Action.CREATE)
    assert entry.changes_dict == {"indicative_amount": ["", "11475.00"], "agreed_amount": ["", "11475.00"]}
    assert entry.additional_data["note"] == ""


def test_an_assessment_without_a_date_is_today(questionnaire, person, commissioner):
    assessment = services.assessment_create(
        person=person, answers=_answers(questionnaire, 0), actor=commissioner
    )
    assert assessment.assessed_on == services.today()
    assert assessment.agreed_amount == assessment.indicative_amount == D("0.00")


def test_a_different_amount_needs_a_reason_and_can_be_nothing_but_not_less(
    questionnaire, person, commissioner
):
    answers = _answers(questionnaire, 1)  # £12,750.00
    with pytest.raises(BudgetError) as refused:
        services.assessment_create(
            person=person,
            answers=answers,
            actor=commissioner,
            agreed_amount=D("12000"),
            departure_reason="  ",
        )
    assert str(refused.value) == (
        "The indicative budget is £12,750.00. To set a different amount, write down why."
    )
    with pytest.raises(BudgetError) as refused:
        services.assessment_create(
            person=person, answers=answers, actor=commissioner, agreed_amount=D("-0.01"), departure_reason="x"
        )
    assert str(refused.value) == "The budget cannot be less than £0.00."
    assert not Assessment.objects.exists()
    nothing = services.assessment_create(
        person=person,
        answers=answers,
        actor=commissioner,
        agreed_amount=D("0"),
        departure_reason=" Moved away. ",
    )
    assert (nothing.agreed_amount, nothing.departure_reason) == (D("0.00"), "Moved away.")
    entry = LogEntry.objects.get(object_pk=str(nothing.pk), additional_data__event="assessment recorded")
    assert entry.additional_data["note"] == "Moved away."
    assert entry.changes_dict["agreed_amount"] == ["", "0.00"]


def test_a_council_without_questions_cannot_assess(other_person, other_council_commissioner):
    with pytest.raises(BudgetError) as refused:
        services.assessment_create(person=other_person, answers={}, actor=other_council_commissioner)
    assert str(refused.value) == "Bristol City Council has not set up its resource allocation questions yet."


@pytest.mark.parametrize("reason", [None, "omitted"])
def test_a_different_amount_without_any_reason_given_is_refused(questionnaire, person, commissioner, reason):
    kw = {} if reason == "omitted" else {"departure_reason": reason}
    with pytest.raises(BudgetError, match="To set a different amount, write down why."):
        services.assessment_create(
            person=person,
            answers=_answers(questionnaire, 1),
            actor=commissioner,
            agreed_amount=D("1.00"),
            **kw,
        )
    assert not Assessment.objects.exists()


def test_an_adjustment_that_changes_nothing_or_adds_pennies_is_said_to_add(
    questionnaire, person, commissioner
):
    questionnaire.adjustments.all().delete()
    zero_percent = questionnaire.adjustments.create(order=0, label="a", family_wording="of a", percent=D("0"))
    zero = questionnaire.adjustments.create(order=1, label="b", family_wording="of b", amount=D("0.00"))
    pennies = questionnaire.adjustments.create(order=2, label="c", family_wording="of c", amount=D("0.50"))
    assessment = services.assessment_create(
        person=person,
        answers=_answers(questionnaire, 1),
        adjustment_ids=[zero_percent.pk, zero.pk, pennies.pk],
        actor=commissioner,
    )
    assert services.explain_assessment(assessment)[2:5] == [
        "Because of a, we added 0% (£0.00).",
        "Because of b, we added £0.00.",
        "Because of c, we added £0.50.",
    ]
