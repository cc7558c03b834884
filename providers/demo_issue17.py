"""Demo data for issue 17 (called from providers.demo): a budget that tapers as outcomes are met
(Fred Marsh, Dorset, two reviews each reducing it), a review of Jamie Taylor's budget waiting for the
family's answer, a Dorset block contract converted into Individual Service Funds, and a Bristol block
whose conversion waits for the approver. Idempotent; all names are made up."""

import datetime as dt
from decimal import Decimal

from budgets import batches, blocks, review_services, services
from budgets.models import BlockContract, BudgetReview, Person, PersonalBudget
from budgets.services import BudgetError
from organisations.models import Council, Provider, User

from . import block_conversion
from .services import ProviderError

D = Decimal
DORSET, BRISTOL = "E06000059", "E06000023"
STAFF = {
    DORSET: ("commissioner@example.org", "approver@example.org"),
    BRISTOL: ("commissioner.bristol@example.org", "approver.bristol@example.org"),
}
OutcomeFound = review_services.OutcomeFound


def _staff(code):
    return [User.objects.get(email=e) for e in STAFF[code]]


def _person(council, ref, given, family, born, reason, commissioner):
    person = Person.objects.filter(council=council, person_ref=ref).first()
    return person or services.person_create(
        council=council,
        person_ref=ref,
        given_name=given,
        family_name=family,
        date_of_birth=born,
        primary_support_reason=reason,
        actor=commissioner,
    )


def _review(budget, commissioner, approver, *, on, outcomes, changed, reason, new, start, approve=True):
    arrangement = budget.arrangements.order_by("pk").first()
    review = review_services.review_with_outcomes(
        budget=budget,
        actor=commissioner,
        notes=reason,
        outcomes=outcomes,
        recommendation="reduce",
        recommendation_reason=reason,
        what_changed=changed,
        change_from=start,
        new_amounts={arrangement.pk: D(new)},
        reviewed_on=on,
    )
    proposal = review.proposed_versions.get()
    if approve:
        services.budget_approve(budget=proposal, actor=approver)
    return proposal


def fred(council, providers) -> str:
    """Fred's paid support tapers as his life grows: £24,000 → £19,000 → £15,500 a year."""
    commissioner, approver = _staff(DORSET)
    person = _person(
        council, "DOR-1010", "Fred", "Marsh", dt.date(1988, 9, 3), "learning_disability", commissioner
    )
    if person.budgets.exists():
        return "taper: Fred Marsh already there"
    plan = services.support_plan_save(
        person=person,
        actor=commissioner,
        what_matters="My own flat, my dog Pepper, and the allotment.",
        outcomes="Cook my own tea most days\nMake friends at the allotment\nFind paid work\n"
        "Travel to town on my own",
        how_money_used="Staff I choose from Harbour Lights, fewer hours as I do more myself.",
        who_helps="My sister Jo, the allotment society, Harbour Lights Support.",
        risks="Crossing busy roads: practise routes with staff first.",
    )
    services.support_plan_agree(plan=plan, actor=commissioner)
    first = services.budget_propose(
        person=person,
        start_date=dt.date(2023, 4, 1),
        arrangements=[services.ArrangementInput("isf", D("24000.00"), providers["PRV-001"])],
        support_plan=plan,
        actor=commissioner,
    )
    services.budget_approve(budget=first, actor=approver)
    second = _review(
        first,
        commissioner,
        approver,
        on=dt.date(2024, 5, 10),
        outcomes=[
            OutcomeFound(
                "Cook my own tea most days", "met", "I make pasta and a curry. Jo taught me the curry."
            ),
            OutcomeFound("Make friends at the allotment", "partly_met", "Dave and Ruth say hello now."),
            OutcomeFound("Find paid work", "not_met", "Not yet. I want to."),
            OutcomeFound("Travel to town on my own", "met", "I get the 10 bus on my own."),
        ],
        changed=["new_skills", "friends"],
        reason="Fred cooks and travels on his own now, so evening and travel support can taper.",
        new="19000.00",
        start=dt.date(2024, 6, 1),
    )
    _review(
        second,
        commissioner,
        approver,
        on=dt.date(2025, 5, 12),
        outcomes=[
            OutcomeFound("Make friends at the allotment", "met", "I have my own plot next to Dave."),
            OutcomeFound("Find paid work", "met", "Two mornings at the garden centre."),
        ],
        changed=["work", "friends", "unpaid_support"],
        reason="Fred works two mornings and the allotment friends help him; daytime support can taper.",
        new="15500.00",
        start=dt.date(2025, 6, 1),
    )
    return "taper: Fred Marsh's budget went down after two reviews with outcomes met"


def jamie_review(council) -> str:
    """A review of Jamie Taylor's budget (family@example.org) waiting for the family's answer."""
    commissioner, approver = _staff(DORSET)
    person = Person.objects.filter(council=council, person_ref="DOR-1001").first()
    if person is None or BudgetReview.objects.filter(budget__person=person).exists():
        return "review: Jamie Taylor skipped"
    budget = services.latest_approved_version(person)
    if budget is None:
        return "review: Jamie Taylor has no approved budget"
    dp = budget.arrangements.filter(management_type="direct_payment").first()
    try:
        review_services.review_with_outcomes(
            budget=budget,
            actor=commissioner,
            notes="Jamie is doing well. Music group every week; cooking two meals on his own.",
            outcomes=[
                OutcomeFound(o.strip(), s, w)
                for o, s, w in [
                    ("Go to the music group each week", "met", "I go every Thursday. I play drums now."),
                    ("Learn to cook two meals", "met", "Spaghetti and fajitas."),
                    ("Find volunteering at the café", "partly_met", "I have a trial day next month."),
                ]
            ],
            recommendation="reduce",
            recommendation_reason="Jamie's music lessons now come free through the group, so the direct "
            "payment for them can go down.",
            what_changed=["new_skills", "friends"],
            change_from=dt.date(2027, 1, 1),
            new_amounts={dp.pk: D("900.00")} if dp else {},
            reviewed_on=dt.date(2026, 11, 2),
        )
    except BudgetError as exc:
        return f"review: Jamie Taylor skipped ({exc})"
    return "review: Jamie Taylor's review waits for the family's answer"


def _block(council, provider, name, value, start, refs, code):
    commissioner, approver = _staff(code)
    people = [
        _person(council, ref, g, f, born, "learning_disability", commissioner) for ref, g, f, born in refs
    ]
    block = blocks.block_record(
        council=council,
        provider=provider,
        name=name,
        annual_value=D(value),
        start_date=start,
        end_date=None,
        people=people,
        actor=commissioner,
    )
    batches.batch_confirm(batch=block.record_batch, actor=approver)
    block.refresh_from_db()
    return block, commissioner, approver


DORSET_BLOCK = [
    ("DOR-1020", "Alys", "Penrose", dt.date(1979, 4, 2)),
    ("DOR-1021", "Bernard", "Cole", dt.date(1966, 8, 19)),
    ("DOR-1022", "Carys", "Whitlock", dt.date(1990, 1, 30)),
    ("DOR-1023", "Dev", "Okafor", dt.date(1985, 11, 11)),
    ("DOR-1024", "Elin", "Marsh", dt.date(1972, 6, 5)),
    ("DOR-1025", "Frankie", "Gould", dt.date(1995, 3, 23)),
]
BRISTOL_BLOCK = [
    ("BRS-2020", "Gwen", "Ashley", dt.date(1981, 2, 14)),
    ("BRS-2021", "Hari", "Patel", dt.date(1976, 9, 9)),
    ("BRS-2022", "Ines", "Moreau", dt.date(1993, 12, 1)),
    ("BRS-2023", "Joss", "Kerr", dt.date(1969, 7, 7)),
]


def block_contracts(councils, providers) -> list[str]:
    said = []
    if not BlockContract.objects.filter(name="Riverside supported living").exists():
        block, commissioner, approver = _block(
            councils[DORSET],
            providers["PRV-002"],
            "Riverside supported living",
            "240000.00",
            dt.date(2022, 4, 1),
            DORSET_BLOCK,
            DORSET,
        )
        split = dict(
            zip(
                [p.person_id for p in block.places.order_by("person__person_ref")],
                [D(x) for x in ("38000.00", "31500.00", "29000.00", "35250.00", "27000.00", "33000.00")],
                strict=True,
            )
        )
        block_conversion.block_convert(
            block=block, isf_start=dt.date(2025, 4, 1), amounts=split, actor=commissioner
        )
        block.refresh_from_db()
        batches.batch_confirm(batch=block.conversion_batch, actor=approver)
        # Reviews after the conversion, for the comparison page's outcomes.
        for place in block.places.select_related("person")[:3]:
            budget = services.latest_approved_version(place.person)
            review_services.review_with_outcomes(
                budget=budget,
                actor=commissioner,
                notes="First review of the Individual Service Fund.",
                outcomes=[
                    OutcomeFound("Choose who supports me", "met", "I picked my own team."),
                    OutcomeFound("Go out in the evenings", "partly_met", "Twice a week now."),
                ],
                recommendation="keep",
                recommendation_reason="Settling in well with the new way of working.",
                reviewed_on=dt.date(2025, 10, 15),
            )
        said.append("blocks: Riverside supported living (Dorset) converted into 6 ISFs from 1 April 2025")
    if not BlockContract.objects.filter(name="Southmead shared house").exists():
        block, commissioner, _ = _block(
            councils[BRISTOL],
            providers["PRV-005"],
            "Southmead shared house",
            "150000.00",
            dt.date(2023, 10, 1),
            BRISTOL_BLOCK,
            BRISTOL,
        )
        block_conversion.block_convert(block=block, isf_start=dt.date(2027, 4, 1), actor=commissioner)
        said.append("blocks: Southmead shared house (Bristol) conversion waits for the approver")
    return said


def build(*, stdout) -> None:
    councils = {c.gss_code: c for c in Council.objects.filter(gss_code__in=[DORSET, BRISTOL])}
    providers = {p.provider_ref: p for p in Provider.objects.all()}
    if len(councils) < 2 or not all(r in providers for r in ("PRV-001", "PRV-002", "PRV-005")):
        stdout.write("issue 17 demo: skipped (run the organisations demo first)")
        return
    lines = []
    for step in (
        lambda: [fred(councils[DORSET], providers)],
        lambda: [jamie_review(councils[DORSET])],
        lambda: block_contracts(councils, providers),
    ):
        try:
            lines += step()
        except (BudgetError, ProviderError) as exc:
            lines.append(f"issue 17 demo step skipped: {exc}")
    for line in lines:
        stdout.write(line)
    from_reviews = PersonalBudget.objects.filter(from_review__isnull=False).count()
    stdout.write(f"issue 17 demo: {from_reviews} budget versions from reviews")
