"""Helpers to put people with budgets and arrangements in a council, for counting tests."""

import datetime as dt
import itertools
from decimal import Decimal

from budgets.models import Arrangement, BudgetStatus, Person, PersonalBudget
from tests.factories import ProviderFactory

_refs = itertools.count(1)
HELD_BY_A_PROVIDER = {"isf", "direct_payment_managed"}


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def person(council, *, born="1980-06-15", reason="physical_support", ref=None) -> Person:
    return Person.objects.create(
        council=council,
        person_ref=ref or f"MON-{next(_refs)}",
        given_name="Test",
        family_name="Person",
        date_of_birth=d(born) if isinstance(born, str) else born,
        primary_support_reason=reason,
    )


def budget(who: Person, *, status=BudgetStatus.APPROVED, start="2020-04-01") -> PersonalBudget:
    return PersonalBudget.objects.create(person=who, start_date=d(start), status=status)


def arrangement(
    who: Person | PersonalBudget,
    management_type: str,
    *,
    start="2020-04-01",
    end=None,
    amount="10000.00",
    status=BudgetStatus.APPROVED,
) -> Arrangement:
    pb = who if isinstance(who, PersonalBudget) else budget(who, status=status, start=start)
    provider = ProviderFactory(provider_ref="PRV-MON") if management_type in HELD_BY_A_PROVIDER else None
    return Arrangement.objects.create(
        budget=pb,
        council=pb.person.council,
        management_type=management_type,
        annual_amount=Decimal(amount),
        start_date=d(start),
        end_date=d(end) if end else None,
        provider=provider,
    )


def quick_pdf(figures, *, created_at, requested_by, version):
    """Stands in for the PDF where a test is about the figures, not the document (tests/monitoring/
    test_pdf.py draws real ones): it prints what the real one prints on its cover, in a moment instead of
    the second or two WeasyPrint takes."""
    who = requested_by.email if requested_by else "the schedule"
    council = figures["council"]
    return f"%PDF version {version} for {council}, asked by {who} on {created_at:%Y-%m-%d}".encode()
