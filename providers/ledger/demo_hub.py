"""Demo: a community hub in Dorset managing two older people's direct payments (issue 13), with the
management cost on top of each budget, four months of payments, spending and statements, a family
member who signs in to see one of them, and hub staff who keep the accounts. All names are made up.
Idempotent: people, budgets and entries that exist already are left as they are."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from budgets import services as budget_services
from budgets.models import Arrangement, ManagementType, Person, Representative
from organisations.models import Council, Provider, Role, User
from organisations.services import ensure_user, grant_role, system_actor
from providers.models import OrganisationKind, ProviderProfile

from . import managed, services
from .models import HeldAccount

DEMO_PASSWORD = "demo-pass-2026"
HUB_REF, HUB_NAME = "HUB-001", "Purbeck Community Hub"
HUB_STAFF = ("hub@example.org", "Dee Marsh (Purbeck Community Hub)")
FAMILY = ("june.hollow@example.org", "June Hollow")
WEEKS_AGO = 17

# (ref, given, family, born, postcode, support a year, cost: ("percent"|"amount", value))
PEOPLE = [
    ("DOR-PH01", "Iris", "Hollow", dt.date(1941, 3, 9), "BH20 5AB", "9100.00", ("percent", "7.00")),
    ("DOR-PH02", "Walter", "Penny", dt.date(1936, 10, 23), "BH19 1CD", "7800.00", ("amount", "520.00")),
]

# (key, days after the start, category, amount, description): each person's spending.
SPENDING = [
    ("hub-pa-1", 3, "support", "96.00", "Personal assistant, Lyn: 6 hours help at home"),
    ("hub-lunch-1", 8, "activity", "18.00", "Lunch club at the hub, four Tuesdays"),
    ("hub-pa-2", 17, "support", "112.00", "Personal assistant, Lyn: 7 hours help at home"),
    ("hub-rail-1", 24, "equipment", "45.00", "A grab rail by the back door"),
    ("hub-pa-3", 31, "support", "96.00", "Personal assistant, Lyn: 6 hours help at home"),
    ("hub-lunch-2", 36, "activity", "18.00", "Lunch club at the hub, four Tuesdays"),
    ("hub-pa-4", 45, "support", "128.00", "Personal assistant, Lyn: 8 hours, including a trip to the coast"),
    ("hub-pa-5", 59, "support", "96.00", "Personal assistant, Lyn: 6 hours help at home"),
    ("hub-lunch-3", 64, "activity", "18.00", "Lunch club at the hub, four Tuesdays"),
    ("hub-pa-6", 73, "support", "104.00", "Personal assistant, Lyn: 6.5 hours help at home"),
    ("hub-garden-1", 80, "activity", "30.00", "Garden club membership for the summer"),
    ("hub-pa-7", 87, "support", "96.00", "Personal assistant, Lyn: 6 hours help at home"),
    ("hub-pa-8", 101, "support", "96.00", "Personal assistant, Lyn: 6 hours help at home"),
]


def _hub(council: Council) -> Provider:
    hub, _ = Provider.objects.get_or_create(provider_ref=HUB_REF, defaults={"name": HUB_NAME})
    profile = ProviderProfile.objects.filter(provider=hub).first()
    if profile is None:
        profile = ProviderProfile.objects.create(
            provider=hub,
            organisation_kind=OrganisationKind.COMMUNITY_HUB,
            summary="A community hub in Wareham for older people and their families: lunch club, "
            "advice, and managing direct payments so that nobody has to become an employer.",
            offers="We look after your direct payment for you: we keep the money, pay your personal "
            "assistant and the activities you choose, and send you a statement every four weeks.",
            postcode_districts=["BH19", "BH20", "DT11"],
            client_groups=["older_people", "dementia", "adults_physical_disability"],
            manages_direct_payments=True,
            management_fee_percent=Decimal("7.00"),
            languages=["English"],
            taking_new_people=True,
            phone="01929 555 010",
            email="money@purbeckhub.example.org",
            town="Wareham",
            postcode="BH20 4LU",
            latitude=Decimal("50.687400"),
            longitude=Decimal("-2.109700"),
        )
        profile.council_areas.add(council)
    return hub


def _person(council, hub, ref, given, family, born, postcode, amount, cost, commissioner, approver, start):
    person = Person.objects.filter(council=council, person_ref=ref).first()
    if person is not None:
        return person
    person = budget_services.person_create(
        council=council,
        person_ref=ref,
        given_name=given,
        family_name=family,
        date_of_birth=born,
        primary_support_reason="social_support",
        postcode=postcode,
        actor=commissioner,
    )
    q = budget_services.ensure_default_questionnaire(council=council)
    answers = {question.pk: list(question.options.all())[1].pk for question in q.questions.all()}
    assessment = budget_services.assessment_create(person=person, answers=answers, actor=commissioner)
    how, value = cost
    part = budget_services.ArrangementInput(
        ManagementType.DIRECT_PAYMENT_MANAGED,
        Decimal(amount),
        hub,
        management_cost_percent=Decimal(value) if how == "percent" else None,
        management_cost_amount=Decimal(value) if how == "amount" else None,
    )
    total = Decimal(amount) + (
        (Decimal(amount) * Decimal(value) / 100).quantize(Decimal("0.01"))
        if how == "percent"
        else Decimal(value)
    )
    budget = budget_services.budget_propose(
        person=person,
        start_date=start,
        arrangements=[part],
        assessment=assessment,
        difference_reason=""
        if total == assessment.agreed_amount
        else "Agreed with the person and their family at the planning meeting, with the hub's "
        "management cost on top.",
        actor=commissioner,
    )
    budget_services.budget_approve(budget=budget, actor=approver)
    return person


def build(*, stdout) -> None:
    council = Council.objects.filter(gss_code="E06000059").first()
    commissioner = User.objects.filter(email="commissioner@example.org").first()
    approver = User.objects.filter(email="approver@example.org").first()
    if council is None or commissioner is None or approver is None:
        stdout.write("ledger: no community hub demo (Dorset and its staff are not there)")
        return
    hub = _hub(council)
    staff = ensure_user(email=HUB_STAFF[0], full_name=HUB_STAFF[1], password=DEMO_PASSWORD)
    for role in (Role.PROVIDER_MANAGER, Role.PROVIDER_FINANCE):
        grant_role(user=staff, role=role, provider=hub)
    today = timezone.localdate()
    start = today - dt.timedelta(weeks=WEEKS_AGO)
    actor = system_actor()
    for ref, given, family, born, postcode, amount, cost in PEOPLE:
        person = _person(
            council, hub, ref, given, family, born, postcode, amount, cost, commissioner, approver, start
        )
        if given == "Iris":  # told about each statement as it is made
            family_user = ensure_user(email=FAMILY[0], full_name=FAMILY[1], password=DEMO_PASSWORD)
            Representative.objects.get_or_create(
                person=person, user=family_user, defaults={"relationship": "daughter"}
            )
        arrangement = Arrangement.objects.filter(
            budget__person=person, management_type=ManagementType.DIRECT_PAYMENT_MANAGED, provider=hub
        ).first()
        if arrangement is None:
            continue
        account = managed.open_managed_account(arrangement=arrangement, actor=actor)
        services.post_due_payments(fund=account, actor=actor, today=today)
        for key, days, category, value, description in SPENDING:
            day = arrangement.start_date + dt.timedelta(days=days)
            if day > today:
                continue
            try:
                services.record_spending(
                    fund=account,
                    entry_date=day,
                    category=category,
                    amount=value,
                    description=description.replace("Lyn", "Lyn" if given == "Iris" else "Sam"),
                    idempotency_key=key,
                    actor=staff,
                    today=today,
                )
            except services.LedgerError as exc:
                stdout.write(f"ledger: hub demo entry {key} not recorded ({exc})")
        for period_start, period_end in services.due_statement_periods(account, today=today):
            services.produce_statement(
                fund=account, start=period_start, end=period_end, actor=actor, scheduled=True
            )
    # Every other managed direct payment in the demo (Wessex's, Avon's) gets its account as the daily
    # job would open it.
    managed.post_all_due_managed_payments(today=today, actor=actor)
    accounts = HeldAccount.objects.filter(provider=hub)
    stdout.write(
        f"ledger: {HUB_NAME} manages {accounts.count()} direct payments in Dorset "
        f"(sign in as {HUB_STAFF[0]}; family: {FAMILY[0]})"
    )
