"""Matrix rows for the carers' pages (issue 19). The other council's carer is named after its secret
person (Zephyrine, HIDDEN-B-1-…) so any page that lists it is caught."""

import datetime as dt
from decimal import Decimal

from budgets.carers import carer_assessment_record
from organisations.models import Role
from tests.factories import staff
from tests.matrix.harness import Row


def populate(world) -> None:
    objects = {}
    for tenant in ("own", "other"):
        council = world.councils[tenant]
        comm = world.users["commissioner"] if tenant == "own" else staff(Role.COMMISSIONER, council=council)
        objects[tenant] = carer_assessment_record(
            cared_for=world.objects["person"][tenant],
            actor=comm,
            carer_ref="CARER-A-1" if tenant == "own" else "HIDDEN-B-1-CARER",
            given_name="Carys" if tenant == "own" else "Zephyrine",
            family_name="Own" if tenant == "own" else "Carer",
            date_of_birth=dt.date(1975, 1, 1),
            assessed_on=dt.date(2026, 5, 1),
            caring_role="Every evening and weekend",
            what_would_help="A break each week",
            indicative_amount=Decimal("1500.00"),
        )
    world.objects["carers"] = objects


def _carer_assessment(world, tenant):
    return world.objects["carers"][tenant].pk


def _person(world, tenant):
    return world.objects["person"][tenant].pk


OTHER_404 = "302 404 404 404 404 404 404 403 404 404"

ROWS = [
    Row(
        "budgets:carer-assessment-create",
        "302 200 403 403 403 403 403 403 404 404",
        lambda w, t: f"/people/{_person(w, t)}/carers/new/",
        other=OTHER_404,
        broker=403,  # the broker sees the person they were invited for, but not their casework
    ),
    Row(
        "budgets:carer-assessment-create",
        "302 302 403 403 403 403 403 403 404 404",
        lambda w, t: f"/people/{_person(w, t)}/carers/new/",
        other=OTHER_404,
        broker=403,  # the broker sees the person they were invited for, but not their casework
        method="post",
        data=lambda w, t: {
            "carer_ref": f"NEW-CARER-{t}",
            "given_name": "Nia",
            "date_of_birth": "1970-02-01",
            "assessed_on": "2026-06-01",
            "caring_role": "Nights",
            "what_would_help": "Sleep",
            "indicative_amount": "800",
        },
    ),
    Row(
        "budgets:carer-assessment",
        "302 200 200 404 404 404 404 200 404 404",
        lambda w, t: f"/carer-assessments/{_carer_assessment(w, t)}/",
        other="302 404 404 404 404 404 404 200 404 404",
    ),
]
