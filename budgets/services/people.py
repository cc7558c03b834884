"""People and the representatives who act for them."""

import datetime as dt

from django.db import transaction

from organisations import audit
from organisations.models import Council
from organisations.services import ensure_user
from organisations.validators import is_reference

from ..models import Person, PrimarySupportReason, Representative
from .access import _require_commissioner
from .errors import BudgetError


def person_create(
    *,
    council: Council,
    person_ref: str,
    date_of_birth: dt.date,
    primary_support_reason: str,
    actor,
    given_name: str = "",
    family_name: str = "",
    postcode: str = "",
    check_role: bool = True,
) -> Person:
    with transaction.atomic():
        if check_role:
            _require_commissioner(actor=actor, council_id=council.pk)
        if not is_reference(person_ref):
            raise BudgetError(
                "Enter a reference of 1 to 64 letters, digits, full stops, underscores, slashes or hyphens."
            )
        if primary_support_reason not in PrimarySupportReason.values:
            raise BudgetError("Choose a primary support reason.")
        if Person.objects.filter(council=council, person_ref=person_ref).exists():
            raise BudgetError(f"{council} already has a person with reference {person_ref}.")
        person = Person.objects.create(
            council=council,
            person_ref=person_ref,
            given_name=given_name,
            family_name=family_name,
            date_of_birth=date_of_birth,
            primary_support_reason=primary_support_reason,
            postcode=postcode,
        )
        audit.record(
            actor=actor,
            instance=person,
            event="person added",
            action=audit.CREATE,
            changes={
                "person_ref": (None, person_ref),
                "date_of_birth": (None, date_of_birth),
                "primary_support_reason": (None, primary_support_reason),
            },
        )
        return person


def representative_add(
    *, person: Person, email: str, full_name: str, relationship: str, actor
) -> Representative:
    """Let someone act for the person. Their account is created (with no password) if they have none;
    they set one with the usual password reset."""
    with transaction.atomic():
        _require_commissioner(actor=actor, council_id=person.council_id)
        user = ensure_user(email=email.strip(), full_name=full_name.strip())
        if Representative.objects.filter(person=person, user=user).exists():
            raise BudgetError(f"{user.email} already acts for {person}.")
        rep = Representative.objects.create(person=person, user=user, relationship=relationship.strip())
        audit.record(
            actor=actor,
            instance=person,
            event="representative added",
            changes={
                "representative": (None, f"{user.email} ({rep.relationship or 'no relationship given'})")
            },
        )
        return rep
