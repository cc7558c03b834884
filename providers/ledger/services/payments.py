"""Council payments and management fees: posted by the daily job as they fall due, once each."""

import datetime as dt
import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from organisations.money import format_money
from organisations.services import system_actor
from providers.selectors import agreements_in_force

from ..models import Category, HeldAccount, KeySource, LedgerEntry
from .entries import _check_money_out, _lock, _write, open_fund
from .errors import LedgerError
from .schedule import Slot, payment_schedule

log = logging.getLogger(__name__)


def _slot_dates(slot: Slot) -> str:
    return f"{slot.starts:%-d %B %Y} to {slot.ends:%-d %B %Y}"


def post_due_payments(*, fund: HeldAccount, actor, today: dt.date | None = None) -> list[LedgerEntry]:
    """Post every council payment (and its management fee) due by `today` that is not yet posted."""
    with transaction.atomic():
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
                    how = (
                        f"part of the {format_money(agreement.management_fee_fixed)} yearly "
                        f"{'fee' if fund.is_isf else 'management cost'}"
                    )
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
    from ..managed import post_all_due_managed_payments

    for key, count in post_all_due_managed_payments(today=today, actor=actor).items():
        done[key] += count
    return done
