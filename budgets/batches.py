"""Services for uploaded files that wait for a second person (separation of duties).

No single person creates money that counts: a file uploaded through the browser becomes an
`ImportBatch`, and nothing in it is written until someone else with the approver role in the
council confirms it, having seen its totals, within their approval limit. Only then does the
importer write it, with the budgets approved by the confirming approver and proposed by the
uploader. Every step is audited.

This module knows nothing about file formats: an importer registers a `check` (read the file, return
its totals or its errors, write nothing) and an `apply` (write it), so any parser plugs in.
(`manage.py import_budgets` does not come here: it loads decisions already made in a council's
previous system, run by an operator and recorded with `--actor` and the file name.)
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from organisations import audit
from organisations.models import Council
from organisations.money import format_money
from organisations.selectors import approval_limit_of

from .models import BatchStatus, ImportBatch
from .services import BudgetError, NotAllowed, is_approver_for, is_commissioner_for


@dataclass(frozen=True)
class BatchTotals:
    rows: int
    people: int
    annual_total: Decimal
    largest_total: Decimal  # the largest single person's annual total in the file


@dataclass(frozen=True)
class BatchImporter:
    # check(*, data, council) -> (BatchTotals | None, errors); writes nothing.
    check: Callable
    # apply(*, data, council, actor, source, proposed_by, note) -> a result with .ok, .errors, .summary
    apply: Callable


_IMPORTERS: dict[str, BatchImporter] = {}


def register_batch_importer(kind: str, importer: BatchImporter) -> None:
    _IMPORTERS[kind] = importer


def _importer(kind: str) -> BatchImporter:
    try:
        return _IMPORTERS[kind]
    except KeyError as exc:
        raise BudgetError(f"There is no importer for '{kind}' files.") from exc


class BatchInvalid(BudgetError):
    """The file has errors; `errors` lists them, one per line, and nothing was kept."""

    def __init__(self, errors: list[str]):
        super().__init__("Nothing was imported: fix these lines and upload the file again.")
        self.errors = errors


def batch_upload(
    *, council: Council, kind: str, file_name: str, data: bytes, actor, progress=None
) -> ImportBatch:
    """A commissioner uploads a file. It is checked in full (all or nothing, every bad line named) and
    kept, unapplied, for an approver to confirm."""
    with transaction.atomic():
        if not is_commissioner_for(user=actor, council_id=council.pk):
            raise NotAllowed("Only a commissioner of this council can upload budgets.")
        # `progress` (rows checked) is passed when an upload job runs this (organisations/jobs.py).
        totals, errors = _importer(kind).check(
            data=data, council=council, **({"progress": progress} if progress else {})
        )
        if errors:
            raise BatchInvalid(errors)
        batch = ImportBatch.objects.create(
            council=council,
            kind=kind,
            file_name=file_name[:255],
            data=data,
            rows=totals.rows,
            people=totals.people,
            annual_total=totals.annual_total,
            largest_total=totals.largest_total,
            uploaded_by=actor,
        )
        audit.record(
            actor=actor,
            instance=batch,
            event="file uploaded, waiting for an approver",
            action=audit.CREATE,
            changes={
                "file_name": (None, batch.file_name),
                "rows": (None, totals.rows),
                "people": (None, totals.people),
                "annual_total": (None, format_money(totals.annual_total)),
                "largest_total": (None, format_money(totals.largest_total)),
            },
        )
        return batch


def _lock(batch: ImportBatch) -> ImportBatch:
    return ImportBatch.objects.select_for_update().select_related("council", "uploaded_by").get(pk=batch.pk)


def _check_decider(batch: ImportBatch, actor) -> None:
    if not is_approver_for(user=actor, council_id=batch.council_id):
        raise NotAllowed("Only an approver in this council can decide on an uploaded file.")
    if batch.uploaded_by_id == actor.pk:
        raise BudgetError("You uploaded this file, so someone else must decide on it.")


def batch_confirm(*, batch: ImportBatch, actor) -> ImportBatch:
    """A second person confirms: every budget in the file is then written and approved by them. The
    file is checked again against today's records, and its totals must still be the ones shown."""
    with transaction.atomic():
        batch = _lock(batch)  # two approvers pressing at once confirm it once
        if batch.status == BatchStatus.CONFIRMED:
            return batch
        _check_decider(batch, actor)
        if batch.status != BatchStatus.WAITING:
            raise BudgetError(
                f"This file is {batch.get_status_display().lower()}, so it cannot be confirmed."
            )
        limit = approval_limit_of(user=actor, council=batch.council)
        if limit is None:
            raise BudgetError(
                "You have no approval limit in this council yet, so you cannot confirm budgets."
            )
        if batch.largest_total > limit:
            raise BudgetError(
                f"The largest budget in this file is {format_money(batch.largest_total)} a year, above your "
                f"approval limit of {format_money(limit)}. Ask an approver with a higher limit."
            )
        importer = _importer(batch.kind)
        data = bytes(batch.data)
        totals, errors = importer.check(data=data, council=batch.council)
        if errors:
            raise BatchInvalid(errors)
        if (totals.rows, totals.annual_total, totals.largest_total) != (
            batch.rows,
            batch.annual_total,
            batch.largest_total,
        ):
            raise BudgetError(
                "The file no longer adds up to the totals shown. Reject it and upload it again."
            )
        result = importer.apply(
            data=data,
            council=batch.council,
            actor=actor,
            source=batch.file_name,
            proposed_by=batch.uploaded_by,
            note=f"batch {batch.pk} uploaded by {batch.uploaded_by.email}, confirmed by {actor.email}",
        )
        if not result.ok:
            raise BatchInvalid(result.errors)
        batch.status = BatchStatus.CONFIRMED
        batch.decided_by, batch.decided_at, batch.result = actor, timezone.now(), result.summary
        batch.save(update_fields=["status", "decided_by", "decided_at", "result"])
        audit.record(
            actor=actor,
            instance=batch,
            event="uploaded file confirmed and imported",
            changes={"status": (BatchStatus.WAITING, BatchStatus.CONFIRMED)},
            note=result.summary,
        )
        return batch


def batch_reject(*, batch: ImportBatch, actor, reason: str) -> ImportBatch:
    """A second person rejects the file with a reason; nothing in it is written."""
    with transaction.atomic():
        batch = _lock(batch)
        _check_decider(batch, actor)
        reason = (reason or "").strip()
        if batch.status == BatchStatus.REJECTED and batch.decision_reason == reason:
            return batch
        if batch.status != BatchStatus.WAITING:
            raise BudgetError(f"This file is {batch.get_status_display().lower()}, so it cannot be rejected.")
        if not reason:
            raise BudgetError("Say why you are rejecting the file.")
        batch.status = BatchStatus.REJECTED
        batch.decided_by, batch.decided_at, batch.decision_reason = actor, timezone.now(), reason
        batch.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
        audit.record(
            actor=actor,
            instance=batch,
            event="uploaded file rejected",
            changes={"status": (BatchStatus.WAITING, BatchStatus.REJECTED)},
            note=reason,
        )
        return batch
