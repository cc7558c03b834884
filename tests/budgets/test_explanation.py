"""The explanation of an indicative budget names every adjustment the right way round. Written to kill
mutants that `make mutate` found surviving in budgets/services.py (only a −10% carer adjustment was
explained before)."""

from decimal import Decimal

import pytest

from budgets import services

pytestmark = pytest.mark.django_db


def _answers(questionnaire, pick):
    return {q.pk: list(q.options.all())[pick].pk for q in questionnaire.questions.all()}


def test_every_kind_of_adjustment_is_explained_in_order_with_added_or_took_off(
    questionnaire, person, commissioner
):
    questionnaire.adjustments.all().delete()
    made = [
        questionnaire.adjustments.create(
            order=1, label="p+", family_wording="you need two staff", percent=Decimal("5.00")
        ),
        questionnaire.adjustments.create(
            order=2, label="f+", family_wording="travel costs more", amount=Decimal("0.50")
        ),
        questionnaire.adjustments.create(
            order=3, label="f-", family_wording="you get help elsewhere", amount=Decimal("-100.00")
        ),
        questionnaire.adjustments.create(
            order=4, label="p-", family_wording="a carer helps", percent=Decimal("-2.5")
        ),
    ]
    assessment = services.assessment_create(
        person=person,
        answers=_answers(questionnaire, 1),
        adjustment_ids=[a.pk for a in made],
        actor=commissioner,
    )
    lines = services.explain_assessment(assessment)
    # 15 points × £850.00 = £12,750.00; +5% = £637.50 → £13,387.50; +£0.50; −£100.00 → £13,288.00;
    # −2.5% = £332.20 → £12,955.80.
    assert lines[2:6] == [
        "Because you need two staff, we added 5% (£637.50).",
        "Because travel costs more, we added £0.50.",
        "Because you get help elsewhere, we took off £100.00.",
        "Because a carer helps, we took off 2.5% (£332.20).",
    ]
    assert lines[6].startswith("So your indicative budget is £12,955.80 a year.")
    assert len(lines) == 7  # the social worker did not set a different amount


def test_with_no_adjustments_the_explanation_goes_from_points_to_the_budget(
    questionnaire, person, commissioner
):
    assessment = services.assessment_create(
        person=person, answers=_answers(questionnaire, 0), actor=commissioner
    )
    lines = services.explain_assessment(assessment)
    assert len(lines) == 3
    assert lines[0].startswith("You told us about 5 parts of your life. Your answers add up to ")
    assert lines[2].startswith(f"So your indicative budget is £{assessment.indicative_amount:,.2f} a year.")
