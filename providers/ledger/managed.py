"""Managed direct payments: the money an organisation (a community hub, a managed account service or a
support provider) holds for a person whose direct payment it manages. Kept in the same held account
as an ISF (services.py does every write); this module opens the accounts, posts their payments and
moves them.

Decisions where the issue is silent:

- An account opens for each arrangement of type `direct_payment_managed` in an approved budget, with
  the arrangement's organisation, on the arrangement's start date (by the daily payments job, like an
  ISF's). The council pays the amount for support plus the management cost on top, every four weeks
  in advance; the management cost goes out to the organisation with each payment.
- A **move** is asked for from a date (request_move), like an ISF move: from today or a day before it
  is done at once; from a later date it is scheduled (a ScheduledMove, shown on the account's pages,
  cancellable by the commissioner until it happens) and the daily payments job does it on that date.
  Asking ends the old arrangement the day before the date straight away, so no payment is made to the
  old account for days after it (cancelling puts the old end date back). When it is done
  (move_managed_account; the ledger has no entries in the future, so never before the date): the
  arrangement ends the day before, payments due to the old account up to then are posted, and in the
  same transaction the balance above zero goes on with the person:
  - to another managing organisation: a new managed arrangement (same amount for support; the
    management cost given, or the new organisation's published fee) and account, by a transfer pair;
  - into an ISF: to the fund under the person's agreement with the provider, by a transfer pair. With
    no agreement yet, the commissioner names the provider the person chose: asking records the choice
    and offers the provider a flexible agreement from the date (the amount for support, the
    provider's published fee), and the move waits for the provider to accept it; accepting does it
    at once if its date has come (providers.hooks on_accept), otherwise the daily job does. The ISF
    arrangement (with its own reference) is made when the move is done.
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
from .models import Category, HeldAccount, HeldKind, KeySource, MoveStatus, ScheduledMove
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
    # Moves whose date has come go first, so that nothing more is paid to an account that moved.
    done["failed"] += complete_due_moves(today=today, actor=actor)["failed"]
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
    if old_end == last_day:
        return  # ended when the move was asked for
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
    with transaction.atomic():
        today = today or timezone.localdate()
        old = services._lock(account)
        if old.kind != HeldKind.MANAGED_DP:
            raise services.LedgerError(
                "Only a managed direct payment moves this way; an ISF moves by agreement."
            )
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
            if agreement.arrangement_id is None:
                # An agreement offered by the move: the ISF arrangement starts now, with its own reference.
                _attach_isf_arrangement(arrangement, agreement=agreement, on_date=on_date, actor=actor)
            target = services.open_fund(agreement=agreement, actor=actor)
            services._take_arrangement_ref(target, agreement, actor)
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


def _attach_isf_arrangement(
    old: Arrangement, *, agreement: FlexibleAgreement, on_date: dt.date, actor
) -> None:
    from budgets.services import new_budget_refs

    new = _new_arrangement(
        old,
        actor=actor,
        on_date=on_date,
        management_type=ManagementType.ISF,
        provider=agreement.provider,
        budget_ref=new_budget_refs(council_id=old.council_id)[0],
    )
    agreement.arrangement = new
    agreement.save(update_fields=["arrangement", "updated_at"])
    audit.record(
        actor=actor,
        instance=agreement,
        event="Individual Service Fund arrangement made: the managed direct payment became this ISF",
        changes={"arrangement": (None, new.pk)},
    )


# ---- asking for a move, from a date --------------------------------------------------------------------


def scheduled_move_of(account: HeldAccount) -> ScheduledMove | None:
    return (
        ScheduledMove.objects.filter(account=account, status=MoveStatus.SCHEDULED)
        .select_related("provider", "agreement__provider")
        .first()
    )


def plan_outcomes(person) -> str:
    """The outcomes of the person's latest support plan: the ISF agreement's outcomes, to start with."""
    from budgets.models import SupportPlan

    plan = SupportPlan.objects.filter(person=person).exclude(outcomes="").order_by("-pk").first()
    return plan.outcomes if plan is not None else ""


def _isf_agreement_for_move(
    *, account: HeldAccount, provider, on_date, actor, chosen_by: str, made: str, outcomes: str
):
    """Record the person's choice of `provider` (as the commissioner does for a choice made by phone, on
    paper or at a meeting) and offer the provider a flexible agreement from `on_date`."""
    from providers import services as provider_services
    from providers.models import ChoiceStatus, ProviderChoice

    if provider is None:
        raise services.LedgerError(
            "Choose the provider the person chose to hold their Individual Service Fund.",
            field="isf_provider",
        )
    try:
        choice = (
            ProviderChoice.objects.filter(
                person=account.person,
                provider=provider,
                status__in=(ChoiceStatus.SHORTLISTED, ChoiceStatus.REQUESTED, ChoiceStatus.ACCEPTED),
            )
            .order_by("-pk")
            .first()
        )
        if choice is None or choice.status == ChoiceStatus.SHORTLISTED:
            if not (chosen_by or "").strip():
                raise services.LedgerError(
                    "Say who chose the provider, for example the person or their daughter.", field="chosen_by"
                )
            choice = provider_services.record_choice(
                person=account.person,
                provider=provider,
                made=made,
                chosen_by=chosen_by,
                chosen_on=timezone.localdate(),
                actor=actor,
                message="To hold the money of their managed direct payment as an Individual Service Fund",
            )
        outcomes = (outcomes or "").strip() or plan_outcomes(account.person)
        if not outcomes:
            raise services.LedgerError(
                "Write the outcomes from the support plan: what the person wants from their support.",
                field="outcomes",
            )
        return provider_services.set_up_agreement(
            choice=choice,
            terms={"start_date": on_date, "outcomes": outcomes},
            actor=actor,
            moving_from=account.arrangement,
        )
    except provider_services.ProviderError as exc:
        raise services.LedgerError(str(exc), field="isf_provider") from exc


def request_move(
    *,
    account: HeldAccount,
    to: str,
    on_date: dt.date,
    actor,
    provider=None,
    agreement: FlexibleAgreement | None = None,
    isf_provider=None,
    chosen_by: str = "",
    made: str = "meeting",
    outcomes: str = "",
    management_cost_amount: Decimal | None = None,
    management_cost_percent: Decimal | None = None,
    today: dt.date | None = None,
) -> ScheduledMove:
    """Move a managed direct payment from `on_date` (see the module's notes): done at once when the
    date has come and nothing waits for a provider (the returned move is `done`, with its `target`),
    otherwise scheduled. Any refusal leaves everything as it was."""
    with transaction.atomic():
        today = today or timezone.localdate()
        old = services._lock(account)
        if old.kind != HeldKind.MANAGED_DP:
            raise services.LedgerError(
                "Only a managed direct payment moves this way; an ISF moves by agreement."
            )
        if old.closed_now or old.closed_on is not None:
            raise services.LedgerError("This direct payment has already moved or ended.")
        waiting = scheduled_move_of(old)
        if waiting is not None:
            raise services.LedgerError(
                f"A change from {waiting.on_date:%-d %B %Y} is already planned. "
                "Cancel it first to plan another."
            )
        if to not in (MOVE_TO_ORGANISATION, MOVE_TO_ISF, MOVE_TO_SELF_MANAGED):
            raise services.LedgerError("Choose where the direct payment goes.", field="to")
        arrangement = old.arrangement
        if on_date <= arrangement.start_date:
            raise services.LedgerError(
                f"The change must be after the direct payment started on {arrangement.start_date:%-d %B %Y}.",
                field="on_date",
            )
        if arrangement.end_date is not None and on_date > arrangement.end_date + dt.timedelta(days=1):
            raise services.LedgerError(
                f"The direct payment ends on {arrangement.end_date:%-d %B %Y}: "
                "choose a date up to the day after.",
                field="on_date",
            )
        if to == MOVE_TO_ORGANISATION and (provider is None or provider.pk == old.provider_id):
            raise services.LedgerError("Choose a different organisation to manage it.", field="provider")
        made_agreement = False
        if to == MOVE_TO_ISF:
            if agreement is None:
                agreement = _isf_agreement_for_move(
                    account=old,
                    provider=isf_provider,
                    on_date=on_date,
                    actor=actor,
                    chosen_by=chosen_by,
                    made=made,
                    outcomes=outcomes,
                )
                made_agreement = True
            elif (
                agreement.person_id != old.person_id
                or agreement.status not in (AgreementStatus.ACTIVE, AgreementStatus.ENDING)
                or agreement.start_date > on_date
            ):
                raise services.LedgerError(
                    "Choose the person's agreement with the provider that will hold the money "
                    "from that date.",
                    field="agreement",
                )
        move = ScheduledMove.objects.create(
            account=old,
            to=to,
            on_date=on_date,
            provider=provider if to == MOVE_TO_ORGANISATION else (agreement.provider if agreement else None),
            agreement=agreement if to == MOVE_TO_ISF else None,
            made_agreement=made_agreement,
            management_cost_amount=management_cost_amount,
            management_cost_percent=management_cost_percent,
            previous_end_date=arrangement.end_date,
            created_by=actor,
        )
        audit.record(
            actor=actor,
            instance=old,
            event="managed direct payment move asked for",
            changes={"to": (None, to), "on_date": (None, on_date)},
            note=str(move),
        )
        if _due(move, today=today):
            return _complete(move, actor=actor, today=today)
        # Scheduled: the old arrangement ends the day before now, as notice on an agreement does.
        _end_arrangement(
            arrangement,
            last_day=on_date - dt.timedelta(days=1),
            actor=actor,
            why="a move is planned from this date",
        )
        return move


def _due(move: ScheduledMove, *, today: dt.date) -> bool:
    if move.on_date > today:
        return False
    if move.to == MOVE_TO_ISF:
        return move.agreement.status in (AgreementStatus.ACTIVE, AgreementStatus.ENDING)
    return True


def _complete(move: ScheduledMove, *, actor, today: dt.date) -> ScheduledMove:
    target = move_managed_account(
        account=move.account,
        to=move.to,
        on_date=move.on_date,
        actor=actor,
        provider=move.provider,
        agreement=move.agreement,
        management_cost_amount=move.management_cost_amount,
        management_cost_percent=move.management_cost_percent,
        today=today,
    )
    move.status = MoveStatus.DONE
    move.target = target
    move.finished_at, move.finished_by = timezone.now(), actor
    move.save(update_fields=["status", "target", "finished_at", "finished_by"])
    return move


def _lock_move(move: ScheduledMove) -> ScheduledMove:
    return (
        ScheduledMove.objects.select_for_update(of=("self",))
        .select_related("account", "agreement", "provider")
        .get(pk=move.pk)
    )


def complete_move(*, move: ScheduledMove, actor, today: dt.date | None = None) -> ScheduledMove:
    """Do a scheduled move whose date has come (and, into an ISF, whose agreement is accepted). Safe to
    run twice: the move's row lock and its status make a second run do nothing."""
    with transaction.atomic():
        today = today or timezone.localdate()
        move = _lock_move(move)
        if move.status != MoveStatus.SCHEDULED or not _due(move, today=today):
            return move
        return _complete(move, actor=actor, today=today)


def complete_due_moves(*, today: dt.date | None = None, actor=None) -> dict[str, int]:
    """The daily job's first step: every scheduled move whose date has come, each in its own
    transaction; one failure does not stop the rest."""
    today = today or timezone.localdate()
    actor = actor or system_actor()
    done = {"moved": 0, "failed": 0}
    due = ScheduledMove.objects.filter(status=MoveStatus.SCHEDULED, on_date__lte=today).values_list(
        "pk", flat=True
    )
    for pk in list(due):
        try:
            move = complete_move(move=ScheduledMove(pk=pk), actor=actor, today=today)
        except (services.LedgerError, IntegrityError):
            log.exception("Could not complete the move of a managed direct payment %s", pk)
            done["failed"] += 1
        else:
            done["moved"] += move.status == MoveStatus.DONE
    return done


def complete_moves_waiting_for(*, agreement, actor) -> None:
    """providers.hooks on_accept callback: the provider accepted an agreement a managed direct payment
    waits to become; if its date has come the money moves now, in the acceptance's transaction (a
    refusal is logged and left to the daily job, never undoing the acceptance)."""
    for move in ScheduledMove.objects.filter(agreement=agreement, status=MoveStatus.SCHEDULED):
        try:
            with transaction.atomic():
                complete_move(move=move, actor=actor)
        except services.LedgerError:
            log.exception("Could not complete the move of a managed direct payment %s", move.pk)


def cancel_move(*, move: ScheduledMove, actor) -> ScheduledMove:
    """The commissioner cancels a planned move before it happens: the old arrangement's end date is put
    back, and an agreement the move offered is withdrawn (as an ISF move's new agreement can be, until
    the provider accepts it)."""
    with transaction.atomic():
        from providers import services as provider_services

        move = _lock_move(move)
        if move.status == MoveStatus.CANCELLED:
            return move
        if move.status != MoveStatus.SCHEDULED:
            raise services.LedgerError("This change has already happened.")
        if move.made_agreement and move.agreement.status in (AgreementStatus.ACTIVE, AgreementStatus.ENDING):
            raise services.LedgerError(
                f"{move.agreement.provider.name} has accepted the agreement, so the change can no longer be "
                "cancelled. It happens on the date planned."
            )
        if move.made_agreement and move.agreement.status == AgreementStatus.OFFERED:
            provider_services.withdraw_agreement(agreement=move.agreement, actor=actor)
        arrangement = Arrangement.objects.select_for_update().get(pk=move.account.arrangement_id)
        if arrangement.end_date != move.previous_end_date:
            old_end = arrangement.end_date
            arrangement.end_date = move.previous_end_date
            arrangement.save(update_fields=["end_date", "updated_at"])
            audit.record(
                actor=actor,
                instance=arrangement,
                event="planned move cancelled: end date put back",
                changes={"end_date": (old_end, move.previous_end_date)},
            )
        move.status = MoveStatus.CANCELLED
        move.finished_at, move.finished_by = timezone.now(), actor
        move.save(update_fields=["status", "finished_at", "finished_by"])
        audit.record(actor=actor, instance=move.account, event="planned move cancelled", note=str(move))
        return move


def isf_providers_for(*, council, person):
    """Providers in the directory that offer ISFs in the council's area, for a move into an ISF."""
    from organisations.models import Provider

    return list(
        Provider.objects.filter(profile__offers_isf=True, profile__council_areas=council)
        .distinct()
        .order_by("name")
    )


def describe(move: ScheduledMove, *, for_family: bool = False) -> str:
    """A planned move in plain words, for the commissioner's pages or the family's ("you")."""
    account = move.account
    who = "you" if for_family else account.person.given_name or "the person"
    whose = "your" if for_family else f"{who}'s"
    when = f"From {move.on_date:%-d %B %Y}"
    if move.to == MOVE_TO_ORGANISATION:
        text = (
            f"{when}, {move.provider.name} manages {whose} direct payment instead of "
            f"{account.provider.name}. The money left moves to {move.provider.name} that day."
        )
    elif move.to == MOVE_TO_ISF:
        name = move.agreement.provider.name
        text = (
            f"{when}, {name} holds {whose} money as an Individual Service Fund instead of "
            f"{account.provider.name}. The money left moves to {name} that day."
        )
        if move.waiting_for_provider:
            text += f" {name} has not accepted the agreement yet: the money moves when they do."
        elif move.declined:
            reason = move.agreement.decline_reason
            text += f" {name} declined the agreement{f': {reason}' if reason else ''}."
            if not for_family:
                text += " Cancel this change to choose again."
    else:
        text = (
            f"{when}, {who} manage{'' if for_family else 's'} {'your' if for_family else 'their'} direct "
            f"payment {'yourself' if for_family else 'themselves'}, and the money left is paid to "
            f"{'you' if for_family else 'them'}."
        )
    return text
