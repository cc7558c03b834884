"""Demo data for budgets: people in Dorset and Bristol holding budgets every way, proposals waiting,
reviews due, a resource allocation questionnaire for each council, and the family's own person.

Idempotent: a person whose reference exists already is left as it is. All names are made up.
"""

import datetime as dt
from decimal import Decimal

from organisations.models import Council, Provider, User

from . import services
from .models import Person, PlanStatus, Representative

ORDER = 20

D = Decimal
DORSET, BRISTOL = "E06000059", "E06000023"

# (ref, given, family, born, reason, postcode, [(type, amount, provider_ref)], start, state)
# state: "approved", "proposed", or ("new_version", start, [(type, amount, provider)]) for an approved
# budget with a new version waiting.
PEOPLE = [
    (DORSET, "DOR-1002", "Morgan", "Hale", dt.date(1969, 3, 14), "physical_support", "DT1 1AB",
     [("direct_payment", "9800.00", None)], dt.date(2025, 11, 1), "approved"),
    (DORSET, "DOR-1003", "Rowan", "Price", dt.date(1958, 7, 2), "memory_and_cognition", "BH15 2CD",
     [("direct_payment_managed", "11200.00", "PRV-003")], dt.date(2026, 4, 1), "approved"),
    (DORSET, "DOR-1004", "Ellis", "Ward", dt.date(1938, 12, 30), "physical_support", "DT4 8EF",
     [("commissioner_controlled", "18000.00", None)], dt.date(2025, 12, 10), "approved"),
    (DORSET, "DOR-1005", "Sasha", "Bright", dt.date(1991, 5, 21), "mental_health", "BH20 4GH",
     [("isf", "8000.00", "PRV-002"), ("direct_payment", "3000.00", None),
      ("commissioner_controlled", "2000.00", None)], dt.date(2026, 4, 1), "approved"),
    (DORSET, "DOR-1006", "Quinn", "Ashdown", dt.date(2009, 9, 9), "learning_disability", "DT2 7JK",
     [("isf", "12000.00", "PRV-001")], dt.date(2026, 12, 1), "proposed"),
    (DORSET, "DOR-1007", "Robin", "Fairley", dt.date(1979, 1, 17), "sensory_support", "DT6 3LM",
     [("direct_payment", "6000.00", None)], dt.date(2026, 4, 1),
     ("new_version", dt.date(2027, 1, 1), [("direct_payment", "7500.00", None)])),
    (BRISTOL, "BRS-2001", "Avery", "Clifton", dt.date(1985, 2, 11), "learning_disability", "BS8 1AA",
     [("isf", "15500.00", "PRV-002")], dt.date(2026, 4, 1), "approved"),
    (BRISTOL, "BRS-2002", "Jordan", "Redland", dt.date(1972, 6, 6), "physical_support", "BS6 6BB",
     [("direct_payment", "8400.00", None)], dt.date(2026, 5, 1), "approved"),
    (BRISTOL, "BRS-2003", "Casey", "Bedminster", dt.date(1949, 10, 1), "memory_and_cognition", "BS3 4CC",
     [("direct_payment_managed", "10100.00", "PRV-004")], dt.date(2026, 4, 1), "approved"),
    (BRISTOL, "BRS-2004", "Taylor", "Easton", dt.date(1935, 4, 4), "social_support", "BS5 6DD",
     [("commissioner_controlled", "12800.00", None)], dt.date(2025, 10, 1), "approved"),
    (BRISTOL, "BRS-2005", "Harper", "Knowle", dt.date(1998, 8, 8), "mental_health", "BS4 2EE",
     [("isf", "7000.00", "PRV-001"), ("direct_payment", "2500.00", None)], dt.date(2026, 4, 1), "approved"),
    (BRISTOL, "BRS-2006", "Riley", "Totterdown", dt.date(2004, 11, 30), "learning_disability", "BS4 3FF",
     [("isf", "13000.00", "PRV-005")], dt.date(2026, 12, 1), "proposed"),
]  # fmt: skip

STAFF = {
    DORSET: ("commissioner@example.org", "approver@example.org"),
    BRISTOL: ("commissioner.bristol@example.org", "approver.bristol@example.org"),
}


def _parts(parts, providers):
    return [services.ArrangementInput(t, D(a), providers.get(p) if p else None) for t, a, p in parts]


def _reason(parts, assessment) -> str:
    """The demo's plain reason when the parts add up to more or less than the assessment gave."""
    total = sum((D(a) for _, a, _ in parts), D("0.00"))
    if total == assessment.agreed_amount:
        return ""
    more = "more" if total > assessment.agreed_amount else "less"
    return (
        f"The support plan needs {more} than the assessment worked out: agreed with the person and "
        "their family at the planning meeting."
    )


def _assess(person, commissioner, pick: int = 1):
    q = services.ensure_default_questionnaire(council=person.council)
    answers = {question.pk: list(question.options.all())[pick].pk for question in q.questions.all()}
    return services.assessment_create(person=person, answers=answers, actor=commissioner)


def build(*, stdout) -> None:
    councils = {c.gss_code: c for c in Council.objects.filter(gss_code__in=[DORSET, BRISTOL])}
    if len(councils) < 2:
        stdout.write("budgets: skipped (run the organisations demo first)")
        return
    providers = {p.provider_ref: p for p in Provider.objects.all()}
    users = {u.email: u for u in User.objects.filter(email__in=[e for pair in STAFF.values() for e in pair])}
    for council in councils.values():
        services.ensure_default_questionnaire(council=council)
    created = 0
    for code, ref, given, family, born, reason, postcode, parts, start, state in PEOPLE:
        council = councils[code]
        if Person.objects.filter(council=council, person_ref=ref).exists():
            continue
        commissioner, approver = (users[e] for e in STAFF[code])
        person = services.person_create(
            council=council,
            person_ref=ref,
            given_name=given,
            family_name=family,
            date_of_birth=born,
            primary_support_reason=reason,
            postcode=postcode,
            actor=commissioner,
        )
        assessment = _assess(person, commissioner)
        budget = services.budget_propose(
            person=person,
            start_date=start,
            arrangements=_parts(parts, providers),
            assessment=assessment,
            difference_reason=_reason(parts, assessment),
            actor=commissioner,
        )
        if state != "proposed":
            services.budget_approve(budget=budget, actor=approver)
        if isinstance(state, tuple):
            _, new_start, new_parts = state
            services.budget_propose(
                person=person,
                start_date=new_start,
                arrangements=_parts(new_parts, providers),
                actor=commissioner,
            )
        created += 1
    created += _family_person(councils[DORSET], providers, users)
    # Someone assessed, with no budget yet.
    if not Person.objects.filter(council=councils[DORSET], person_ref="DOR-1008").exists():
        commissioner = users[STAFF[DORSET][0]]
        person = services.person_create(
            council=councils[DORSET],
            person_ref="DOR-1008",
            given_name="Kit",
            family_name="Lyme",
            date_of_birth=dt.date(1966, 2, 2),
            primary_support_reason="social_support",
            actor=commissioner,
        )
        _assess(person, commissioner, pick=2)
        created += 1
    stdout.write(f"budgets: {created} people added ({Person.objects.count()} in all), questionnaires ready")


def _family_person(council, providers, users) -> int:
    """family@example.org (Pat Taylor) acts for Jamie Taylor: an approved budget with an ISF held by
    Harbour Lights Support (PRV-001), an assessment and an agreed support plan."""
    if Person.objects.filter(council=council, person_ref="DOR-1001").exists():
        return 0
    commissioner, approver = (users[e] for e in STAFF[DORSET])
    family = User.objects.filter(email="family@example.org").first()
    person = services.person_create(
        council=council,
        person_ref="DOR-1001",
        given_name="Jamie",
        family_name="Taylor",
        date_of_birth=dt.date(1997, 6, 12),
        primary_support_reason="learning_disability",
        postcode="DT1 2QR",
        actor=commissioner,
    )
    if family is not None:
        Representative.objects.get_or_create(person=person, user=family, defaults={"relationship": "parent"})
    q = services.ensure_default_questionnaire(council=council)
    answers = {question.pk: list(question.options.all())[1].pk for question in q.questions.all()}
    carer = q.adjustments.filter(percent__isnull=False).first()
    assessment = services.assessment_create(
        person=person,
        answers=answers,
        adjustment_ids=[carer.pk] if carer else [],
        actor=commissioner,
        assessed_on=dt.date(2026, 2, 10),
    )
    plan = services.support_plan_save(
        person=person,
        actor=family or commissioner,
        what_matters="Music, my friends from college, and being at home with my family.",
        outcomes="Go to the music group each week. Learn to cook two meals. Find volunteering at the café.",
        how_money_used="Support from Harbour Lights staff I know, used flexibly across the week, and money "
        "for music lessons I arrange myself.",
        who_helps="Mum and Dad, Harbour Lights Support, my friend Sam.",
        risks="Epilepsy: staff trained in my seizure plan. Road safety: support when travelling alone.",
    )
    if plan.status != PlanStatus.AGREED:
        services.support_plan_agree(plan=plan, actor=commissioner)
    services.holding_preference_record(
        person=person,
        management_types=["isf", "direct_payment"],
        note="We want Harbour Lights to hold most of it, so we do not have to employ anyone.",
        actor=family or commissioner,
    )
    isf_amount = assessment.agreed_amount - D("1500.00")
    budget = services.budget_propose(
        person=person,
        start_date=dt.date(2026, 4, 1),
        arrangements=[
            services.ArrangementInput("isf", isf_amount, providers.get("PRV-001")),
            services.ArrangementInput("direct_payment", D("1500.00")),
        ],
        assessment=assessment,
        support_plan=plan,
        actor=commissioner,
    )
    services.budget_approve(budget=budget, actor=approver)
    return 1
