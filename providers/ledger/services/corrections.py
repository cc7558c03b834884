"""Correcting the ledger: reversing a mistaken entry, and money paid back to the council."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from organisations.money import format_money

from ..models import ZERO, Category, HeldAccount, KeySource, LedgerEntry
from ..selectors import balance_of
from .entries import (
    MAX_DESCRIPTION,
    _check_money_out,
    _clean_amount,
    _clean_description,
    _current_fund,
    _existing,
    _lock,
    _write,
)
from .errors import FundClosed, LedgerError

NOT_REVERSIBLE = {
    Category.COUNCIL_PAYMENT: "Council payments follow the agreement: the council records a refund instead.",
    Category.TRANSFER: "Money that moved with the person cannot be reversed here.",
    Category.CORRECTION: "A correction cannot itself be reversed: record the entry again instead.",
}


def reverse_entry(*, entry: LedgerEntry, reason: str, actor, today: dt.date | None = None) -> LedgerEntry:
    """Correct a mistake: a new entry for the opposite amount, pointing at the original. Once only.
    If the person has since moved (the entry's fund is closed), the correction is made in the fund
    their money is in now, so it follows them instead of being stranded in the closed fund."""
    with transaction.atomic():
        today = today or timezone.localdate()
        home = _lock(entry.fund)
        entry = LedgerEntry.objects.select_related("reversed_by").get(pk=entry.pk, fund=home)
        if entry.category in NOT_REVERSIBLE:
            raise LedgerError(NOT_REVERSIBLE[entry.category])
        if hasattr(entry, "reversed_by"):
            raise LedgerError(
                f"This entry was already corrected on {entry.reversed_by.entry_date:%-d %B %Y}."
            )
        fund = home
        if home.closed_now:
            # The move held this lock when it closed the fund; the fund it moved to was made after the
            # old one, so locking it second keeps the same order as a move (lower id first).
            fund = _lock(_current_fund(home))
            if fund.pk == home.pk or fund.closed_now:
                raise FundClosed(home)
        why = _clean_description(reason)
        amount = -entry.amount
        _check_money_out(fund, amount)
        where = "" if fund.pk == home.pk else f", recorded by {home.provider.name} before you moved"
        description = f"Correction of “{entry.description}” ({entry.entry_date:%-d %B %Y}{where}): {why}"
        return _write(
            fund=fund,
            key=f"reversal:{entry.pk}",
            entry_date=today,
            category=Category.CORRECTION,
            amount=amount,
            description=description[:MAX_DESCRIPTION],
            actor=actor,
            source=KeySource.SYSTEM,
            reverses=entry,
            event="entry reversed",
            note=why,
        )


def record_refund(
    *,
    fund: HeldAccount,
    amount,
    reason: str,
    actor,
    entry_date: dt.date | None = None,
    idempotency_key: str = "",
    today: dt.date | None = None,
) -> tuple[LedgerEntry, bool]:
    """The commissioner records money paid back to the council, with a reason the family reads. It may
    not be more than the money left."""
    with transaction.atomic():
        today = today or timezone.localdate()
        entry_date = entry_date or today
        fund = _lock(fund)
        signed = -_clean_amount(amount)
        why = _clean_description(reason)
        description = f"Paid back to {fund.council.name}: {why}"[:MAX_DESCRIPTION]
        given = (idempotency_key or "").strip()
        key = given or f"refund:{timezone.now().isoformat()}"
        source = KeySource.GIVEN if given else KeySource.SYSTEM
        existing = _existing(
            fund,
            key,
            source=source,
            entry_date=entry_date,
            category=Category.REFUND,
            amount=signed,
            description=description,
        )
        if existing is not None:
            return existing, False
        if fund.closed_now:
            raise FundClosed(fund)
        if entry_date > today:
            raise LedgerError("The date cannot be in the future.")
        balance = balance_of(fund)
        if balance + signed < 0:
            raise LedgerError(
                f"A refund cannot be more than the money left: {format_money(max(balance, ZERO))} is left."
            )
        entry = _write(
            fund=fund,
            key=key,
            entry_date=entry_date,
            category=Category.REFUND,
            amount=signed,
            description=description,
            actor=actor,
            source=source,
            event="refund to the council recorded",
            note=why,
        )
        return entry, True
