"""Demo data for carers and proportionate direct-payment oversight (issue 19).

Alex Taylor (carer@example.org) cares for Jamie Taylor (DOR-1001): a carer's assessment, a carer's
budget held as a direct payment, an annual statement in Alex's own words, and a check started by the
council's rule (money built up) at the conversation step. Jamie's own direct payment has a concern
that was talked through and decided (money kept for an agreed purpose), so the council report has an
outcome. Idempotent: nothing is added when the carer exists.
"""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from budgets import services as budget_services
from budgets.carers import carer_assessment_record
from budgets.models import Person
from organisations.models import Council, User
from organisations.services import ensure_user

from . import services
from .models import CheckKind, Outcome

ORDER = 37
COUNCIL_CODE = "E06000059"
CARER_EMAIL = "carer@example.org"
DEMO_PASSWORD = "demo-pass-2026"


def _last_31_march(today: dt.date) -> dt.date:
    return dt.date(today.year if today.month >= 4 else today.year - 1, 3, 31)


def build(*, stdout) -> None:
    council = Council.objects.filter(gss_code=COUNCIL_CODE).first()
    jamie = Person.objects.filter(council=council, person_ref="DOR-1001").first() if council else None
    commissioner = User.objects.filter(email="commissioner@example.org").first()
    approver = User.objects.filter(email="approver@example.org").first()
    if not (jamie and commissioner and approver):
        stdout.write("oversight: skipped (run the organisations and budgets demos first)")
        return
    if Person.objects.filter(council=council, person_ref="DOR-C001").exists():
        stdout.write("oversight: demo carer already there")
        return
    today = timezone.localdate()
    year_end = _last_31_march(today)
    year_start = dt.date(year_end.year - 1, 4, 1)
    ensure_user(email=CARER_EMAIL, full_name="Alex Taylor", password=DEMO_PASSWORD)
    assessment = carer_assessment_record(
        cared_for=jamie,
        actor=commissioner,
        carer_ref="DOR-C001",
        given_name="Alex",
        family_name="Taylor",
        date_of_birth=dt.date(1968, 9, 14),
        postcode="DT1 2QR",
        relationship="father",
        email=CARER_EMAIL,
        assessed_on=year_start - dt.timedelta(days=30),
        caring_role="I help Jamie every morning and most evenings, and I am up with him at night "
        "after a seizure.",
        what_would_help="A break one evening a week to go to my choir, and a gym pass to keep well.",
        indicative_amount=Decimal("1800.00"),
    )
    carer = assessment.carer
    budget = budget_services.budget_propose(
        person=carer,
        start_date=year_start,
        arrangements=[budget_services.ArrangementInput("direct_payment", Decimal("1800.00"))],
        review_due=year_end + dt.timedelta(days=365),
        actor=commissioner,
    )
    budget_services.budget_approve(budget=budget, actor=approver)
    dp = budget.arrangements.get()
    user = User.objects.get(email=CARER_EMAIL)
    services.send_statement(
        arrangement=dp,
        actor=user,
        year_end=year_end,
        paid_for="A sitter for Jamie on Tuesday evenings so I could go to choir (about 30 evenings), "
        "and a gym pass from January. We missed the summer because the sitter was away.",
        money_received=Decimal("1800.00"),
        money_spent=Decimal("700.00"),
    )
    started = services.run_checks(council=council, actor=None)
    check = next(
        (c for c in started if c.arrangement_id == dp.pk and c.kind == CheckKind.LARGE_BALANCE), None
    )
    if check is not None:
        services.family_reply(
            check=check, actor=user, text="We are saving some of it for a short break together in the spring."
        )
    # Jamie's own direct payment: a concern, talked through and decided (money kept for a purpose).
    jamie_dp = jamie.budgets.filter(status="approved").first()
    jamie_dp = jamie_dp.arrangements.filter(management_type="direct_payment").first() if jamie_dp else None
    if jamie_dp is not None:
        concern = services.raise_concern(
            arrangement=jamie_dp,
            actor=commissioner,
            concern="The music teacher has not been paid since July.",
        )
        services.record_conversation(
            check=concern,
            actor=commissioner,
            note="Pat told me the teacher was ill over the summer; lessons start again in January.",
        )
        services.decide(
            check=concern,
            actor=commissioner,
            outcome=Outcome.KEPT,
            reason="The lessons are in Jamie's plan and start again in January, so the money stays for them.",
            amount_kept=Decimal("300.00"),
            kept_for="music lessons from January",
        )
    stdout.write(
        "oversight: carer Alex Taylor (carer@example.org) with a direct payment, a statement and checks"
    )
