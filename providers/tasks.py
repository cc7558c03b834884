"""Scheduled work for flexible agreements. Tasks take ids/keywords and call a service."""

from celery import shared_task

from . import services


@shared_task(name="providers.tasks.complete_due_moves")
def complete_due_moves() -> dict[str, int]:
    """Daily: complete moves whose date has come and end agreements whose last day has passed.
    Safe to run twice: each change re-checks its state under a row lock."""
    return services.complete_due_changes()
