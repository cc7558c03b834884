"""Writes to ISF ledgers. Every function here runs in one transaction, locks the fund row first (so two
writers to one ledger queue up behind each other and can never overspend together), checks the rules,
writes append-only entries and audits them.

Decisions where the issue is silent:

- A fund is opened for each flexible agreement in force (by the daily payments job, or when a person
  moves); its `budget_ref` is the council's reference of the ISF arrangement. A move's new arrangement
  has its own reference, so each fund has its own (the old one stays with the closed fund).
- **Council payments** follow the agreement's schedule. The agreement's year is 52 weeks from its start
  date. In each year there are ceil(52 / payment_frequency_weeks) periods (13 for every four weeks); each
  period's payment is the annual budget / that number, to the penny (half up), and the last payment of
  the year takes the rounding so the year sums exactly. Paid in advance: on the first day of the period;
  in arrears: on the day after it ends. Periods starting after the agreement's end date are not paid.
- The **management fee** posts with each payment: a percentage of that payment (half up), or a fixed
  annual fee spread over the same periods with the same last-payment rounding. A fee of £0 posts nothing.
- Keys: `council-payment:Y-P` and `management-fee:Y-P` (year Y, period P, from 1), so re-running the job
  adds nothing twice. The system's keys (these, `transfer-out:F`, `transfer-in:F`, `reversal:E`) live
  in their own namespace (`key_source = system`), apart from keys people and providers give (API
  `Idempotency-Key`, CSV `entry_ref`, forms): a given key that looks like a system key is just a key.
- A **closed** fund (its balance moved with the person) takes no entry of any kind. A correction of
  one of its entries is made in the person's current fund, pointing at the original.
- **Money out** (spending, fees, refunds, negative corrections) is refused if it would take the balance
  below minus the agreement's overdraft limit. A refund to the council may not exceed the money left.
- A repeated idempotency key with the same content returns the original entry; with different content
  it is refused (`IdempotencyConflict`, a 409 in the API).
- Reversals: one per entry (a database constraint). Council payments, transfers and corrections are not
  reversed: the council records a refund instead.
- On a **move** the closing balance (when above zero) moves in one transaction: a transfer out of the old
  fund and a transfer in to the new one, dated the move day, pointing at each other. A negative balance
  does not follow the person; it stays with the old provider to settle with the council.
"""

import datetime as dt
import logging
import math
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from auditlog.cid import get_cid
from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, connection, transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from config.api import DomainConflict
from organisations import audit, throttle
from organisations.imports import insert_rows
from organisations.money import PENNY, format_money, to_money
from organisations.services import absolute_url, system_actor
from organisations.signin import normalise_email
from providers.models import FlexibleAgreement
from providers.selectors import agreements_in_force

from .models import (
    SPENDING_CATEGORIES,
    ZERO,
    Category,
    HeldAccount,
    KeySource,
    LedgerEntry,
    Notification,
    Statement,
)
from .selectors import CLOSING, STATEMENT_DAYS, balance_of, is_closed

log = logging.getLogger(__name__)

WEEKS_IN_YEAR = 52
MAX_DESCRIPTION = 300


class LedgerError(DomainConflict):
    """A ledger rule was broken; the message says what to do. `field` names the value at fault (for the
    import's `line N: column: ...` errors and form errors)."""

    def __init__(self, message: str, *, field: str = ""):
        super().__init__(message)
        self.field = field


class ImportRefused(LedgerError):
    """Some rows of a batch broke the rules: nothing was written. `errors` = [(index, field, message)]."""

    def __init__(self, errors: list[tuple[int, str, str]]):
        super().__init__(f"{len(errors)} rows could not be recorded; nothing was recorded.")
        self.errors = errors


class IdempotencyConflict(LedgerError):
    """The same idempotency key was used for a different entry."""


class FundClosed(LedgerError):
    """The money has moved with the person: this fund takes no more entries."""

    def __init__(self, fund: HeldAccount | None = None):
        super().__init__(
            "This money has moved with the person to their new provider: nothing more can be recorded "
            "here. A correction is made in the person's new fund."
        )


# ---- the payment schedule ------------------------------------------------------------------------


def split_evenly(total: Decimal, parts: int) -> list[Decimal]:
    """`parts` amounts summing exactly to `total`: each total / parts to the penny (half up), the last
    taking the rounding. If rounding up would leave the last part negative (tiny totals), round down."""
    total = to_money(total)
    regular = to_money(total / parts)
    if regular * (parts - 1) > total:
        regular = (total / parts).quantize(PENNY, rounding=ROUND_DOWN)
    return [regular] * (parts - 1) + [total - regular * (parts - 1)]


def periods_per_year(frequency_weeks: int) -> int:
    return math.ceil(WEEKS_IN_YEAR / frequency_weeks)


@dataclass(frozen=True)
class Slot:
    year: int  # from 1
    period: int  # from 1
    starts: dt.date
    ends: dt.date
    due_on: dt.date
    payment: Decimal
    fee: Decimal

    @property
    def key(self) -> str:
        return f"{self.year}-{self.period}"


def _fee_for(agreement: FlexibleAgreement, payment: Decimal, fixed_parts: list[Decimal] | None, i: int):
    if agreement.management_fee_percent is not None:
        return to_money(payment * agreement.management_fee_percent / 100)
    if fixed_parts is not None:
        return fixed_parts[i]
    return ZERO


def payment_schedule(agreement: FlexibleAgreement, *, until: dt.date) -> list[Slot]:
    """Every payment due on or before `until` under the agreement's current terms."""
    frequency = agreement.payment_frequency_weeks
    n = periods_per_year(frequency)
    payments = split_evenly(agreement.annual_budget, n)
    fixed = (
        split_evenly(agreement.management_fee_fixed, n)
        if agreement.management_fee_fixed is not None
        else None
    )
    slots: list[Slot] = []
    year = 0
    while True:
        year_start = agreement.start_date + dt.timedelta(weeks=WEEKS_IN_YEAR * year)
        year_end = year_start + dt.timedelta(weeks=WEEKS_IN_YEAR, days=-1)
        for i in range(n):
            starts = year_start + dt.timedelta(weeks=frequency * i)
            ends = min(starts + dt.timedelta(weeks=frequency, days=-1), year_end)
            due = starts if agreement.payment_in_advance else ends + dt.timedelta(days=1)
            if agreement.end_date is not None and starts > agreement.end_date:
                return slots
            if due > until:
                return slots
            slots.append(
                Slot(
                    year=year + 1,
                    period=i + 1,
                    starts=starts,
                    ends=ends,
                    due_on=due,
                    payment=payments[i],
                    fee=_fee_for(agreement, payments[i], fixed, i),
                )
            )
        year += 1


# ---- funds and locks -----------------------------------------------------------------------------


def _budget_ref_for(agreement: FlexibleAgreement) -> str:
    """The reference of the agreement's ISF arrangement. A move's new arrangement (and its own
    reference) is made when the move completes; a fund opened before that has none until then."""
    if agreement.arrangement_id:
        return agreement.arrangement.budget_ref
    return ""


def _take_arrangement_ref(fund: HeldAccount, agreement: FlexibleAgreement, actor) -> None:
    """A fund opened before its move completed takes the moved arrangement's own reference, so the
    provider's spending file (keyed by reference) reaches this fund, not the one the person left."""
    ref = _budget_ref_for(agreement)
    if ref and fund.budget_ref != ref:
        old = fund.budget_ref
        fund.budget_ref = ref
        fund.save(update_fields=["budget_ref"])
        audit.record(
            actor=actor,
            instance=fund,
            event="reference given on the move",
            changes={"budget_ref": (old, ref)},
        )


def open_fund(*, agreement: FlexibleAgreement, actor) -> HeldAccount:
    """The fund for an agreement, opened the first time money may move under it. Idempotent."""
    fund = HeldAccount.objects.filter(agreement=agreement).first()
    if fund is not None:
        return fund
    with transaction.atomic():
        fund, created = HeldAccount.objects.get_or_create(
            agreement=agreement,
            defaults={
                "person_id": agreement.person_id,
                "provider_id": agreement.provider_id,
                "council_id": agreement.council_id,
                "budget_ref": _budget_ref_for(agreement),
                "opened_on": agreement.start_date,
            },
        )
        if created:
            audit.record(
                actor=actor,
                instance=fund,
                event="Individual Service Fund opened",
                action=audit.CREATE,
                changes={"agreement": (None, agreement), "budget_ref": (None, fund.budget_ref)},
            )
    return fund


def _lock(fund: HeldAccount) -> HeldAccount:
    """Lock the fund row until the transaction ends: every writer to this ledger waits here, so the
    balance read below cannot change before our entry is written. Whether the fund is closed is read
    under the lock too (a move takes the same lock), so no entry can slip in after the money moved."""
    locked = (
        HeldAccount.objects.select_for_update(of=("self",))
        .select_related("agreement", "arrangement", "person", "provider", "council")
        .get(pk=fund.pk)
    )
    locked.closed_now = is_closed(locked)
    return locked


def _current_fund(fund: HeldAccount) -> HeldAccount:
    """The fund the person's money is in now: follow the moves from `fund` (each closed fund's
    transfer out points at the transfer into the next)."""
    seen = {fund.pk}
    while True:
        out = (
            LedgerEntry.objects.filter(
                fund=fund, category=Category.TRANSFER, amount__lt=0, key_source=KeySource.SYSTEM
            )
            .select_related("transfer_pair__fund")
            .first()
        )
        if out is None or out.transfer_pair is None or out.transfer_pair.fund_id in seen:
            return fund
        fund = out.transfer_pair.fund
        seen.add(fund.pk)


def _check_money_out(fund: HeldAccount, amount: Decimal, *, balance: Decimal | None = None) -> None:
    """Refuse money out that would take the balance below minus the overdraft limit. Call under the lock."""
    if amount >= 0:
        return
    balance = balance_of(fund) if balance is None else balance
    limit = fund.terms.overdraft_limit
    if balance + amount < -limit:
        allowed = (
            f"The agreement allows the balance to go up to {format_money(limit)} below zero."
            if limit > 0
            else "The agreement does not allow the balance to go below zero."
        )
        raise LedgerError(
            f"There is not enough money left: {format_money(balance)} is left and this takes out "
            f"{format_money(-amount)}. {allowed}",
            field="amount",
        )


def _same_content(entry: LedgerEntry, *, entry_date, category, amount, description) -> bool:
    return (
        entry.entry_date == entry_date
        and entry.category == category
        and entry.amount == amount
        and entry.description == description
    )


def _existing(fund, key: str, *, source: str = KeySource.GIVEN, **content) -> LedgerEntry | None:
    """The entry already written under this key, if its content is the same; a conflict if not."""
    entry = LedgerEntry.objects.filter(fund=fund, key_source=source, idempotency_key=key).first()
    return _same_or_conflict(entry, key, **content)


def _same_or_conflict(entry: LedgerEntry | None, key: str, **content) -> LedgerEntry | None:
    if entry is None:
        return None
    if not _same_content(entry, **content):
        raise IdempotencyConflict(
            f"The reference '{key}' was already used for a different entry "
            f"({entry.get_category_display()}, {format_money(entry.amount)} "
            f"on {entry.entry_date:%-d %B %Y}). "
            "Use a new reference for a new entry.",
            field="idempotency_key",
        )
    return entry


def _write(
    *,
    fund: HeldAccount,
    key: str,
    entry_date: dt.date,
    category: str,
    amount: Decimal,
    description: str,
    actor,
    source: str,
    reverses: LedgerEntry | None = None,
    pk: int | None = None,
    transfer_pair_id: int | None = None,
    event: str = "ledger entry recorded",
    note: str = "",
) -> LedgerEntry:
    """Write one entry to a fund locked by `_lock`. The one place entries are made, so the one place
    that refuses a closed fund: whatever the path (API, CSV, form, reversal, payment job)."""
    if getattr(fund, "closed_now", None) is None:
        raise RuntimeError("Lock the fund with _lock() before writing to it.")
    if fund.closed_now:
        raise FundClosed(fund)
    entry = LedgerEntry(
        pk=pk,
        fund=fund,
        entry_date=entry_date,
        category=category,
        amount=amount,
        description=description,
        idempotency_key=key,
        key_source=source,
        reverses=reverses,
        transfer_pair_id=transfer_pair_id,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    entry.save()
    audit.record(
        actor=actor,
        instance=entry,
        event=event,
        action=audit.CREATE,
        changes={
            "fund": (None, fund.pk),
            "entry_date": (None, entry_date),
            "category": (None, category),
            "amount": (None, amount),
            "description": (None, description),
            "idempotency_key": (None, key),
            "key_source": (None, source),
        },
        note=note,
    )
    return entry


def _clean_description(description: str) -> str:
    text = " ".join((description or "").split())
    if not text:
        raise LedgerError("Say what the money was for, in words the person understands.", field="description")
    if len(text) > MAX_DESCRIPTION:
        raise LedgerError(
            f"Keep the description to {MAX_DESCRIPTION} characters or fewer.", field="description"
        )
    return text


def _clean_amount(amount) -> Decimal:
    try:
        value = Decimal(str(amount)) if not isinstance(amount, Decimal) else amount
    except Exception as exc:  # noqa: BLE001 - any unparsable value is the same mistake
        raise LedgerError("Enter an amount of money, like 45.00.", field="amount") from exc
    if not value.is_finite() or value != value.quantize(PENNY):
        raise LedgerError(
            "Enter an amount in pounds and pence, with no more than 2 decimal places.", field="amount"
        )
    if value <= 0:
        raise LedgerError("Enter an amount greater than £0.00.", field="amount")
    if value >= Decimal("10000000000"):
        raise LedgerError("That amount is too large.", field="amount")
    return to_money(value)


# ---- council payments and fees ------------------------------------------------------------------


def _slot_dates(slot: Slot) -> str:
    return f"{slot.starts:%-d %B %Y} to {slot.ends:%-d %B %Y}"


@transaction.atomic
def post_due_payments(*, fund: HeldAccount, actor, today: dt.date | None = None) -> list[LedgerEntry]:
    """Post every council payment (and its management fee) due by `today` that is not yet posted."""
    today = today or timezone.localdate()
    fund = _lock(fund)
    if fund.closed_now:
        return []  # the money moved with the person; the new fund is paid under the new agreement
    agreement = fund.terms
    posted = []
    done = set(
        LedgerEntry.objects.filter(fund=fund, key_source=KeySource.SYSTEM).values_list(
            "idempotency_key", flat=True
        )
    )
    for slot in payment_schedule(agreement, until=today):
        pay_key, fee_key = f"council-payment:{slot.key}", f"management-fee:{slot.key}"
        if slot.payment > 0 and pay_key not in done:
            posted.append(
                _write(
                    fund=fund,
                    key=pay_key,
                    entry_date=slot.due_on,
                    category=Category.COUNCIL_PAYMENT,
                    amount=slot.payment,
                    description=f"Money from {fund.council.name} for {_slot_dates(slot)}",
                    actor=actor,
                    source=KeySource.SYSTEM,
                    event="council payment posted",
                )
            )
        if slot.fee > 0 and fee_key not in done:
            if agreement.management_fee_percent is not None:
                how = f"{agreement.management_fee_percent.normalize():f}% of the payment"
            else:
                how = f"part of the {format_money(agreement.management_fee_fixed)} yearly fee"
            amount = -slot.fee
            _check_money_out(fund, amount)
            posted.append(
                _write(
                    fund=fund,
                    key=fee_key,
                    entry_date=slot.due_on,
                    category=Category.MANAGEMENT_FEE,
                    amount=amount,
                    description=(
                        f"{fund.provider.name}'s fee for holding your money, {_slot_dates(slot)} ({how})"
                        if fund.is_isf
                        else f"{fund.provider.name}'s management cost, {_slot_dates(slot)} ({how})"
                    ),
                    actor=actor,
                    source=KeySource.SYSTEM,
                    event="management fee posted",
                )
            )
    return posted


def post_all_due_payments(*, today: dt.date | None = None, actor=None) -> dict[str, int]:
    """The daily job: open a fund for each agreement in force (and an account for each managed direct
    payment) and post what is due. Each fund in its own
    transaction, under its own lock; keys make a retry or a second worker add nothing."""
    today = today or timezone.localdate()
    actor = actor or system_actor()
    done = {"funds": 0, "entries": 0, "failed": 0}
    for agreement in agreements_in_force(on=today).select_related("arrangement", "council", "provider"):
        try:
            fund = open_fund(agreement=agreement, actor=actor)
            done["entries"] += len(post_due_payments(fund=fund, actor=actor, today=today))
            done["funds"] += 1
        except (LedgerError, IntegrityError):
            log.exception("Could not post payments for agreement %s", agreement.pk)
            done["failed"] += 1
    # Managed direct payments are held the same way (managed.py opens their accounts).
    from .managed import post_all_due_managed_payments

    for key, count in post_all_due_managed_payments(today=today, actor=actor).items():
        done[key] += count
    return done


# ---- spending, reversals and refunds -------------------------------------------------------------


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


@transaction.atomic
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


@transaction.atomic
def record_spending_many(
    *, rows: list[dict], actor, today: dt.date | None = None
) -> list[tuple[LedgerEntry, bool]]:
    """Several spending entries, all or nothing (the import). Only the funds in the file are locked:
    spending on any other fund does not wait. Every row is checked in order against the balance left
    by the rows before it (a refused row writes nothing), then, if any row was refused,
    `ImportRefused` lists them all and the transaction rolls back. A few queries whatever the number of
    rows: keys and balances are read in bulk, entries and their audit events inserted in bulk."""
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


NOT_REVERSIBLE = {
    Category.COUNCIL_PAYMENT: "Council payments follow the agreement: the council records a refund instead.",
    Category.TRANSFER: "Money that moved with the person cannot be reversed here.",
    Category.CORRECTION: "A correction cannot itself be reversed: record the entry again instead.",
}


@transaction.atomic
def reverse_entry(*, entry: LedgerEntry, reason: str, actor, today: dt.date | None = None) -> LedgerEntry:
    """Correct a mistake: a new entry for the opposite amount, pointing at the original. Once only.
    If the person has since moved (the entry's fund is closed), the correction is made in the fund
    their money is in now, so it follows them instead of being stranded in the closed fund."""
    today = today or timezone.localdate()
    home = _lock(entry.fund)
    entry = LedgerEntry.objects.select_related("reversed_by").get(pk=entry.pk, fund=home)
    if entry.category in NOT_REVERSIBLE:
        raise LedgerError(NOT_REVERSIBLE[entry.category])
    if hasattr(entry, "reversed_by"):
        raise LedgerError(f"This entry was already corrected on {entry.reversed_by.entry_date:%-d %B %Y}.")
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


@transaction.atomic
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


# ---- moving to another provider ------------------------------------------------------------------


def _next_entry_ids(count: int) -> list[int]:
    """Reserve entry ids, so a transfer pair can point at each other in two INSERTs (the foreign keys
    are checked at commit): an UPDATE to link them would break the append-only rule."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence('ledger_ledgerentry', 'id')) FROM generate_series(1, %s)",
            [count],
        )
        return [row[0] for row in cursor.fetchall()]


@transaction.atomic
def transfer_balance(
    *, from_fund: HeldAccount, to_fund: HeldAccount, on_date: dt.date, actor
) -> tuple[LedgerEntry, LedgerEntry] | None:
    """Move the whole balance of `from_fund` to `to_fund`: a transfer out and a transfer in pointing at
    each other. Nothing to move (zero or below) → None. Moving twice moves nothing more."""
    if from_fund.pk == to_fund.pk:
        raise LedgerError("Money can only move to a different fund.")
    # Lock both in id order so that two moves touching the same funds cannot deadlock.
    locked = {f.pk: _lock(f) for f in sorted((from_fund, to_fund), key=lambda f: f.pk)}
    source, target = locked[from_fund.pk], locked[to_fund.pk]
    if source.person_id != target.person_id:
        raise LedgerError("Money can only move between funds of the same person.")
    out_key, in_key = f"transfer-out:{target.pk}", f"transfer-in:{source.pk}"
    done = (
        LedgerEntry.objects.filter(fund=source, key_source=KeySource.SYSTEM, idempotency_key=out_key)
        .select_related("transfer_pair")
        .first()
    )
    if done is not None:
        # Check that what was found really is this move's transfer before calling the move done.
        if done.category != Category.TRANSFER or done.transfer_pair.fund_id != target.pk:
            raise LedgerError(f"Entry {done.pk} has this move's key but is not its transfer.")
        return None
    if source.closed_now:
        raise LedgerError("This money has already moved with the person to another fund.")
    balance = balance_of(source)
    if balance <= 0:
        audit.record(
            actor=actor,
            instance=source,
            event="nothing to move",
            note=f"The balance was {format_money(balance)} when the person moved to {target.provider}.",
        )
        return None
    out_id, in_id = _next_entry_ids(2)
    money_out = _write(
        pk=out_id,
        transfer_pair_id=in_id,
        fund=source,
        key=out_key,
        entry_date=on_date,
        category=Category.TRANSFER,
        amount=-balance,
        description=f"Money left moved with you to {target.provider.name}",
        actor=actor,
        source=KeySource.SYSTEM,
        event="balance moved out",
    )
    source.closed_now = True
    money_in = _write(
        pk=in_id,
        transfer_pair_id=out_id,
        fund=target,
        key=in_key,
        entry_date=on_date,
        category=Category.TRANSFER,
        amount=balance,
        description=f"Money left moved with you from {source.provider.name}",
        actor=actor,
        source=KeySource.SYSTEM,
        event="balance moved in",
    )
    return money_out, money_in


def move_balance_on_move(*, old_agreement, new_agreement, on_date, actor) -> None:
    """providers.hooks on_move callback: runs inside the move's transaction. Posts what the old
    agreement still had due, then moves the closing balance to a fund under the new agreement."""
    old_fund = HeldAccount.objects.filter(agreement=old_agreement).first()
    new_fund = open_fund(agreement=new_agreement, actor=actor)
    _take_arrangement_ref(new_fund, new_agreement, actor)
    if old_fund is None:
        return
    last_day = old_agreement.end_date or (on_date - dt.timedelta(days=1))
    post_due_payments(fund=old_fund, actor=actor, today=min(last_day, on_date - dt.timedelta(days=1)))
    transfer_balance(from_fund=old_fund, to_fund=new_fund, on_date=on_date, actor=actor)


def settle_on_end(*, agreement, on_date, actor) -> None:
    """providers.hooks on_end callback (an agreement ended with no replacement): post what fell due up
    to its last day, so the ledger is complete. The balance stays for the commissioner to settle with
    the provider (a refund to the council); nothing is taken back automatically."""
    fund = HeldAccount.objects.filter(agreement=agreement).first()
    if fund is None:
        return
    last_day = agreement.end_date or (on_date - dt.timedelta(days=1))
    post_due_payments(fund=fund, actor=actor, today=min(last_day, on_date - dt.timedelta(days=1)))


# ---- statements ------------------------------------------------------------------------------------


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


@transaction.atomic
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
                requested_by=actor if getattr(actor, "is_authenticated", False) and not scheduled else None,
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


@transaction.atomic
def mark_notifications_seen(*, user, fund: HeldAccount) -> int:
    return Notification.objects.filter(user=user, fund=fund, seen_at__isnull=True).update(
        seen_at=timezone.now()
    )


__all__ = [
    "FundClosed",
    "IdempotencyConflict",
    "ImportRefused",
    "LedgerError",
    "move_balance_on_move",
    "open_fund",
    "payment_schedule",
    "post_all_due_payments",
    "post_due_payments",
    "produce_due_statements",
    "produce_statement",
    "record_refund",
    "record_spending",
    "record_spending_many",
    "settle_on_end",
    "reverse_entry",
    "split_evenly",
    "transfer_balance",
]
