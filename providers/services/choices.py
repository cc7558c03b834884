"""Choosing a provider: the person's shortlist and request, a choice the commissioner records for them,
and the provider's answer. Each change locks the person (or the choice) first, so two clicks cannot both
act."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from budgets.models import Person
from organisations import audit
from organisations.models import Provider

from ..models import (
    OPEN_CHOICE_STATUSES,
    AgreementStatus,
    ChoiceMade,
    ChoiceStatus,
    ProviderChoice,
    ProviderProfile,
)
from ..selectors import is_commissioner_for
from .errors import ProviderError


def _open_choice(person: Person, provider: Provider) -> ProviderChoice | None:
    return (
        ProviderChoice.objects.select_for_update()
        .filter(person=person, provider=provider, status__in=OPEN_CHOICE_STATUSES)
        .first()
    )


def shortlist_provider(*, person: Person, provider: Provider, actor) -> ProviderChoice:
    """Put a provider on the person's shortlist (does nothing if it is there, or already asked)."""
    with transaction.atomic():
        Person.objects.select_for_update().get(pk=person.pk)  # one shortlist change per person at a time
        existing = _open_choice(person, provider)
        if existing:
            return existing
        choice = ProviderChoice.objects.create(person=person, provider=provider, created_by=actor)
        audit.record(
            actor=actor,
            instance=choice,
            event="provider shortlisted",
            action=audit.CREATE,
            changes={"status": (None, choice.status)},
        )
        return choice


def ask_provider(*, person: Person, provider: Provider, message: str, actor) -> ProviderChoice:
    """The person asks the provider to support them. A shortlisted choice becomes a request."""
    with transaction.atomic():
        Person.objects.select_for_update().get(pk=person.pk)
        profile = ProviderProfile.objects.filter(provider=provider).first()
        if profile is not None and not profile.taking_new_people:
            raise ProviderError(f"{provider.name} is not taking on new people at the moment.")
        choice = _open_choice(person, provider)
        if choice and choice.status != ChoiceStatus.SHORTLISTED:
            raise ProviderError(f"You have already asked {provider.name}.")
        if choice is None:
            choice = ProviderChoice(person=person, provider=provider, created_by=actor)
        old = choice.status if choice.pk else None
        choice.status = ChoiceStatus.REQUESTED
        choice.message = (message or "").strip()
        choice.requested_at = timezone.now()
        choice.save()
        audit.record(
            actor=actor,
            instance=choice,
            event="provider asked",
            action=audit.UPDATE if old else audit.CREATE,
            changes={"status": (old, choice.status)},
            note=choice.message,
        )
        return choice


def record_choice(
    *,
    person: Person,
    provider: Provider,
    made: str,
    chosen_by: str,
    chosen_on: date,
    actor,
    message: str = "",
    today: date | None = None,
) -> ProviderChoice:
    """The commissioner records a choice the person made by phone, on paper or at a meeting (who chose,
    how, when). The provider sees it as a request to accept, like one made online; the commissioner may
    set up the agreement from it straight away, and the provider accepting the agreement accepts it."""
    with transaction.atomic():
        if not is_commissioner_for(user=actor, agreement_or_person=person):
            raise ProviderError("Only a commissioner of the person's council can record their choice.")
        if made not in (ChoiceMade.PHONE, ChoiceMade.PAPER, ChoiceMade.MEETING):
            raise ProviderError("Say how the choice was made: by phone, on paper or at a meeting.")
        chosen_by = (chosen_by or "").strip()
        if not chosen_by:
            raise ProviderError("Say who made the choice, for example the person or their mother.")
        if chosen_on > (today or timezone.localdate()):
            raise ProviderError("The date the choice was made cannot be in the future.")
        Person.objects.select_for_update().get(pk=person.pk)
        choice = _open_choice(person, provider)
        if choice and choice.status != ChoiceStatus.SHORTLISTED:
            raise ProviderError(f"{person} has already asked {provider.name}.")
        if choice is None:
            choice = ProviderChoice(person=person, provider=provider, created_by=actor)
        old = choice.status if choice.pk else None
        choice.status = ChoiceStatus.REQUESTED
        choice.made, choice.chosen_by, choice.chosen_on = made, chosen_by, chosen_on
        choice.message = (message or "").strip()
        choice.requested_at = timezone.now()
        choice.save()
        audit.record(
            actor=actor,
            instance=choice,
            event=f"choice recorded by the commissioner ({ChoiceMade(made).label.lower()})",
            action=audit.UPDATE if old else audit.CREATE,
            changes={
                "status": (old, choice.status),
                "chosen_by": (None, chosen_by),
                "chosen_on": (None, chosen_on),
            },
            note=choice.message,
        )
        return choice


def _lock_choice(choice: ProviderChoice) -> ProviderChoice:
    return (
        ProviderChoice.objects.select_for_update(of=("self",))
        .select_related("person", "provider")
        .get(pk=choice.pk)
    )


def withdraw_choice(*, choice: ProviderChoice, actor) -> ProviderChoice:
    """The person takes a provider off their shortlist, or withdraws a request or acceptance."""
    with transaction.atomic():
        choice = _lock_choice(choice)
        if choice.status == ChoiceStatus.WITHDRAWN:
            return choice
        if choice.status not in OPEN_CHOICE_STATUSES:
            raise ProviderError("This choice has already been answered and cannot be withdrawn.")
        if choice.agreements.exclude(
            status__in=[AgreementStatus.DECLINED, AgreementStatus.WITHDRAWN, AgreementStatus.ENDED]
        ).exists():
            raise ProviderError(
                "There is an agreement with this provider. To end it, give notice on the agreement."
            )
        old = choice.status
        choice.status = ChoiceStatus.WITHDRAWN
        choice.save(update_fields=["status", "updated_at"])
        audit.record(
            actor=actor, instance=choice, event="choice withdrawn", changes={"status": (old, choice.status)}
        )
        return choice


def accept_choice(*, choice: ProviderChoice, actor) -> ProviderChoice:
    """The provider agrees to support the person. The commissioner now sees the choice."""
    with transaction.atomic():
        choice = _lock_choice(choice)
        if choice.status == ChoiceStatus.ACCEPTED:
            return choice
        if choice.status != ChoiceStatus.REQUESTED:
            raise ProviderError("Only a request waiting for an answer can be accepted.")
        choice.status = ChoiceStatus.ACCEPTED
        choice.decided_by, choice.decided_at = actor, timezone.now()
        choice.save()
        audit.record(
            actor=actor,
            instance=choice,
            event="request accepted",
            changes={"status": (ChoiceStatus.REQUESTED, ChoiceStatus.ACCEPTED)},
        )
        return choice


def decline_choice(*, choice: ProviderChoice, reason: str, actor) -> ProviderChoice:
    with transaction.atomic():
        reason = (reason or "").strip()
        if not reason:
            raise ProviderError("Say why you cannot support this person, so they can choose again.")
        choice = _lock_choice(choice)
        if choice.status == ChoiceStatus.DECLINED:
            return choice
        if choice.status != ChoiceStatus.REQUESTED:
            raise ProviderError("Only a request waiting for an answer can be declined.")
        choice.status = ChoiceStatus.DECLINED
        choice.decline_reason = reason
        choice.decided_by, choice.decided_at = actor, timezone.now()
        choice.save()
        audit.record(
            actor=actor,
            instance=choice,
            event="request declined",
            changes={"status": (ChoiceStatus.REQUESTED, ChoiceStatus.DECLINED)},
            note=reason,
        )
        return choice
