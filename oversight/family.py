"""Oversight's sections on the family's "Your budget" page and the staff's person page."""

from django.utils import timezone

from organisations.kept_queries import fetch_kept

from .models import CheckStatus
from .selectors import STATEMENT_TYPES, arrangements_to_check_for, is_case_staff


def family_section(request, person) -> dict | None:
    """Checks on the person's budget (with why and what next, one click away) and, for a direct
    payment, the light annual statement."""
    today = timezone.localdate()
    arrangements = arrangements_to_check_for(person, today=today)
    checks = fetch_kept(_family_checks_query, person_id=person.pk)  # its SQL kept (issue 14)
    statement_parts = [a for a in arrangements if a.management_type in STATEMENT_TYPES]
    if not checks and not statement_parts:
        return None
    return {
        "template": "oversight/_family_section.html",
        "checks": checks,
        "open_checks": [c for c in checks if c.status != CheckStatus.DECIDED],
        "statement_parts": statement_parts,
    }


def _family_checks_query(*, person_id: int):
    return _person_checks_query(person_id=person_id).select_related("arrangement")


def person_checks(person):
    from .models import Check

    return Check.objects.filter(arrangement__budget__person=person).order_by("-raised_at", "-pk")


def _person_checks_query(*, person_id: int):
    from .models import Check

    return Check.objects.filter(arrangement__budget__person_id=person_id).order_by("-raised_at", "-pk")


def casework_section(request, person) -> dict | None:
    if not is_case_staff(user=request.user, council_id=person.council_id):
        return None
    today = timezone.localdate()
    parts = arrangements_to_check_for(person, today=today)
    checks = fetch_kept(_person_checks_query, person_id=person.pk)  # its SQL kept (issue 14)
    if not parts and not checks:
        return None
    return {"template": "oversight/_casework_section.html", "parts": parts, "checks": checks}
