"""Managed direct payments: the money an organisation (a community hub, a managed account service or a
support provider) holds for a person whose direct payment it manages. Kept in the same held account
as an ISF (services.py does every write); this module opens the accounts, posts their payments and
moves them.

Decisions where the issue is silent:

- An account opens for each arrangement of type `direct_payment_managed` in an approved budget, with
  the arrangement's organisation, on the arrangement's start date (by the daily payments job, like an
  ISF's). The council pays the amount for support plus the management cost on top, every four weeks
  in advance; the management cost goes out to the organisation with each payment.
- A **move** happens from a date no later than today (the ledger has no entries in the future): the
  arrangement ends the day before, payments due to the old account up to then are posted, and in the
  same transaction the balance above zero goes on with the person:
  - to another managing organisation: a new managed arrangement (same amount for support; the
    management cost given, or the new organisation's published fee) and account, by a transfer pair;
  - into an ISF: to the fund under the person's agreement with the provider (made through the
    providers' choice and agreement pages), by a transfer pair;
  - into a self-managed direct payment: a new `direct_payment` arrangement for the amount for support,
    and the balance paid to the person (one entry, which closes the account).
  A balance below zero stays with the old organisation to settle with the council.
"""

import datetime as dt
import logging
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from budgets.models import Arrangement, BudgetStatus, ManagementType
from organisations import audit
from organisations.money import format_money
from organisations.services import system_actor
from providers.models import AgreementStatus, FlexibleAgreement

from . import services
from .models import Category, HeldAccount, HeldKind, KeySource
from .selectors import balance_of

log = logging.getLogger(__name__)

MOVE_TO_ORGANISATION = "organisation"
MOVE_TO_ISF = "isf"
MOVE_TO_SELF_MANAGED = "self_managed"


def managed_arrangements_in_force(*, on: dt.date):
    return Arrangement.objects.filter(
        Q(end_date__isnull=True) | Q(end_date__gte=on),
        management_type=ManagementType.DIRECT_PAYMENT_MANAGED,
        budget__status=BudgetStatus.APPROVED,
        provider__isnull=False,
        start_date__lte=on,
    ).select_related("budget__person", "provider", "council")


def open_managed_account(*, arrangement: Arrangement, actor, budget_ref: str = "") -> HeldAccount:
    """The account for a managed direct payment, opened the first time money may move. Idempotent."""
    if (
        arrangement.management_type != ManagementType.DIRECT_PAYMENT_MANAGED
        or arrangement.provider_id is None
    ):
        raise services.LedgerError("Only a direct payment managed by an organisation has an account here.")
    account = HeldAccount.objects.filter(kind=HeldKind.MANAGED_DP, arrangement=arrangement).first()
    if account is not None:
        return account
    with transaction.atomic():
        account, created = HeldAccount.objects.get_or_create(
            kind=HeldKind.MANAGED_DP,
            arrangement=arrangement,
            defaults={
                "person_id": arrangement.budget.person_id,
                "provider_id": arrangement.provider_id,
                "council_id": arrangement.council_id,
                "budget_ref": arrangement.budget_ref or budget_ref,
                "opened_on": arrangement.start_date,
            },
        )
        if created:
            audit.record(
                actor=actor,
                instance=account,
                event="managed direct payment account opened",
                action=audit.CREATE,
                changes={"arrangement": (None, arrangement.pk), "budget_ref": (None, account.budget_ref)},
            )
    return account


def post_all_due_managed_payments(*, today: dt.date | None = None, actor=None) -> dict[str, int]:
    """The daily job's second half: every managed direct payment in force gets its account and what
    is due. Each account in its own transaction, under its own lock."""
    today = today or timezone.localdate()
    actor = actor or system_actor()
    done = {"funds": 0, "entries": 0, "failed": 0}
    for arrangement in managed_arrangements_in_force(on=today):
        try:
            account = open_managed_account(arrangement=arrangement, actor=actor)
            done["entries"] += len(services.post_due_payments(fund=account, actor=actor, today=today))
            done["funds"] += 1
        except (services.LedgerError, IntegrityError):
            log.exception("Could not post payments for managed arrangement %s", arrangement.pk)
            done["failed"] += 1
    return done


# ---- moving ----------------------------------------------------------------------------------------


def _end_arrangement(arrangement: Arrangement, *, last_day: dt.date, actor, why: str) -> None:
    old_end = arrangement.end_date
    arrangement.end_date = last_day
    arrangement.save(update_fields=["end_date", "updated_at"])
    audit.record(
        actor=actor,
        instance=arrangement,
        event="arrangement ended by a move",
        changes={"end_date": (old_end, last_day)},
        note=why,
    )


def _new_arrangement(old: Arrangement, *, actor, on_date: dt.date, **fields) -> Arrangement:
    new = Arrangement.objects.create(
        budget=old.budget,
        council=old.council,
        annual_amount=old.annual_amount,
        start_date=on_date,
        end_date=None,
        **fields,
    )
    audit.record(
        actor=actor,
        instance=new,
        event="arrangement started by a move",
        action=audit.CREATE,
        changes={
            "management_type": (None, new.management_type),
            "provider": (None, new.provider_id),
            "annual_amount": (None, new.annual_amount),
            "start_date": (None, on_date),
        },
    )
    return new


@transaction.atomic
def move_managed_account(
    *,
    account: HeldAccount,
    to: str,
    on_date: dt.date,
    actor,
    provider=None,
    agreement: FlexibleAgreement | None = None,
    management_cost_amount: Decimal | None = None,
    management_cost_percent: Decimal | None = None,
    today: dt.date | None = None,
) -> HeldAccount | None:
    """Move a managed direct payment from `on_date` (see the module's notes). Returns the account the
    money is in now (None when it was paid to the person). All in one transaction: any refusal leaves
    everything as it was."""
    today = today or timezone.localdate()
    old = services._lock(account)
    if old.kind != HeldKind.MANAGED_DP:
        raise services.LedgerError("Only a managed direct payment moves this way; an ISF moves by agreement.")
    if old.closed_now or old.closed_on is not None:
        raise services.LedgerError("This direct payment has already moved or ended.")
    if on_date > today:
        raise services.LedgerError("Record the change on or after the day it happens.", field="on_date")
    arrangement = old.arrangement
    if on_date <= arrangement.start_date:
        raise services.LedgerError(
            f"The change must be after the direct payment started on {arrangement.start_date:%-d %B %Y}.",
            field="on_date",
        )
    last_day = on_date - dt.timedelta(days=1)
    # Post what fell due to the old account before it closes.
    services.post_due_payments(fund=old, actor=actor, today=last_day)
    why = {
        MOVE_TO_ORGANISATION: "moved to another organisation",
        MOVE_TO_ISF: "changed into an Individual Service Fund",
        MOVE_TO_SELF_MANAGED: "changed into a self-managed direct payment",
    }.get(to)
    if why is None:
        raise services.LedgerError("Choose where the direct payment goes.", field="to")
    if to == MOVE_TO_ORGANISATION and (provider is None or provider.pk == old.provider_id):
        raise services.LedgerError("Choose a different organisation to manage it.", field="provider")
    if to == MOVE_TO_ISF and (
        agreement is None
        or agreement.person_id != old.person_id
        or agreement.status not in (AgreementStatus.ACTIVE, AgreementStatus.ENDING)
        or agreement.start_date > on_date
    ):
        raise services.LedgerError(
            "Choose the person's agreement with the provider that will hold the money from that date.",
            field="agreement",
        )
    _end_arrangement(arrangement, last_day=last_day, actor=actor, why=why)
    old.closed_on = last_day
    old.save(update_fields=["closed_on"])
    audit.record(actor=actor, instance=old, event="managed direct payment closed", note=why)

    if to == MOVE_TO_ORGANISATION:
        if management_cost_amount is None and management_cost_percent is None:
            profile = getattr(provider, "profile", None)
            management_cost_percent = getattr(profile, "management_fee_percent", None)
            if management_cost_percent is None:
                management_cost_amount = getattr(profile, "management_fee_fixed", None)
        new_arrangement = _new_arrangement(
            arrangement,
            actor=actor,
            on_date=on_date,
            management_type=ManagementType.DIRECT_PAYMENT_MANAGED,
            provider=provider,
            management_cost_amount=management_cost_amount,
            management_cost_percent=management_cost_percent,
        )
        target = open_managed_account(arrangement=new_arrangement, actor=actor, budget_ref=old.budget_ref)
    elif to == MOVE_TO_ISF:
        target = services.open_fund(agreement=agreement, actor=actor)
    else:
        _new_arrangement(
            arrangement,
            actor=actor,
            on_date=on_date,
            management_type=ManagementType.DIRECT_PAYMENT,
            provider=None,
        )
        _pay_to_person(old, on_date=on_date, actor=actor)
        return None
    services.transfer_balance(from_fund=old, to_fund=target, on_date=on_date, actor=actor)
    return target


def _pay_to_person(account: HeldAccount, *, on_date: dt.date, actor) -> None:
    balance = balance_of(account)
    if balance <= 0:
        audit.record(
            actor=actor,
            instance=account,
            event="nothing to pay to the person",
            note=f"The balance was {format_money(balance)} when the person took over their direct payment.",
        )
        return
    services._write(
        fund=account,
        key=f"paid-to-person:{account.pk}",
        entry_date=on_date,
        category=Category.PAID_TO_PERSON,
        amount=-balance,
        description="Money left paid to you, to manage your direct payment yourself",
        actor=actor,
        source=KeySource.SYSTEM,
        event="balance paid to the person",
    )


# ---- what a move may go to ----------------------------------------------------------------------------


def organisations_to_manage(*, council, excluding=None):
    """Organisations in the directory that manage direct payments in the council's area."""
    from organisations.models import Provider

    qs = (
        Provider.objects.filter(profile__manages_direct_payments=True, profile__council_areas=council)
        .distinct()
        .order_by("name")
    )
    if excluding is not None:
        qs = qs.exclude(pk=excluding.pk)
    return list(qs)


def agreements_to_move_into(*, person):
    """The person's agreements in force that an ISF could be held under."""
    return list(
        FlexibleAgreement.objects.filter(
            person=person, status__in=(AgreementStatus.ACTIVE, AgreementStatus.ENDING)
        ).select_related("provider")
    )
