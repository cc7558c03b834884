"""Carers in their own right (issue 19): a carer's assessment linked to the person they care for, and
the carer's own budget (an ordinary PersonalBudget of a Person marked as a carer, so it is proposed,
approved and held any of the ways a budget can be held). Writes and reads about carers live here."""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import QuerySet

from organisations import audit
from organisations.services import ensure_user
from organisations.validators import is_reference

from .models import CarerAssessment, Person
from .selectors import people_for_casework, people_represented_by
from .services import BudgetError, _require_commissioner


@transaction.atomic
def carer_assessment_record(
    *,
    cared_for: Person,
    actor,
    carer_ref: str,
    date_of_birth: dt.date | None,
    assessed_on: dt.date,
    caring_role: str,
    what_would_help: str,
    indicative_amount: Decimal,
    given_name: str = "",
    family_name: str = "",
    postcode: str = "",
    relationship: str = "",
    email: str = "",
) -> CarerAssessment:
    """Record a carer's assessment for someone who cares for `cared_for`. The carer is found by their
    council reference, or added as a person in their own right (marked as a carer). An email gives the
    carer their own sign-in to see their own budget."""
    _require_commissioner(actor=actor, council_id=cared_for.council_id)
    carer_ref = (carer_ref or "").strip()
    if not is_reference(carer_ref):
        raise BudgetError(
            "Enter a reference of 1 to 64 letters, digits, full stops, underscores, slashes or hyphens."
        )
    if not caring_role.strip() or not what_would_help.strip():
        raise BudgetError("Say what caring involves and what would help.")
    if indicative_amount is None or indicative_amount < 0:
        raise BudgetError("Enter an amount of £0 or more.")
    carer = (
        Person.objects.select_for_update()
        .filter(council_id=cared_for.council_id, person_ref=carer_ref)
        .first()
    )
    if carer is not None and not carer.is_carer:
        raise BudgetError(
            f"{carer_ref} is someone with their own support, not a carer. Use a new reference for the carer."
        )
    if carer is not None and carer.pk == cared_for.pk:
        raise BudgetError("A person cannot be their own carer.")
    if carer is None:
        if date_of_birth is None:
            raise BudgetError("Enter the carer's date of birth.")
        carer = Person.objects.create(
            council_id=cared_for.council_id,
            person_ref=carer_ref,
            given_name=given_name.strip(),
            family_name=family_name.strip(),
            date_of_birth=date_of_birth,
            primary_support_reason="",
            postcode=postcode.strip(),
            is_carer=True,
        )
        audit.record(
            actor=actor,
            instance=carer,
            event="carer added",
            action=audit.CREATE,
            changes={"person_ref": (None, carer_ref), "cares_for": (None, cared_for.person_ref)},
        )
    email = (email or "").strip()
    if email and carer.user_id is None:
        user = ensure_user(email=email, full_name=" ".join(p for p in (given_name, family_name) if p))
        if Person.objects.filter(user=user).exclude(pk=carer.pk).exists():
            raise BudgetError(f"{email} already signs in as someone else's own account.")
        carer.user = user
        carer.save(update_fields=["user", "updated_at"])
    assessment = CarerAssessment.objects.create(
        carer=carer,
        cared_for=cared_for,
        relationship=relationship.strip(),
        assessed_on=assessed_on,
        assessed_by=actor,
        caring_role=caring_role.strip(),
        what_would_help=what_would_help.strip(),
        indicative_amount=indicative_amount,
    )
    audit.record(
        actor=actor,
        instance=carer,
        event="carer's assessment recorded",
        changes={"indicative_amount": (None, indicative_amount), "cares_for": (None, cared_for.person_ref)},
    )
    return assessment


def carer_assessments_visible_to(*, user) -> QuerySet[CarerAssessment]:
    """Carers' assessments of the people the user may do casework for."""
    return CarerAssessment.objects.filter(carer__in=people_for_casework(user=user)).select_related(
        "carer", "cared_for", "assessed_by"
    )


def carer_assessments_of_family(*, user) -> QuerySet[CarerAssessment]:
    """The carer's own assessments, for the carer (or someone acting for them)."""
    return CarerAssessment.objects.filter(carer__in=people_represented_by(user=user)).select_related(
        "carer", "cared_for", "assessed_by"
    )


def cared_for_by(carer: Person) -> list[Person]:
    """The people a carer cares for (from their assessments), newest assessment first, each once."""
    seen, people = set(), []
    for a in carer.carer_assessments.select_related("cared_for"):
        if a.cared_for_id not in seen:
            seen.add(a.cared_for_id)
            people.append(a.cared_for)
    return people
