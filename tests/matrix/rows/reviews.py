"""Matrix rows for issue 17: reviews that walk the outcomes, the family's answer, the council's budget
trend, and block contracts. The other council's review is of its secret person (Bryn), so any page that
lists it is caught."""

import datetime as dt

from budgets import review_services
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
    world.objects["reviews"] = objects


def _r(world, tenant):
    return world.objects["reviews"][tenant]


ROWS = [
    Row(
        "budgets:review",
        "302 200 200 403 403 403 302 200 404",
        lambda w, t: f"/reviews/{_r(w, t)['review'].pk}/",
        other="302 404 404 404 404 404 404 200 404",
        broker=403,  # sees the person while invited, but reviews are casework
    ),
    Row(
        "budgets:your-review",
        "302 302 302 403 403 403 200 302 404",
        lambda w, t: f"/your-budget/reviews/{_r(w, t)['review'].pk}/",
        other="302 404 404 404 404 404 404 302 404",
        broker=403,
    ),
    Row(
        "budgets:your-review",
        "302 302 302 403 403 403 302 302 404",
        lambda w, t: f"/your-budget/reviews/{_r(w, t)['review'].pk}/",
        other="302 404 404 404 404 404 404 302 404",
        method="post",
        data=lambda w, t: {"agrees": "yes"},
        broker=403,
    ),
    Row(
        "monitoring:budget-trend",
        "302 200 200 200 403 403 403 200 403",
        lambda w, t: f"/monitoring/budget-trend/?council={w.councils[t].pk}",
        other="302 404 404 404 403 403 403 200 403",
    ),
]
