"""Writes for monitoring: population figures, asking for a return, making it, publishing it."""

import datetime as dt
import logging
import operator
from collections.abc import Callable
from functools import reduce

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Max, Q
from django.utils import timezone

from config.api import DomainConflict
from organisations import audit
from organisations.imports import CsvImport, ImportFailed
from organisations.models import Council, Role
from organisations.selectors import roles_of

from . import exports
from .models import ACTIVE_JOB_STATUSES, JobStatus, MonitoringReturn, PopulationFigure, ReturnJob
from .periods import FINAL, Period, PeriodNotStarted, check_started, parse_period
from .population import check_population_file

log = logging.getLogger(__name__)

# Session advisory-lock namespace for "a worker is making this job" (the second key is the job id).
_JOB_LOCK_NAMESPACE = 60601


class MonitoringError(DomainConflict):
    """A rule about monitoring was broken; the message is for a person to read."""


class PopulationImportError(ImportFailed):
    """Nothing was imported; `errors` are the `line N: column: what is wrong` lines."""


# ---- population ------------------------------------------------------------------------------------


class PopulationImport(CsvImport):
    """Population figures as steps of the shared pipeline (organisations/imports.py)."""

    def __init__(self, *, actor=None, progress=None):
        super().__init__(progress=progress)
        self.actor = actor

    def check_file(self, reader, errors):
        return check_population_file(reader, errors)

    def lock(self, rows):
        # Two imports for one council replace each other's figures one after the other, never mixed.
        ids = sorted({r.council.pk for r in rows})
        list(Council.objects.select_for_update(no_key=True).filter(pk__any=ids).order_by("pk"))

    def write(self, rows):
        """Each council and year in the file replaces what was held for that council and year."""
        pairs = {(r.council.pk, r.year) for r in rows}
        PopulationFigure.objects.filter(
            reduce(operator.or_, (Q(council_id=c, year=y) for c, y in sorted(pairs)))
        ).delete()
        PopulationFigure.objects.bulk_create(
            PopulationFigure(council=r.council, year=r.year, age_band=r.age_band, population=r.population)
            for r in rows
        )
        entries = []
        for council in sorted({r.council for r in rows}, key=lambda c: c.pk):
            years = sorted({r.year for r in rows if r.council == council})
            entries.append(
                audit.entry(
                    actor=self.actor,
                    instance=council,
                    event="population figures imported",
                    changes={"population_years": (None, ", ".join(map(str, years)))},
                )
            )
        audit.record_many(entries)
        self.written(len(rows))
        return len(rows)


def import_population(*, text: str | bytes, actor=None, progress=None) -> int:
    """Load population figures from CSV, all or nothing. Returns the number of rows loaded."""
    try:
        return PopulationImport(actor=actor, progress=progress).run(text)
    except ImportFailed as failed:
        raise PopulationImportError(failed.errors) from failed


# ---- asking for a return ---------------------------------------------------------------------------


def may_request_return(*, user, council: Council) -> bool:
    return council.pk in roles_of(user=user).councils_with(Role.MONITORING_OFFICER)


def request_return(*, council: Council, period: Period | str, actor, enqueue: bool = True) -> ReturnJob:
    """Ask for a council's return for a period. If one is already waiting or being made, that job is
    returned (nothing new is queued); otherwise a new job is made and its task queued when the
    transaction commits. `actor` is None for the scheduler."""
    if isinstance(period, str):
        period = parse_period(period)
    if actor is not None and not may_request_return(user=actor, council=council):
        raise MonitoringError("Only the council's monitoring officers can ask for its return.")
    try:
        check_started(period, timezone.localdate())
    except PeriodNotStarted as exc:
        raise MonitoringError(str(exc)) from exc
    existing = ReturnJob.objects.filter(
        council=council, period=period.label, status__in=ACTIVE_JOB_STATUSES
    ).first()
    if existing:
        return existing
    try:
        # The partial unique index (one waiting or running job per council and period) settles a race
        # between two requests: the loser finds the winner's job.
        with transaction.atomic():
            job = ReturnJob.objects.create(council=council, period=period.label, requested_by=actor)
    except IntegrityError:
        return ReturnJob.objects.get(council=council, period=period.label, status__in=ACTIVE_JOB_STATUSES)
    audit.record(
        actor=actor,
        instance=job,
        event="monitoring return requested",
        action=audit.CREATE,
        changes={"council": (None, council.gss_code), "period": (None, period.label)},
    )
    if enqueue:
        from .tasks import produce_return

        transaction.on_commit(lambda: produce_return.delay(job_id=job.pk))
    return job


# ---- making a return -------------------------------------------------------------------------------


class JobBusy(Exception):
    """Another live worker holds this job; try again later."""


def _try_job_lock(job_id: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [_JOB_LOCK_NAMESPACE, job_id])
        return cursor.fetchone()[0]


def _release_job_lock(job_id: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [_JOB_LOCK_NAMESPACE, job_id])


def _job_is_held(job_id: int) -> bool:
    """Is a live worker making this job? (It holds the job's advisory lock until it finishes or dies.)"""
    if _try_job_lock(job_id):
        _release_job_lock(job_id)
        return False
    return True


# A running job nobody holds, or a job still waiting after this long, has lost its worker or its message.
ABANDONED_AFTER = dt.timedelta(minutes=2)
LOST_AFTER = dt.timedelta(minutes=10)


def resume_abandoned_jobs(*, now=None) -> list[int]:
    """Queue again the jobs whose worker died (running, but no worker holds the job's lock) or whose
    message was lost (still waiting long after it was asked for). The broker would redeliver a dead
    worker's message too, but only after its visibility timeout (an hour by default); this brings it
    forward. Doing it twice is harmless: produce_return makes a job's return at most once."""
    from .tasks import produce_return

    now = now or timezone.now()
    candidates = ReturnJob.objects.filter(
        Q(status=JobStatus.RUNNING, started_at__lt=now - ABANDONED_AFTER)
        | Q(status=JobStatus.QUEUED, requested_at__lt=now - LOST_AFTER)
    ).values_list("pk", "status")
    resumed = [pk for pk, status in candidates if status == JobStatus.QUEUED or not _job_is_held(pk)]
    for pk in resumed:
        transaction.on_commit(lambda pk=pk: produce_return.delay(job_id=pk))
    return resumed


def _step(job: ReturnJob, text: str) -> None:
    ReturnJob.objects.filter(pk=job.pk).update(step=text)


def produce_return(
    *, job_id: int, render_pdf: Callable[[dict], bytes] | None = None
) -> MonitoringReturn | None:
    """Make the return for a job: figures, snapshot, PDF. Safe to run more than once for one job.

    Why it is safe: a worker first takes a session advisory lock on the job. PostgreSQL drops that lock
    when the worker's connection dies, so a worker that was killed mid-job leaves the job free for the
    redelivered task, while a second delivery of a task that is still running finds the lock held and
    raises JobBusy (the task retries later and then sees the job done). The claim itself is a
    conditional UPDATE (only a waiting or running job is claimed), and the snapshot is written in the
    same transaction as the job's move to "done", guarded by another conditional UPDATE and the
    one-return-per-job unique key, so exactly one complete return results.
    """
    if not ReturnJob.objects.filter(pk=job_id, status__in=ACTIVE_JOB_STATUSES).exists():
        return None  # already done or failed: nothing to do twice
    if not _try_job_lock(job_id):
        raise JobBusy(f"Job {job_id} is being made by another worker.")
    try:
        claimed = ReturnJob.objects.filter(pk=job_id, status__in=ACTIVE_JOB_STATUSES).update(
            status=JobStatus.RUNNING,
            started_at=timezone.now(),
            attempts=F("attempts") + 1,
            step="Counting people and budgets",
        )
        if not claimed:
            return None
        job = ReturnJob.objects.select_related("council", "requested_by").get(pk=job_id)
        try:
            return _make_snapshot(job=job, render_pdf=render_pdf)
        except Exception as exc:
            log.exception("monitoring return job %s failed", job_id)
            ReturnJob.objects.filter(pk=job_id, status=JobStatus.RUNNING).update(
                status=JobStatus.FAILED,
                finished_at=timezone.now(),
                error=f"{type(exc).__name__}: {exc}"[:2000],
                step="",
            )
            raise
    finally:
        _release_job_lock(job_id)


def _make_snapshot(*, job: ReturnJob, render_pdf) -> MonitoringReturn | None:
    from .report import build_return

    period = parse_period(job.period)
    created_at = timezone.now()
    figures = build_return(council=job.council, period=period, today=timezone.localdate(created_at))
    if render_pdf is None:
        from .pdf import render_pdf as render_pdf_default

        render_pdf = render_pdf_default
    _step(job, "Drawing and saving the PDF")
    with transaction.atomic():
        done = ReturnJob.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(
            status=JobStatus.DONE, finished_at=timezone.now(), step="", error=""
        )
        if not done:
            return None
        snapshot = _save_snapshot(
            council=job.council,
            period=period,
            figures=figures,
            render_pdf=render_pdf,
            created_at=created_at,
            requested_by=job.requested_by,
            job=job,
        )
    return snapshot


def _save_snapshot(
    *, council, period, figures, render_pdf, created_at, requested_by, job=None
) -> MonitoringReturn:
    # Versions are numbered per council and period; lock the council row so two jobs for the same
    # council (different periods are fine, but a re-run of one period too) number versions in turn.
    # The PDF is drawn under the lock because it prints the version number it is saved as.
    Council.objects.select_for_update().filter(pk=council.pk).first()
    latest = MonitoringReturn.objects.filter(council=council, period=period.label).aggregate(v=Max("version"))
    version = (latest["v"] or 0) + 1
    pdf = render_pdf(figures, created_at=created_at, requested_by=requested_by, version=version)
    snapshot = MonitoringReturn.objects.create(
        council=council,
        period=period.label,
        period_start=period.start,
        period_end=period.end,
        version=version,
        figures=figures,
        checksum=exports.checksum(figures),
        pdf=pdf,
        created_at=created_at,
        requested_by=requested_by,
        job=job,
    )
    audit.record(
        actor=requested_by,
        instance=snapshot,
        event="monitoring return made",
        action=audit.CREATE,
        changes={"version": (None, snapshot.version), "checksum": (None, snapshot.checksum)},
    )
    return snapshot


@transaction.atomic
def make_return_now(*, council: Council, period: Period, actor=None, created_at=None) -> MonitoringReturn:
    """Make a return in this process, without a job (demo data and scripts). `created_at` (default now)
    decides whether it is provisional or final."""
    from .pdf import render_pdf
    from .report import build_return

    created_at = created_at or timezone.now()
    figures = build_return(council=council, period=period, today=timezone.localdate(created_at))
    return _save_snapshot(
        council=council,
        period=period,
        figures=figures,
        render_pdf=render_pdf,
        created_at=created_at,
        requested_by=actor,
    )


# ---- publishing ------------------------------------------------------------------------------------


@transaction.atomic
def publish_return(*, monitoring_return: MonitoringReturn, actor) -> MonitoringReturn:
    """Let other councils on the platform see this return's figures (small counts suppressed). Only a
    final return: a provisional one is a projection, not a count to compare against."""
    if actor is not None and not may_request_return(user=actor, council=monitoring_return.council):
        raise MonitoringError("Only the council's monitoring officers can publish its return.")
    locked = MonitoringReturn.objects.select_for_update().get(pk=monitoring_return.pk)
    if locked.published_at is not None:
        return locked
    if locked.status != FINAL:
        raise MonitoringError(
            f"This return is provisional: it was made on or before {locked.period_end:%-d %B %Y}, the "
            "period's last day. Only a final return can be published. Make the return again after the "
            "period has ended, then publish that version."
        )
    locked.published_at = timezone.now()
    locked.published_by = actor
    locked.save(update_fields=["published_at", "published_by"])
    audit.record(
        actor=actor,
        instance=locked,
        event="monitoring return published",
        changes={"published_at": (None, locked.published_at.isoformat())},
    )
    return locked
