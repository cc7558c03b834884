"""Matrix rows for the ISF ledger pages and API (providers/ledger)."""

import datetime as dt

from django.utils import timezone

from budgets.models import ManagementType
from organisations.services import system_actor
from providers.ledger import managed, services
from tests.budgets.factories import approved_budget
from tests.ledger.factories import isf_agreement
from tests.matrix.harness import Row


def populate(world):
    robot = system_actor()
    today = timezone.localdate()
    funds, entries = {}, {}
    for tenant in ("own", "other"):
        agreement = isf_agreement(
            person=world.objects["person"][tenant],
            provider=world.providers[tenant],
            start=today - dt.timedelta(days=60),
            budget_ref=f"MATRIX-{tenant}",
        )
        fund = services.open_fund(agreement=agreement, actor=robot)
        services.post_due_payments(fund=fund, actor=robot, today=today)
        entries[tenant], _ = services.record_spending(
            fund=fund,
            entry_date=today,
            category="support",
            amount="25.00",
            description="Support to go swimming",
            idempotency_key=f"matrix-{tenant}",
            actor=robot,
        )
        funds[tenant] = fund
    world.objects["isf"] = funds
    world.objects["isf_entry"] = entries
    # A managed direct payment for each tenant's person, held by that tenant's organisation.
    accounts = {}
    for tenant in ("own", "other"):
        budget = approved_budget(
            world.objects["person"][tenant],
            start=today - dt.timedelta(days=60),
            parts=((ManagementType.DIRECT_PAYMENT_MANAGED, "5200.00", world.providers[tenant]),),
        )
        account = managed.open_managed_account(arrangement=budget.arrangements.get(), actor=robot)
        services.post_due_payments(fund=account, actor=robot, today=today)
        accounts[tenant] = account
    world.objects["managed_dp"] = accounts


def fund(path=""):
    return lambda w, t: f"/isf/{w.objects['isf'][t].pk}/{path}"


def api(path=""):
    return lambda w, t: f"/api/isf/{w.objects['isf'][t].pk}/{path}"


def spending(w, t):
    return {
        "entry_date": timezone.localdate().isoformat(),
        "category": "activity",
        "amount": "12.50",
        "description": "Cinema tickets",
        "idempotency_key": "matrix-form-1",
    }


#                 anon com app mon mgr fin fam adm
NOBODY_ELSE = "302 404 404 404 404 404 404 200 404 404"
READ_OWN = "302 200 200 404 200 200 200 200 404 404"
API_READ_OWN = "401 200 200 404 200 200 200 200 404 404"
API_READ_OTHER = "401 404 404 404 404 404 404 200 404 404"

ROWS = [
    Row("ledger:your-isf", "302 403 403 403 403 403 200 403 403 403", lambda w, t: "/isf/"),
    Row("ledger:your-managed-dp", "302 403 403 403 403 403 200 403 403 403", lambda w, t: "/isf/managed/"),
    Row(
        "ledger:move",
        "302 200 403 404 403 403 403 403 404 404",
        lambda w, t: f"/isf/{w.objects['managed_dp'][t].pk}/move/",
        other="302 404 404 404 404 404 404 403 404 404",
    ),
    Row(
        "ledger:move",
        "302 200 403 404 403 403 403 403 404 404",
        lambda w, t: f"/isf/{w.objects['managed_dp'][t].pk}/move/",
        other="302 404 404 404 404 404 404 403 404 404",
        method="post",
        data=lambda w, t: {},
        note="(nothing chosen: the form says so, nothing moves)",
    ),
    Row(
        "ledger:cancel-move",
        "302 302 403 404 403 403 403 403 404 404",
        lambda w, t: f"/isf/{w.objects['managed_dp'][t].pk}/move/cancel/",
        other="302 404 404 404 404 404 404 403 404 404",
        method="post",
        data=lambda w, t: {},
        note="(nothing planned: back to the move page, nothing changes)",
    ),
    Row("ledger:provider-ledgers", "302 403 403 403 200 200 403 403 403 403", lambda w, t: "/isf/provider/"),
    Row("ledger:upload", "302 403 403 403 200 200 403 403 403 403", lambda w, t: "/isf/provider/upload/"),
    Row(
        "ledger:upload",
        "302 403 403 403 200 200 403 403 403 403",
        lambda w, t: "/isf/provider/upload/",
        method="post",
        data=lambda w, t: {},
        note="(no file: the form says so)",
    ),
    Row("ledger:commissioner-isfs", "302 200 403 403 403 403 403 200 403 403", lambda w, t: "/isf/council/"),
    Row("ledger:ledger", READ_OWN, fund(), other=NOBODY_ELSE),
    Row(
        "ledger:add-entry",
        "302 403 403 404 200 200 403 403 404 404",
        fund("entries/new/"),
        other="302 404 404 404 404 404 404 403 404 404",
    ),
    Row(
        "ledger:add-entry",
        "302 403 403 404 302 302 403 403 404 404",
        fund("entries/new/"),
        other="302 404 404 404 404 404 404 403 404 404",
        method="post",
        data=spending,
    ),
    Row(
        "ledger:reverse",
        "302 403 403 404 200 200 403 403 404 404",
        lambda w, t: f"/isf/{w.objects['isf'][t].pk}/entries/{w.objects['isf_entry'][t].pk}/reverse/",
        other="302 404 404 404 404 404 404 403 404 404",
    ),
    Row(
        "ledger:reverse",
        "302 403 403 404 302 302 403 403 404 404",
        lambda w, t: f"/isf/{w.objects['isf'][t].pk}/entries/{w.objects['isf_entry'][t].pk}/reverse/",
        other="302 404 404 404 404 404 404 403 404 404",
        method="post",
        data=lambda w, t: {"reason": "Charged twice"},
    ),
    Row(
        "ledger:refund",
        "302 200 403 404 403 403 403 403 404 404",
        fund("refund/"),
        other="302 404 404 404 404 404 404 403 404 404",
    ),
    Row(
        "ledger:refund",
        "302 302 403 404 403 403 403 403 404 404",
        fund("refund/"),
        other="302 404 404 404 404 404 404 403 404 404",
        method="post",
        data=lambda w, t: {"amount": "10.00", "reason": "Not needed", "idempotency_key": "matrix-refund"},
    ),
    Row("ledger:statement", READ_OWN, fund("statement/"), other=NOBODY_ELSE),
    Row("ledger:statement-pdf", READ_OWN, fund("statement.pdf"), other=NOBODY_ELSE),
    Row("api-isf-list", "401 200 200 200 200 200 200 200 200 200", lambda w, t: "/api/isf/"),
    Row("api-isf-detail", API_READ_OWN, api(), other=API_READ_OTHER),
    Row("api-isf-entries", API_READ_OWN, api("entries/"), other=API_READ_OTHER),
    Row(
        "api-isf-entries",
        "401 403 403 404 201 201 403 403 404 404",
        api("entries/"),
        other="401 404 404 404 404 404 404 403 404 404",
        method="post",
        data=lambda w, t: {
            "entry_date": timezone.localdate().isoformat(),
            "category": "equipment",
            "amount": "9.99",
            "description": "A kettle that is easy to lift",
        },
        content_type="json",
        headers={"Idempotency-Key": "matrix-api-1"},
    ),
    Row(
        "api-isf-statements",
        "401 201 201 404 201 201 201 201 404 404",
        api("statements/"),
        other="401 404 404 404 404 404 404 201 404 404",
        method="post",
        data=lambda w, t: {},
        content_type="json",
    ),
]
