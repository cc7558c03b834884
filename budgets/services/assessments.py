"""Resource allocation: the council's questionnaire, the indicative budget it gives, and how the
person is told it was worked out."""

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from organisations import audit
from organisations.models import Council
from organisations.money import format_money, to_money

from ..models import AllocationQuestionnaire, Assessment, Person
from .access import _require_commissioner
from .dates import today
from .errors import BudgetError

DEFAULT_QUESTIONS = [
    (
        "Looking after yourself: washing, dressing, eating",
        [("I manage on my own", 0), ("I need some help", 4), ("I need help with most things", 8)],
    ),
    (
        "Staying safe at home and outside",
        [
            ("I am safe on my own", 0),
            ("I need someone nearby some of the time", 4),
            ("I need someone with me", 9),
        ],
    ),
    (
        "Getting out, friends and things you enjoy",
        [("I do this on my own", 0), ("I need some help", 3), ("I need help every time", 6)],
    ),
    (
        "Work, learning and volunteering",
        [("I do not need help", 0), ("I need some help", 2), ("I need a lot of help", 4)],
    ),
    (
        "Managing money, letters and appointments",
        [("I do this myself", 0), ("I need some help", 2), ("Someone does this for me", 3)],
    ),
]


def ensure_default_questionnaire(
    *, council: Council, price_per_point: Decimal = Decimal("850.00")
) -> AllocationQuestionnaire:
    """The council's questionnaire, created with a small default one if it has none yet (idempotent)."""
    with transaction.atomic():
        existing = AllocationQuestionnaire.objects.filter(council=council).first()
        if existing:
            return existing
        q = AllocationQuestionnaire.objects.create(
            council=council,
            price_per_point=price_per_point,
            introduction=(
                "Each answer is worth points. Points times the price per point gives the indicative budget."
            ),
        )
        for order, (text, options) in enumerate(DEFAULT_QUESTIONS):
            question = q.questions.create(order=order, text=text)
            for o_order, (label, points) in enumerate(options):
                question.options.create(order=o_order, label=label, points=points)
        q.adjustments.create(
            order=0,
            label="A family carer gives regular unpaid support",
            family_wording="someone close to you gives you regular unpaid support",
            percent=Decimal("-10.00"),
        )
        q.adjustments.create(
            order=1,
            label="Extra travel costs in a rural area",
            family_wording="you live where getting to things costs more",
            amount=Decimal("600.00"),
        )
        return q


@dataclass(frozen=True)
class Calculation:
    points: int
    price_per_point: Decimal
    base: Decimal
    indicative: Decimal
    breakdown: dict


def calculate_indicative(
    *,
    questionnaire: AllocationQuestionnaire,
    answers: Mapping[int, int],
    adjustment_ids: Iterable[int] = (),
) -> Calculation:
    """Points for the chosen answers × price per point, then each chosen adjustment in order (a
    percentage of the running total, or a fixed amount); never below £0.00. Each step is rounded to
    pennies half up, so the explanation adds up exactly as shown."""
    questions = list(questionnaire.questions.prefetch_related("options"))
    missing = [q.text for q in questions if q.pk not in answers]
    if missing:
        raise BudgetError(f"Answer every question: '{missing[0]}' has no answer.")
    rows, points = [], 0
    for q in questions:
        option = next((o for o in q.options.all() if o.pk == answers[q.pk]), None)
        if option is None:
            raise BudgetError(f"Choose one of the answers given for '{q.text}'.")
        points += option.points
        rows.append({"question": q.text, "answer": option.label, "points": option.points})
    price = to_money(questionnaire.price_per_point)
    base = to_money(price * points)
    running = base
    chosen = set(adjustment_ids)
    adjustments = []
    for adj in questionnaire.adjustments.all():
        if adj.pk not in chosen:
            continue
        change = to_money(running * adj.percent / 100) if adj.percent is not None else to_money(adj.amount)
        running = to_money(running + change)
        adjustments.append(
            {
                "label": adj.label,
                "family_wording": adj.family_wording,
                "percent": str(adj.percent) if adj.percent is not None else "",
                "change": str(change),
            }
        )
    unknown = chosen - {a.pk for a in questionnaire.adjustments.all()}
    if unknown:
        raise BudgetError("Choose adjustments from this council's list.")
    indicative = max(running, Decimal("0.00"))
    breakdown = {
        "answers": rows,
        "points": points,
        "price_per_point": str(price),
        "base": str(base),
        "adjustments": adjustments,
        "indicative": str(indicative),
    }
    return Calculation(points, price, base, indicative, breakdown)


def explain_assessment(assessment: Assessment) -> list[str]:
    """How the indicative budget was worked out, in short sentences that speak to the person."""
    b = assessment.breakdown
    lines = [
        f"You told us about {len(b.get('answers', []))} parts of your life. Your answers add up to "
        f"{b.get('points', 0)} points.",
        f"Each point is worth {format_money(b.get('price_per_point'))} a year, "
        f"so {b.get('points', 0)} points give {format_money(b.get('base'))} a year.",
    ]
    for adj in b.get("adjustments", []):
        change = Decimal(adj["change"])
        if adj["percent"]:
            how = f"{abs(Decimal(adj['percent'])).normalize():f}%"
            verb = "took off" if change < 0 else "added"
            lines.append(f"Because {adj['family_wording']}, we {verb} {how} ({format_money(abs(change))}).")
        else:
            verb = "took off" if change < 0 else "added"
            lines.append(f"Because {adj['family_wording']}, we {verb} {format_money(abs(change))}.")
    lines.append(
        f'So your indicative budget is {format_money(assessment.indicative_amount)} a year. "Indicative" '
        "means an early amount to plan with: the final amount is agreed with you when your support plan "
        "is ready."
    )
    if assessment.departs:
        lines.append(
            f"Your social worker set your budget at {format_money(assessment.agreed_amount)} a year "
            f"instead. The reason they gave: {assessment.departure_reason}"
        )
    return lines


def assessment_create(
    *,
    person: Person,
    answers: Mapping[int, int],
    actor,
    adjustment_ids: Iterable[int] = (),
    assessed_on: dt.date | None = None,
    agreed_amount: Decimal | None = None,
    departure_reason: str = "",
) -> Assessment:
    """Record the answers and give the indicative annual budget. The commissioner may set a different
    amount only with a written reason, which the person sees too."""
    with transaction.atomic():
        _require_commissioner(actor=actor, council_id=person.council_id)
        questionnaire = AllocationQuestionnaire.objects.filter(council_id=person.council_id).first()
        if questionnaire is None:
            raise BudgetError(f"{person.council} has not set up its resource allocation questions yet.")
        calc = calculate_indicative(
            questionnaire=questionnaire, answers=answers, adjustment_ids=adjustment_ids
        )
        departure_reason = (departure_reason or "").strip()
        agreed = calc.indicative if agreed_amount is None else to_money(agreed_amount)
        if agreed < 0:
            raise BudgetError("The budget cannot be less than £0.00.")
        if agreed != calc.indicative and not departure_reason:
            raise BudgetError(
                f"The indicative budget is {format_money(calc.indicative)}. To set a different amount, "
                "write down why."
            )
        if agreed == calc.indicative:
            departure_reason = ""
        assessment = Assessment.objects.create(
            person=person,
            assessed_on=assessed_on or today(),
            assessed_by=actor,
            breakdown=calc.breakdown,
            total_points=calc.points,
            price_per_point=calc.price_per_point,
            indicative_amount=calc.indicative,
            agreed_amount=agreed,
            departure_reason=departure_reason,
        )
        audit.record(
            actor=actor,
            instance=assessment,
            event="assessment recorded",
            action=audit.CREATE,
            changes={"indicative_amount": (None, calc.indicative), "agreed_amount": (None, agreed)},
            note=departure_reason,
        )
        return assessment
