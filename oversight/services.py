"""Writes for proportionate oversight (issue 19). Every step is recorded in the budget's history (an
audit entry on the arrangement, which the budget history page lists) and in the check's own trail.

Rules: a check only ever starts a conversation; nothing is decided before the conversation; any
recovery is a Decision by a named commissioner or approver with a written reason the family sees; the
family may ask again, and then someone other than the first decider decides."""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from budgets.models import Arrangement
from config.api import DomainConflict
from organisations import audit
from organisations.models import Council
from organisations.money import format_money, to_money

from . import wording
from .models import ZERO, AnnualStatement, Check, CheckKind, CheckStatus, Decision, Outcome, OversightSettings
from .selectors import STATEMENT_TYPES, arrangements_to_check, held_for, is_case_staff


class OversightError(DomainConflict):
    """A step that is not allowed now, with the reason in plain words."""


class NotAllowed(Exception):
    pass


def settings_for(council: Council) -> OversightSettings:
    return OversightSettings.objects.get_or_create(council=council)[0]


def settings_save(*, council: Council, actor, **fields) -> OversightSettings:
    s = settings_for(council)
    changes = {k: (getattr(s, k), v) for k, v in fields.items() if getattr(s, k) != v}
    for k, v in fields.items():
        setattr(s, k, v)
    s.updated_by = actor
    s.save()
    audit.record(actor=actor, instance=s, event="direct-payment check settings changed", changes=changes)
    return s


def _step(*, check: Check, actor, event: str, note: str = "", changes=None, by: str = "") -> None:
    """One step, in the budget's history and the check's trail."""
    for instance in (check.arrangement, check):
        audit.record(actor=actor, instance=instance, event=event, note=note, changes=changes, by=by)


def _open_exists(arrangement: Arrangement, kind: str) -> bool:
    return arrangement.oversight_checks.filter(kind=kind).exclude(status=CheckStatus.DECIDED).exists()


def _asked_lately(arrangement: Arrangement, kind: str, *, today: dt.date, days: int) -> bool:
    """Open now, or decided within the last `days`: the daily rules do not ask the family the same
    question again straight after it was answered (they wait the council's own period again)."""
    since = today - dt.timedelta(days=days)
    return (
        _open_exists(arrangement, kind)
        or arrangement.oversight_checks.filter(kind=kind, decisions__decided_at__date__gt=since).exists()
    )


def _start(*, arrangement: Arrangement, kind: str, reason: str, actor=None, balance=None) -> Check:
    check = Check.objects.create(
        council_id=arrangement.council_id,
        arrangement=arrangement,
        kind=kind,
        reason=reason,
        balance=balance,
        raised_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    # Started by a person (a concern) or by the council's rules (the daily run or the staff's button).
    _step(
        check=check,
        actor=actor,
        event=f"check started ({check.get_kind_display().lower()})",
        note=reason,
        by="" if check.raised_by_id else wording.STARTED_BY_RULES,
    )
    return check


def run_checks(*, council: Council, today: dt.date | None = None, actor=None) -> list[Check]:
    """The council's configured risk-based checks over budgets held as direct payments or ISFs. Each
    only starts a check (a conversation); one open check of a kind per arrangement at a time, and not
    again until the council's period (the weeks or days in its settings) has passed since the last
    decision on that kind. Run daily by beat (oversight.tasks) and by the staff's button."""
    with transaction.atomic():
        today = today or timezone.localdate()
        # The council's settings row is the lock: the daily beat and the button, run at the same moment,
        # take turns, so the second finds the first's open checks and starts none twice.
        s = OversightSettings.objects.select_for_update().get_or_create(council=council)[0]
        started = []
        for arrangement in arrangements_to_check(council_id=council.pk, today=today):
            held = held_for(arrangement, today)
            if s.large_balance_enabled and held.balance is not None:
                threshold = to_money(arrangement.annual_amount * s.large_balance_weeks / Decimal(52))
                wait = s.large_balance_weeks * 7
                if held.balance > threshold and not _asked_lately(
                    arrangement, CheckKind.LARGE_BALANCE, today=today, days=wait
                ):
                    reason = wording.large_balance_reason(
                        balance=held.balance,
                        threshold=threshold,
                        weeks=s.large_balance_weeks,
                        source=held.source,
                    )
                    started.append(
                        _start(
                            arrangement=arrangement,
                            kind=CheckKind.LARGE_BALANCE,
                            reason=reason,
                            balance=held.balance,
                        )
                    )
            quiet = held.last_spent_on is not None and (today - held.last_spent_on).days > s.no_spending_days
            if (
                s.no_spending_enabled
                and quiet
                and not _asked_lately(
                    arrangement, CheckKind.NO_SPENDING, today=today, days=s.no_spending_days
                )
            ):
                reason = wording.no_spending_reason(last_spent_on=held.last_spent_on, days=s.no_spending_days)
                started.append(_start(arrangement=arrangement, kind=CheckKind.NO_SPENDING, reason=reason))
        return started


def _require_staff(*, actor, council_id: int) -> None:
    if not is_case_staff(user=actor, council_id=council_id):
        raise NotAllowed("Only a commissioner or approver of this council can do this.")


def raise_concern(*, arrangement: Arrangement, actor, concern: str) -> Check:
    with transaction.atomic():
        _require_staff(actor=actor, council_id=arrangement.council_id)
        if not settings_for(arrangement.council).concern_enabled:
            raise OversightError("This council does not use concerns as a reason for a check.")
        concern = (concern or "").strip()
        if not concern:
            raise OversightError("Say what the concern is, in words the family will read.")
        reason = wording.concern_reason(who=actor.display_name, concern=concern)
        return _start(arrangement=arrangement, kind=CheckKind.CONCERN, reason=reason, actor=actor)


def _locked(check: Check) -> Check:
    return Check.objects.select_for_update().select_related("arrangement").get(pk=check.pk)


def record_conversation(*, check: Check, actor, note: str, on: dt.date | None = None) -> Check:
    with transaction.atomic():
        _require_staff(actor=actor, council_id=check.council_id)
        check = _locked(check)
        if check.status not in (CheckStatus.TALK_FIRST, CheckStatus.TALKED, CheckStatus.ASKED_AGAIN):
            raise OversightError("This check has been decided. The family can ask us to look again.")
        note = (note or "").strip()
        if not note:
            raise OversightError("Write what you talked about: the family will read it.")
        check.conversation_note = note
        check.conversation_by = actor
        check.conversation_on = on or timezone.localdate()
        if check.status == CheckStatus.TALK_FIRST:
            check.status = CheckStatus.TALKED
        check.save()
        _step(check=check, actor=actor, event="talked with the family", note=note)
        return check


def family_reply(*, check: Check, actor, text: str) -> Check:
    with transaction.atomic():
        check = _locked(check)
        text = (text or "").strip()
        if not text:
            raise OversightError("Write what you would like us to know.")
        check.family_reply = text
        check.family_reply_at = timezone.now()
        check.save()
        _step(check=check, actor=actor, event="the family said", note=text)
        return check


def decide(
    *,
    check: Check,
    actor,
    outcome: str,
    reason: str,
    amount_kept: Decimal = ZERO,
    kept_for: str = "",
    amount_recovered: Decimal = ZERO,
) -> Decision:
    """A named person decides, with a written reason the family sees. Never before the conversation;
    after the family asks again, someone other than the first decider."""
    with transaction.atomic():
        _require_staff(actor=actor, council_id=check.council_id)
        check = _locked(check)
        if check.status == CheckStatus.TALK_FIRST:
            raise OversightError("Talk with the family first: record the conversation before deciding.")
        if check.status == CheckStatus.DECIDED:
            raise OversightError("This check has been decided. The family can ask us to look again.")
        previous = check.decision
        if check.status == CheckStatus.ASKED_AGAIN and previous and previous.decided_by_id == actor.pk:
            raise OversightError("Someone other than the person who made the first decision must look again.")
        reason = (reason or "").strip()
        if not reason:
            raise OversightError("Write the reason for the decision: the family will read it.")
        amount_kept, amount_recovered = amount_kept or ZERO, amount_recovered or ZERO
        kept_for = (kept_for or "").strip()
        if outcome not in Outcome.values:
            raise OversightError("Choose what was decided.")
        if outcome == Outcome.RECOVERED and amount_recovered <= 0:
            raise OversightError("Enter the amount going back to the council.")
        if outcome != Outcome.RECOVERED and amount_recovered:
            raise OversightError("Money goes back to the council only when that is the decision.")
        if amount_kept and not kept_for:
            raise OversightError("Say what the kept money is for.")
        if outcome == Outcome.KEPT and amount_kept <= 0:
            raise OversightError("Enter the amount kept for the agreed purpose.")
        if check.balance is not None and amount_recovered + amount_kept > check.balance:
            raise OversightError(f"The amounts come to more than the {format_money(check.balance)} unspent.")
        decision = Decision.objects.create(
            check_obj=check,
            outcome=outcome,
            reason=reason,
            decided_by=actor,
            amount_kept=amount_kept,
            kept_for=kept_for,
            amount_recovered=amount_recovered,
            on_asking_again=check.status == CheckStatus.ASKED_AGAIN,
        )
        check.status = CheckStatus.DECIDED
        check.save()
        changes = {
            "outcome": (previous.get_outcome_display() if previous else None, decision.get_outcome_display())
        }
        if amount_recovered:
            changes["amount_recovered"] = (None, amount_recovered)
        if amount_kept:
            changes["amount_kept"] = (None, amount_kept)
            changes["kept_for"] = (None, kept_for)
        _step(check=check, actor=actor, event="check decided", note=reason, changes=changes)
        return decision


def ask_again(*, check: Check, actor, reason: str) -> Check:
    """The family's right to ask again, once, after a decision."""
    with transaction.atomic():
        check = _locked(check)
        if check.status != CheckStatus.DECIDED:
            raise OversightError("You can ask us to look again once a decision has been made.")
        if check.decision.on_asking_again:
            raise OversightError(
                "This decision was already looked at again. Contact the council to complain."
            )
        reason = (reason or "").strip()
        if not reason:
            raise OversightError("Tell us why you would like us to look again.")
        check.status = CheckStatus.ASKED_AGAIN
        check.ask_again_reason = reason
        check.asked_again_at = timezone.now()
        check.save()
        _step(check=check, actor=actor, event="the family asked us to look again", note=reason)
        return check


def send_statement(
    *, arrangement: Arrangement, actor, year_end: dt.date, paid_for: str, money_received, money_spent
) -> AnnualStatement:
    """The light annual statement: what the money paid for, in the person's words, with totals."""
    with transaction.atomic():
        if arrangement.management_type not in STATEMENT_TYPES:
            raise OversightError("Annual statements are for direct payments.")
        paid_for = (paid_for or "").strip()
        if not paid_for:
            raise OversightError("Tell us, in your own words, what the money paid for.")
        if AnnualStatement.objects.filter(arrangement=arrangement, year_end=year_end).exists():
            raise OversightError(f"You have already sent a statement for the year to {year_end:%-d %B %Y}.")
        statement = AnnualStatement.objects.create(
            arrangement=arrangement,
            council_id=arrangement.council_id,
            year_end=year_end,
            paid_for=paid_for,
            money_received=money_received,
            money_spent=money_spent,
            money_left=to_money(money_received - money_spent),
            sent_by=actor,
        )
        audit.record(
            actor=actor,
            instance=arrangement,
            event="annual statement sent",
            note=paid_for,
            changes={"money_left": (None, statement.money_left)},
        )
        return statement


def read_statement(*, statement: AnnualStatement, actor, note: str = "") -> AnnualStatement:
    with transaction.atomic():
        _require_staff(actor=actor, council_id=statement.council_id)
        statement.read_by = actor
        statement.read_at = timezone.now()
        statement.read_note = (note or "").strip()
        statement.save()
        audit.record(
            actor=actor,
            instance=statement.arrangement,
            event="annual statement read",
            note=statement.read_note,
        )
        return statement
