"""Helpers for survey tests: people holding budgets in given ways, and sent responses."""

import datetime as dt
import itertools
from decimal import Decimal

from django.utils import timezone

from budgets.models import Arrangement, BudgetStatus, Person, PersonalBudget, Representative
from surveys.definitions import ensure_shipped_surveys
from surveys.models import Survey
from surveys.services import save_answers, start_or_continue_response, submit_response
from tests.factories import ProviderFactory, UserFactory

_refs = itertools.count(1)


def person_holding(council, *types, start=dt.date(2025, 4, 1), end=None, user=None, **fields) -> Person:
    """A person of `council` with an approved budget whose arrangements are held in these ways."""
    person = Person.objects.create(
        council=council,
        person_ref=fields.pop("person_ref", f"P-{next(_refs):05d}"),
        given_name=fields.pop("given_name", "Test"),
        family_name=fields.pop("family_name", "Person"),
        date_of_birth=fields.pop("date_of_birth", dt.date(1980, 1, 1)),
        primary_support_reason=fields.pop("primary_support_reason", "learning_disability"),
        user=user,
    )
    if types:
        budget = PersonalBudget.objects.create(person=person, start_date=start, status=BudgetStatus.APPROVED)
        for kind in types:
            provider = ProviderFactory() if kind in ("isf", "direct_payment_managed") else None
            Arrangement.objects.create(
                budget=budget,
                management_type=kind,
                annual_amount=Decimal("12000.00"),
                start_date=start,
                end_date=end,
                provider=provider,
                council=council,
            )
    return person


def survey(slug: str) -> Survey:
    ensure_shipped_surveys()
    return Survey.objects.get(slug=slug)


def send_response(slug, *, actor, answers, person=None, provider=None, on=None, channel="online"):
    """Start, answer and send one response; `on` is an aware datetime or a date (noon UK time)."""
    if isinstance(on, dt.date) and not isinstance(on, dt.datetime):
        on = timezone.make_aware(dt.datetime.combine(on, dt.time(12, 0)))
    response = start_or_continue_response(
        survey=survey(slug), actor=actor, person=person, provider=provider, channel=channel
    )
    save_answers(
        response=response,
        answers={k: v if isinstance(v, list | tuple) else [v] for k, v in answers.items()},
        actor=actor,
    )
    return submit_response(response=response, actor=actor, on=on)


def family_of(person, email="family@example.org", relationship="mother"):
    """A user who represents `person` (a relative acting for them)."""
    user = UserFactory(email=email)
    Representative.objects.create(person=person, user=user, relationship=relationship)
    return user
