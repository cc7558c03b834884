"""Writing one entry: opening and locking a fund, the checks every entry passes (money out, keys,
amounts, descriptions) and `_write`, the one place an entry is made."""

import datetime as dt
from decimal import Decimal

from django.db import transaction

from organisations import audit
from organisations.money import PENNY, format_money, to_money
from providers.models import FlexibleAgreement

from ..models import Category, HeldAccount, KeySource, LedgerEntry
from ..selectors import balance_of, is_closed
from .errors import FundClosed, IdempotencyConflict, LedgerError

MAX_DESCRIPTION = 300


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
