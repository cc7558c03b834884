"""Uploads as background jobs: the page saves the file and queues a Celery task; the task runs the same
import as the command, through the shared pipeline (organisations/imports.py), and the page shows its
progress, then the summary or every error.

- **Same file, same job.** Asking again for the same file (same kind, target, bytes and person) returns
  the job already made, whatever its state, unless it failed (a database constraint holds this).
- **Nothing half-imported.** The import and the job's "done" are one transaction: a worker that dies
  mid-import leaves nothing written and the job still waiting. Celery's late acknowledgement delivers the
  task again; a session advisory lock tells a live worker (lock held: try again later) from a dead one
  (lock released by PostgreSQL when its connection went).
- **Progress** (rows checked, rows written) is written on a second connection, outside the import's
  transaction, so the page can read it while the import runs.

Lower apps cannot import the higher ones, so each app registers its runner in `AppConfig.ready()`:
`register(kind, runner)`, where `runner(job, progress)` imports `job.data` and returns
`(summary, result_url)` or raises `imports.ImportFailed`.
"""

import hashlib
from collections.abc import Callable

from django.db import IntegrityError, connection, connections, transaction
from django.utils import timezone

from .imports import ImportFailed
from .models import ImportJob, ImportJobStatus

_LOCK_NAMESPACE = 60614  # session advisory locks "a worker is running this import job"

Runner = Callable[[ImportJob, Callable[..., None]], tuple[str, str]]
_RUNNERS: dict[str, Runner] = {}


class JobBusy(Exception):
    """Another live worker is running this job."""


def register(kind: str, runner: Runner) -> None:
    _RUNNERS[kind] = runner


def request_import(
    *, kind: str, target: str, file_name: str, data: bytes, actor, enqueue: bool = True
) -> ImportJob:
    """Keep the file and queue its import (when the transaction commits). The same file asked for again
    by the same person for the same target returns the same job."""
    if kind not in _RUNNERS:
        raise ValueError(f"There is no import of kind '{kind}'.")
    digest = hashlib.sha256(data).hexdigest()
    key = {"kind": kind, "target": target, "sha256": digest, "requested_by": actor}
    existing = ImportJob.objects.filter(**key).exclude(status=ImportJobStatus.FAILED).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            job = ImportJob.objects.create(**key, file_name=file_name[:255], data=data)
    except IntegrityError:
        # The same file asked for twice at once: the other request made the job.
        return ImportJob.objects.filter(**key).exclude(status=ImportJobStatus.FAILED).get()
    if enqueue:
        _queue(job.pk)
    return job


def _queue(job_id: int) -> None:
    from .tasks import run_import_job

    transaction.on_commit(lambda: run_import_job.delay(job_id=job_id))


class _Progress:
    """Writes rows checked / written on its own connection (autocommit), outside the import's
    transaction. SKIP LOCKED: if the job row is locked (tests run the job inside their transaction)
    the figure is skipped rather than waited for."""

    def __init__(self, job_id: int):
        self.job_id = job_id
        self.connection = connections.create_connection("default")

    def __call__(self, *, checked: int | None = None, written: int | None = None) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute(
                "UPDATE organisations_importjob SET rows_checked = COALESCE(%s, rows_checked), "
                "rows_written = COALESCE(%s, rows_written) WHERE id = ("
                "SELECT id FROM organisations_importjob WHERE id = %s FOR UPDATE SKIP LOCKED)",
                [checked, written, self.job_id],
            )

    def close(self) -> None:
        self.connection.close()


def _try_lock(job_id: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [_LOCK_NAMESPACE, job_id])
        return cursor.fetchone()[0]


def _unlock(job_id: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [_LOCK_NAMESPACE, job_id])


def run_import(*, job_id: int) -> ImportJob | None:
    """Run one job (the Celery task calls this). A finished job is left alone; a job another live worker
    holds raises JobBusy; a job whose worker died is run again from the start."""
    if not _try_lock(job_id):
        raise JobBusy(job_id)
    progress = None
    try:
        claimed = ImportJob.objects.filter(
            pk=job_id, status__in=[ImportJobStatus.QUEUED, ImportJobStatus.RUNNING]
        ).update(status=ImportJobStatus.RUNNING, started_at=timezone.now(), rows_checked=0, rows_written=0)
        if not claimed:
            return None
        job = ImportJob.objects.select_related("requested_by").get(pk=job_id)
        progress = _Progress(job_id)
        try:
            with transaction.atomic():
                summary, result_url = _RUNNERS[job.kind](job, progress)
                # In the import's transaction: the rows and "done" are written together or not at all.
                ImportJob.objects.filter(pk=job_id).update(
                    status=ImportJobStatus.DONE,
                    summary=summary,
                    result_url=result_url,
                    finished_at=timezone.now(),
                )
        except ImportFailed as failed:
            ImportJob.objects.filter(pk=job_id).update(
                status=ImportJobStatus.FAILED, errors=failed.errors, finished_at=timezone.now()
            )
        job.refresh_from_db()
        return job
    finally:
        if progress is not None:
            progress.close()
        _unlock(job_id)
