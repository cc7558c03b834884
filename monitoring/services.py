"""Writes for monitoring: population figures, asking for a return, making it, publishing it."""

import contextlib
import datetime as dt
import logging
import operator
import threading
from collections.abc import Callable
from functools import reduce

from django.db import IntegrityError, InterfaceError, OperationalError, connection, transaction
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


class TransientJobError(Exception):
    """The database connection dropped, or a lock or serialisation conflict stopped the job: nothing was
    saved, and the job is tried again (with backoff) rather than failed."""


# Connection lost (OperationalError, or InterfaceError "connection already closed"), serialisation
# failure, deadlock, lock or statement timeout: psycopg raises all of these as OperationalError.
TRANSIENT_DB_ERRORS = (OperationalError, InterfaceError)


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


def run_population_job(job, progress) -> tuple[str, str]:
    """An upload job (organisations/jobs.py) for a population file."""
    from django.urls import reverse

    count = PopulationImport(actor=job.requested_by, progress=progress).run(bytes(job.data))
    return f"Imported {count} population figures from {job.file_name}.", reverse("monitoring:returns")


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
        transaction.on_commit(lambda: send_job(job_id=job.pk))
    return job


def send_job(*, job_id: int) -> bool:
    """Hand a job's task to the job service. If Redis is down this answers at once (no retries) and the
    job stays queued with no `sent_at`: the beat task `send_queued_jobs` sends it when Redis is back.
    Never raises for a broker fault, so asking for a return never fails because of one."""
    from kombu.exceptions import OperationalError as BrokerError

    from .tasks import produce_return

    try:
        produce_return.apply_async(kwargs={"job_id": job_id}, retry=False)
    except (BrokerError, OSError) as exc:
        log.warning("job %s stays queued: the job service is down (%s)", job_id, exc)
        return False
    ReturnJob.objects.filter(pk=job_id).update(sent_at=timezone.now())
    return True


def send_queued_jobs() -> list[int]:
    """Send every job asked for while the job service was down (run by beat every few seconds, so
    they start as soon as the broker is back), oldest first."""
    waiting = ReturnJob.objects.filter(status=JobStatus.QUEUED, sent_at__isnull=True).order_by("pk")
    return [pk for pk in waiting.values_list("pk", flat=True) if send_job(job_id=pk)]


def request_scheduled_returns(*, periods: list[Period]) -> list[int]:
    """Ask for every council's return for each period, unless the scheduler already has one waiting,
    being made or done for it (a failed one is asked again). Each council's job is its own
    transaction and is sent when it commits. Returns the ids of the jobs asked for now."""
    asked: list[int] = []
    for period in periods:
        for council in Council.objects.order_by("pk"):
            with transaction.atomic():
                already = ReturnJob.objects.filter(
                    council=council,
                    period=period.label,
                    requested_by__isnull=True,
                    status__in=(*ACTIVE_JOB_STATUSES, JobStatus.DONE),
                ).exists()
                if already:
                    continue
                job = request_return(council=council, period=period, actor=None)
                asked.append(job.pk)
    return asked


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


# The worker making a job writes its heartbeat every HEARTBEAT_EVERY; a running job whose heartbeat is
# older than ABANDONED_AFTER (and whose advisory lock nobody holds) has lost its worker. The beat task
# looks every 15 seconds, so a dead worker is found within about half a minute.
HEARTBEAT_EVERY = 5.0
ABANDONED_AFTER = dt.timedelta(seconds=20)
# A message sent but still not started after this long was lost (a broker restart without persistence).
LOST_AFTER = dt.timedelta(minutes=10)


def resume_abandoned_jobs(*, now=None) -> list[int]:
    """Queue again the jobs whose worker died (running, heartbeat stopped, and no worker holds the
    job's lock) or whose message was lost (sent long ago and still waiting). The broker would
    redeliver a dead worker's message too, but only after its visibility timeout (an hour by default);
    this brings it forward. Doing it twice is harmless: produce_return makes a job's return at most once."""
    now = now or timezone.now()
    stale = now - ABANDONED_AFTER
    candidates = ReturnJob.objects.filter(
        Q(status=JobStatus.RUNNING)
        & (Q(heartbeat_at__lt=stale) | Q(heartbeat_at__isnull=True, started_at__lt=stale))
        | Q(status=JobStatus.QUEUED, sent_at__lt=now - LOST_AFTER)
    ).values_list("pk", "status")
    resumed = [pk for pk, status in candidates if status == JobStatus.QUEUED or not _job_is_held(pk)]
    for pk in resumed:
        transaction.on_commit(lambda pk=pk: send_job(job_id=pk))
    return resumed


@contextlib.contextmanager
def _heartbeat(job_id: int):
    """Write the job's heartbeat every HEARTBEAT_EVERY seconds from a thread (with its own database
    connection) for as long as this process works on it. A process that dies stops beating."""
    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(HEARTBEAT_EVERY):
                try:
                    with connection.cursor() as cursor:
                        # SKIP LOCKED: while the job's own transaction saves the return it holds the
                        # row; the heartbeat must not queue behind it (the advisory lock shows the
                        # worker is alive meanwhile).
                        cursor.execute(
                            "UPDATE monitoring_returnjob SET heartbeat_at = now() WHERE id = ("
                            " SELECT id FROM monitoring_returnjob WHERE id = %s AND status = %s"
                            " FOR UPDATE SKIP LOCKED)",
                            [job_id, JobStatus.RUNNING],
                        )
                except TRANSIENT_DB_ERRORS:
                    connection.close()  # this thread's connection; the next beat opens a new one
        finally:
            connection.close()

    thread = threading.Thread(target=beat, name=f"heartbeat-job-{job_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=HEARTBEAT_EVERY + 5)


def _step(job: ReturnJob, text: str) -> None:
    ReturnJob.objects.filter(pk=job.pk).update(step=text, heartbeat_at=timezone.now())


def fail_job(*, job_id: int, error: BaseException) -> None:
    """A job that cannot be made (a real error, or transient errors that did not clear)."""
    ReturnJob.objects.filter(pk=job_id, status__in=ACTIVE_JOB_STATUSES).update(
        status=JobStatus.FAILED,
        finished_at=timezone.now(),
        error=f"{type(error).__name__}: {error}"[:2000],
        step="",
    )


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

    A dropped connection, a serialisation failure or a lock timeout raises TransientJobError and leaves
    the job as it was (running, so the retry or another worker claims it again); only a real error
    marks it failed.
    """
    try:
        if not ReturnJob.objects.filter(pk=job_id, status__in=ACTIVE_JOB_STATUSES).exists():
            return None  # already done or failed: nothing to do twice
        if not _try_job_lock(job_id):
            raise JobBusy(f"Job {job_id} is being made by another worker.")
    except TRANSIENT_DB_ERRORS as exc:
        raise TransientJobError(str(exc)) from exc
    try:
        now = timezone.now()
        claimed = ReturnJob.objects.filter(pk=job_id, status__in=ACTIVE_JOB_STATUSES).update(
            status=JobStatus.RUNNING,
            started_at=now,
            heartbeat_at=now,
            attempts=F("attempts") + 1,
            step="Counting people and budgets",
        )
        if not claimed:
            return None
        job = ReturnJob.objects.select_related("council", "requested_by").get(pk=job_id)
        with _heartbeat(job_id):
            return _make_snapshot(job=job, render_pdf=render_pdf)
    except TRANSIENT_DB_ERRORS as exc:
        log.warning(
            "monitoring return job %s stopped by a database fault; it will be tried again: %s", job_id, exc
        )
        raise TransientJobError(str(exc)) from exc
    except Exception as exc:
        log.exception("monitoring return job %s failed", job_id)
        fail_job(job_id=job_id, error=exc)
        raise
    finally:
        # If the connection died, PostgreSQL has already dropped the lock with it.
        with contextlib.suppress(*TRANSIENT_DB_ERRORS):
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


def make_return_now(
    *, council: Council, period: Period, actor=None, created_at=None, render_pdf=None
) -> MonitoringReturn:
    """Make a return in this process, without a job (demo data and scripts). `created_at` (default now)
    decides whether it is provisional or final; `render_pdf` (default the real PDF) as for a job."""
    with transaction.atomic():
        from .report import build_return

        if render_pdf is None:
            from .pdf import render_pdf

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


def publish_return(*, monitoring_return: MonitoringReturn, actor) -> MonitoringReturn:
    """Let other councils on the platform see this return's figures (small counts suppressed). Only a
    final return: a provisional one is a projection, not a count to compare against."""
    with transaction.atomic():
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
