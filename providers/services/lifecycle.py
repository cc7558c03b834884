"""An agreement's life once offered: the provider accepts, declines or the commissioner withdraws it;
notice is given; the person moves to another provider (the ISF arrangement and, through the hooks, the
unspent balance follow them); the agreement ends; and the daily job that completes moves and ends."""

from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from budgets.models import Arrangement
from budgets.services import arrangement_end, arrangement_move_to_provider
from organisations import audit
from organisations.services import system_actor

from .. import hooks
from ..models import AgreementStatus, AgreementVersion, ChoiceStatus, FlexibleAgreement, NoticeFrom
from ..selectors import replacement_taking_over
from .agreements import _lock_agreement
from .choices import accept_choice, decline_choice
from .errors import ProviderError


def accept_agreement(*, agreement: FlexibleAgreement, actor) -> FlexibleAgreement:
    """The provider accepts the current version of the terms. A first acceptance makes it agreed."""
    with transaction.atomic():
        agreement = _lock_agreement(agreement)
        if not agreement.awaiting_provider:
            return agreement
        old_status = agreement.status
        if agreement.status == AgreementStatus.OFFERED:
            agreement.status = AgreementStatus.ACTIVE
        agreement.accepted_version = agreement.version
        agreement.accepted_by, agreement.accepted_at = actor, timezone.now()
        agreement.save()
        AgreementVersion.objects.filter(agreement=agreement, number=agreement.version).update(
            accepted_by=actor, accepted_at=agreement.accepted_at
        )
        audit.record(
            actor=actor,
            instance=agreement,
            event=f"agreement accepted by provider (version {agreement.version})",
            changes={"status": (old_status, agreement.status)} if old_status != agreement.status else {},
        )
        if agreement.choice_id and agreement.choice.status == ChoiceStatus.REQUESTED:
            # A choice the commissioner recorded: accepting the agreement accepts the request too.
            accept_choice(choice=agreement.choice, actor=actor)
        if agreement.replaces_id and agreement.start_date <= timezone.localdate():
            _complete_move(agreement=agreement, on_date=agreement.start_date, actor=actor)
        hooks.run_on_accept(agreement=agreement, actor=actor)
        return agreement


def decline_agreement(*, agreement: FlexibleAgreement, reason: str, actor) -> FlexibleAgreement:
    with transaction.atomic():
        reason = (reason or "").strip()
        if not reason:
            raise ProviderError("Say why you cannot accept this agreement.")
        agreement = _lock_agreement(agreement)
        if agreement.status == AgreementStatus.DECLINED:
            return agreement
        if agreement.status != AgreementStatus.OFFERED:
            raise ProviderError("Only an agreement waiting for you to accept can be declined.")
        agreement.status = AgreementStatus.DECLINED
        agreement.decline_reason = reason
        agreement.save()
        audit.record(
            actor=actor,
            instance=agreement,
            event="agreement declined by provider",
            changes={"status": (AgreementStatus.OFFERED, AgreementStatus.DECLINED)},
            note=reason,
        )
        if agreement.choice_id and agreement.choice.status == ChoiceStatus.REQUESTED:
            decline_choice(choice=agreement.choice, reason=reason, actor=actor)
        return agreement


def withdraw_agreement(*, agreement: FlexibleAgreement, actor) -> FlexibleAgreement:
    with transaction.atomic():
        agreement = _lock_agreement(agreement)
        if agreement.status == AgreementStatus.WITHDRAWN:
            return agreement
        if agreement.status != AgreementStatus.OFFERED:
            raise ProviderError("Only an agreement the provider has not yet accepted can be withdrawn.")
        agreement.status = AgreementStatus.WITHDRAWN
        agreement.save()
        audit.record(
            actor=actor,
            instance=agreement,
            event="agreement withdrawn",
            changes={"status": (AgreementStatus.OFFERED, AgreementStatus.WITHDRAWN)},
        )
        return agreement


def give_notice(
    *,
    agreement: FlexibleAgreement,
    notice_from: str,
    actor,
    end_date: date | None = None,
    reason: str = "",
    today: date | None = None,
) -> FlexibleAgreement:
    """End an agreement. The person may do so at any time, for any reason, with the agreed notice
    (28 days by default); the provider must say why and give its longer notice (56 days by default).
    `end_date` is the last day of the agreement; it defaults to the earliest the notice allows."""
    with transaction.atomic():
        today = today or timezone.localdate()
        reason = (reason or "").strip()
        agreement = _lock_agreement(agreement)
        if agreement.status not in (AgreementStatus.ACTIVE, AgreementStatus.ENDING):
            raise ProviderError("Notice can only be given on an agreement that is in place.")
        if agreement.status == AgreementStatus.ENDING:
            raise ProviderError(
                f"Notice has already been given: the agreement ends on {agreement.end_date:%-d %B %Y}."
            )
        if notice_from == NoticeFrom.PERSON:
            earliest = agreement.earliest_person_end_date(today)
            days = agreement.person_notice_days
            who = "You need to give"
        elif notice_from == NoticeFrom.PROVIDER:
            if not reason:
                raise ProviderError(
                    "Say why you are ending the agreement. The person and the council will see it."
                )
            earliest = agreement.earliest_provider_end_date(today)
            days = agreement.provider_notice_days
            who = "The provider must give"
        else:
            raise ProviderError("Notice comes from the person or the provider.")
        end_date = end_date or earliest
        if end_date < earliest:
            raise ProviderError(f"{who} {days} days' notice. The earliest end date is {earliest:%-d %B %Y}.")
        old_end = agreement.end_date
        agreement.status = AgreementStatus.ENDING
        agreement.end_date = end_date
        agreement.notice_from = notice_from
        agreement.notice_given_by, agreement.notice_given_at = actor, timezone.now()
        agreement.notice_reason = reason
        agreement.save()
        audit.record(
            actor=actor,
            instance=agreement,
            event=f"notice given by the {notice_from}",
            changes={
                "status": (AgreementStatus.ACTIVE, AgreementStatus.ENDING),
                "end_date": (old_end, end_date),
            },
            note=reason,
        )
        return agreement


def _end_arrangement(arrangement: Arrangement | None, last_day: date, *, actor, event: str) -> None:
    """End the ISF arrangement on the agreement's last day, so monitoring counts stay true."""
    if arrangement is not None:
        arrangement_end(arrangement=arrangement, last_day=last_day, actor=actor, event=event)


def _complete_move(*, agreement: FlexibleAgreement, on_date: date, actor) -> FlexibleAgreement:
    """The person moves from `agreement.replaces` to `agreement`: the old one ends, the ISF arrangement
    passes to the new provider, and the hooks (the ledger moving the unspent balance) run in this same
    transaction. Callers hold the lock on `agreement`."""
    if agreement.move_completed_at is not None:
        return agreement
    old = _lock_agreement(agreement.replaces)
    if old.status in (AgreementStatus.ACTIVE, AgreementStatus.ENDING):
        old_status = old.status
        old.status = AgreementStatus.ENDED
        old.save(update_fields=["status", "updated_at"])
        audit.record(
            actor=actor,
            instance=old,
            event="agreement ended: person moved",
            changes={"status": (old_status, old.status)},
        )
    _end_arrangement(
        old.arrangement,
        old.end_date or on_date - timedelta(days=1),
        actor=actor,
        event="arrangement ended: person moved provider",
    )
    if agreement.arrangement_id is None:
        source = old.arrangement
        if source is None:
            raise ProviderError("The old agreement has no arrangement to move.")
        agreement.arrangement = arrangement_move_to_provider(
            arrangement=source,
            provider=agreement.provider,
            annual_amount=agreement.annual_budget,
            start_date=agreement.start_date,
            actor=actor,
        )
    agreement.move_completed_at = timezone.now()
    agreement.save(update_fields=["arrangement", "move_completed_at", "updated_at"])
    audit.record(
        actor=actor,
        instance=agreement,
        event="person moved to this agreement",
        changes={"replaces": (old, agreement)},
    )
    hooks.run_on_move(old_agreement=old, new_agreement=agreement, on_date=on_date, actor=actor)
    return agreement


def complete_move(*, agreement: FlexibleAgreement, actor, today: date | None = None) -> FlexibleAgreement:
    with transaction.atomic():
        today = today or timezone.localdate()
        agreement = _lock_agreement(agreement)
        if agreement.replaces_id is None:
            raise ProviderError("This agreement does not replace another.")
        if agreement.status not in (AgreementStatus.ACTIVE, AgreementStatus.ENDING):
            raise ProviderError("The provider has not accepted this agreement yet.")
        if agreement.start_date > today:
            raise ProviderError(f"The move happens on {agreement.start_date:%-d %B %Y}.")
        return _complete_move(agreement=agreement, on_date=agreement.start_date, actor=actor)


def end_agreement(*, agreement: FlexibleAgreement, actor, today: date | None = None) -> FlexibleAgreement:
    """An agreement whose last day has passed ends. With no replacement waiting, the `on_end` hooks run
    (the unspent balance is then settled with the council)."""
    with transaction.atomic():
        today = today or timezone.localdate()
        agreement = _lock_agreement(agreement)
        if agreement.status == AgreementStatus.ENDED:
            return agreement
        if (
            agreement.status != AgreementStatus.ENDING
            or agreement.end_date is None
            or agreement.end_date >= today
        ):
            raise ProviderError("This agreement has not reached its end date.")
        agreement.status = AgreementStatus.ENDED
        agreement.save(update_fields=["status", "updated_at"])
        audit.record(
            actor=actor,
            instance=agreement,
            event="agreement ended",
            changes={"status": (AgreementStatus.ENDING, AgreementStatus.ENDED)},
        )
        _end_arrangement(
            agreement.arrangement, agreement.end_date, actor=actor, event="arrangement ended: agreement ended"
        )
        if replacement_taking_over(agreement) is None:
            hooks.run_on_end(agreement=agreement, on_date=agreement.end_date + timedelta(days=1), actor=actor)
        return agreement


def complete_due_changes(*, today: date | None = None, actor=None) -> dict[str, int]:
    """The daily job: complete every move whose date has come, then end agreements whose last day has
    passed. Each runs in its own transaction and re-checks under its row lock, so a second worker or a
    retry does nothing twice; one failure does not stop the rest."""
    today = today or timezone.localdate()
    actor = actor or system_actor()
    done = {"moved": 0, "ended": 0, "failed": 0}
    due_moves = FlexibleAgreement.objects.filter(
        replaces__isnull=False,
        move_completed_at__isnull=True,
        status__in=[AgreementStatus.ACTIVE, AgreementStatus.ENDING],
        start_date__lte=today,
    ).values_list("pk", flat=True)
    for pk in list(due_moves):
        try:
            complete_move(agreement=FlexibleAgreement(pk=pk), actor=actor, today=today)
            done["moved"] += 1
        except (ProviderError, IntegrityError):
            done["failed"] += 1
    due_ends = FlexibleAgreement.objects.filter(
        status=AgreementStatus.ENDING, end_date__lt=today
    ).values_list("pk", flat=True)
    for pk in list(due_ends):
        try:
            end_agreement(agreement=FlexibleAgreement(pk=pk), actor=actor, today=today)
            done["ended"] += 1
        except (ProviderError, IntegrityError):
            done["failed"] += 1
    return done
