"""Writes for brokerage: invitations, a broker's shortlist and asks, the family's confirmation, and
enquiries. Every change is recorded in the audit trail with who made it. A broker approves nothing:
their ask reaches a provider only when the family confirms it, and only the council agrees a plan."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from budgets.models import Person
from budgets.selectors import people_represented_by
from config.api import DomainConflict
from organisations import audit
from organisations.models import Provider, Role
from organisations.selectors import roles_of
from providers import services as provider_services
from providers.models import OrganisationKind, ProviderProfile

from .models import AskStatus, BrokerageOffer, DraftAsk, Enquiry, Invitation, InvitedAs
from .selectors import live_invitation


class BrokerageError(DomainConflict):
    """A rule of brokerage was broken; the message says which, in plain words."""


class NotAllowed(BrokerageError):
    pass


def _require_brokerage(brokerage: Provider) -> None:
    if not ProviderProfile.objects.filter(
        provider=brokerage, organisation_kind=OrganisationKind.SUPPORT_BROKERAGE
    ).exists():
        raise BrokerageError(f"{brokerage.name} is not an independent support brokerage.")


def _check_dates(until: dt.date | None) -> None:
    if until is not None and until < timezone.localdate():
        raise BrokerageError("The date the help ends must be today or later.")


def _existing_live(person: Person, brokerage: Provider) -> Invitation | None:
    from .selectors import live_q

    return Invitation.objects.filter(live_q(), person=person, brokerage=brokerage).first()


def invite(*, person: Person, brokerage: Provider, purpose: str, until: dt.date | None, actor) -> Invitation:
    """The person or their representative invites a brokerage to help them."""
    with transaction.atomic():
        if not people_represented_by(user=actor).filter(pk=person.pk).exists():
            raise NotAllowed("Only the person, or someone acting for them, can invite a broker this way.")
        return _create(
            person=person, brokerage=brokerage, purpose=purpose, until=until, actor=actor,
            invited_as=InvitedAs.FAMILY, family_agreement="",
        )  # fmt: skip


def invite_for_family(
    *, person: Person, brokerage: Provider, purpose: str, until: dt.date | None, family_agreement: str, actor
) -> Invitation:
    """The commissioner invites a brokerage, recording how and when the person or family agreed."""
    with transaction.atomic():
        if person.council_id not in roles_of(user=actor).councils_with(Role.COMMISSIONER):
            raise NotAllowed("Only the person's social worker can invite a broker for them.")
        if not (family_agreement or "").strip():
            raise BrokerageError("Say how and when the person or their family agreed to this.")
        return _create(
            person=person, brokerage=brokerage, purpose=purpose, until=until, actor=actor,
            invited_as=InvitedAs.COMMISSIONER, family_agreement=family_agreement.strip(),
        )  # fmt: skip


def _create(*, person, brokerage, purpose, until, actor, invited_as, family_agreement) -> Invitation:
    _require_brokerage(brokerage)
    _check_dates(until)
    purpose = (purpose or "").strip()
    if not purpose:
        raise BrokerageError("Say what you would like the broker to help with.")
    Person.objects.select_for_update().get(pk=person.pk)
    if _existing_live(person, brokerage):
        raise BrokerageError(f"{brokerage.name} is already helping. End that first to change it.")
    invitation = Invitation.objects.create(
        person=person,
        brokerage=brokerage,
        purpose=purpose,
        until=until,
        invited_as=invited_as,
        family_agreement=family_agreement,
        invited_by=actor,
    )
    audit.record(
        actor=actor,
        instance=invitation,
        event="broker invited",
        action=audit.CREATE,
        changes={"brokerage": (None, brokerage.name), "until": (None, until or "until ended")},
        note=family_agreement or purpose,
    )
    return invitation


def end_invitation(*, invitation: Invitation, actor, reason: str = "") -> Invitation:
    """The person or family ends the broker's help, at any time; the broker's access ends at once."""
    with transaction.atomic():
        if not people_represented_by(user=actor).filter(pk=invitation.person_id).exists():
            raise NotAllowed("Only the person, or someone acting for them, can end a broker's help.")
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.ended_at is not None:
            return invitation
        invitation.ended_at, invitation.ended_by = timezone.now(), actor
        invitation.end_reason = (reason or "").strip()
        invitation.save(update_fields=["ended_at", "ended_by", "end_reason"])
        # Asks the family had not confirmed are not sent.
        for ask in invitation.asks.filter(status=AskStatus.WAITING):
            _decide(ask, actor, AskStatus.NOT_SENT)
        audit.record(
            actor=actor,
            instance=invitation,
            event="broker's help ended",
            changes={"ended": ("", "yes")},
            note=invitation.end_reason,
        )
        return invitation


def _broker_invitation(*, actor, person: Person) -> Invitation:
    invitation = live_invitation(user=actor, person=person)
    if invitation is None:
        raise NotAllowed("You can help this person only while they have invited you.")
    return invitation


def shortlist_for(*, person: Person, provider: Provider, actor):
    """A broker adds a provider to the person's shortlist, which the family sees and compares."""
    with transaction.atomic():
        _broker_invitation(actor=actor, person=person)
        return provider_services.shortlist_provider(person=person, provider=provider, actor=actor)


def draft_ask(*, person: Person, provider: Provider, message: str, actor) -> DraftAsk:
    """A broker writes an ask to a provider for the family; it waits for the family to confirm."""
    with transaction.atomic():
        invitation = _broker_invitation(actor=actor, person=person)
        message = (message or "").strip()
        if not message:
            raise BrokerageError("Write what the family would like to ask.")
        profile = ProviderProfile.objects.filter(provider=provider).first()
        if profile is not None and not profile.taking_new_people:
            raise BrokerageError(f"{provider.name} is not taking on new people at the moment.")
        if DraftAsk.objects.filter(person=person, provider=provider, status=AskStatus.WAITING).exists():
            raise BrokerageError(f"An ask to {provider.name} is already waiting for the family.")
        ask = DraftAsk.objects.create(
            invitation=invitation, person=person, provider=provider, message=message, drafted_by=actor
        )
        audit.record(
            actor=actor, instance=ask, event="ask drafted by broker", action=audit.CREATE, note=message
        )
        return ask


def _decide(ask: DraftAsk, actor, status: str) -> DraftAsk:
    ask.status, ask.decided_by, ask.decided_at = status, actor, timezone.now()
    ask.save(update_fields=["status", "decided_by", "decided_at", "choice"])
    audit.record(actor=actor, instance=ask, event=f"ask {status}", changes={"status": ("waiting", status)})
    return ask


def confirm_ask(*, ask: DraftAsk, actor) -> DraftAsk:
    """The person or family confirms the broker's ask: it is sent to the provider as their request."""
    with transaction.atomic():
        if not people_represented_by(user=actor).filter(pk=ask.person_id).exists():
            raise NotAllowed("Only the person, or someone acting for them, can send this.")
        ask = DraftAsk.objects.select_for_update().get(pk=ask.pk)
        if ask.status != AskStatus.WAITING:
            raise BrokerageError("This ask has already been answered.")
        try:
            ask.choice = provider_services.ask_provider(
                person=ask.person, provider=ask.provider, message=ask.message, actor=actor
            )
        except provider_services.ProviderError as exc:
            raise BrokerageError(str(exc)) from exc
        return _decide(ask, actor, AskStatus.CONFIRMED)


def decline_ask(*, ask: DraftAsk, actor) -> DraftAsk:
    with transaction.atomic():
        if not people_represented_by(user=actor).filter(pk=ask.person_id).exists():
            raise NotAllowed("Only the person, or someone acting for them, can decide this.")
        ask = DraftAsk.objects.select_for_update().get(pk=ask.pk)
        if ask.status != AskStatus.WAITING:
            raise BrokerageError("This ask has already been answered.")
        return _decide(ask, actor, AskStatus.NOT_SENT)


def send_enquiry(
    *, brokerage: Provider, name: str, contact: str, message: str, pays_own_way: bool
) -> Enquiry:
    """Anyone, with or without an account, asks a brokerage for help."""
    _require_brokerage(brokerage)
    values = {
        "name": (name or "").strip(),
        "contact": (contact or "").strip(),
        "message": (message or "").strip(),
    }
    for field, words in (
        ("name", "your name"),
        ("contact", "how to contact you"),
        ("message", "what you need"),
    ):
        if not values[field]:
            raise BrokerageError(f"Enter {words}.")
    return Enquiry.objects.create(brokerage=brokerage, pays_own_way=pays_own_way, **values)


def save_offer(*, brokerage: Provider, cost: str, hourly_rate=None, funded_by=(), helps_self_funders=True):
    """Set what a brokerage costs and which councils pay for it (directory set-up and demo data)."""
    with transaction.atomic():
        offer, _ = BrokerageOffer.objects.update_or_create(
            provider=brokerage,
            defaults={"cost": cost, "hourly_rate": hourly_rate, "helps_self_funders": helps_self_funders},
        )
        offer.funded_by.set(funded_by)
        return offer
