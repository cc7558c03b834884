"""Block contracts (issue 17): one provider, an annual value, the named people it covers, start and end.

Recording a block is a batch (budgets.batches) an approver confirms, because while it runs each named
person's share counts as money: a council-managed part (`commissioner_controlled`) of their budget,
from the block's start (or the day after their current version's latest start) to its end. The
conversion into Individual Service Funds is in providers.block_conversion (it makes agreements).
"""

import datetime as dt
import json
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from django.db import transaction
from django.db.models import QuerySet

from organisations import audit
from organisations.models import Council, Provider, Role
from organisations.money import format_money, to_money
from organisations.selectors import roles_of

from . import batches
from .models import BatchStatus, BlockContract, BlockPlace, BlockStatus, ImportBatch, ManagementType, Person
from .services import (
    ArrangementInput,
    BudgetError,
    NotAllowed,
    budget_approve,
    budget_propose,
    is_commissioner_for,
    latest_approved_version,
)

RECORD_KIND = "block_contract"
CONVERSION_KIND = "block_conversion"


@dataclass
class BatchResult:
    ok: bool
    errors: list[str]
    summary: str


def even_split(total: Decimal, count: int) -> list[Decimal]:
    """`total` split into `count` shares to the penny that add up exactly: the pennies left over go one
    each to the first shares."""
    if count <= 0:
        return []
    base = (Decimal(total) / count).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
    left = int((to_money(total) - base * count) * 100)
    return [base + (Decimal("0.01") if i < left else Decimal("0")) for i in range(count)]


def blocks_visible_to(*, user) -> QuerySet[BlockContract]:
    """Block contracts of the councils where the user is a commissioner or approver (all for a
    platform admin)."""
    if not getattr(user, "is_authenticated", False):
        return BlockContract.objects.none()
    roles = roles_of(user=user)
    qs = BlockContract.objects.select_related("council", "provider", "record_batch", "conversion_batch")
    if roles.platform_admin:
        return qs
    return qs.filter(council_id__in=roles.councils_with(Role.COMMISSIONER, Role.APPROVER))


def running_parts(budget, *, leave_out: set[int] = frozenset()) -> list:
    """A version's parts still running (or starting later), as the arrangements themselves."""
    if budget is None:
        return []
    day = budget.day_shown()
    return [
        a
        for a in budget.arrangements.all()
        if a.pk not in leave_out and (a.is_active_on(day) or a.start_date > day)
    ]


def _as_inputs(arrangements) -> list[ArrangementInput]:
    return [ArrangementInput(a.management_type, a.annual_amount, a.provider) for a in arrangements]


def place_start(block: BlockContract, person: Person) -> dt.date:
    """The block's part starts with the block, or the day after the person's current version's latest
    start (a new version must start after it)."""
    current = latest_approved_version(person)
    if current is None:
        return block.start_date
    latest = max([current.start_date, *[a.start_date for a in current.arrangements.all()]])
    return max(block.start_date, latest + dt.timedelta(days=1))


@transaction.atomic
def block_record(
    *,
    council: Council,
    provider: Provider,
    name: str,
    annual_value: Decimal,
    start_date: dt.date,
    end_date: dt.date | None,
    people: list[Person],
    actor,
) -> BlockContract:
    """A commissioner records a block contract; each named person gets an even share of its value. It
    waits, as one batch, for an approver."""
    if not is_commissioner_for(user=actor, council_id=council.pk):
        raise NotAllowed("Only a commissioner of this council can record a block contract.")
    problems = []
    name = (name or "").strip()
    if not name:
        problems.append("Give the block contract a name.")
    if annual_value is None or annual_value < 0:
        problems.append("Enter the block's annual value, £0.00 or more.")
    if end_date and end_date < start_date:
        problems.append("The end date cannot be before the start date.")
    if not people:
        problems.append("Name at least one person the block covers.")
    if any(p.council_id != council.pk for p in people):
        problems.append("Every person must be one of this council's people.")
    if len({p.pk for p in people}) != len(people):
        problems.append("Name each person once.")
    if problems:
        raise BudgetError(*problems)
    block = BlockContract.objects.create(
        council=council,
        provider=provider,
        name=name,
        annual_value=to_money(annual_value),
        start_date=start_date,
        end_date=end_date,
        created_by=actor,
    )
    for person, share in zip(people, even_split(block.annual_value, len(people)), strict=True):
        BlockPlace.objects.create(block=block, person=person, share=share)
    audit.record(
        actor=actor,
        instance=block,
        event="block contract recorded, waiting for an approver",
        action=audit.CREATE,
        changes={
            "provider": (None, provider.name),
            "annual_value": (None, format_money(block.annual_value)),
            "people": (None, len(people)),
            "start_date": (None, start_date),
            "end_date": (None, end_date),
        },
    )
    block.record_batch = batches.batch_upload(
        council=council,
        kind=RECORD_KIND,
        file_name=f"Block contract: {name}"[:255],
        data=json.dumps({"block": block.pk}).encode(),
        actor=actor,
    )
    block.save(update_fields=["record_batch", "updated_at"])
    return block


def block_of(data: bytes, council: Council) -> BlockContract:
    pk = json.loads(bytes(data).decode())["block"]
    return BlockContract.objects.select_related("provider").get(pk=pk, council=council)


def _record_check(*, data, council, progress=None):
    block = block_of(data, council)
    errors, largest = [], Decimal("0.00")
    places = list(block.places.select_related("person"))
    for place in places:
        current = latest_approved_version(place.person)
        if place.person.budgets.filter(status="proposed").exists():
            errors.append(f"{place.person}: a budget is already waiting for approval.")
        total = sum((a.annual_amount for a in running_parts(current)), Decimal("0.00")) + place.share
        largest = max(largest, total)
    totals = batches.BatchTotals(
        rows=len(places),
        people=len(places),
        annual_total=sum((p.share for p in places), Decimal("0.00")),
        largest_total=largest,
    )
    return totals, errors


def _record_apply(*, data, council, actor, source, proposed_by, note):
    """Each person's share becomes a council-managed part of an approved budget version (proposed by
    the commissioner who recorded the block, approved by the confirming approver)."""
    block = block_of(data, council)
    for place in block.places.select_related("person"):
        current = latest_approved_version(place.person)
        start = place_start(block, place.person)
        parts = _as_inputs(running_parts(current))
        parts.append(
            ArrangementInput(
                ManagementType.COMMISSIONER_CONTROLLED,
                place.share,
                None,
                end_date=block.end_date,
                start_date=start,
            )
        )
        version = budget_propose(
            person=place.person,
            start_date=start,
            arrangements=parts,
            actor=proposed_by,
            difference_reason=f"Share of the block contract '{block.name}' with {block.provider.name}",
        )
        budget_approve(budget=version, actor=actor)
        # The block's part is the last one made (any earlier parts are carried over from before).
        place.arrangement = version.arrangements.order_by("-pk").first()
        place.save(update_fields=["arrangement"])
    block.status = BlockStatus.ACTIVE
    block.save(update_fields=["status", "updated_at"])
    audit.record(
        actor=actor,
        instance=block,
        event="block contract confirmed",
        changes={"status": ("waiting", "active")},
    )
    n = block.places.count()
    return BatchResult(
        True,
        [],
        f"Block contract '{block.name}' confirmed: {n} people, {format_money(block.annual_value)} a year.",
    )


def register() -> None:
    """Called from BudgetsConfig.ready."""
    batches.register_batch_importer(
        RECORD_KIND, batches.BatchImporter(check=_record_check, apply=_record_apply)
    )


def shown_status(block: BlockContract) -> str:
    """The block's status in words, a rejected batch included."""
    if (
        block.status == BlockStatus.WAITING
        and block.record_batch
        and block.record_batch.status == BatchStatus.REJECTED
    ):
        return "Rejected by the approver"
    if (
        block.status == BlockStatus.CONVERTING
        and block.conversion_batch
        and block.conversion_batch.status == BatchStatus.REJECTED
    ):
        return "In force (the conversion was sent back)"
    return block.get_status_display()


def batch_block_summary(batch: ImportBatch) -> dict | None:
    """For the batch page: the block a batch records or converts, each person's line, and the batch's
    total against the block's value."""
    if batch.kind not in (RECORD_KIND, CONVERSION_KIND):
        return None
    block = BlockContract.objects.filter(
        council=batch.council, pk=json.loads(bytes(batch.data).decode())["block"]
    ).first()
    if block is None:
        return None
    converting = batch.kind == CONVERSION_KIND
    lines = [
        {"person": p.person, "amount": p.isf_amount if converting else p.share}
        for p in block.places.select_related("person")
    ]
    total = sum((line["amount"] or Decimal("0.00") for line in lines), Decimal("0.00"))
    return {
        "block": block,
        "converting": converting,
        "lines": lines,
        "total": total,
        "difference": total - block.annual_value,
        "isf_start": block.isf_start_date,
        "block_last_day": block.isf_start_date - dt.timedelta(days=1) if block.isf_start_date else None,
    }
