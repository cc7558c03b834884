"""Demo data for NHS commissioning and Transforming Care: NHS Dorset's integrated care board with its
staff, the Dorset Transforming Care Partnership (Dorset Council and the ICB), a budget funded jointly by
the two (the ICB's share approved, Dorset's waiting), a discharge list of named people in hospital (one
stuck, one home), providers' declared capacity and an invitation. Eden Marsh's family signs in as
family.marsh@example.org. All names are made up.

Idempotent: what exists already is left as it is.
"""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from budgets import services as budget_services
from budgets.models import Person
from organisations.demo import DEMO_PASSWORD
from organisations.models import Council, Provider, Role, User
from organisations.services import ensure_user, grant_role

from . import funding, services
from .models import FundingShare
from .services import nhs_body_ensure, partnership_ensure

ORDER = 45
DORSET = "E06000059"
ICB = ("E54000041", "NHS Dorset Integrated Care Board", "QVV")
STAFF = [
    ("icb.commissioner@example.org", "Nia Rowe (ICB commissioner)", Role.COMMISSIONER, None),
    ("icb.approver@example.org", "Owen Pike (ICB panel chair)", Role.APPROVER, Decimal("150000.00")),
    ("icb.monitoring@example.org", "Lena Ford (ICB monitoring officer)", Role.MONITORING_OFFICER, None),
]


def _joint_budget(dorset: Council, icb: Council) -> None:
    if Person.objects.filter(council=dorset, person_ref="DOR-TC-01").exists():
        return
    commissioner = User.objects.get(email="commissioner@example.org")
    person = budget_services.person_create(
        council=dorset,
        actor=commissioner,
        person_ref="DOR-TC-01",
        given_name="Eden",
        family_name="Marsh",
        date_of_birth=dt.date(1994, 2, 3),
        primary_support_reason="learning_disability",
        postcode="DT1 2ZZ",
    )
    provider = Provider.objects.get(provider_ref="PRV-001")
    budget = budget_services.budget_propose(
        person=person,
        start_date=dt.date(2026, 12, 1),
        arrangements=[budget_services.ArrangementInput("isf", Decimal("65000.00"), provider)],
        actor=commissioner,
    )
    funding.funding_set(
        budget=budget, shares={dorset: Decimal("20000.00"), icb: Decimal("45000.00")}, actor=commissioner
    )
    share = FundingShare.objects.get(budget=budget, funder=icb)
    funding.share_approve(share=share, actor=User.objects.get(email="icb.approver@example.org"))


# (ref, given, family, born, setting, where, planned, provider, shortlist, answers, housing note, in the way)
TRACKER = [
    ("DOR-TC-02", "Kai", "Lowe", dt.date(1988, 8, 19), "independent_hospital", "Larchfield Hospital", None,
     None, ["PRV-002", "PRV-003"],
     {"work_alongside": "not_known", "clinical_support": "somewhat", "psychiatrist_support": "yes",
      "housing": "no"}, "", "No accessible tenancy found yet"),
    ("DOR-TC-03", "Remy", "Stone", dt.date(1979, 11, 5), "secure_hospital", "Moorview Secure Unit",
     dt.date(2027, 5, 1), None, [],
     {"work_alongside": "not_known", "clinical_support": "yes", "psychiatrist_support": "no",
      "housing": "somewhat"}, "Shared house with one other person being looked at", ""),
    ("DOR-TC-04", "Ari", "Vale", dt.date(1996, 4, 12), "nhs_ward", "Ward 4, Dorchester Hospital",
     dt.date(2026, 10, 1), "PRV-002", [],
     {"provider_has_met": "yes", "work_alongside": "yes", "clinical_support": "yes",
      "psychiatrist_support": "yes", "housing": "yes"}, "Own flat in Weymouth", ""),
]  # fmt: skip
# (provider, years offering ISFs, people supported home before, {year: people})
CAPACITY = [("PRV-001", 8, 6, {2026: 3, 2027: 5, 2028: 6}), ("PRV-002", 4, 2, {2026: 2, 2027: 3})]


def _approved_joint_budget(person: Person, *, provider, icb: Council, start: dt.date) -> None:
    """Someone who came home with an ISF funded jointly, both shares approved: the return counts them
    as jointly funded, once, in Dorset's people; the ICB's return shows its share of their budget."""
    commissioner = User.objects.get(email="commissioner@example.org")
    budget = budget_services.budget_propose(
        person=person,
        start_date=start,
        arrangements=[budget_services.ArrangementInput("isf", Decimal("58000.00"), provider)],
        actor=commissioner,
    )
    funding.funding_set(
        budget=budget,
        shares={person.council: Decimal("18000.00"), icb: Decimal("40000.00")},
        actor=commissioner,
    )
    approvers = {icb.pk: "icb.approver@example.org", person.council_id: "approver@example.org"}
    for share in budget.funding_shares.all():
        funding.share_approve(share=share, actor=User.objects.get(email=approvers[share.funder_id]))


def _personal_health_budget(icb: Council) -> None:
    """One of the ICB's own people with a personal health budget: NHS-funded in the ICB's return."""
    if Person.objects.filter(council=icb, person_ref="PHB-0001").exists():
        return
    commissioner = User.objects.get(email="icb.commissioner@example.org")
    person = budget_services.person_create(
        council=icb, actor=commissioner, person_ref="PHB-0001", given_name="Noor", family_name="Ashby",
        date_of_birth=dt.date(1983, 9, 30), primary_support_reason="physical_support",
    )  # fmt: skip
    budget = budget_services.budget_propose(
        person=person,
        start_date=dt.date(2026, 6, 1),
        arrangements=[budget_services.ArrangementInput("direct_payment", Decimal("21000.00"), None)],
        actor=commissioner,
    )
    budget_services.budget_approve(budget=budget, actor=User.objects.get(email="icb.approver@example.org"))


def _tracker(partnership, dorset: Council, icb: Council) -> None:
    commissioner = User.objects.get(email="commissioner@example.org")
    providers = {p.provider_ref: p for p in Provider.objects.all()}
    eden = Person.objects.get(council=dorset, person_ref="DOR-TC-01")
    if not eden.discharge_lines.exists():
        family = ensure_user(email="family.marsh@example.org", full_name="Gwen Marsh", password=DEMO_PASSWORD)
        budget_services.representative_add(
            person=eden, actor=commissioner, email=family.email, full_name="Gwen Marsh", relationship="mother"
        )
        services.line_add(
            partnership=partnership, person=eden, actor=commissioner, setting="assessment_and_treatment",
            setting_name="Heathside Assessment and Treatment Unit", planned_date=dt.date(2027, 1, 15),
            provider=providers["PRV-001"], provider_has_met="yes", work_alongside="yes",
            clinical_support="yes", psychiatrist_support="somewhat", housing="somewhat",
            housing_note="A bungalow in Dorchester is being adapted",
            in_the_way="Adaptations to the bathroom",
        )  # fmt: skip
    for ref, given, family, born, setting, where, planned, provider, shortlist, answers, note, way in TRACKER:
        if Person.objects.filter(council=dorset, person_ref=ref).exists():
            continue
        person = budget_services.person_create(
            council=dorset, actor=commissioner, person_ref=ref, given_name=given, family_name=family,
            date_of_birth=born, primary_support_reason="learning_disability",
        )  # fmt: skip
        line = services.line_add(
            partnership=partnership, person=person, actor=commissioner, setting=setting, setting_name=where,
            planned_date=planned, provider=providers.get(provider),
            shortlist=[providers[p] for p in shortlist],
            housing_note=note, in_the_way=way, **answers,
        )  # fmt: skip
        if planned and planned < timezone.localdate():
            _approved_joint_budget(person, provider=line.provider, icb=icb, start=planned)
            services.line_home(line=line, on=planned, actor=commissioner)
    for ref, years, home, capacity in CAPACITY:
        provider = providers[ref]
        manager = User.objects.filter(
            memberships__provider=provider, memberships__role=Role.PROVIDER_MANAGER
        ).first()
        if not hasattr(provider, "tc_experience"):
            services.capacity_declare(
                provider=provider, actor=manager, years_offering_isfs=years, people_supported_home=home,
                areas=[partnership], capacity=capacity,
            )  # fmt: skip
    services.invite(partnership=partnership, provider=providers["PRV-002"], actor=commissioner)


def build(*, stdout) -> None:
    icb = nhs_body_ensure(gss_code=ICB[0], name=ICB[1], ods_code=ICB[2])
    for email, name, role, limit in STAFF:
        user = ensure_user(email=email, full_name=name, password=DEMO_PASSWORD)
        grant_role(user=user, role=role, council=icb, approval_limit=limit)
    dorset = Council.objects.get(gss_code=DORSET)
    partnership = partnership_ensure(
        code="dorset-tcp", name="Dorset Transforming Care Partnership", members=[dorset, icb]
    )
    _joint_budget(dorset, icb)
    _tracker(partnership, dorset, icb)
    _personal_health_budget(icb)
    stdout.write(
        "nhs: NHS Dorset ICB, the Dorset Transforming Care Partnership, a jointly funded budget, "
        f"{partnership.discharge_lines.count()} people on its discharge list"
    )
