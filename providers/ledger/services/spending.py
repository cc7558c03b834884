"""Spending a provider records: one entry (forms, the API) or many, all or nothing (the import)."""

import datetime as dt

from auditlog.cid import get_cid
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from organisations import audit
from organisations.imports import insert_rows

from ..models import SPENDING_CATEGORIES, ZERO, HeldAccount, KeySource, LedgerEntry
from ..selectors import CLOSING, balance_of
from .entries import _check_money_out, _clean_amount, _clean_description, _lock, _same_or_conflict, _write
from .errors import FundClosed, ImportRefused, LedgerError


def _check_date(fund: HeldAccount, entry_date: dt.date, today: dt.date) -> None:
    if entry_date > today:
        raise LedgerError("The date cannot be in the future.", field="entry_date")
    terms = fund.terms
    what = "the agreement" if fund.is_isf else "the managed direct payment"
    if entry_date < terms.start_date:
        raise LedgerError(
            f"The date cannot be before {what} started on {terms.start_date:%-d %B %Y}.",
            field="entry_date",
        )
    if terms.end_date and entry_date > terms.end_date:
        raise LedgerError(
            f"The date cannot be after {what} ended on {terms.end_date:%-d %B %Y}.",
            field="entry_date",
        )


def _check_spending(
    *,
    fund: HeldAccount,
    entry_date: dt.date,
    category: str,
    amount,
    description: str,
    idempotency_key: str,
    actor,
    today: dt.date,
    find_existing,
    balance,
) -> tuple[LedgerEntry, bool]:
    """Every rule for one spending entry, on a fund locked by `_lock` (or `_lock_many`). Returns (the
    entry already recorded under this key, False) or (a new unsaved entry, True). `find_existing(key)`
    and `balance()` read the fund: a query each for one entry, a look-up in what an import read in bulk."""
    if category not in SPENDING_CATEGORIES:
        raise LedgerError(
            "Choose what the money was spent on: support, activities or equipment.", field="category"
        )
    key = (idempotency_key or "").strip()
    if not key or len(key) > 120:
        raise LedgerError("Give each entry a reference of 1 to 120 characters.", field="idempotency_key")
    signed = -_clean_amount(amount)
    text = _clean_description(description)
    existing = _same_or_conflict(
        find_existing(key), key, entry_date=entry_date, category=category, amount=signed, description=text
    )
    if existing is not None:
        return existing, False
    if fund.closed_now:
        raise FundClosed(fund)
    _check_date(fund, entry_date, today)
    _check_money_out(fund, signed, balance=balance())
    entry = LedgerEntry(
        fund=fund,
        entry_date=entry_date,
        category=category,
        amount=signed,
        description=text,
        idempotency_key=key,
        key_source=KeySource.GIVEN,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    return entry, True


def _record_spending_locked(
    *,
    fund: HeldAccount,
    entry_date: dt.date,
    category: str,
    amount,
    description: str,
    idempotency_key: str,
    actor,
    today: dt.date,
) -> tuple[LedgerEntry, bool]:
    entry, created = _check_spending(
        fund=fund,
        entry_date=entry_date,
        category=category,
        amount=amount,
        description=description,
        idempotency_key=idempotency_key,
        actor=actor,
        today=today,
        find_existing=lambda key: LedgerEntry.objects.filter(
            fund=fund, key_source=KeySource.GIVEN, idempotency_key=key
        ).first(),
        balance=lambda: balance_of(fund),
    )
    if not created:
        return entry, False
    entry = _write(
        fund=fund,
        key=entry.idempotency_key,
        entry_date=entry.entry_date,
        category=entry.category,
        amount=entry.amount,
        description=entry.description,
        actor=actor,
        source=KeySource.GIVEN,
        event="spending recorded",
    )
    return entry, True


def record_spending(
    *,
    fund: HeldAccount,
    entry_date: dt.date,
    category: str,
    amount,
    description: str,
    idempotency_key: str,
    actor,
    today: dt.date | None = None,
) -> tuple[LedgerEntry, bool]:
    """The provider records money spent (a positive amount; stored negative). Returns (entry, created):
    a repeat with the same key and content returns the original entry and writes nothing."""
    with transaction.atomic():
        return _record_spending_locked(
            fund=_lock(fund),
            entry_date=entry_date,
            category=category,
            amount=amount,
            description=description,
            idempotency_key=idempotency_key,
            actor=actor,
            today=today or timezone.localdate(),
        )


def _lock_many(ids: list[int]) -> dict[int, HeldAccount]:
    """`_lock` for many funds in one query, in id order (two imports touching the same funds cannot
    deadlock), with whether each is closed read under the lock in one more query."""
    funds = {
        f.pk: f
        for f in HeldAccount.objects.select_for_update(of=("self",))
        .select_related("agreement", "arrangement", "person", "provider", "council")
        .filter(pk__any=ids)
        .order_by("pk")
    }
    closed = set(LedgerEntry.objects.filter(CLOSING, fund_id__any=ids).values_list("fund_id", flat=True))
    for fund in funds.values():
        fund.closed_now = fund.pk in closed
    return funds


def record_spending_many(
    *, rows: list[dict], actor, today: dt.date | None = None
) -> list[tuple[LedgerEntry, bool]]:
    """Several spending entries, all or nothing (the import). Only the funds in the file are locked:
    spending on any other fund does not wait. Every row is checked in order against the balance left
    by the rows before it (a refused row writes nothing), then, if any row was refused,
    `ImportRefused` lists them all and the transaction rolls back. A few queries whatever the number of
    rows: keys and balances are read in bulk, entries and their audit events inserted in bulk."""
    with transaction.atomic():
        today = today or timezone.localdate()
        ids = sorted({row["fund"].pk for row in rows})
        funds = _lock_many(ids)
        keys = sorted({(row["idempotency_key"] or "").strip() for row in rows})
        existing = {
            (e.fund_id, e.idempotency_key): e
            for e in LedgerEntry.objects.filter(
                fund_id__any=ids, key_source=KeySource.GIVEN, idempotency_key__any=keys
            )
        }
        balances = dict.fromkeys(ids, ZERO)
        balances.update(
            LedgerEntry.objects.filter(fund_id__any=ids)
            .order_by()
            .values_list("fund_id")
            .annotate(total=Sum("amount"))
        )
        results, errors, new = [], [], []
        for index, row in enumerate(rows):
            fund = funds[row["fund"].pk]
            try:
                entry, created = _check_spending(
                    fund=fund,
                    entry_date=row["entry_date"],
                    category=row["category"],
                    amount=row["amount"],
                    description=row["description"],
                    idempotency_key=row["idempotency_key"],
                    actor=actor,
                    today=today,
                    find_existing=lambda key, fund=fund: existing.get((fund.pk, key)),
                    balance=lambda fund=fund: balances[fund.pk],
                )
            except LedgerError as exc:
                errors.append((index, exc.field, str(exc)))
                continue
            if created:
                balances[fund.pk] += entry.amount
                existing[(fund.pk, entry.idempotency_key)] = entry
                new.append(entry)
            results.append((entry, created))
        if errors:
            raise ImportRefused(errors)
        insert_rows(new)
        cid = get_cid()
        audit.record_many(
            [
                audit.entry(
                    actor=actor,
                    instance=entry,
                    event="spending recorded",
                    action=audit.CREATE,
                    changes={
                        "fund": (None, entry.fund_id),
                        "entry_date": (None, entry.entry_date),
                        "category": (None, entry.category),
                        "amount": (None, entry.amount),
                        "description": (None, entry.description),
                        "idempotency_key": (None, entry.idempotency_key),
                        "key_source": (None, entry.key_source),
                    },
                    cid=cid,
                )
                for entry in new
            ]
        )
        return results
