"""Celery tasks: thin interfaces over services (ids and dates as keyword arguments)."""

import datetime as dt

from celery import shared_task
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from organisations.models import Council

from . import services

# A dropped connection or a lock timeout: try again with backoff. Running again is harmless (one open
# check of each kind per arrangement at a time).
TRANSIENT = {
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": 1,
    "retry_backoff_max": 60,
    "retry_jitter": True,
    "max_retries": 8,
}


@shared_task(**TRANSIENT)
def run_council_checks(*, council_id: int, today: str | None = None) -> list[int]:
    """One council's configured checks (the same service as the "Run the council's checks now"
    button). Returns the ids of the checks started now."""
    day = dt.date.fromisoformat(today) if today else timezone.localdate()
    council = Council.objects.get(pk=council_id)
    return [check.pk for check in services.run_checks(council=council, today=day)]


@shared_task
def run_all_councils_checks(*, today: str | None = None) -> list[int]:
    """Run daily by beat: every council's configured checks, one task per council (each its own
    transaction), for the same day. Returns the council ids asked."""
    day = today or timezone.localdate().isoformat()
    ids = list(Council.objects.order_by("pk").values_list("pk", flat=True))
    for council_id in ids:
        run_council_checks.delay(council_id=council_id, today=day)
    return ids
