"""Factories for people, budgets and arrangements."""

import datetime as dt
from decimal import Decimal

import factory

from budgets.models import Arrangement, BudgetStatus, Person, PersonalBudget, Representative
from tests.factories import CouncilFactory, UserFactory


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    council = factory.SubFactory(CouncilFactory)
    person_ref = factory.Sequence(lambda n: f"P-{n:04d}")
    given_name = factory.Sequence(lambda n: f"Given{n}")
    family_name = "Tester"
    date_of_birth = dt.date(1980, 5, 1)
    primary_support_reason = "learning_disability"


class RepresentativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Representative

    person = factory.SubFactory(PersonFactory)
    user = factory.SubFactory(UserFactory)
    relationship = "sister"


def approved_budget(
    person, *, start=dt.date(2026, 4, 1), parts=(("direct_payment", "12000.00", None),), **kw
):
    """An approved version with arrangements: parts = (management_type, amount, provider)."""
    budget = PersonalBudget.objects.create(
        person=person,
        start_date=start,
        status=BudgetStatus.APPROVED,
        review_due=kw.pop("review_due", None),
        **kw,
    )
    for mtype, amount, provider in parts:
        Arrangement.objects.create(
            budget=budget,
            council=person.council,
            management_type=mtype,
            annual_amount=Decimal(amount),
            start_date=start,
            provider=provider,
        )
    return budget
