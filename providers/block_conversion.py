"""A block contract broken into Individual Service Funds (issue 17; Southwark's 85, C-Change's 11).

`block_convert` (one transaction) sets each person's ISF amount (the council's own split, or an even
split of the block's value to start from) and proposes the whole conversion as one batch for an
approver, who sees its total against the block's value. Confirming it (budgets.batches, one
transaction) does, for each person: a new budget version from the ISF start with an Individual Service
Fund held by the block's provider in place of their block share (approved by the confirming approver;
the block share ends the day before), a draft support plan started from what they receive now, and a
flexible agreement offered to the same provider. The block then ends the day before the ISFs start.
"""

import datetime as dt
import json
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from budgets import batches
from budgets.blocks import (
    CONVERSION_KIND,
    BatchResult,
    _as_inputs,
    block_of,
    even_split,
    running_parts,
)
from budgets.models import BatchStatus, BlockContract, BlockStatus, ManagementType, PlanStatus
from budgets.services import (
    ArrangementInput,
    BudgetError,
    NotAllowed,
    budget_approve,
    budget_propose,
    is_commissioner_for,
    latest_approved_version,
    support_plan_save,
)
from organisations import audit
from organisations.money import format_money, to_money

from .models import ChoiceMade, ChoiceStatus, ProviderProfile
from .services import _open_choice, record_choice, set_up_agreement


def may_convert(block: BlockContract) -> bool:
    if block.status == BlockStatus.ACTIVE:
        return True
    return (
        block.status == BlockStatus.CONVERTING
        and block.conversion_batch is not None
        and block.conversion_batch.status == BatchStatus.REJECTED
    )


@transaction.atomic
def block_convert(
    *, block: BlockContract, isf_start: dt.date, actor, amounts: dict[int, Decimal] | None = None
) -> BlockContract:
    """Propose the conversion as one batch. `amounts` maps person id to annual ISF amount (the
    council's own split); without it the block's value is split evenly."""
    block = BlockContract.objects.select_for_update().select_related("provider").get(pk=block.pk)
    if not is_commissioner_for(user=actor, council_id=block.council_id):
        raise NotAllowed("Only a commissioner of this council can convert a block contract.")
    if not may_convert(block):
        raise BudgetError(
            f"This block contract is {block.get_status_display().lower()}, so it cannot be converted."
        )
    places = list(block.places.select_related("person"))
    problems = []
    if isf_start <= block.start_date:
        problems.append(
            f"The Individual Service Funds must start after the block started ({block.start_date:%-d %B %Y})."
        )
    if block.end_date and isf_start > block.end_date + dt.timedelta(days=1):
        problems.append(
            "The Individual Service Funds must start by the day after the block ends "
            f"({block.end_date:%-d %B %Y})."
        )
    if amounts is None:
        split = dict(
            zip([p.person_id for p in places], even_split(block.annual_value, len(places)), strict=True)
        )
    else:
        split = {}
        for place in places:
            amount = amounts.get(place.person_id)
            if amount is None or amount < 0 or to_money(amount) != amount:
                problems.append(f"Enter an amount a year for {place.person}, £0.00 or more.")
            else:
                split[place.person_id] = amount
    for place in places:
        current = latest_approved_version(place.person)
        if current is not None:
            latest = max([current.start_date, *[a.start_date for a in current.arrangements.all()]])
            if isf_start <= latest:
                problems.append(
                    f"{place.person}'s budget has a part starting {latest:%-d %B %Y}: "
                    "start the ISFs after it."
                )
    if problems:
        raise BudgetError(*problems)
    for place in places:
        place.isf_amount = split[place.person_id]
        place.save(update_fields=["isf_amount"])
    old = block.status
    block.status, block.isf_start_date = BlockStatus.CONVERTING, isf_start
    block.save(update_fields=["status", "isf_start_date", "updated_at"])
    total = sum(split.values(), Decimal("0.00"))
    audit.record(
        actor=actor,
        instance=block,
        event="conversion to Individual Service Funds proposed",
        changes={
            "status": (old, block.status),
            "isf_start_date": (None, isf_start),
            "isf_total": (None, format_money(total)),
            "split": (None, "council's own" if amounts is not None else "even"),
        },
    )
    block.conversion_batch = batches.batch_upload(
        council=block.council,
        kind=CONVERSION_KIND,
        file_name=f"Block contract into ISFs: {block.name}"[:255],
        data=json.dumps({"block": block.pk}).encode(),
        actor=actor,
    )
    block.save(update_fields=["conversion_batch", "updated_at"])
    return block


def _new_parts(place) -> list[ArrangementInput]:
    current = latest_approved_version(place.person)
    kept = running_parts(current, leave_out={place.arrangement_id} if place.arrangement_id else set())
    return [*_as_inputs(kept), ArrangementInput(ManagementType.ISF, place.isf_amount, place.block.provider)]


def _conversion_check(*, data, council, progress=None):
    block = block_of(data, council)
    errors, largest = [], Decimal("0.00")
    places = list(block.places.select_related("person", "block__provider"))
    for place in places:
        if place.isf_amount is None:
            errors.append(f"{place.person}: no amount for the Individual Service Fund.")
            continue
        if place.person.budgets.filter(status="proposed").exists():
            errors.append(f"{place.person}: another budget is already waiting for approval.")
        largest = max(largest, sum((p.annual_amount for p in _new_parts(place)), Decimal("0.00")))
    totals = batches.BatchTotals(
        rows=len(places),
        people=len(places),
        annual_total=sum((p.isf_amount or Decimal("0.00") for p in places), Decimal("0.00")),
        largest_total=largest,
    )
    return totals, errors


def _plan_fields(place, start: dt.date) -> dict[str, str]:
    """A draft plan started from what the person receives now (their latest plan's words if any)."""
    block, person = place.block, place.person
    latest = person.support_plans.order_by("-created_at", "-pk").first()
    now = (
        f"Now: support from {block.provider.name} under the block contract '{block.name}' "
        f"(a share of about {format_money(place.share)} a year). From {start:%-d %B %Y}: an Individual "
        f"Service Fund of {format_money(place.isf_amount)} a year held by {block.provider.name}, for you to "
        "plan with them."
    )
    if latest is not None:
        return {
            "what_matters": latest.what_matters,
            "outcomes": latest.outcomes,
            "how_money_used": f"{now}\n\n{latest.how_money_used}",
            "who_helps": latest.who_helps,
            "risks": latest.risks,
        }
    return {
        "what_matters": "To be written with you: what matters to you, in your own words.",
        "outcomes": "To be written with you: what you want your support to help you do.",
        "how_money_used": now,
        "who_helps": f"{block.provider.name}, as now.",
        "risks": "As in your support now, to be talked through with you.",
    }


def _conversion_apply(*, data, council, actor, source, proposed_by, note):
    block = (
        BlockContract.objects.select_for_update()
        .select_related("provider")
        .get(pk=block_of(data, council).pk)
    )
    start = block.isf_start_date
    profile = ProviderProfile.objects.filter(provider=block.provider).first()
    fee = {}
    if profile is None or (profile.management_fee_percent is None and profile.management_fee_fixed is None):
        fee = {"management_fee_percent": "0"}
    for place in block.places.select_related("person", "block__provider"):
        version = budget_propose(
            person=place.person,
            start_date=start,
            arrangements=_new_parts(place),
            actor=proposed_by,
            difference_reason=f"The block contract '{block.name}' becomes an Individual Service Fund",
        )
        budget_approve(budget=version, actor=actor)
        isf = (
            version.arrangements.filter(management_type=ManagementType.ISF, provider=block.provider)
            .order_by("-pk")
            .first()
        )
        place.isf_arrangement = isf
        place.save(update_fields=["isf_arrangement"])
        latest = place.person.support_plans.order_by("-created_at", "-pk").first()
        plan = latest
        if latest is None or latest.status == PlanStatus.AGREED:
            plan = support_plan_save(person=place.person, actor=proposed_by, **_plan_fields(place, start))
        version.support_plan = plan
        version.save(update_fields=["support_plan", "updated_at"])
        choice = _open_choice(place.person, block.provider)
        if choice is None or choice.status == ChoiceStatus.SHORTLISTED:
            choice = record_choice(
                person=place.person,
                provider=block.provider,
                made=ChoiceMade.MEETING,
                chosen_by="The council, converting the block contract",
                chosen_on=min(start, timezone.localdate()),
                actor=proposed_by,
                message=f"Block contract '{block.name}' converted to Individual Service Funds",
            )
        set_up_agreement(
            choice=choice,
            terms={"start_date": start, "outcomes": plan.outcomes, **fee},
            actor=proposed_by,
            arrangement=isf,
        )
    old_end = block.end_date
    block.end_date = start - dt.timedelta(days=1)
    block.status = BlockStatus.CONVERTED
    block.save(update_fields=["end_date", "status", "updated_at"])
    audit.record(
        actor=actor,
        instance=block,
        event="block contract converted to Individual Service Funds",
        changes={"status": ("converting", "converted"), "end_date": (old_end, block.end_date)},
        note=note,
    )
    n = block.places.count()
    total = sum((p.isf_amount for p in block.places.all()), Decimal("0.00"))
    return BatchResult(
        True,
        [],
        f"Block contract '{block.name}' converted: {n} Individual Service Funds, "
        f"{format_money(total)} a year, from {start:%-d %B %Y}; "
        f"the block ended on {block.end_date:%-d %B %Y}.",
    )


def register() -> None:
    """Called from ProvidersConfig.ready."""
    batches.register_batch_importer(
        CONVERSION_KIND, batches.BatchImporter(check=_conversion_check, apply=_conversion_apply)
    )
