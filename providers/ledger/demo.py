"""Demo data for ISF ledgers: the demo family's Individual Service Fund with Harbour Lights Support
(PRV-001, Dorset): council payments and fees for several periods, spending of several kinds, one
reversal and a statement.

Idempotent, and defensive about what the earlier demos (organisations 10, budgets 20, providers 30)
made: it uses the family's person, approved ISF arrangement and agreement with PRV-001 where they
exist, and makes only what is missing (through the providers services, so agreements are set up as
the pages would). Entry dates count from the agreement's start, so a re-run writes nothing new.
"""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from budgets.models import (
    Arrangement,
    BudgetStatus,
    ManagementType,
    Person,
    PersonalBudget,
    Representative,
)
from budgets.selectors import people_represented_by
from organisations.models import Council, Provider, Role, User
from organisations.money import format_money
from organisations.services import system_actor
from providers import services as provider_services
from providers.models import IN_FORCE_STATUSES, ChoiceStatus, FlexibleAgreement, ProviderChoice

from . import services
from .models import LedgerEntry
from .selectors import balance_of

ORDER = 35
FAMILY_EMAIL = "family@example.org"
PROVIDER_REF = "PRV-001"
COUNCIL_CODE = "E06000059"
WEEKS_BACK = 18
SPENDING = [
    # (key, days after the start, category, amount, description)
    ("demo-1", 3, "support", "180.00", "Support from Ann: cooking and shopping, 12 hours"),
    ("demo-2", 10, "activity", "24.50", "Swimming at the leisure centre, 4 sessions"),
    ("demo-3", 17, "equipment", "89.99", "A kettle tipper, so you can make tea safely"),
    ("demo-4", 31, "support", "210.00", "Support from Ann: trips out, 14 hours"),
    ("demo-5", 38, "activity", "36.00", "Art class at the community centre"),
    ("demo-6", 45, "support", "30.00", "Support from Ann: charged twice by mistake"),
    ("demo-7", 60, "support", "195.00", "Support from Ann and Tom, 13 hours"),
    ("demo-8", 74, "activity", "48.00", "Football tickets with a friend"),
    ("demo-9", 95, "equipment", "42.00", "A weighted blanket"),
]


def _first(model, **lookup):
    return model.objects.filter(**lookup).order_by("pk").first()


def _person_for(family: User, council: Council) -> Person:
    person = people_represented_by(user=family).filter(council=council).order_by("pk").first()
    if person is not None:
        return person
    person, _ = Person.objects.get_or_create(
        council=council,
        person_ref="DOR-DEMO-ISF",
        defaults={
            "given_name": "Jamie",
            "family_name": "Taylor",
            "date_of_birth": dt.date(1994, 7, 12),
            "primary_support_reason": "learning_disability",
            "postcode": "DT1 1AA",
        },
    )
    Representative.objects.get_or_create(person=person, user=family, defaults={"relationship": "mother"})
    return person


def _arrangement_for(person: Person, provider: Provider, start: dt.date) -> Arrangement:
    arrangement = (
        Arrangement.objects.filter(
            budget__person=person,
            budget__status=BudgetStatus.APPROVED,
            management_type=ManagementType.ISF,
            provider=provider,
        )
        .order_by("pk")
        .first()
    )
    if arrangement is not None:
        return arrangement
    budget = PersonalBudget.objects.create(
        person=person,
        start_date=start,
        status=BudgetStatus.APPROVED,
        review_due=start + dt.timedelta(days=365),
    )
    return Arrangement.objects.create(
        budget=budget,
        management_type=ManagementType.ISF,
        annual_amount=Decimal("15600.00"),
        start_date=start,
        provider=provider,
        budget_ref="DOR-ISF-DEMO-1",
        council=person.council,
    )


def _agreement_for(person, provider, council, family, stdout) -> FlexibleAgreement | None:
    agreement = (
        FlexibleAgreement.objects.filter(person=person, provider=provider, status__in=IN_FORCE_STATUSES)
        .order_by("pk")
        .first()
    )
    if agreement is not None:
        return agreement
    start = timezone.localdate() - dt.timedelta(weeks=WEEKS_BACK)
    arrangement = _arrangement_for(person, provider, start)
    commissioner = _first(User, memberships__role=Role.COMMISSIONER, memberships__council=council)
    manager = _first(User, memberships__role=Role.PROVIDER_MANAGER, memberships__provider=provider)
    actor = system_actor()
    try:
        choice = _first(ProviderChoice, person=person, provider=provider, status=ChoiceStatus.ACCEPTED)
        if choice is None:
            choice = _first(ProviderChoice, person=person, provider=provider, status=ChoiceStatus.REQUESTED)
            if choice is None:
                choice = provider_services.ask_provider(
                    person=person,
                    provider=provider,
                    message="We would like you to hold Jamie's budget.",
                    actor=family,
                )
            choice = provider_services.accept_choice(choice=choice, actor=manager or actor)
        agreement = provider_services.set_up_agreement(
            choice=choice,
            arrangement=arrangement,
            actor=commissioner or actor,
            terms={
                "start_date": max(arrangement.start_date, start),
                "annual_budget": arrangement.annual_amount,
                "management_fee_percent": Decimal("6.00"),
                "outcomes": "To cook my own meals, get out to swimming and art, and see my friends.",
            },
        )
        return provider_services.accept_agreement(agreement=agreement, actor=manager or actor)
    except provider_services.ProviderError as exc:
        stdout.write(f"ledger: no demo ISF ({exc})")
        return None


def build(*, stdout) -> None:
    _build_isf(stdout=stdout)
    from .demo_hub import build as build_hub

    build_hub(stdout=stdout)


def _build_isf(*, stdout) -> None:
    council = _first(Council, gss_code=COUNCIL_CODE)
    provider = _first(Provider, provider_ref=PROVIDER_REF)
    family = _first(User, email=FAMILY_EMAIL)
    if council is None or provider is None or family is None:
        stdout.write("ledger: skipped (the organisations demo has not made Dorset, PRV-001 and the family)")
        return
    person = _person_for(family, council)
    agreement = _agreement_for(person, provider, council, family, stdout)
    if agreement is None:
        return
    actor = system_actor()
    staff = _first(User, memberships__role=Role.PROVIDER_FINANCE, memberships__provider=provider) or actor
    fund = services.open_fund(agreement=agreement, actor=actor)
    today = timezone.localdate()
    services.post_due_payments(fund=fund, actor=actor, today=today)
    for key, days, category, amount, description in SPENDING:
        day = agreement.start_date + dt.timedelta(days=days)
        if day > today or (agreement.end_date and day > agreement.end_date):
            continue
        try:
            services.record_spending(
                fund=fund,
                entry_date=day,
                category=category,
                amount=amount,
                description=description,
                idempotency_key=key,
                actor=staff,
                today=today,
            )
        except services.LedgerError as exc:
            stdout.write(f"ledger: demo entry {key} not recorded ({exc})")
    mistake = LedgerEntry.objects.filter(fund=fund, idempotency_key="demo-6").first()
    if mistake is not None and not LedgerEntry.objects.filter(reverses=mistake).exists():
        services.reverse_entry(
            entry=mistake,
            reason="Ann's hours were charged twice; this puts the money back.",
            actor=staff,
            today=min(today, mistake.entry_date + dt.timedelta(days=2)),
        )
    period = services.due_statement_period(fund, today=today)
    if period is not None:
        first = (fund.opened_on, fund.opened_on + dt.timedelta(days=27))
        services.produce_statement(fund=fund, start=first[0], end=first[1], actor=actor, scheduled=True)
    count = LedgerEntry.objects.filter(fund=fund).count()
    stdout.write(
        f"ledger: {person}'s Individual Service Fund with {provider.name}: {count} entries, "
        f"money left {format_money(balance_of(fund))}"
    )
