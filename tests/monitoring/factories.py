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
