"""Demo data for brokerage: two independent support brokerages in the directory (one paid for by Dorset
Council), a broker sign-in (broker@example.org), Jamie Taylor's invitation (from family@example.org)
with an ask waiting for the family, an enquiry from a self-funder, and a person whose budget pays for
brokerage as its own part. Idempotent."""

import datetime as dt
from decimal import Decimal

from budgets import services as budget_services
from budgets.models import Person
from organisations.demo import DEMO_PASSWORD
from organisations.models import Council, Provider, Role, User
from organisations.services import ensure_user, grant_role
from providers import services as provider_services
from providers.models import OrganisationKind

from . import services
from .models import DraftAsk, Enquiry, Invitation

ORDER = 36
DORSET, BRISTOL = "E06000059", "E06000023"

BROKERAGES = [
    {
        "ref": "BRK-001",
        "name": "Stour Valley Support Brokerage",
        "summary": "Independent support brokers and planners. We help you plan, choose and set up support "
        "that fits your life, and we work for you, not the council or a provider.",
        "offers": "Help to write your support plan, compare providers, choose how to hold your budget, and "
        "ask providers for you. Help for people paying for their own support too.",
        "areas": [DORSET],
        "languages": ["English", "Polish", "British Sign Language"],
        "phone": "01305 111 222",
        "email": "hello@stourvalley.example.org",
        "cost": "Free to you if you live in Dorset and have a personal budget: Dorset Council pays. "
        "People paying for their own support pay by the hour.",
        "hourly_rate": Decimal("32.00"),
        "funded_by": [DORSET],
    },
    {
        "ref": "BRK-002",
        "name": "Avon Independent Planning",
        "summary": "A small co-operative of independent planners in Bristol.",
        "offers": "Person-centred planning and help to choose and set up an Individual Service Fund.",
        "areas": [BRISTOL],
        "languages": ["English", "Somali", "Urdu"],
        "phone": "0117 222 333",
        "email": "plan@avonplanning.example.org",
        "cost": "£35 an hour. You can pay from your personal budget if your social worker agrees.",
        "hourly_rate": Decimal("35.00"),
        "funded_by": [],
    },
]


def build(*, stdout) -> None:
    councils = {c.gss_code: c for c in Council.objects.filter(gss_code__in=[DORSET, BRISTOL])}
    if len(councils) < 2:
        stdout.write("brokerage: councils missing, skipped")
        return
    orgs = {}
    for b in BROKERAGES:
        provider, _ = Provider.objects.get_or_create(provider_ref=b["ref"], defaults={"name": b["name"]})
        profile = provider_services.ensure_profile(provider=provider)
        if profile.organisation_kind != OrganisationKind.SUPPORT_BROKERAGE:
            profile.organisation_kind = OrganisationKind.SUPPORT_BROKERAGE
            for field in ("summary", "offers", "languages", "phone", "email"):
                setattr(profile, field, b[field])
            profile.offers_isf = False
            profile.save()
            profile.council_areas.set([councils[c] for c in b["areas"]])
        services.save_offer(
            brokerage=provider,
            cost=b["cost"],
            hourly_rate=b["hourly_rate"],
            funded_by=[councils[c] for c in b["funded_by"]],
        )
        orgs[b["ref"]] = provider
    broker = ensure_user(
        email="broker@example.org", full_name="Ash Rowe (Stour Valley)", password=DEMO_PASSWORD
    )
    grant_role(user=broker, role=Role.BROKER, provider=orgs["BRK-001"])
    broker_b = ensure_user(
        email="broker.avon@example.org", full_name="Nia Obi (Avon Planning)", password=DEMO_PASSWORD
    )
    grant_role(user=broker_b, role=Role.BROKER, provider=orgs["BRK-002"])

    family = User.objects.filter(email="family@example.org").first()
    jamie = Person.objects.filter(council=councils[DORSET], person_ref="DOR-1001").first()
    if family and jamie and not Invitation.objects.filter(person=jamie).exists():
        services.invite(
            person=jamie,
            brokerage=orgs["BRK-001"],
            purpose="Help us change Jamie's plan for college leaving, and find someone for weekend support.",
            until=None,
            actor=family,
        )
    purbeck = Provider.objects.filter(provider_ref="PRV-002").first()
    if jamie and purbeck and not DraftAsk.objects.filter(person=jamie).exists():
        provider_services.shortlist_provider(person=jamie, provider=purbeck, actor=broker)
        services.draft_ask(
            person=jamie,
            provider=purbeck,
            message="Jamie would like support on Saturdays to go to music events with friends. Could you "
            "meet Jamie and his parents to talk about it?",
            actor=broker,
        )
    if not Enquiry.objects.filter(brokerage=orgs["BRK-001"]).exists():
        services.send_enquiry(
            brokerage=orgs["BRK-001"],
            name="Hilary Brook",
            contact="01305 999 000",
            message="My mother needs more support at home. We will pay for it ourselves and do not know "
            "where to start.",
            pays_own_way=True,
        )
    added = _budget_with_brokerage(councils[DORSET], orgs["BRK-001"])
    stdout.write(
        f"brokerage: {len(orgs)} brokerages, broker@example.org invited for Jamie Taylor"
        f"{', a budget with a brokerage part' if added else ''}"
    )


def _budget_with_brokerage(council, brokerage) -> bool:
    """Riley Moss's budget pays for brokerage as its own part (counted like any other part)."""
    if Person.objects.filter(council=council, person_ref="DOR-1077").exists():
        return False
    commissioner = User.objects.filter(email="commissioner@example.org").first()
    approver = User.objects.filter(email="approver@example.org").first()
    isf_holder = Provider.objects.filter(provider_ref="PRV-003").first()
    if not (commissioner and approver and isf_holder):
        return False
    person = budget_services.person_create(
        council=council,
        person_ref="DOR-1077",
        given_name="Riley",
        family_name="Moss",
        date_of_birth=dt.date(1988, 3, 9),
        primary_support_reason="physical_support",
        postcode="DT4 8AB",
        actor=commissioner,
    )
    budget = budget_services.budget_propose(
        person=person,
        start_date=dt.date(2026, 4, 1),
        arrangements=[
            budget_services.ArrangementInput("isf", Decimal("18400.00"), isf_holder),
            budget_services.ArrangementInput("commissioner_controlled", Decimal("960.00"), brokerage),
        ],
        actor=commissioner,
    )
    budget_services.budget_approve(budget=budget, actor=approver)
    return True
