"""Support plans and how the family would like to hold the budget."""

from django.db import transaction
from django.utils import timezone

from organisations import audit

from ..models import HoldingPreference, ManagementType, Person, PlanStatus, SupportPlan
from .access import _require_commissioner
from .errors import BudgetError

PLAN_FIELDS = ("what_matters", "outcomes", "how_money_used", "who_helps", "risks")


def support_plan_save(*, person: Person, actor, **fields: str) -> SupportPlan:
    """Save the person's plan. The family, a provider the person works with, or the commissioner may
    draft it (the caller checks who may see the person). If the latest plan is agreed, this starts a
    new draft and leaves the agreed one as it was."""
    with transaction.atomic():
        values = {name: (fields.get(name) or "").strip() for name in PLAN_FIELDS}
        empty = [SupportPlan._meta.get_field(n).verbose_name for n in PLAN_FIELDS if not values[n]]
        if empty:
            raise BudgetError(f"Fill in '{empty[0]}'.")
        plan = (
            SupportPlan.objects.select_for_update()
            .filter(person=person)
            .order_by("-created_at", "-pk")
            .first()
        )
        if plan is None or plan.status == PlanStatus.AGREED:
            plan = SupportPlan.objects.create(person=person, drafted_by=actor, changed_by=actor, **values)
            audit.record(actor=actor, instance=plan, event="support plan drafted", action=audit.CREATE)
            return plan
        changes = {n: (getattr(plan, n), v) for n, v in values.items() if getattr(plan, n) != v}
        if changes:
            for n, (_, v) in changes.items():
                setattr(plan, n, v)
            plan.changed_by = actor
            plan.save()
            audit.record(actor=actor, instance=plan, event="support plan changed", changes=changes)
        return plan


def support_plan_agree(*, plan: SupportPlan, actor) -> SupportPlan:
    with transaction.atomic():
        _require_commissioner(actor=actor, council_id=plan.person.council_id)
        plan = SupportPlan.objects.select_for_update().get(pk=plan.pk)
        if plan.status == PlanStatus.AGREED:
            return plan
        plan.status, plan.agreed_by, plan.agreed_at = PlanStatus.AGREED, actor, timezone.now()
        plan.save(update_fields=["status", "agreed_by", "agreed_at", "updated_at"])
        audit.record(
            actor=actor, instance=plan, event="support plan agreed", changes={"status": ("draft", "agreed")}
        )
        return plan


def holding_preference_record(
    *, person: Person, management_types: list[str], note: str, actor
) -> HoldingPreference:
    """The person or family says how they would like to hold their budget (one or more ways)."""
    with transaction.atomic():
        types = [t for t in ManagementType.values if t in set(management_types)]
        if not types:
            raise BudgetError("Choose at least one way to hold your budget.")
        pref = HoldingPreference.objects.create(
            person=person, management_types=types, note=note.strip(), said_by=actor
        )
        audit.record(
            actor=actor,
            instance=person,
            event="family said how they want to hold the budget",
            changes={"holding_preference": (None, ", ".join(types))},
            note=pref.note,
        )
        return pref
