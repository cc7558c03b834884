"""Matrix rows for issue 17: reviews that walk the outcomes, the family's answer, the council's budget
trend, and block contracts. The other council's review is of its secret person (Bryn), so any page that
lists it is caught."""

import datetime as dt
from decimal import Decimal

from budgets import batches, blocks, review_services
from budgets.models import Person
from organisations.models import Role
from tests.factories import staff
from tests.matrix.harness import Row


def populate(world) -> None:
    objects = {}
    for tenant in ("own", "other"):
        council = world.councils[tenant]
        comm = world.users["commissioner"] if tenant == "own" else staff(Role.COMMISSIONER, council=council)
        budget = world.objects["budgets"][tenant]["approved"]
        objects[tenant] = {
            "review": review_services.review_with_outcomes(
                budget=budget,
                actor=comm,
                notes="Going well",
                outcomes=[review_services.OutcomeFound("Go swimming", "met", "I swim on Mondays")],
                recommendation="keep",
                recommendation_reason="Support is about right",
                reviewed_on=dt.date(2026, 6, 1),
            )
        }
        # A block contract in force; the other council's is named after its secret person.
        secret = tenant == "other"
        people = [
            Person.objects.create(
                council=council,
                person_ref=f"HIDDEN-B-1-BLOCK-{i}" if secret else f"BLOCK-A-{i}",
                given_name="Zephyrine" if secret else "Blodwen",
                family_name="Block",
                date_of_birth="1970-01-01",
                primary_support_reason="learning_disability",
            )
            for i in (1, 2)
        ]
        block = blocks.block_record(
            council=council,
            provider=world.providers[tenant],
            name="HIDDEN-B-1 block" if secret else "Own block",
            annual_value=Decimal("40000.00"),
            start_date=dt.date(2024, 4, 1),
            end_date=None,
            people=people,
            actor=comm,
        )
        appr = (
            world.users["approver"]
            if tenant == "own"
            else staff(Role.APPROVER, council=council, approval_limit=Decimal("100000.00"))
        )
        batches.batch_confirm(batch=block.record_batch, actor=appr)
        objects[tenant]["block"] = block
    world.objects["reviews"] = objects


def _r(world, tenant):
    return world.objects["reviews"][tenant]


ROWS = [
    Row(
        "budgets:review",
        "302 200 200 403 403 403 302 200 404 404",
        lambda w, t: f"/reviews/{_r(w, t)['review'].pk}/",
        other="302 404 404 404 404 404 404 200 404 404",
        broker=403,  # sees the person while invited, but reviews are casework
    ),
    Row(
        "budgets:your-review",
        "302 302 302 403 403 403 200 302 404 403",
        lambda w, t: f"/your-budget/reviews/{_r(w, t)['review'].pk}/",
        other="302 404 404 404 404 404 404 302 404 404",
    ),
    Row(
        "budgets:your-review",
        "302 302 302 403 403 403 302 302 404 403",
        lambda w, t: f"/your-budget/reviews/{_r(w, t)['review'].pk}/",
        other="302 404 404 404 404 404 404 302 404 404",
        method="post",
        data=lambda w, t: {"agrees": "yes"},
    ),
    Row(
        "monitoring:budget-trend",
        "302 200 200 200 403 403 403 200 403 403",
        lambda w, t: f"/monitoring/budget-trend/?council={w.councils[t].pk}",
        other="302 404 404 404 403 403 403 200 403 403",
    ),
]

BLOCK_OWN = "302 200 200 404 404 404 404 200 404 404"
BLOCK_OTHER = "302 404 404 404 404 404 404 200 404 404"

ROWS += [
    Row("providers:blocks", "302 200 200 403 403 403 403 200 403 403", lambda w, t: "/providers/blocks/"),
    Row(
        "providers:block-create",
        "302 200 403 403 403 403 403 403 403 403",
        lambda w, t: "/providers/blocks/new/",
    ),
    Row(
        "providers:block-create",
        "302 400 403 403 403 403 403 403 403 403",
        lambda w, t: "/providers/blocks/new/",
        method="post",
        data=lambda w, t: {"name": ""},
    ),
    Row(
        "providers:block",
        BLOCK_OWN,
        lambda w, t: f"/providers/blocks/{_r(w, t)['block'].pk}/",
        other=BLOCK_OTHER,
    ),
    Row(
        "providers:block-convert",
        "302 200 403 404 404 404 404 403 404 404",
        lambda w, t: f"/providers/blocks/{_r(w, t)['block'].pk}/convert/",
        other="302 404 404 404 404 404 404 403 404 404",
    ),
    Row(
        "providers:block-convert",
        "302 400 403 404 404 404 404 403 404 404",
        lambda w, t: f"/providers/blocks/{_r(w, t)['block'].pk}/convert/",
        other="302 404 404 404 404 404 404 403 404 404",
        method="post",
        data=lambda w, t: {"split": "even"},
    ),
    Row(
        "monitoring:block-compare",
        BLOCK_OWN,
        lambda w, t: f"/monitoring/blocks/{_r(w, t)['block'].pk}/",
        other=BLOCK_OTHER,
    ),
]
