"""Writes about budgets funded by more than one body (a council and an NHS body, or an NHS body alone
for a council's person): stating the shares, and each funder approving or sending back only its own.

The budget itself stays in the budgets app; when every share is approved the last approver's decision
completes the budget's approval there (budgets.services.budget_approve_by_funders).
"""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from budgets.models import BudgetStatus, PersonalBudget
from budgets.services import (
    BudgetError,
    NotAllowed,
    budget_approve_by_funders,
    budget_sent_back_by_funder,
    is_approver_for,
    is_commissioner_for,
)
from organisations import audit
from organisations.models import Council
from organisations.money import format_money, to_money
from organisations.selectors import approval_limit_of

from .models import FundingShare, ShareStatus
from .selectors import possible_funders


def approval_rule(budget: PersonalBudget) -> str | None:
    """Registered with budgets: a jointly funded budget is not approved whole by one council's approver."""
    if budget.funding_shares.exists():
        return (
            "This budget is funded jointly: each funder's approver approves that funder's share, on the "
            "funding page."
        )
    return None


@transaction.atomic
def funding_set(*, budget: PersonalBudget, shares: dict[Council, Decimal], actor) -> list[FundingShare]:
    """State who funds a proposed budget and how much each pays a year. The shares must add up to the
    whole (the most the budget comes to on any day, as approval limits are checked against). Funders are
    the person's council and its partners. A single share for the person's own council is the same as
    no shares: funded by the council alone."""
    budget = PersonalBudget.objects.select_for_update().select_related("person__council").get(pk=budget.pk)
    council = budget.person.council
    if not is_commissioner_for(user=actor, council_id=council.pk):
        raise NotAllowed("Only a commissioner of the person's council can say who funds the budget.")
    if budget.status != BudgetStatus.PROPOSED:
        raise BudgetError("Funding can be stated only while the budget is waiting for approval.")
    if budget.funding_shares.exclude(status=ShareStatus.WAITING).exists():
        raise BudgetError("A funder has already decided on its share: send the budget back to change it.")
    allowed = set(possible_funders(council=council).values_list("pk", flat=True))
    problems = []
    cleaned = {}
    for funder, amount in shares.items():
        amount = to_money(amount or 0)
        if amount <= 0:
            continue
        if funder.pk not in allowed:
            problems.append(f"{funder} is not a partner of {council}, so it cannot fund this budget.")
        cleaned[funder] = amount
    whole = budget.highest_total
    total = sum(cleaned.values(), Decimal("0.00"))
    if total != whole:
        problems.append(
            f"The shares add up to {format_money(total)} but the budget is {format_money(whole)} a year: "
            "they must add up to the whole."
        )
    if problems:
        raise BudgetError(*problems)
    before = {s.funder_id: s.annual_amount for s in budget.funding_shares.all()}
    budget.funding_shares.all().delete()
    created = []
    if not (len(cleaned) == 1 and council in cleaned):
        created = [
            FundingShare.objects.create(budget=budget, funder=funder, annual_amount=amount, stated_by=actor)
            for funder, amount in cleaned.items()
        ]
    audit.record(
        actor=actor,
        instance=budget,
        event="funding shares stated",
        changes={
            "funding": (
                "; ".join(f"{Council.objects.get(pk=k)} {format_money(v)}" for k, v in before.items())
                or f"{council} alone",
                "; ".join(f"{s.funder} {format_money(s.annual_amount)}" for s in created)
                or f"{council} alone",
            )
        },
    )
    return created


def _check_decider(share: FundingShare, actor) -> None:
    if not is_approver_for(user=actor, council_id=share.funder_id):
        raise NotAllowed(f"Only an approver of {share.funder} can decide on its share.")
    if share.budget.status != BudgetStatus.PROPOSED:
        raise BudgetError(
            f"This budget is {share.budget.get_status_display().lower()}, so its shares cannot be decided."
        )
    if share.budget.proposed_by_id == actor.pk:
        raise BudgetError("You proposed this budget, so someone else must approve its shares.")


@transaction.atomic
def share_approve(*, share: FundingShare, actor) -> FundingShare:
    """An approver of the funder approves that funder's share, within their own approval limit there.
    When it is the last share waiting, the budget is approved."""
    share = FundingShare.objects.select_for_update().select_related("budget", "funder").get(pk=share.pk)
    if share.status == ShareStatus.APPROVED:
        return share
    _check_decider(share, actor)
    limit = approval_limit_of(user=actor, council=share.funder)
    if limit is None:
        raise BudgetError(f"You have no approval limit in {share.funder} yet, so you cannot approve.")
    if share.annual_amount > limit:
        raise BudgetError(
            f"This share is {format_money(share.annual_amount)} a year, above your approval limit of "
            f"{format_money(limit)}. Ask an approver with a higher limit."
        )
    share.status = ShareStatus.APPROVED
    share.decided_by, share.decided_at, share.decision_reason = actor, timezone.now(), ""
    share.save()
    audit.record(
        actor=actor,
        instance=share.budget,
        event="funding share approved",
        changes={"share": (None, f"{share.funder} {format_money(share.annual_amount)}")},
    )
    others = FundingShare.objects.select_for_update().filter(budget=share.budget).exclude(pk=share.pk)
    if all(o.status == ShareStatus.APPROVED for o in others):
        budget_approve_by_funders(budget=share.budget, actor=actor)
    return share


@transaction.atomic
def share_send_back(*, share: FundingShare, actor, reason: str) -> FundingShare:
    """An approver of the funder sends its share back with a reason: the whole proposal goes back to the
    commissioner, who may propose again."""
    share = FundingShare.objects.select_for_update().select_related("budget", "funder").get(pk=share.pk)
    reason = (reason or "").strip()
    _check_decider(share, actor)
    if not reason:
        raise BudgetError("Say why you are sending it back.")
    share.status = ShareStatus.SENT_BACK
    share.decided_by, share.decided_at, share.decision_reason = actor, timezone.now(), reason
    share.save()
    budget_sent_back_by_funder(budget=share.budget, actor=actor, reason=f"{share.funder}: {reason}")
    return share
