"""Statements: produced for a period (on request or every four weeks) and the family told."""

import datetime as dt

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from organisations import audit, throttle
from organisations.money import format_money
from organisations.services import absolute_url, system_actor
from organisations.signin import normalise_email

from ..models import HeldAccount, Notification, Statement
from ..selectors import STATEMENT_DAYS, balance_of
from .errors import LedgerError


def _family_users(fund: HeldAccount):
    person = fund.person
    users = [person.user] if person.user_id else []
    users += [rep.user for rep in person.representatives.select_related("user")]
    seen, unique = set(), []
    for user in users:
        if user.pk not in seen:
            seen.add(user.pk)
            unique.append(user)
    return unique


def produce_statement(
    *,
    fund: HeldAccount,
    start: dt.date,
    end: dt.date,
    actor=None,
    scheduled: bool = False,
) -> tuple[Statement, bool]:
    """Record a statement for a period and tell the family it is ready. The unique constraint on
    (fund, period) is the claim: a second worker or a retry finds it made and tells nobody twice."""
    with transaction.atomic():
        if end < start:
            raise LedgerError("The end of the period cannot be before its start.")
        if end > timezone.localdate():
            raise LedgerError("A statement can only cover days up to today.")
        closing = balance_of(fund, on=end)
        try:
            with transaction.atomic():
                statement = Statement.objects.create(
                    fund=fund,
                    period_start=start,
                    period_end=end,
                    closing_balance=closing,
                    requested_by=actor
                    if getattr(actor, "is_authenticated", False) and not scheduled
                    else None,
                    scheduled=scheduled,
                )
        except IntegrityError:
            return Statement.objects.get(fund=fund, period_start=start, period_end=end), False
        audit.record(
            actor=actor,
            instance=statement,
            event="statement produced",
            action=audit.CREATE,
            changes={"period": (None, f"{start} to {end}"), "closing_balance": (None, closing)},
        )
        message = (
            f"Your statement for {start:%-d %B} to {end:%-d %B %Y} is ready. "
            f"Money left at the end: {format_money(closing)}."
        )
        users = _family_users(fund)
        for user in users:
            Notification.objects.get_or_create(
                user=user, statement=statement, defaults={"fund": fund, "message": message}
            )
        emails = [u.email for u in users if u.email]
        if emails:
            link = absolute_url(
                reverse("ledger:statement", args=[fund.pk]) + f"?start={start:%Y-%m-%d}&end={end:%Y-%m-%d}"
            )
            body = (
                f"{message}\n\nSee it, or download it as a PDF, when you sign in: {link}\n\n"
                f"Questions about the money? Contact {fund.provider.name}, who hold it for you."
            )
            transaction.on_commit(lambda: _email_statement_ready(body=body, emails=emails))
        return statement, True


def _email_statement_ready(*, body: str, emails: list[str]) -> None:
    """At most a few statement emails a day to one address (settings.EMAIL_RATE_LIMITS), so a flood of
    statement requests cannot become a flood of email; the notice on the family's page is always made."""
    allowed = [
        e for e in emails if throttle.allow(name="statement-email-per-address", key=normalise_email(e))
    ]
    if allowed:
        send_mail(
            "Your statement is ready",
            body,
            getattr(settings, "DEFAULT_FROM_EMAIL", None),
            allowed,
            fail_silently=True,
        )


def due_statement_periods(fund: HeldAccount, *, today: dt.date) -> list[tuple[dt.date, dt.date]]:
    """Every four-week period (counted from the day the fund opened) that has ended by `today`, oldest
    first, up to the one in which the agreement ended."""
    completed = (today - fund.opened_on).days // STATEMENT_DAYS
    agreement_end = fund.terms.end_date
    periods = []
    for n in range(completed):
        start = fund.opened_on + dt.timedelta(days=STATEMENT_DAYS * n)
        if agreement_end is not None and start > agreement_end:
            break
        periods.append((start, start + dt.timedelta(days=STATEMENT_DAYS - 1)))
    return periods


def due_statement_period(fund: HeldAccount, *, today: dt.date) -> tuple[dt.date, dt.date] | None:
    """The most recent four-week period that has ended (None before the first has)."""
    periods = due_statement_periods(fund, today=today)
    return periods[-1] if periods else None


def produce_due_statements(*, today: dt.date | None = None) -> dict[str, int]:
    """The four-weekly job (run daily; each fund's statement falls due every four weeks from its start).
    If the job did not run for a while, every period it missed is made now, oldest first, each once
    (a unique constraint on fund and period is the claim)."""
    today = today or timezone.localdate()
    actor = system_actor()
    done = {"produced": 0, "already": 0}
    accounts = HeldAccount.objects.select_related("agreement", "arrangement", "person", "provider", "council")
    for fund in accounts:
        made = set(Statement.objects.filter(fund=fund).values_list("period_start", "period_end"))
        for start, end in due_statement_periods(fund, today=today):
            if (start, end) in made:
                done["already"] += 1
                continue
            _, created = produce_statement(fund=fund, start=start, end=end, actor=actor, scheduled=True)
            done["produced" if created else "already"] += 1
    return done


def mark_notifications_seen(*, user, fund: HeldAccount) -> int:
    with transaction.atomic():
        return Notification.objects.filter(user=user, fund=fund, seen_at__isnull=True).update(
            seen_at=timezone.now()
        )
