"""Matrix rows for the budgets pages and API: every URL × every role × own and other tenant.

Roles, in order: anonymous, commissioner, approver, monitoring_officer, provider_manager,
provider_finance, family, platform_admin, council_admin. Pages: anonymous → 302 to sign in; another tenant's
object → 404 (a platform admin sees every tenant, so may get 200 or 403 there); visible but not
theirs → 403. API: anonymous → 401.
"""

import datetime as dt
from decimal import Decimal

from budgets import batches, services
from budgets.models import Person
from organisations.models import Role
from tests.factories import staff
from tests.matrix.harness import Row


def populate(world) -> None:
    own_council, other_council = world.councils["own"], world.councils["other"]
    commissioner = world.users["commissioner"]
    other_commissioner = staff(Role.COMMISSIONER, council=other_council)
    other_approver = staff(Role.APPROVER, council=other_council, approval_limit=Decimal("100000.00"))
    objects: dict = {}
    for tenant, council, comm, appr in (
        ("own", own_council, commissioner, world.users["approver"]),
        ("other", other_council, other_commissioner, other_approver),
    ):
        person = world.objects["person"][tenant]
        q = services.ensure_default_questionnaire(council=council)
        answers = {question.pk: question.options.first().pk for question in q.questions.all()}
        assessment = services.assessment_create(person=person, answers=answers, actor=comm)
        plan = services.support_plan_save(
            person=person,
            actor=comm,
            what_matters="a",
            outcomes="b",
            how_money_used="c",
            who_helps="d",
            risks="e",
        )
        # An approved budget with an ISF held by this tenant's provider (so provider staff can see the
        # own person).
        approved = services.budget_propose(
            person=person,
            start_date=dt.date(2026, 4, 1),
            arrangements=[services.ArrangementInput("isf", Decimal("9000.00"), world.providers[tenant])],
            actor=comm,
        )
        services.budget_approve(budget=approved, actor=appr)
        # A proposal waiting, for someone no other app's rows touch: other apps add approved versions
        # for the shared people, which would (rightly) make a waiting new version stale.
        waiting_person = Person.objects.create(
            council=council,
            person_ref=f"WAIT-{tenant}",
            date_of_birth="1985-01-01",
            primary_support_reason="physical_support",
        )
        proposed = services.budget_propose(
            person=waiting_person,
            start_date=dt.date(2027, 4, 1),
            arrangements=[services.ArrangementInput("direct_payment", Decimal("9500.00"))],
            actor=comm,
        )
        objects[tenant] = {
            "questionnaire": q,
            "answers": answers,
            "assessment": assessment,
            "plan": plan,
            "approved": approved,
            "proposed": proposed,
        }
    # Someone in the own council with nothing waiting, for creating budgets through the API.
    objects["own"]["fresh_person"] = Person.objects.create(
        council=own_council,
        person_ref="OWN-2",
        date_of_birth="1990-01-01",
        primary_support_reason="mental_health",
    )
    objects["other"]["fresh_person"] = world.objects["person"]["other"]  # invisible to own-tenant staff
    for tenant, council, comm in (
        ("own", own_council, commissioner),
        ("other", other_council, other_commissioner),
    ):
        objects[tenant]["batch"] = batches.batch_upload(
            council=council,
            kind="budgets",
            file_name=f"{tenant}.csv",
            data=BATCH_CSV.format(tenant=tenant).encode(),
            actor=comm,
        )
    world.objects["budgets"] = objects


BATCH_CSV = (
    "person_ref,date_of_birth,primary_support_reason,budget_ref,management_type,annual_amount,start_date,"
    "end_date,provider_ref\nBATCH-{tenant},1980-01-01,physical_support,BATCH-B-{tenant},direct_payment,500.00,"
    "2026-04-01,,\n"
)


def _b(world, tenant):
    return world.objects["budgets"][tenant]


def _person(world, tenant):
    return world.objects["person"][tenant].pk


# Shorthand for common patterns (statuses in role order, the broker's last). The broker (invited for the
# family's person) opens and changes that person's plan and is refused the council's casework pages
# about them: a row using a pattern whose broker status differs says so with `broker=`.
CASEWORK_VIEW = "302 200 200 403 403 403 403 200 404 404"  # commissioner, approver, platform admin read
COMMISSIONER_ONLY = "302 200 403 403 403 403 403 403"
COMMISSIONER_POST = "302 302 403 403 403 403 403 403 404 404"
OTHER_ADMIN_READS = "302 404 404 404 404 404 404 200 404 404"
OTHER_ADMIN_403 = "302 404 404 404 404 404 404 403 404 404"
API_OTHER_ADMIN_READS = "401 404 404 404 404 404 404 200 404 404"
API_OTHER_ADMIN_403 = "401 404 404 404 404 404 404 403 404 404"
FAMILY_VIEW = "302 200 200 403 403 403 200 200 404 404"

ROWS = [
    # ---- pages ----
    Row("budgets:caseload", "302 200 200 403 403 403 403 200 403 403", lambda w, t: "/people/"),
    Row("budgets:person-create", COMMISSIONER_ONLY + " 403 403", lambda w, t: "/people/new/"),
    Row(
        "budgets:person",
        CASEWORK_VIEW,
        lambda w, t: f"/people/{_person(w, t)}/",
        other=OTHER_ADMIN_READS,
        broker=403,
    ),
    Row(
        "budgets:representative-add",
        COMMISSIONER_POST,
        lambda w, t: f"/people/{_person(w, t)}/representatives/",
        other=OTHER_ADMIN_403,
        method="post",
        data=lambda w, t: {"email": "new.rep@example.org", "full_name": "New Rep", "relationship": "uncle"},
        broker=403,
    ),
    Row(
        "budgets:assessment-create",
        COMMISSIONER_ONLY + " 404 403",
        lambda w, t: f"/people/{_person(w, t)}/assessments/new/",
        other=OTHER_ADMIN_403,
    ),
    Row(
        "budgets:assessment-create",
        COMMISSIONER_POST,
        lambda w, t: f"/people/{_person(w, t)}/assessments/new/",
        other=OTHER_ADMIN_403,
        method="post",
        data=lambda w, t: {f"q_{q}": str(o) for q, o in _b(w, t)["answers"].items()},
        broker=403,
    ),
    Row(
        "budgets:support-plan",
        "302 200 200 403 200 200 200 200 404 200",
        lambda w, t: f"/people/{_person(w, t)}/plan/",
        other=OTHER_ADMIN_READS,
    ),
    Row(
        "budgets:support-plan",
        "302 302 403 403 302 302 302 403 404 302",
        lambda w, t: f"/people/{_person(w, t)}/plan/",
        other=OTHER_ADMIN_403,
        method="post",
        data=lambda w, t: {
            "what_matters": "x",
            "outcomes": "y",
            "how_money_used": "z",
            "who_helps": "w",
            "risks": "v",
        },
    ),
    Row(
        "budgets:budget-propose",
        COMMISSIONER_ONLY + " 404 403",
        lambda w, t: f"/people/{_person(w, t)}/budgets/new/",
        other=OTHER_ADMIN_403,
    ),
    Row(
        "budgets:assessment",
        CASEWORK_VIEW,
        lambda w, t: f"/assessments/{_b(w, t)['assessment'].pk}/",
        other=OTHER_ADMIN_READS,
        broker=403,
    ),
    Row(
        "budgets:support-plan-agree",
        COMMISSIONER_POST,
        lambda w, t: f"/plans/{_b(w, t)['plan'].pk}/agree/",
        other=OTHER_ADMIN_403,
        method="post",
        broker=403,
    ),
    Row(
        "budgets:budget",
        CASEWORK_VIEW,
        lambda w, t: f"/budgets/{_b(w, t)['approved'].pk}/",
        other=OTHER_ADMIN_READS,
        broker=403,
    ),
    Row(
        "budgets:budget-approve",
        "302 403 302 403 404 404 404 403 404 404",
        lambda w, t: f"/budgets/{_b(w, t)['proposed'].pk}/approve/",
        other=OTHER_ADMIN_403,
        method="post",
    ),
    Row(
        "budgets:budget-send-back",
        "302 403 200 403 404 404 404 403 404 404",
        lambda w, t: f"/budgets/{_b(w, t)['proposed'].pk}/send-back/",
        other=OTHER_ADMIN_403,
    ),
    Row(
        "budgets:budget-send-back",
        "302 403 302 403 404 404 404 403 404 404",
        lambda w, t: f"/budgets/{_b(w, t)['proposed'].pk}/send-back/",
        other=OTHER_ADMIN_403,
        method="post",
        data=lambda w, t: {"reason": "Please add the respite"},
    ),
    Row(
        "budgets:budget-withdraw",
        "302 302 403 403 404 404 404 403 404 404",
        lambda w, t: f"/budgets/{_b(w, t)['proposed'].pk}/withdraw/",
        other=OTHER_ADMIN_403,
        method="post",
    ),
    Row(
        "budgets:budget-review",
        COMMISSIONER_ONLY + " 404 403",
        lambda w, t: f"/budgets/{_b(w, t)['approved'].pk}/review/",
        other=OTHER_ADMIN_403,
    ),
    Row(
        "budgets:budget-history",
        CASEWORK_VIEW,
        lambda w, t: f"/budgets/{_b(w, t)['approved'].pk}/history/",
        other=OTHER_ADMIN_READS,
        broker=403,
    ),
    Row("budgets:approval-queue", "302 403 200 403 403 403 403 403 403 403", lambda w, t: "/approvals/"),
    Row("budgets:reviews-due", COMMISSIONER_ONLY + " 403 403", lambda w, t: "/reviews/"),
    Row("budgets:your-budget", "302 200 200 200 200 200 200 200 200 200", lambda w, t: "/your-budget/"),
    Row(
        "budgets:your-budget-person",
        FAMILY_VIEW,
        lambda w, t: f"/your-budget/{_person(w, t)}/",
        other=OTHER_ADMIN_READS,
        broker=403,
    ),
    Row(
        "budgets:holding-choice",
        FAMILY_VIEW,
        lambda w, t: f"/your-budget/{_person(w, t)}/how-to-hold/",
        other=OTHER_ADMIN_READS,
        broker=403,
    ),
    Row(
        "budgets:holding-choice",
        "302 403 403 403 403 403 302 403 404 403",
        lambda w, t: f"/your-budget/{_person(w, t)}/how-to-hold/",
        other=OTHER_ADMIN_403,
        method="post",
        data=lambda w, t: {"management_types": ["isf"]},
    ),
    Row("budgets:import-upload", COMMISSIONER_ONLY + " 403 403", lambda w, t: "/imports/budgets/"),
    Row(
        "budgets:import-batch",
        "302 200 200 404 404 404 404 200 404 404",
        lambda w, t: f"/imports/batches/{_b(w, t)['batch'].pk}/",
        other=OTHER_ADMIN_READS,
    ),
    Row(
        "budgets:import-batch-confirm",
        "302 403 302 404 404 404 404 403 404 404",
        lambda w, t: f"/imports/batches/{_b(w, t)['batch'].pk}/confirm/",
        other=OTHER_ADMIN_403,
        method="post",
        data=lambda w, t: {},
    ),
    Row(
        "budgets:import-batch-reject",
        "302 403 302 404 404 404 404 403 404 404",
        lambda w, t: f"/imports/batches/{_b(w, t)['batch'].pk}/reject/",
        other=OTHER_ADMIN_403,
        method="post",
        data=lambda w, t: {"reason": "Wrong file"},
    ),
    # ---- API ----
    Row("api-people", "401 200 200 200 200 200 200 200 200 200", lambda w, t: "/api/people/"),
    Row(
        "api-people",
        "401 201 403 403 403 403 403 403 403 403",
        lambda w, t: "/api/people/",
        # Another council's code is refused like a code that does not exist (400 on `council`).
        other="401 400 403 403 403 403 403 403 403 403",
        method="post",
        content_type="json",
        data=lambda w, t: {
            "council": w.councils[t].gss_code,
            "person_ref": "NEW-1",
            "date_of_birth": "1970-01-01",
            "primary_support_reason": "social_support",
        },
    ),
    Row(
        "api-person",
        "401 200 200 403 403 403 200 200 404 403",
        lambda w, t: f"/api/people/{_person(w, t)}/",
        other=API_OTHER_ADMIN_READS,
    ),
    Row(
        "api-person-assessments",
        "401 200 200 403 403 403 200 200 404 403",
        lambda w, t: f"/api/people/{_person(w, t)}/assessments/",
        other=API_OTHER_ADMIN_READS,
    ),
    Row(
        "api-person-assessments",
        "401 201 403 403 403 403 403 403 404 403",
        lambda w, t: f"/api/people/{_person(w, t)}/assessments/",
        other=API_OTHER_ADMIN_403,
        method="post",
        content_type="json",
        data=lambda w, t: {"answers": [{"question": q, "option": o} for q, o in _b(w, t)["answers"].items()]},
    ),
    Row(
        "api-assessment",
        "401 200 200 403 403 403 200 200 404 403",
        lambda w, t: f"/api/assessments/{_b(w, t)['assessment'].pk}/",
        other=API_OTHER_ADMIN_READS,
    ),
    Row("api-budgets", "401 200 200 200 200 200 200 200 200 200", lambda w, t: "/api/budgets/"),
    Row(
        "api-budgets",
        "401 201 403 403 404 404 404 403 404 404",
        lambda w, t: "/api/budgets/",
        other=API_OTHER_ADMIN_403,
        method="post",
        content_type="json",
        data=lambda w, t: {
            "person": _b(w, t)["fresh_person"].pk,
            "start_date": "2026-04-01",
            "arrangements": [{"management_type": "direct_payment", "annual_amount": "100.00"}],
        },
        note="(own: someone with nothing waiting; other: another council's person)",
    ),
    Row(
        "api-budget",
        "401 200 200 403 403 403 200 200 404 403",
        lambda w, t: f"/api/budgets/{_b(w, t)['approved'].pk}/",
        other=API_OTHER_ADMIN_READS,
    ),
    Row(
        "api-budget-approve",
        "401 403 200 403 404 404 404 403 404 404",
        lambda w, t: f"/api/budgets/{_b(w, t)['proposed'].pk}/approve/",
        other=API_OTHER_ADMIN_403,
        method="post",
        content_type="json",
        data=lambda w, t: {},
    ),
    Row(
        "api-budget-send-back",
        "401 403 200 403 404 404 404 403 404 404",
        lambda w, t: f"/api/budgets/{_b(w, t)['proposed'].pk}/send-back/",
        other=API_OTHER_ADMIN_403,
        method="post",
        content_type="json",
        data=lambda w, t: {"reason": "Needs the carer's break"},
    ),
    Row("api-arrangements", "401 200 200 200 200 200 200 200 200 200", lambda w, t: "/api/arrangements/"),
    Row(
        "api-resource-allocation",
        "401 200 200 200 200 200 200 200 200 200",
        lambda w, t: "/api/resource-allocation/",
    ),
]
