"""Oversight's sections on the family's "Your budget" page and the staff's person page."""

from django.utils import timezone

from .models import CheckStatus
from .selectors import CHECKED_TYPES, STATEMENT_TYPES, arrangements_to_check, is_case_staff


def family_section(request, person) -> dict | None:
    """Checks on the person's budget (with why and what next, one click away) and, for a direct
    payment, the light annual statement."""
    today = timezone.localdate()
    arrangements = [
        a
        for a in arrangements_to_check(council_id=person.council_id, today=today).filter(
            budget__person=person
        )
    ]
    checks = list(person_checks(person).select_related("arrangement"))
    statement_parts = [a for a in arrangements if a.management_type in STATEMENT_TYPES]
    if not checks and not statement_parts:
        return None
    return {
        "template": "oversight/_family_section.html",
        "checks": checks,
        "open_checks": [c for c in checks if c.status != CheckStatus.DECIDED],
        "statement_parts": statement_parts,
    }


def person_checks(person):
    from .models import Check

    return Check.objects.filter(arrangement__budget__person=person).order_by("-raised_at", "-pk")


def casework_section(request, person) -> dict | None:
    if not is_case_staff(user=request.user, council_id=person.council_id):
        return None
    today = timezone.localdate()
    parts = list(
        arrangements_to_check(council_id=person.council_id, today=today).filter(
            budget__person=person, management_type__in=[t.value for t in CHECKED_TYPES]
        )
    )
    checks = list(person_checks(person))
    if not parts and not checks:
        return None
    return {"template": "oversight/_casework_section.html", "parts": parts, "checks": checks}
