"""Demo data for providers: directory profiles for PRV-001..PRV-005, the family's accepted choice and
agreed flexible agreement with Harbour Lights (PRV-001, Dorset), and a request waiting for Harbour
Lights to answer. Idempotent: running it again changes nothing.

The family's person and their ISF arrangement come from budgets/demo.py; they are looked up, and the
agreement is skipped (with a note) if they are not there.
"""

from datetime import timedelta
from decimal import Decimal

from django.db.models import Q

from budgets.models import Arrangement, BudgetStatus, ManagementType, Person
from organisations.models import Council, Provider
from organisations.services import system_actor

from . import services
from .models import ChoiceStatus, FlexibleAgreement, ProviderChoice, ProviderProfile

ORDER = 30

DORSET, BRISTOL = "E06000059", "E06000023"
ALL_YES = "yes_frequently"

PROFILES = {
    "PRV-001": {
        "summary": "A small Dorset organisation that helps people live the life they choose, at home and in "
        "their community.",
        "offers": "Support at home and out and about, help to find work and volunteering, and holding your "
        "budget for you in an Individual Service Fund. We plan with you and your family.",
        "areas": [DORSET],
        "postcode_districts": ["DT1", "DT2", "DT4", "BH15"],
        "client_groups": ["adults_learning_disability", "adults_autism", "adults_complex_health", "other"],
        "offers_isf": True,
        "management_fee_percent": Decimal("8.50"),
        "languages": ["English", "British Sign Language"],
        "staff_matching": True,
        "supports_self_managed_staff": True,
        "taking_new_people": True,
        "regulator": "Care Quality Commission",
        "regulator_registration": "1-000000001",
        "regulator_rating": "good",
        "email": "hello@harbourlights.example.org",
        "phone": "01305 111 111",
        "website": "https://harbourlights.example.org",
        "address": "1 Quay Street",
        "town": "Weymouth",
        "postcode": "DT4 8AA",
        "latitude": Decimal("50.608100"),
        "longitude": Decimal("-2.454800"),
        "element_answers": {
            "individual_design": ALL_YES,
            "creative_planning": ALL_YES,
            "people_families_decide": ALL_YES,
            "quality_checking_by_families": "somewhat",
            "individual_policies": ALL_YES,
            "staff_matching": ALL_YES,
            "all_housing_options": "somewhat",
            "protected_budget_isf": ALL_YES,
            "families_recruit_staff": ALL_YES,
            "direct_management": "somewhat",
            "funder_flexibility": "somewhat",
        },
        "isf_years": "3_to_5",
    },
    "PRV-002": {
        "summary": "We build circles of support around people, with their family and friends.",
        "offers": "Circles of support, person-centred planning, and support to manage your own staff.",
        "areas": [DORSET],
        "postcode_districts": ["BH19", "BH20"],
        "client_groups": ["adults_learning_disability", "children_learning_disability", "children_autism"],
        "offers_isf": True,
        "management_fee_fixed": Decimal("1200.00"),
        "languages": ["English"],
        "staff_matching": True,
        "supports_self_managed_staff": True,
        "taking_new_people": True,
        "email": "circles@purbeck.example.org",
        "phone": "01929 222 222",
        "town": "Wareham",
        "postcode": "BH20 4AA",
        "latitude": Decimal("50.686900"),
        "longitude": Decimal("-2.110100"),
        "element_answers": {
            "individual_design": ALL_YES,
            "creative_planning": ALL_YES,
            "people_families_decide": ALL_YES,
            "families_recruit_staff": ALL_YES,
            "direct_management": ALL_YES,
            "protected_budget_isf": "somewhat",
        },
    },
    "PRV-003": {
        "summary": "A trust supporting older people and people living with dementia across Wessex.",
        "offers": "Home support for older people, dementia support and end of life care at home.",
        "areas": [DORSET, BRISTOL],
        "postcode_districts": ["DT1", "BS1"],
        "client_groups": ["older_people", "dementia", "end_of_life", "adults_physical_disability"],
        "offers_isf": False,
        # It manages a managed direct payment in the budgets demo (DOR-1003).
        "manages_direct_payments": True,
        "languages": ["English", "Polish"],
        "staff_matching": True,
        "taking_new_people": False,
        "regulator": "Care Quality Commission",
        "regulator_registration": "1-000000003",
        "regulator_rating": "outstanding",
        "phone": "01305 333 333",
        "element_answers": {
            "individual_design": "somewhat",
            "staff_matching": ALL_YES,
            "protected_budget_isf": "no",
            "direct_management": "no",
        },
    },
    "PRV-004": {
        "summary": "A co-operative of personal assistants owned by its members.",
        "offers": "Personal assistants chosen by you, and help with being an employer if you want to be one.",
        "areas": [BRISTOL],
        "postcode_districts": ["BS1", "BS2", "BS3"],
        "client_groups": ["adults_physical_disability", "adults_mental_health", "adults_autism"],
        "offers_isf": True,
        "management_fee_percent": Decimal("6.00"),
        "languages": ["English", "Somali", "Urdu"],
        "staff_matching": True,
        "supports_self_managed_staff": True,
        "taking_new_people": True,
        "email": "join@avonpa.example.org",
        "website": "https://avonpa.example.org",
        "element_answers": {
            "families_recruit_staff": ALL_YES,
            "direct_management": ALL_YES,
            "protected_budget_isf": ALL_YES,
            "individual_design": ALL_YES,
        },
    },
    "PRV-005": {
        "summary": "Community care and support for children and young people with complex health needs.",
        "offers": "Support for children and young people at home and at school, and short breaks.",
        "areas": [DORSET, BRISTOL],
        "client_groups": ["children_complex_health", "children_physical_disability", "looked_after_children"],
        "offers_isf": False,
        "languages": ["English"],
        "taking_new_people": True,
        "regulator": "Care Quality Commission",
        "regulator_registration": "1-000000005",
        "regulator_rating": "requires_improvement",
        "phone": "0117 555 5555",
        "element_answers": {"individual_design": "somewhat", "protected_budget_isf": "not_applicable"},
    },
}

FAMILY_EMAIL = "family@example.org"


def build(*, stdout) -> None:
    actor = system_actor()
    councils = {c.gss_code: c for c in Council.objects.filter(gss_code__in=[DORSET, BRISTOL])}
    made = 0
    for ref, spec in PROFILES.items():
        provider = Provider.objects.filter(provider_ref=ref).first()
        if provider is None:
            continue
        spec = dict(spec)
        areas = [councils[c] for c in spec.pop("areas") if c in councils]
        if not ProviderProfile.objects.filter(provider=provider).exists():
            services.update_profile(provider=provider, values=spec, council_areas=areas, actor=actor)
            made += 1
    stdout.write(f"providers: {made} directory profiles created")
    _family_choice_and_agreement(actor=actor, stdout=stdout)
    _pending_request(actor=actor, stdout=stdout)
    # Issue 17: a budget that tapers after reviews, a review waiting for the family, block contracts.
    from .demo_issue17 import build as build_issue17

    build_issue17(stdout=stdout)


def _family_person() -> Person | None:
    return (
        Person.objects.filter(Q(user__email=FAMILY_EMAIL) | Q(representatives__user__email=FAMILY_EMAIL))
        .filter(council__gss_code=DORSET)
        .distinct()
        .first()
    )


def _family_choice_and_agreement(*, actor, stdout) -> None:
    provider = Provider.objects.filter(provider_ref="PRV-001").first()
    person = _family_person()
    if provider is None or person is None:
        stdout.write("providers: no family person yet (budgets demo); skipped the family's choice")
        return
    choice = (
        ProviderChoice.objects.filter(person=person, provider=provider)
        .exclude(status__in=[ChoiceStatus.WITHDRAWN, ChoiceStatus.DECLINED])
        .first()
    )
    if choice is None:
        choice = services.ask_provider(
            person=person,
            provider=provider,
            message="We would like you to hold the budget so that we do not have to employ staff ourselves.",
            actor=person.user or actor,
        )
    if choice.status == ChoiceStatus.REQUESTED:
        choice = services.accept_choice(choice=choice, actor=actor)
    if FlexibleAgreement.objects.filter(person=person, provider=provider).exists():
        return
    arrangement = (
        Arrangement.objects.filter(
            budget__person=person,
            budget__status=BudgetStatus.APPROVED,
            management_type=ManagementType.ISF,
            provider=provider,
        )
        .order_by("-start_date")
        .first()
    )
    if arrangement is None:
        stdout.write("providers: the family's person has no approved ISF with PRV-001 yet; the choice waits")
        return
    start = arrangement.start_date
    agreement = services.set_up_agreement(
        choice=choice,
        arrangement=arrangement,
        actor=actor,
        terms={
            "annual_budget": arrangement.annual_amount,
            "management_fee_percent": Decimal("8.50"),
            "outcomes": "Go swimming and to the allotment each week.\n"
            "Learn to cook three meals with the staff I choose.\n"
            "See my sister in Bristol every month.",
            "start_date": start,
            "review_date": start + timedelta(days=365),
        },
    )
    services.accept_agreement(agreement=agreement, actor=actor)
    stdout.write(f"providers: agreed flexible agreement for {person} with {provider.name}")


def _pending_request(*, actor, stdout) -> None:
    """Someone else in Dorset has asked Harbour Lights, and is waiting for an answer."""
    provider = Provider.objects.filter(provider_ref="PRV-001").first()
    if provider is None:
        return
    if ProviderChoice.objects.filter(provider=provider, status=ChoiceStatus.REQUESTED).exists():
        return
    family = _family_person()
    person = (
        Person.objects.filter(council__gss_code=DORSET)
        .exclude(pk=family.pk if family else None)
        .exclude(provider_choices__provider=provider)
        .order_by("pk")
        .first()
    )
    if person is None:
        stdout.write("providers: no other Dorset person for a pending request")
        return
    services.ask_provider(
        person=person,
        provider=provider,
        message="I would like help to live in my own flat and to choose my own staff.",
        actor=person.user or actor,
    )
    stdout.write(f"providers: {person} is waiting for {provider.name} to answer")


__all__ = ["ORDER", "build"]
