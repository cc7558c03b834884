"""Celery tasks: thin interfaces that take ids and call services."""

import datetime as dt

from celery import group, shared_task
from django.db import transaction
from django.utils import timezone

from organisations.models import Council

from . import services
from .models import ReturnJob
from .periods import periods_ended_on


@shared_task(bind=True, max_retries=120)
def produce_return(self, *, job_id: int) -> int | None:
    """Make the return for one job. acks_late and reject_on_worker_lost (settings) mean a worker that
    dies mid-job leaves the message to be delivered again; the service makes that harmless."""
    try:
        snapshot = services.produce_return(job_id=job_id)
    except services.JobBusy as exc:
        # Another worker holds the job: look again later (by then it is done and this does nothing).
        raise self.retry(exc=exc, countdown=5) from exc
    return snapshot.pk if snapshot else None


@shared_task
def produce_returns_for_ended_periods(*, today: str | None = None) -> list[int]:
    """Run daily by beat. On the first day after a quarter (and a year) ends, ask for every council's
    return for it and make them as a Celery group, one task per council, so more workers finish sooner.
    Running twice on the same day asks for nothing new."""
    day = dt.date.fromisoformat(today) if today else timezone.localdate()
    periods = periods_ended_on(day - dt.timedelta(days=1))
    job_ids: list[int] = []
    with transaction.atomic():
        for period in periods:
            for council in Council.objects.order_by("pk"):
                already = ReturnJob.objects.filter(
                    council=council, period=period.label, requested_by__isnull=True
                ).exists()
                if already:
                    continue
                job = services.request_return(council=council, period=period, actor=None, enqueue=False)
                job_ids.append(job.pk)
        if job_ids:
            tasks = group(produce_return.s(job_id=job_id) for job_id in job_ids)
            transaction.on_commit(tasks.apply_async)
    return job_ids


@shared_task
def resume_abandoned_jobs() -> list[int]:
    """Run every few minutes by beat: jobs whose worker died are made by another without waiting for
    the broker's visibility timeout."""
    with transaction.atomic():
        return services.resume_abandoned_jobs()
