"""Moving to another provider: the closing balance follows the person; an ending posts what fell due."""

import datetime as dt

from django.db import connection, transaction

from organisations import audit
from organisations.money import format_money

from ..models import Category, HeldAccount, KeySource, LedgerEntry
from ..selectors import balance_of
from .entries import _lock, _take_arrangement_ref, _write, open_fund
from .errors import LedgerError
from .payments import post_due_payments


def _next_entry_ids(count: int) -> list[int]:
    """Reserve entry ids, so a transfer pair can point at each other in two INSERTs (the foreign keys
    are checked at commit): an UPDATE to link them would break the append-only rule."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence('ledger_ledgerentry', 'id')) FROM generate_series(1, %s)",
            [count],
        )
        return [row[0] for row in cursor.fetchall()]


def transfer_balance(
    *, from_fund: HeldAccount, to_fund: HeldAccount, on_date: dt.date, actor
) -> tuple[LedgerEntry, LedgerEntry] | None:
    """Move the whole balance of `from_fund` to `to_fund`: a transfer out and a transfer in pointing at
    each other. Nothing to move (zero or below) → None. Moving twice moves nothing more."""
    with transaction.atomic():
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
