"""Celery tasks: thin interfaces over services (ids as keyword arguments; each service claims its work
so that a retry or a second worker does nothing twice)."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import services

# A dropped database connection, a serialisation failure or a lock timeout: try again with backoff
# (the keys and the statements' unique constraint make a second run add nothing twice).
TRANSIENT = {
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": 1,
    "retry_backoff_max": 60,
    "retry_jitter": True,
    "max_retries": 8,
}


@shared_task(**TRANSIENT)
def post_due_council_payments() -> dict:
    """Daily: council payments and management fees that have fallen due (keys per schedule slot)."""
    return services.post_all_due_payments()


@shared_task(**TRANSIENT)
def produce_due_statements() -> dict:
    """Daily: post what is due, then make each fund's statement when its four weeks end, and tell the
    family (one statement per fund and period: a unique constraint is the claim)."""
    services.post_all_due_payments()
    return services.produce_due_statements()


@shared_task(**TRANSIENT)
def produce_statement(*, fund_id: int, start: str, end: str, user_id: int | None = None) -> int:
    """A statement someone asked for (the API), produced after their request's transaction commits."""
    import datetime as dt

    from django.contrib.auth import get_user_model

    from .models import HeldAccount

    fund = HeldAccount.objects.get(pk=fund_id)
    actor = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    statement, _ = services.produce_statement(
        fund=fund, start=dt.date.fromisoformat(start), end=dt.date.fromisoformat(end), actor=actor
    )
    return statement.pk


@shared_task(**TRANSIENT)
def import_isf_entries(*, provider_id: int, csv_text: str, user_id: int | None = None) -> dict:
    """A provider's spending file imported by a worker on the imports queue (all or nothing, like the
    command and the upload page). Answers the summary or the error lines."""
    from django.contrib.auth import get_user_model

    from organisations.models import Provider
    from organisations.services import system_actor

    from .imports import import_isf_entries as run_import

    provider = Provider.objects.get(pk=provider_id)
    actor = get_user_model().objects.filter(pk=user_id).first() if user_id else system_actor()
    result = run_import(data=csv_text.encode("utf-8"), provider=provider, actor=actor)
    return {"ok": result.ok, "summary": result.summary if result.ok else "", "errors": result.errors}
