"""Writes about NHS bodies and partnerships (set up by the operator or demo seeding), and the
Transforming Care discharge tracker and provider capacity."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from budgets.models import Person
from config.api import DomainConflict
from organisations import audit
from organisations.models import Council, Provider, Role
from organisations.selectors import roles_of

from .models import (
    Answer,
    CapacityDeclaration,
    DischargeLine,
    Invitation,
    NhsBody,
    NhsBodyKind,
    Partnership,
    ProviderExperience,
)
from .selectors import may_edit_tracker, people_to_add


def nhs_body_ensure(*, gss_code: str, name: str, ods_code: str, kind: str = NhsBodyKind.ICB) -> Council:
    """An NHS commissioner: a Council row (its staff hold the usual commissioner, approver and
    monitoring officer roles) with its ODS code beside it. Running it again changes nothing."""
    with transaction.atomic():
        council, _ = Council.objects.get_or_create(gss_code=gss_code, defaults={"name": name})
        NhsBody.objects.get_or_create(council=council, defaults={"ods_code": ods_code.upper(), "kind": kind})
        return council


def partnership_ensure(*, code: str, name: str, members: list[Council]) -> Partnership:
    with transaction.atomic():
        partnership, _ = Partnership.objects.get_or_create(code=code, defaults={"name": name})
        partnership.members.add(*members)
        return partnership


# ---- the discharge tracker ---------------------------------------------------------------------

LINE_FIELDS = (
    "setting",
    "setting_name",
    "planned_date",
    "provider",
    "provider_has_met",
    "work_alongside",
    "clinical_support",
    "psychiatrist_support",
    "housing",
    "housing_note",
    "clinical_note",
    "in_the_way",
)


class TrackerError(DomainConflict):
    """A rule about the discharge list was broken; the message is for a person to read."""


def _require_keeper(*, actor, partnership: Partnership) -> None:
    if not may_edit_tracker(user=actor, partnership=partnership):
        raise PermissionDenied("Only a commissioner of a member of this partnership can change its list.")


def _check(line: DischargeLine) -> None:
    if line.provider_id is None and line.provider_has_met in (Answer.YES, Answer.SOMEWHAT):
        raise TrackerError("Choose the provider before saying it has met them.")


def line_add(*, partnership: Partnership, person: Person, actor, shortlist=(), **fields) -> DischargeLine:
    with transaction.atomic():
        _require_keeper(actor=actor, partnership=partnership)
        if not people_to_add(user=actor, partnership=partnership).filter(pk=person.pk).exists():
            raise TrackerError(
                f"{person} cannot be added to this list (already on it, or not your council's)."
            )
        line = DischargeLine(
            partnership=partnership,
            person=person,
            created_by=actor,
            updated_by=actor,
            **{k: v for k, v in fields.items() if k in LINE_FIELDS},
        )
        _check(line)
        line.save()
        line.shortlist.set(shortlist)
        audit.record(
            actor=actor,
            instance=line,
            event="added to the discharge list",
            action=audit.CREATE,
            changes={"partnership": (None, partnership), "planned_date": (None, line.planned_date)},
        )
        return line


def line_update(*, line: DischargeLine, actor, shortlist=None, **fields) -> DischargeLine:
    with transaction.atomic():
        line = DischargeLine.objects.select_for_update().select_related("partnership").get(pk=line.pk)
        _require_keeper(actor=actor, partnership=line.partnership)
        changes = {}
        for name, value in fields.items():
            if name in LINE_FIELDS and getattr(line, name) != value:
                changes[name] = (getattr(line, name), value)
                setattr(line, name, value)
        _check(line)
        line.updated_by = actor
        line.save()
        if shortlist is not None:
            before = set(line.shortlist.all())
            if before != set(shortlist):
                # by name, so the record reads the same whatever order the rows or the form gave
                changes["shortlist"] = (
                    ", ".join(sorted(map(str, before))),
                    ", ".join(sorted(map(str, shortlist))),
                )
                line.shortlist.set(shortlist)
        if changes:
            audit.record(actor=actor, instance=line, event="discharge line changed", changes=changes)
        return line


def line_home(*, line: DischargeLine, on: dt.date, actor) -> DischargeLine:
    """The person has come home: the line stays, counted as home, so the partnership sees progress."""
    with transaction.atomic():
        line = DischargeLine.objects.select_for_update().select_related("partnership").get(pk=line.pk)
        _require_keeper(actor=actor, partnership=line.partnership)
        if line.discharged_on == on:
            return line
        if on > timezone.localdate():
            raise TrackerError("Say they came home only once they have: the date cannot be in the future.")
        old = line.discharged_on
        line.discharged_on, line.updated_by = on, actor
        line.save(update_fields=["discharged_on", "updated_by", "updated_at"])
        audit.record(actor=actor, instance=line, event="came home", changes={"discharged_on": (old, on)})
        return line


# ---- provider capacity and invitations ---------------------------------------------------------


def _require_provider_manager(*, actor, provider: Provider) -> None:
    if provider.pk not in roles_of(user=actor).providers_with(Role.PROVIDER_MANAGER):
        raise PermissionDenied("Only a manager of this provider can say what it can do.")


def capacity_declare(
    *,
    provider: Provider,
    actor,
    years_offering_isfs: int,
    people_supported_home: int,
    areas,
    capacity: dict[int, int | None],
) -> ProviderExperience:
    """What a provider says it can do: its experience, the partnerships' areas it covers, and how many
    people it could support to come home in each year (a blank year leaves that year as it was)."""
    with transaction.atomic():
        _require_provider_manager(actor=actor, provider=provider)
        experience, _ = ProviderExperience.objects.update_or_create(
            provider=provider,
            defaults={
                "years_offering_isfs": years_offering_isfs,
                "people_supported_home": people_supported_home,
                "updated_by": actor,
            },
        )
        experience.areas.set(areas)
        changes = {"areas": (None, ", ".join(str(a) for a in areas))}
        for year, people in capacity.items():
            if people is None:
                continue
            CapacityDeclaration.objects.update_or_create(
                provider=provider, year=year, defaults={"people": people, "declared_by": actor}
            )
            changes[f"capacity_{year}"] = (None, people)
        audit.record(actor=actor, instance=experience, event="capacity declared", changes=changes)
        return experience


def invite(*, partnership: Partnership, provider: Provider, actor, note: str = "") -> Invitation:
    """The partnership asks a provider early to help bring people home. Asking twice changes nothing."""
    with transaction.atomic():
        _require_keeper(actor=actor, partnership=partnership)
        invitation, created = Invitation.objects.get_or_create(
            partnership=partnership, provider=provider, defaults={"invited_by": actor, "note": note.strip()}
        )
        if created:
            audit.record(
                actor=actor, instance=invitation, event="provider invited early", action=audit.CREATE
            )
        return invitation
