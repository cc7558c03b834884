"""Celery tasks: thin interfaces that take ids and call services."""

import datetime as dt
import random

from celery import shared_task
from django.db import close_old_connections, connection, transaction
from django.utils import timezone

from . import services
from .periods import latest_ended_periods

# Backoff for transient database faults: about 1, 2, 4, 8, 16, 30, 30, 30 seconds (with jitter), then
# the job is failed (a monitoring officer can ask again; the beat asks again for scheduled ones).
TRANSIENT_RETRIES = 8


def backoff(retries: int) -> float:
    return min(30.0, 2.0**retries) * random.uniform(0.8, 1.2)  # noqa: S311 - jitter, not security


@shared_task(bind=True, max_retries=None)
def produce_return(self, *, job_id: int) -> int | None:
    """Make the return for one job. acks_late and reject_on_worker_lost (settings) mean a worker that
    dies mid-job leaves the message to be delivered again; the service makes that harmless."""
    try:
        snapshot = services.produce_return(job_id=job_id)
    except services.JobBusy as exc:
        # Another worker holds the job: look again later (by then it is done and this does nothing).
        if self.request.retries >= 120:
            raise
        raise self.retry(exc=exc, countdown=5) from exc
    except services.TransientJobError as exc:
        # Drop the broken connection so the retry starts on a new one.
        connection.close()
        if self.request.retries >= TRANSIENT_RETRIES:
            close_old_connections()
            services.fail_job(job_id=job_id, error=exc)
            raise
        raise self.retry(exc=exc, countdown=backoff(self.request.retries)) from exc
    return snapshot.pk if snapshot else None


@shared_task
def produce_returns_for_ended_periods(*, today: str | None = None) -> list[int]:
    """Run daily by beat: ask for every council's return for the latest ended quarter (and year), one
    task per council, so more workers finish sooner. A council whose scheduled return is waiting,
    being made or done is not asked again; one whose scheduled return failed (or was never asked, if
    beat missed the day) is asked again on the next run."""
    day = dt.date.fromisoformat(today) if today else timezone.localdate()
    return services.request_scheduled_returns(periods=latest_ended_periods(day))


@shared_task
def resume_abandoned_jobs() -> list[int]:
    """Run every 15 seconds by beat: jobs whose worker died (heartbeat stopped) are made by another
    without waiting for the broker's visibility timeout."""
    with transaction.atomic():
        return services.resume_abandoned_jobs()


@shared_task
def send_queued_jobs() -> list[int]:
    """Run every 15 seconds by beat: jobs asked for while the job service was down start as soon as
    it is back (beat's own message is the first thing through)."""
    return services.send_queued_jobs()
