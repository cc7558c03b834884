"""Celery tasks: thin interfaces that take ids and call services."""

from celery import shared_task

from . import jobs


@shared_task(bind=True, max_retries=120)
def run_import_job(self, *, job_id: int) -> str | None:
    """Import one uploaded file. acks_late and reject_on_worker_lost (settings) deliver the task again
    if the worker dies; jobs.run_import makes a second delivery harmless."""
    try:
        job = jobs.run_import(job_id=job_id)
    except jobs.JobBusy as exc:
        raise self.retry(exc=exc, countdown=5) from exc
    return job.status if job else None
