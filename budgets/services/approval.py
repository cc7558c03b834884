"""Deciding on a proposal: approve (alone, or share by share by its funders) or send it back."""

from django.db import transaction
from django.utils import timezone

from organisations import audit
from organisations.money import format_money
from organisations.selectors import approval_limit_of

from ..models import BudgetStatus, PersonalBudget
from .access import approval_elsewhere, is_approver_for
from .dates import add_years
from .errors import BudgetError, NotAllowed
from .versions import _end_previous_version, latest_approved_version


def budget_approve(*, budget: PersonalBudget, actor) -> PersonalBudget:
    """Approve a proposed budget. The approver must hold the approver role in the person's council,
    must not have proposed it, and the annual total must be within their approval limit. Approving a
    new version end-dates the old version's arrangements the day before the new one starts; the old
    version stays approved so past counts stay true."""
    with transaction.atomic():
        # Lock the row: two approvers pressing the button at once approve it once.
        budget = PersonalBudget.objects.select_for_update().select_related("person").get(pk=budget.pk)
        if budget.status == BudgetStatus.APPROVED:
            return budget
        council_id = budget.person.council_id
        if not is_approver_for(user=actor, council_id=council_id):
            raise NotAllowed("Only an approver in this council can approve budgets.")
        if budget.status != BudgetStatus.PROPOSED:
            raise BudgetError(
                f"This budget is {budget.get_status_display().lower()}, so it cannot be approved."
            )
        if budget.proposed_by_id == actor.pk:
            raise BudgetError("You proposed this budget, so someone else must approve it.")
        message = approval_elsewhere(budget)
        if message:
            raise BudgetError(message)
        total = budget.highest_total
        limit = approval_limit_of(user=actor, council=budget.person.council)
        if limit is None:
            raise BudgetError(
                "You have no approval limit in this council yet, so you cannot approve budgets."
            )
        if total > limit:
            raise BudgetError(
                f"This budget is {format_money(total)} a year, above your approval limit of "
                f"{format_money(limit)}. Ask an approver with a higher limit."
            )
        return _complete_approval(budget=budget, actor=actor, event="budget approved")


def _complete_approval(*, budget: PersonalBudget, actor, event: str) -> PersonalBudget:
    if budget.replaces_id:
        current = latest_approved_version(budget.person)
        if current is None or current.pk != budget.replaces_id:
            raise BudgetError(
                "Another version of this budget was approved after this one was proposed. "
                "Send this back and propose it again from the current version."
            )
        _end_previous_version(previous=current, new_start=budget.start_date, actor=actor)
    old_status = budget.status
    budget.status = BudgetStatus.APPROVED
    budget.decided_by, budget.decided_at, budget.decision_reason = actor, timezone.now(), ""
    if budget.review_due is None:
        budget.review_due = add_years(budget.start_date)
    budget.save()
    audit.record(
        actor=actor,
        instance=budget,
        event=event,
        changes={"status": (old_status, BudgetStatus.APPROVED), "review_due": (None, budget.review_due)},
    )
    return budget


def budget_approve_by_funders(*, budget: PersonalBudget, actor) -> PersonalBudget:
    """A jointly funded budget is approved when the last funder approves its share (nhs.funding checks
    each share: its own funder's approver, within their limit, never the proposer). `actor` is that
    last approver."""
    with transaction.atomic():
        budget = PersonalBudget.objects.select_for_update().select_related("person").get(pk=budget.pk)
        if budget.status == BudgetStatus.APPROVED:
            return budget
        if budget.status != BudgetStatus.PROPOSED:
            raise BudgetError(
                f"This budget is {budget.get_status_display().lower()}, so it cannot be approved."
            )
        return _complete_approval(
            budget=budget, actor=actor, event="budget approved: every funder approved its share"
        )


def budget_sent_back_by_funder(*, budget: PersonalBudget, actor, reason: str) -> PersonalBudget:
    """A funder's approver sent its share of a jointly funded budget back (nhs.funding checked who may):
    the whole proposal goes back to the commissioner with the reason."""
    with transaction.atomic():
        budget = PersonalBudget.objects.select_for_update().get(pk=budget.pk)
        if budget.status != BudgetStatus.PROPOSED:
            raise BudgetError(
                f"This budget is {budget.get_status_display().lower()}, so it cannot be sent back."
            )
        budget.status = BudgetStatus.SENT_BACK
        budget.decided_by, budget.decided_at, budget.decision_reason = actor, timezone.now(), reason
        budget.save()
        audit.record(
            actor=actor,
            instance=budget,
            event="budget sent back by a funder",
            changes={"status": (BudgetStatus.PROPOSED, BudgetStatus.SENT_BACK)},
            note=reason,
        )
        return budget


def budget_send_back(*, budget: PersonalBudget, actor, reason: str) -> PersonalBudget:
    """Send a proposal back to the commissioner with a reason. Like approval, someone other than the
    proposer must do it."""
    with transaction.atomic():
        budget = PersonalBudget.objects.select_for_update().select_related("person").get(pk=budget.pk)
        if not is_approver_for(user=actor, council_id=budget.person.council_id):
            raise NotAllowed("Only an approver in this council can send budgets back.")
        reason = (reason or "").strip()
        if budget.status == BudgetStatus.SENT_BACK and budget.decision_reason == reason:
            return budget
        if budget.status != BudgetStatus.PROPOSED:
            raise BudgetError(
                f"This budget is {budget.get_status_display().lower()}, so it cannot be sent back."
            )
        if budget.proposed_by_id == actor.pk:
            raise BudgetError("You proposed this budget, so someone else must decide on it.")
        if not reason:
            raise BudgetError("Say why you are sending it back.")
        budget.status = BudgetStatus.SENT_BACK
        budget.decided_by, budget.decided_at, budget.decision_reason = actor, timezone.now(), reason
        budget.save()
        audit.record(
            actor=actor,
            instance=budget,
            event="budget sent back",
            changes={"status": (BudgetStatus.PROPOSED, BudgetStatus.SENT_BACK)},
            note=reason,
        )
        return budget
