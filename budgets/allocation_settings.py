"""Writes for a council's resource allocation settings: price per point, questions and their answers'
points, and adjustments. Called from the council settings pages (council administrators only).

Each change runs in one transaction and is audited with the old and new values. An assessment keeps
a copy of what it used (`Assessment.breakdown`), so a change here never rewrites an indicative budget
someone was already shown.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from organisations import audit
from organisations.models import Council, User
from organisations.money import to_money

from .models import AllocationAdjustment, AllocationQuestion, AllocationQuestionnaire
from .services import BudgetError


class AllocationError(BudgetError):
    """A resource allocation setting was refused; the message is for a person to read."""


@dataclass(frozen=True)
class OptionInput:
    label: str
    points: int


def _describe_options(options) -> str:
    return "; ".join(f"{o.label} ({o.points})" for o in options)


def questionnaire_of(*, council: Council, actor: User) -> AllocationQuestionnaire:
    """The council's questionnaire, started empty (price £0.00) the first time it is set up."""
    questionnaire = AllocationQuestionnaire.objects.filter(council=council).first()
    if questionnaire is None:
        questionnaire = AllocationQuestionnaire.objects.create(
            council=council, price_per_point=Decimal("0.00")
        )
        audit.record(
            actor=actor, instance=questionnaire, event="resource allocation started", action=audit.CREATE
        )
    return questionnaire


@transaction.atomic
def allocation_price_set(
    *, council: Council, price_per_point: Decimal, introduction: str, actor: User
) -> AllocationQuestionnaire:
    if price_per_point is None or price_per_point < 0:
        raise AllocationError("Enter a price per point of £0.00 or more.")
    questionnaire = questionnaire_of(council=council, actor=actor)
    questionnaire = AllocationQuestionnaire.objects.select_for_update().get(pk=questionnaire.pk)
    price = to_money(price_per_point)
    introduction = (introduction or "").strip()
    changes = {}
    if questionnaire.price_per_point != price:
        changes["price_per_point"] = (questionnaire.price_per_point, price)
    if questionnaire.introduction != introduction:
        changes["introduction"] = (questionnaire.introduction, introduction)
    if changes:
        questionnaire.price_per_point, questionnaire.introduction = price, introduction
        questionnaire.save(update_fields=["price_per_point", "introduction", "updated_at"])
        audit.record(actor=actor, instance=questionnaire, event="price per point changed", changes=changes)
    return questionnaire


@transaction.atomic
def allocation_question_save(
    *,
    council: Council,
    question: AllocationQuestion | None = None,
    text: str,
    hint: str,
    order: int,
    options: list[OptionInput],
    actor: User,
) -> AllocationQuestion:
    """Add a question, or change one, with its answers (which replace the answers it had)."""
    text, hint = (text or "").strip(), (hint or "").strip()
    if not text:
        raise AllocationError("Enter the question.")
    options = [o for o in options if o.label.strip()]
    if len(options) < 2:
        raise AllocationError("Give the question at least 2 answers, each with its points.")
    labels = [o.label.strip().lower() for o in options]
    if len(set(labels)) != len(labels):
        raise AllocationError("Give each answer different words.")
    questionnaire = questionnaire_of(council=council, actor=actor)
    if question is not None and question.questionnaire_id != questionnaire.pk:
        raise AllocationError("That question belongs to another council.")
    if question is None:
        question = AllocationQuestion.objects.create(
            questionnaire=questionnaire, text=text, hint=hint, order=order
        )
        old = {"text": None, "hint": None, "order": None, "answers": None}
        event, action = "allocation question added", audit.CREATE
    else:
        question = AllocationQuestion.objects.select_for_update().get(pk=question.pk)
        old = {
            "text": question.text,
            "hint": question.hint,
            "order": question.order,
            "answers": _describe_options(question.options.all()),
        }
        question.text, question.hint, question.order = text, hint, order
        question.save(update_fields=["text", "hint", "order"])
        question.options.all().delete()
        event, action = "allocation question changed", audit.UPDATE
    for position, option in enumerate(options):
        question.options.create(order=position, label=option.label.strip(), points=option.points)
    new = {"text": text, "hint": hint, "order": order, "answers": _describe_options(question.options.all())}
    changes = {field: (old[field], new[field]) for field in new if old[field] != new[field]}
    audit.record(actor=actor, instance=questionnaire, event=event, action=action, changes=changes, note=text)
    return question


@transaction.atomic
def allocation_question_remove(*, question: AllocationQuestion, actor: User) -> None:
    questionnaire = question.questionnaire
    audit.record(
        actor=actor,
        instance=questionnaire,
        event="allocation question removed",
        changes={"text": (question.text, None), "answers": (_describe_options(question.options.all()), None)},
        note=question.text,
    )
    question.delete()


@transaction.atomic
def allocation_adjustment_save(
    *,
    council: Council,
    adjustment: AllocationAdjustment | None = None,
    label: str,
    family_wording: str,
    percent: Decimal | None,
    amount: Decimal | None,
    order: int,
    actor: User,
) -> AllocationAdjustment:
    """An adjustment is a percentage of the running total or a fixed annual amount, never both."""
    label, family_wording = (label or "").strip(), (family_wording or "").strip()
    if not label:
        raise AllocationError("Enter what the adjustment is for, in staff words.")
    if not family_wording:
        raise AllocationError("Enter what the adjustment means, in the words the person will read.")
    if (percent is None) == (amount is None):
        raise AllocationError("Enter either a percentage or an amount of money, not both.")
    if percent is not None and not (Decimal("-100") <= percent <= Decimal("100")):
        raise AllocationError("Enter a percentage between -100 and 100.")
    questionnaire = questionnaire_of(council=council, actor=actor)
    fields = {
        "label": label,
        "family_wording": family_wording,
        "percent": percent,
        "amount": amount,
        "order": order,
    }
    if adjustment is None:
        adjustment = AllocationAdjustment.objects.create(questionnaire=questionnaire, **fields)
        changes = {name: (None, value) for name, value in fields.items()}
        event, action = "allocation adjustment added", audit.CREATE
    else:
        if adjustment.questionnaire_id != questionnaire.pk:
            raise AllocationError("That adjustment belongs to another council.")
        adjustment = AllocationAdjustment.objects.select_for_update().get(pk=adjustment.pk)
        changes = {
            name: (getattr(adjustment, name), value)
            for name, value in fields.items()
            if getattr(adjustment, name) != value
        }
        for name, value in fields.items():
            setattr(adjustment, name, value)
        adjustment.save()
        event, action = "allocation adjustment changed", audit.UPDATE
    audit.record(actor=actor, instance=questionnaire, event=event, action=action, changes=changes, note=label)
    return adjustment


@transaction.atomic
def allocation_adjustment_remove(*, adjustment: AllocationAdjustment, actor: User) -> None:
    audit.record(
        actor=actor,
        instance=adjustment.questionnaire,
        event="allocation adjustment removed",
        changes={
            "label": (adjustment.label, None),
            "percent": (adjustment.percent, None),
            "amount": (adjustment.amount, None),
        },
        note=adjustment.label,
    )
    adjustment.delete()
