"""Matrix rows for proportionate direct-payment oversight (issue 19). Each tenant's person gets a
direct-payment part, an annual statement, a check waiting for a decision (talked) and a decided one
(the family may ask again). The other tenant's objects belong to its secret person names."""

from decimal import Decimal

from budgets.models import Arrangement
from oversight import services
from oversight.models import Outcome
from tests.matrix.harness import Row


def populate(world) -> None:
    from organisations.models import Role
    from tests.factories import staff

    objects = {}
    for tenant in ("own", "other"):
        council = world.councils[tenant]
        comm = world.users["commissioner"] if tenant == "own" else staff(Role.COMMISSIONER, council=council)
        approved = world.objects["budgets"][tenant]["approved"]
        dp = Arrangement.objects.create(
            budget=approved,
            management_type="direct_payment",
            annual_amount=Decimal("2600.00"),
            start_date=approved.start_date,
        )
        statement = services.send_statement(
            arrangement=dp,
            actor=world.users["family"] if tenant == "own" else comm,
            year_end=approved.start_date,
            paid_for="A personal assistant",
            money_received=Decimal("2600.00"),
            money_spent=Decimal("2000.00"),
        )
        talked = services.raise_concern(arrangement=dp, actor=comm, concern="Payments bounced")
        services.record_conversation(check=talked, actor=comm, note="We talked")
        decided = services.raise_concern(arrangement=dp, actor=comm, concern="Another concern")
        services.record_conversation(check=decided, actor=comm, note="We talked")
        services.decide(check=decided, actor=comm, outcome=Outcome.NO_CHANGE, reason="All fine")
        objects[tenant] = {"dp": dp, "statement": statement, "talked": talked, "decided": decided}
    world.objects["oversight"] = objects


def _o(world, tenant, key):
    return world.objects["oversight"][tenant][key].pk


STAFF_PAGE = "302 200 200 403 403 403 403 200 403 403"
CHECK_OWN = "302 200 200 404 404 404 404 200 404 404"
CHECK_OTHER = "302 404 404 404 404 404 404 200 404 404"
STAFF_POST_OWN = "302 302 302 404 404 404 404 403 404 404"
STAFF_POST_OTHER = "302 404 404 404 404 404 404 403 404 404"
FAMILY_OWN = "302 404 404 404 404 404 200 404 404 404"
FAMILY_POST_OWN = "302 404 404 404 404 404 302 404 404 404"
NOBODY = "302 404 404 404 404 404 404 404 404 404"

ROWS = [
    Row("oversight:home", STAFF_PAGE, lambda w, t: "/oversight/"),
    Row(
        "oversight:run",
        "302 302 302 403 403 403 403 403 403 403",
        lambda w, t: "/oversight/run/",
        method="post",
    ),
    Row("oversight:report", STAFF_PAGE, lambda w, t: "/oversight/report/?period=2026-27"),
    Row("oversight:report-csv", STAFF_PAGE, lambda w, t: "/oversight/report.csv?period=2026-27"),
    Row(
        "oversight:check",
        CHECK_OWN,
        lambda w, t: f"/oversight/checks/{_o(w, t, 'talked')}/",
        other=CHECK_OTHER,
    ),
    Row(
        "oversight:conversation",
        STAFF_POST_OWN,
        lambda w, t: f"/oversight/checks/{_o(w, t, 'talked')}/conversation/",
        other=STAFF_POST_OTHER,
        method="post",
        data=lambda w, t: {"note": "Talked again"},
    ),
    Row(
        "oversight:decide",
        STAFF_POST_OWN,
        lambda w, t: f"/oversight/checks/{_o(w, t, 'talked')}/decide/",
        other=STAFF_POST_OTHER,
        method="post",
        data=lambda w, t: {"outcome": "no_change", "reason": "Fine"},
    ),
    Row(
        "oversight:concern",
        "302 200 200 404 404 404 403 403 404 404",
        lambda w, t: f"/oversight/arrangements/{_o(w, t, 'dp')}/concern/",
        other="302 404 404 404 404 404 404 403 404 404",
    ),
    Row(
        "oversight:concern",
        "302 302 302 404 404 404 403 403 404 404",
        lambda w, t: f"/oversight/arrangements/{_o(w, t, 'dp')}/concern/",
        other="302 404 404 404 404 404 404 403 404 404",
        method="post",
        data=lambda w, t: {"concern": "A worry"},
    ),
    Row(
        "oversight:statement",
        CHECK_OWN,
        lambda w, t: f"/oversight/statements/{_o(w, t, 'statement')}/",
        other=CHECK_OTHER,
    ),
    Row(
        "oversight:statement",
        STAFF_POST_OWN,
        lambda w, t: f"/oversight/statements/{_o(w, t, 'statement')}/",
        other=STAFF_POST_OTHER,
        method="post",
        data=lambda w, t: {"note": "Read"},
    ),
    Row(
        "oversight:settings",
        "302 403 403 403 404 404 404 403 200 404",
        lambda w, t: f"/council/{w.councils[t].gss_code}/settings/direct-payment-checks/",
        other="302 404 404 404 404 404 404 403 404 404",
    ),
    Row(
        "oversight:settings",
        "302 403 403 403 404 404 404 403 302 404",
        lambda w, t: f"/council/{w.councils[t].gss_code}/settings/direct-payment-checks/",
        other="302 404 404 404 404 404 404 403 404 404",
        method="post",
        data=lambda w, t: {
            "large_balance_enabled": "on",
            "large_balance_weeks": "10",
            "no_spending_days": "91",
        },
    ),
    Row(
        "oversight:family-check",
        FAMILY_OWN,
        lambda w, t: f"/your-budget/checks/{_o(w, t, 'talked')}/",
        other=NOBODY,
    ),
    Row(
        "oversight:family-check",
        FAMILY_POST_OWN,
        lambda w, t: f"/your-budget/checks/{_o(w, t, 'talked')}/",
        other=NOBODY,
        method="post",
        data=lambda w, t: {"text": "We are saving up"},
    ),
    Row(
        "oversight:family-ask-again",
        FAMILY_POST_OWN,
        lambda w, t: f"/your-budget/checks/{_o(w, t, 'decided')}/ask-again/",
        other=NOBODY,
        method="post",
        data=lambda w, t: {"reason": "Please look again"},
    ),
    Row(
        "oversight:family-statement",
        FAMILY_OWN,
        lambda w, t: f"/your-budget/statements/{_o(w, t, 'dp')}/",
        other=NOBODY,
    ),
    Row(
        "oversight:family-statement",
        FAMILY_POST_OWN,
        lambda w, t: f"/your-budget/statements/{_o(w, t, 'dp')}/",
        other=NOBODY,
        method="post",
        data=lambda w, t: {
            "year_end": "2027-03-31",
            "paid_for": "A personal assistant",
            "money_received": "2600",
            "money_spent": "2600",
        },
    ),
]
