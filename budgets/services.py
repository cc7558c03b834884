"""Writes about people, assessments, support plans and personal budgets.

Every function is keyword-only, takes the acting user, runs in one transaction, checks the rules,
writes the audit trail and raises `BudgetError` (a 409 in the API) or `NotAllowed` (403) with a
message a person can read.
"""

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from config.api import DomainConflict
from organisations import audit
from organisations.models import Council, Provider, Role
from organisations.money import format_money, to_money
from organisations.selectors import approval_limit_of, roles_of
from organisations.services import ensure_user
from organisations.validators import is_reference

from .models import (
    TYPES_HELD_BY_A_PROVIDER,
    AllocationQuestionnaire,
    Arrangement,
    Assessment,
    BudgetReview,
    BudgetStatus,
    HoldingPreference,
    ManagementType,
    Person,
    PersonalBudget,
    PlanStatus,
    PrimarySupportReason,
    Representative,
    SupportPlan,
)


class BudgetError(DomainConflict):
    """A rule about budgets was broken; the message is for a person to read (409 in the API). With
    several problems, each is in `messages` and str() joins them."""

    def __init__(self, *messages: str):
        self.messages = list(messages)
        super().__init__(" ".join(messages))


class ReasonNeeded(BudgetError):
    """A proposal's total differs from the assessment's amount and no reason is written (the form
    shows it by the reason's box)."""

    field = "difference_reason"


class NotAllowed(Exception):
    """The user may see this but may not do this to it (403)."""


# ---- dates ---------------------------------------------------------------------------------------


def add_years(day: dt.date, years: int = 1) -> dt.date:
    """The same day `years` later; 29 February becomes 28 February in a year that has none."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def today() -> dt.date:
    return timezone.localdate()


# ---- who may do what -----------------------------------------------------------------------------


def is_commissioner_for(*, user, council_id: int) -> bool:
    return council_id in roles_of(user=user).councils_with(Role.COMMISSIONER)


def is_approver_for(*, user, council_id: int) -> bool:
    return council_id in roles_of(user=user).councils_with(Role.APPROVER)


# Rules that higher apps add (in their AppConfig.ready) about who approves a budget: each takes the
# budget and returns a message when an approver of the person's council may not approve it alone (the
# nhs app: a jointly funded budget is approved share by share, each by its own funder).
_APPROVAL_RULES: list = []


def register_approval_rule(rule) -> None:
    if rule not in _APPROVAL_RULES:
        _APPROVAL_RULES.append(rule)


def approval_elsewhere(budget: PersonalBudget) -> str:
    """Why one approver may not approve this budget whole (a registered rule's message), or ""."""
    for rule in _APPROVAL_RULES:
        message = rule(budget)
        if message:
            return message
    return ""


def _require_commissioner(*, actor, council_id: int) -> None:
    if not is_commissioner_for(user=actor, council_id=council_id):
        raise NotAllowed("Only a commissioner of this council can do this.")


# ---- people and representatives ------------------------------------------------------------------


@transaction.atomic
def person_create(
    *,
    council: Council,
    person_ref: str,
    date_of_birth: dt.date,
    primary_support_reason: str,
    actor,
    given_name: str = "",
    family_name: str = "",
    postcode: str = "",
    check_role: bool = True,
) -> Person:
    if check_role:
        _require_commissioner(actor=actor, council_id=council.pk)
    if not is_reference(person_ref):
        raise BudgetError(
            "Enter a reference of 1 to 64 letters, digits, full stops, underscores, slashes or hyphens."
        )
    if primary_support_reason not in PrimarySupportReason.values:
        raise BudgetError("Choose a primary support reason.")
    if Person.objects.filter(council=council, person_ref=person_ref).exists():
        raise BudgetError(f"{council} already has a person with reference {person_ref}.")
    person = Person.objects.create(
        council=council,
        person_ref=person_ref,
        given_name=given_name,
        family_name=family_name,
        date_of_birth=date_of_birth,
        primary_support_reason=primary_support_reason,
        postcode=postcode,
    )
    audit.record(
        actor=actor,
        instance=person,
        event="person added",
        action=audit.CREATE,
        changes={
            "person_ref": (None, person_ref),
            "date_of_birth": (None, date_of_birth),
            "primary_support_reason": (None, primary_support_reason),
        },
    )
    return person


@transaction.atomic
def representative_add(
    *, person: Person, email: str, full_name: str, relationship: str, actor
) -> Representative:
    """Let someone act for the person. Their account is created (with no password) if they have none;
    they set one with the usual password reset."""
    _require_commissioner(actor=actor, council_id=person.council_id)
    user = ensure_user(email=email.strip(), full_name=full_name.strip())
    if Representative.objects.filter(person=person, user=user).exists():
        raise BudgetError(f"{user.email} already acts for {person}.")
    rep = Representative.objects.create(person=person, user=user, relationship=relationship.strip())
    audit.record(
        actor=actor,
        instance=person,
        event="representative added",
        changes={"representative": (None, f"{user.email} ({rep.relationship or 'no relationship given'})")},
    )
    return rep


# ---- resource allocation and assessments ---------------------------------------------------------

DEFAULT_QUESTIONS = [
    (
        "Looking after yourself: washing, dressing, eating",
        [("I manage on my own", 0), ("I need some help", 4), ("I need help with most things", 8)],
    ),
    (
        "Staying safe at home and outside",
        [
            ("I am safe on my own", 0),
            ("I need someone nearby some of the time", 4),
            ("I need someone with me", 9),
        ],
    ),
    (
        "Getting out, friends and things you enjoy",
        [("I do this on my own", 0), ("I need some help", 3), ("I need help every time", 6)],
    ),
    (
        "Work, learning and volunteering",
        [("I do not need help", 0), ("I need some help", 2), ("I need a lot of help", 4)],
    ),
    (
        "Managing money, letters and appointments",
        [("I do this myself", 0), ("I need some help", 2), ("Someone does this for me", 3)],
    ),
]


@transaction.atomic
def ensure_default_questionnaire(
    *, council: Council, price_per_point: Decimal = Decimal("850.00")
) -> AllocationQuestionnaire:
    """The council's questionnaire, created with a small default one if it has none yet (idempotent)."""
    existing = AllocationQuestionnaire.objects.filter(council=council).first()
    if existing:
        return existing
    q = AllocationQuestionnaire.objects.create(
        council=council,
        price_per_point=price_per_point,
        introduction=(
            "Each answer is worth points. Points times the price per point gives the indicative budget."
        ),
    )
    for order, (text, options) in enumerate(DEFAULT_QUESTIONS):
        question = q.questions.create(order=order, text=text)
        for o_order, (label, points) in enumerate(options):
            question.options.create(order=o_order, label=label, points=points)
    q.adjustments.create(
        order=0,
        label="A family carer gives regular unpaid support",
        family_wording="someone close to you gives you regular unpaid support",
        percent=Decimal("-10.00"),
    )
    q.adjustments.create(
        order=1,
        label="Extra travel costs in a rural area",
        family_wording="you live where getting to things costs more",
        amount=Decimal("600.00"),
    )
    return q


@dataclass(frozen=True)
class Calculation:
    points: int
    price_per_point: Decimal
    base: Decimal
    indicative: Decimal
    breakdown: dict


def calculate_indicative(
    *,
    questionnaire: AllocationQuestionnaire,
    answers: Mapping[int, int],
    adjustment_ids: Iterable[int] = (),
) -> Calculation:
    """Points for the chosen answers × price per point, then each chosen adjustment in order (a
    percentage of the running total, or a fixed amount); never below £0.00. Each step is rounded to
    pennies half up, so the explanation adds up exactly as shown."""
    questions = list(questionnaire.questions.prefetch_related("options"))
    missing = [q.text for q in questions if q.pk not in answers]
    if missing:
        raise BudgetError(f"Answer every question: '{missing[0]}' has no answer.")
    rows, points = [], 0
    for q in questions:
        option = next((o for o in q.options.all() if o.pk == answers[q.pk]), None)
        if option is None:
            raise BudgetError(f"Choose one of the answers given for '{q.text}'.")
        points += option.points
        rows.append({"question": q.text, "answer": option.label, "points": option.points})
    price = to_money(questionnaire.price_per_point)
    base = to_money(price * points)
    running = base
    chosen = set(adjustment_ids)
    adjustments = []
    for adj in questionnaire.adjustments.all():
        if adj.pk not in chosen:
            continue
        change = to_money(running * adj.percent / 100) if adj.percent is not None else to_money(adj.amount)
        running = to_money(running + change)
        adjustments.append(
            {
                "label": adj.label,
                "family_wording": adj.family_wording,
                "percent": str(adj.percent) if adj.percent is not None else "",
                "change": str(change),
            }
        )
    unknown = chosen - {a.pk for a in questionnaire.adjustments.all()}
    if unknown:
        raise BudgetError("Choose adjustments from this council's list.")
    indicative = max(running, Decimal("0.00"))
    breakdown = {
        "answers": rows,
        "points": points,
        "price_per_point": str(price),
        "base": str(base),
        "adjustments": adjustments,
        "indicative": str(indicative),
    }
    return Calculation(points, price, base, indicative, breakdown)


def explain_assessment(assessment: Assessment) -> list[str]:
    """How the indicative budget was worked out, in short sentences that speak to the person."""
    b = assessment.breakdown
    lines = [
        f"You told us about {len(b.get('answers', []))} parts of your life. Your answers add up to "
        f"{b.get('points', 0)} points.",
        f"Each point is worth {format_money(b.get('price_per_point'))} a year, "
        f"so {b.get('points', 0)} points give {format_money(b.get('base'))} a year.",
    ]
    for adj in b.get("adjustments", []):
        change = Decimal(adj["change"])
        if adj["percent"]:
            how = f"{abs(Decimal(adj['percent'])).normalize():f}%"
            verb = "took off" if change < 0 else "added"
            lines.append(f"Because {adj['family_wording']}, we {verb} {how} ({format_money(abs(change))}).")
        else:
            verb = "took off" if change < 0 else "added"
            lines.append(f"Because {adj['family_wording']}, we {verb} {format_money(abs(change))}.")
    lines.append(
        f'So your indicative budget is {format_money(assessment.indicative_amount)} a year. "Indicative" '
        "means an early amount to plan with: the final amount is agreed with you when your support plan "
        "is ready."
    )
    if assessment.departs:
        lines.append(
            f"Your social worker set your budget at {format_money(assessment.agreed_amount)} a year "
            f"instead. The reason they gave: {assessment.departure_reason}"
        )
    return lines


@transaction.atomic
def assessment_create(
    *,
    person: Person,
    answers: Mapping[int, int],
    actor,
    adjustment_ids: Iterable[int] = (),
    assessed_on: dt.date | None = None,
    agreed_amount: Decimal | None = None,
    departure_reason: str = "",
) -> Assessment:
    """Record the answers and give the indicative annual budget. The commissioner may set a different
    amount only with a written reason, which the person sees too."""
    _require_commissioner(actor=actor, council_id=person.council_id)
    questionnaire = AllocationQuestionnaire.objects.filter(council_id=person.council_id).first()
    if questionnaire is None:
        raise BudgetError(f"{person.council} has not set up its resource allocation questions yet.")
    calc = calculate_indicative(questionnaire=questionnaire, answers=answers, adjustment_ids=adjustment_ids)
    departure_reason = (departure_reason or "").strip()
    agreed = calc.indicative if agreed_amount is None else to_money(agreed_amount)
    if agreed < 0:
        raise BudgetError("The budget cannot be less than £0.00.")
    if agreed != calc.indicative and not departure_reason:
        raise BudgetError(
            f"The indicative budget is {format_money(calc.indicative)}. To set a different amount, "
            "write down why."
        )
    if agreed == calc.indicative:
        departure_reason = ""
    assessment = Assessment.objects.create(
        person=person,
        assessed_on=assessed_on or today(),
        assessed_by=actor,
        breakdown=calc.breakdown,
        total_points=calc.points,
        price_per_point=calc.price_per_point,
        indicative_amount=calc.indicative,
        agreed_amount=agreed,
        departure_reason=departure_reason,
    )
    audit.record(
        actor=actor,
        instance=assessment,
        event="assessment recorded",
        action=audit.CREATE,
        changes={"indicative_amount": (None, calc.indicative), "agreed_amount": (None, agreed)},
        note=departure_reason,
    )
    return assessment


# ---- support plans and the family's choice --------------------------------------------------------

PLAN_FIELDS = ("what_matters", "outcomes", "how_money_used", "who_helps", "risks")


@transaction.atomic
def support_plan_save(*, person: Person, actor, **fields: str) -> SupportPlan:
    """Save the person's plan. The family, a provider the person works with, or the commissioner may
    draft it (the caller checks who may see the person). If the latest plan is agreed, this starts a
    new draft and leaves the agreed one as it was."""
    values = {name: (fields.get(name) or "").strip() for name in PLAN_FIELDS}
    empty = [SupportPlan._meta.get_field(n).verbose_name for n in PLAN_FIELDS if not values[n]]
    if empty:
        raise BudgetError(f"Fill in '{empty[0]}'.")
    plan = (
        SupportPlan.objects.select_for_update().filter(person=person).order_by("-created_at", "-pk").first()
    )
    if plan is None or plan.status == PlanStatus.AGREED:
        plan = SupportPlan.objects.create(person=person, drafted_by=actor, changed_by=actor, **values)
        audit.record(actor=actor, instance=plan, event="support plan drafted", action=audit.CREATE)
        return plan
    changes = {n: (getattr(plan, n), v) for n, v in values.items() if getattr(plan, n) != v}
    if changes:
        for n, (_, v) in changes.items():
            setattr(plan, n, v)
        plan.changed_by = actor
        plan.save()
        audit.record(actor=actor, instance=plan, event="support plan changed", changes=changes)
    return plan


@transaction.atomic
def support_plan_agree(*, plan: SupportPlan, actor) -> SupportPlan:
    _require_commissioner(actor=actor, council_id=plan.person.council_id)
    plan = SupportPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status == PlanStatus.AGREED:
        return plan
    plan.status, plan.agreed_by, plan.agreed_at = PlanStatus.AGREED, actor, timezone.now()
    plan.save(update_fields=["status", "agreed_by", "agreed_at", "updated_at"])
    audit.record(
        actor=actor, instance=plan, event="support plan agreed", changes={"status": ("draft", "agreed")}
    )
    return plan


@transaction.atomic
def holding_preference_record(
    *, person: Person, management_types: list[str], note: str, actor
) -> HoldingPreference:
    """The person or family says how they would like to hold their budget (one or more ways)."""
    types = [t for t in ManagementType.values if t in set(management_types)]
    if not types:
        raise BudgetError("Choose at least one way to hold your budget.")
    pref = HoldingPreference.objects.create(
        person=person, management_types=types, note=note.strip(), said_by=actor
    )
    audit.record(
        actor=actor,
        instance=person,
        event="family said how they want to hold the budget",
        changes={"holding_preference": (None, ", ".join(types))},
        note=pref.note,
    )
    return pref


# ---- personal budgets: propose, approve, send back, review ---------------------------------------


@dataclass(frozen=True)
class ArrangementInput:
    management_type: str
    annual_amount: Decimal
    provider: Provider | None = None
    end_date: dt.date | None = None
    start_date: dt.date | None = None  # defaults to the budget's start date
    budget_ref: str = ""
    # A managed direct payment's management cost, on top of the amount: a yearly amount or a percentage.
    management_cost_amount: Decimal | None = None
    management_cost_percent: Decimal | None = None


def latest_approved_version(person: Person) -> PersonalBudget | None:
    """The newest approved version, whatever its start date (the one a new version replaces)."""
    return (
        PersonalBudget.objects.filter(person=person, status=BudgetStatus.APPROVED)
        .order_by("-start_date", "-pk")
        .first()
    )


def _check_arrangements(arrangements: list[ArrangementInput], start_date: dt.date) -> None:
    """Every part is checked and every problem told at once, each naming its part ("Part 2")."""
    if not arrangements:
        raise BudgetError("Add at least one part: how the money is held and how much a year.")
    problems = []
    for i, a in enumerate(arrangements, start=1):
        where = f"part {i}" if len(arrangements) > 1 else "the budget"
        if a.management_type not in ManagementType.values:
            problems.append(f"Choose how the money in {where} is held.")
        if a.annual_amount is None or to_money(a.annual_amount) != a.annual_amount or a.annual_amount < 0:
            problems.append(f"Enter the amount a year for {where}, £0.00 or more, in pounds and pence.")
        if a.management_type in TYPES_HELD_BY_A_PROVIDER and a.provider is None:
            kind = ManagementType(a.management_type).label
            problems.append(f"Choose the organisation that holds the money for {where} ({kind}).")
        has_cost = a.management_cost_amount is not None or a.management_cost_percent is not None
        if has_cost and a.management_type != ManagementType.DIRECT_PAYMENT_MANAGED:
            problems.append(f"Only a managed direct payment has a management cost ({where}).")
        if a.management_cost_amount is not None and a.management_cost_percent is not None:
            problems.append(f"Give the management cost for {where} as an amount or a percentage, not both.")
        if (a.management_cost_amount is not None and a.management_cost_amount < 0) or (
            a.management_cost_percent is not None and not 0 <= a.management_cost_percent <= 100
        ):
            problems.append(f"Enter a management cost for {where} of £0.00 or more, or 0 to 100%.")
        if a.budget_ref and not is_reference(a.budget_ref):
            problems.append(
                f"Enter a reference for {where} of 1 to 64 letters, digits, full stops, underscores, "
                "slashes or hyphens."
            )
        start = a.start_date or start_date
        if start < start_date:
            problems.append(f"The start of {where} cannot be before the budget starts.")
        if a.end_date and a.end_date < start:
            problems.append(f"The end date of {where} cannot be before its start date.")
    if problems:
        raise BudgetError(*problems)


_NUMBERED_REF = re.compile(r"^(.*?)(\d+)$")


def new_budget_refs(*, council_id: int, count: int = 1, avoid: Iterable[str] = ()) -> list[str]:
    """`count` new references in the council's own pattern: the prefix and width of the council's latest
    numbered reference, with the next number free (DOR-PB-00041 → DOR-PB-00042). A council with none
    yet gets one in the pattern of its people's references (DOR-1001 → DOR-PB-00001). Callers hold a
    lock on the council's row, so two proposals cannot take the same number; `avoid` holds references
    typed in the same proposal."""
    latest = (
        Arrangement.objects.filter(council_id=council_id, budget_ref__regex=r"\d$")
        .order_by("-created_at", "-pk")
        .values_list("budget_ref", flat=True)
        .first()
    )
    if latest:
        prefix, digits = _NUMBERED_REF.match(latest).groups()
        width = len(digits)
    else:
        person_ref = (
            Person.objects.filter(council_id=council_id)
            .order_by("pk")
            .values_list("person_ref", flat=True)
            .first()
        )
        stem = re.split(r"[-_./]", person_ref or "")[0] if person_ref else ""
        if not stem or stem.isdigit():
            stem = Council.objects.get(pk=council_id).gss_code
        prefix, width = f"{stem}-PB-", 5
    taken = Arrangement.objects.filter(
        council_id=council_id, budget_ref__regex=r"^" + re.escape(prefix) + r"\d+$"
    ).values_list("budget_ref", flat=True)
    number = max((int(ref[len(prefix) :]) for ref in taken), default=0)
    refs, avoid = [], set(avoid)
    while len(refs) < count:
        number += 1
        ref = f"{prefix}{number:0{width}d}"
        if ref not in avoid:
            refs.append(ref)
    return refs


def _lock_council_refs(council_id: int) -> None:
    """Serialises reference numbering within one council (see new_budget_refs), and with the budgets
    import, which takes the same lock. NO KEY UPDATE, so rows that merely point at the council (a fund
    opened, an entry written, a person added) never wait for it and cannot deadlock with a move."""
    Council.objects.select_for_update(no_key=True).get(pk=council_id)


@transaction.atomic
def budget_propose(
    *,
    person: Person,
    start_date: dt.date,
    arrangements: list[ArrangementInput],
    actor,
    assessment: Assessment | None = None,
    support_plan: SupportPlan | None = None,
    review_due: dt.date | None = None,
    difference_reason: str = "",
    ending: bool = False,
) -> PersonalBudget:
    """Propose a budget (or a new version of an approved one, effective from `start_date`) for
    someone else with the approver role to approve. Only one proposal may wait at a time.

    Every part gets a reference: the one typed, or the next in the council's pattern. A total that
    differs from the assessment's amount needs a written reason, as the assessment itself does.

    `ending` proposes a version with no parts: approved, it ends the current version's parts the day
    before `start_date` (a review that recommends ending the budget)."""
    _require_commissioner(actor=actor, council_id=person.council_id)
    # Lock the person so two proposals cannot slip in side by side.
    Person.objects.select_for_update().get(pk=person.pk)
    if PersonalBudget.objects.filter(person=person, status=BudgetStatus.PROPOSED).exists():
        raise BudgetError(f"A budget for {person} is already waiting for approval.")
    if ending:
        if arrangements or latest_approved_version(person) is None:
            raise BudgetError("Only an approved budget can be ended, and the ending has no parts.")
    else:
        _check_arrangements(arrangements, start_date)
    if assessment is not None and assessment.person_id != person.pk:
        raise BudgetError("That assessment is for someone else.")
    if support_plan is not None and support_plan.person_id != person.pk:
        raise BudgetError("That support plan is for someone else.")
    refs = [a.budget_ref for a in arrangements if a.budget_ref]
    if (
        len(refs) != len(set(refs))
        or Arrangement.objects.filter(council_id=person.council_id, budget_ref__in=refs).exists()
    ):
        raise BudgetError("Each budget reference must be new and used once in this council.")
    difference_reason = (difference_reason or "").strip()
    if assessment is not None and not difference_reason:
        proposed = _highest_total(arrangements, start_date)
        if proposed != assessment.agreed_amount:
            raise ReasonNeeded(
                f"The budget comes to {format_money(proposed)} a year but the assessment gives "
                f"{format_money(assessment.agreed_amount)}. Write why the amount is different: the "
                "approver and the family will see it."
            )
    replaces = latest_approved_version(person)
    if replaces is not None:
        _check_can_replace(replaces=replaces, start_date=start_date)
    # A proposal made again after being sent back takes the sent-back one's place.
    for earlier in PersonalBudget.objects.filter(person=person, status=BudgetStatus.SENT_BACK):
        earlier.status = BudgetStatus.WITHDRAWN
        earlier.save(update_fields=["status", "updated_at"])
        audit.record(
            actor=actor,
            instance=earlier,
            event="replaced by a new proposal",
            changes={"status": (BudgetStatus.SENT_BACK, BudgetStatus.WITHDRAWN)},
        )
    budget = PersonalBudget.objects.create(
        person=person,
        start_date=start_date,
        status=BudgetStatus.PROPOSED,
        replaces=replaces,
        proposed_by=actor,
        proposed_at=timezone.now(),
        review_due=review_due,
        assessment=assessment,
        support_plan=support_plan,
        difference_reason=difference_reason,
    )
    blanks = sum(1 for a in arrangements if not a.budget_ref)
    if blanks:
        _lock_council_refs(person.council_id)
    generated = iter(new_budget_refs(council_id=person.council_id, count=blanks, avoid=refs))
    for a in arrangements:
        Arrangement.objects.create(
            budget=budget,
            council_id=person.council_id,
            management_type=a.management_type,
            annual_amount=to_money(a.annual_amount),
            start_date=a.start_date or start_date,
            end_date=a.end_date,
            provider=a.provider,
            budget_ref=a.budget_ref or next(generated),
            management_cost_amount=a.management_cost_amount,
            management_cost_percent=a.management_cost_percent,
        )
    audit.record(
        actor=actor,
        instance=budget,
        event="budget ending proposed"
        if ending
        else ("budget proposed" if replaces is None else "new budget version proposed"),
        action=audit.CREATE,
        changes={
            "status": (None, BudgetStatus.PROPOSED),
            "start_date": (None, start_date),
            "annual_total": (None, format_money(budget.total)),
            "arrangements": (None, _describe(budget)),
        },
        note=difference_reason,
    )
    return budget


def _highest_total(arrangements: list[ArrangementInput], start_date: dt.date) -> Decimal:
    """As PersonalBudget.highest_total, for parts not saved yet."""
    spans = [(a.start_date or start_date, a.end_date, to_money(a.annual_amount)) for a in arrangements]
    return max(
        sum(
            (amount for start, end, amount in spans if start <= day and (end is None or end >= day)),
            Decimal("0.00"),
        )
        for day in {start for start, _, _ in spans}
    )


def _describe(budget: PersonalBudget) -> str:
    return "; ".join(
        f"{a.get_management_type_display()} {format_money(a.annual_amount)}"
        + (f" with {a.provider}" if a.provider else "")
        for a in budget.arrangements.all()
    )


def _check_can_replace(*, replaces: PersonalBudget, start_date: dt.date) -> None:
    latest_start = max([replaces.start_date, *[a.start_date for a in replaces.arrangements.all()]])
    if start_date <= latest_start:
        raise BudgetError(
            f"A new version must start after {latest_start:%-d %B %Y}, when the current budget's "
            "latest part starts."
        )


@transaction.atomic
def budget_approve(*, budget: PersonalBudget, actor) -> PersonalBudget:
    """Approve a proposed budget. The approver must hold the approver role in the person's council,
    must not have proposed it, and the annual total must be within their approval limit. Approving a
    new version end-dates the old version's arrangements the day before the new one starts; the old
    version stays approved so past counts stay true."""
    # Lock the row: two approvers pressing the button at once approve it once.
    budget = PersonalBudget.objects.select_for_update().select_related("person").get(pk=budget.pk)
    if budget.status == BudgetStatus.APPROVED:
        return budget
    council_id = budget.person.council_id
    if not is_approver_for(user=actor, council_id=council_id):
        raise NotAllowed("Only an approver in this council can approve budgets.")
    if budget.status != BudgetStatus.PROPOSED:
        raise BudgetError(f"This budget is {budget.get_status_display().lower()}, so it cannot be approved.")
    if budget.proposed_by_id == actor.pk:
        raise BudgetError("You proposed this budget, so someone else must approve it.")
    message = approval_elsewhere(budget)
    if message:
        raise BudgetError(message)
    total = budget.highest_total
    limit = approval_limit_of(user=actor, council=budget.person.council)
    if limit is None:
        raise BudgetError("You have no approval limit in this council yet, so you cannot approve budgets.")
    if total > limit:
        raise BudgetError(
            f"This budget is {format_money(total)} a year, above your approval limit of "
            f"{format_money(limit)}. Ask an approver with a higher limit."
        )
    return _complete_approval(budget=budget, actor=actor, event="budget approved")


def _complete_approval(*, budget: PersonalBudget, actor, event: str) -> PersonalBudget:
    if budget.replaces_id:
        current = latest_approved_version(budget.person)
        if current is None or current.pk != budget.replaces_id:
            raise BudgetError(
                "Another version of this budget was approved after this one was proposed. "
                "Send this back and propose it again from the current version."
            )
        _end_previous_version(previous=current, new_start=budget.start_date, actor=actor)
    old_status = budget.status
    budget.status = BudgetStatus.APPROVED
    budget.decided_by, budget.decided_at, budget.decision_reason = actor, timezone.now(), ""
    if budget.review_due is None:
        budget.review_due = add_years(budget.start_date)
    budget.save()
    audit.record(
        actor=actor,
        instance=budget,
        event=event,
        changes={"status": (old_status, BudgetStatus.APPROVED), "review_due": (None, budget.review_due)},
    )
    return budget


@transaction.atomic
def budget_approve_by_funders(*, budget: PersonalBudget, actor) -> PersonalBudget:
    """A jointly funded budget is approved when the last funder approves its share (nhs.funding checks
    each share: its own funder's approver, within their limit, never the proposer). `actor` is that
    last approver."""
    budget = PersonalBudget.objects.select_for_update().select_related("person").get(pk=budget.pk)
    if budget.status == BudgetStatus.APPROVED:
        return budget
    if budget.status != BudgetStatus.PROPOSED:
        raise BudgetError(f"This budget is {budget.get_status_display().lower()}, so it cannot be approved.")
    return _complete_approval(
        budget=budget, actor=actor, event="budget approved: every funder approved its share"
    )


@transaction.atomic
def budget_sent_back_by_funder(*, budget: PersonalBudget, actor, reason: str) -> PersonalBudget:
    """A funder's approver sent its share of a jointly funded budget back (nhs.funding checked who may):
    the whole proposal goes back to the commissioner with the reason."""
    budget = PersonalBudget.objects.select_for_update().get(pk=budget.pk)
    if budget.status != BudgetStatus.PROPOSED:
        raise BudgetError(f"This budget is {budget.get_status_display().lower()}, so it cannot be sent back.")
    budget.status = BudgetStatus.SENT_BACK
    budget.decided_by, budget.decided_at, budget.decision_reason = actor, timezone.now(), reason
    budget.save()
    audit.record(
        actor=actor,
        instance=budget,
        event="budget sent back by a funder",
        changes={"status": (BudgetStatus.PROPOSED, BudgetStatus.SENT_BACK)},
        note=reason,
    )
    return budget


def _end_previous_version(*, previous: PersonalBudget, new_start: dt.date, actor) -> None:
    last_day = new_start - dt.timedelta(days=1)
    for arrangement in previous.arrangements.select_for_update():
        arrangement_end(
            arrangement=arrangement,
            last_day=last_day,
            actor=actor,
            event="arrangement ended by a new budget version",
        )
    audit.record(
        actor=actor,
        instance=previous,
        event="replaced by a new version",
        changes={"arrangements_end": (None, last_day)},
    )


@transaction.atomic
def arrangement_end(*, arrangement: Arrangement, last_day: dt.date, actor, event: str) -> Arrangement:
    """End an arrangement on `last_day` (never before it started), audited. One that already ends by
    then is left as it is. Every app that ends an arrangement (a new budget version, an ISF agreement
    that ends) comes here, so monitoring counts and the budget's history stay true."""
    if arrangement.end_date is not None and arrangement.end_date <= last_day:
        return arrangement
    old = arrangement.end_date
    arrangement.end_date = max(last_day, arrangement.start_date)
    arrangement.save(update_fields=["end_date", "updated_at"])
    audit.record(
        actor=actor, instance=arrangement, event=event, changes={"end_date": (old, arrangement.end_date)}
    )
    return arrangement


@transaction.atomic
def arrangement_move_to_provider(
    *, arrangement: Arrangement, provider: Provider, annual_amount: Decimal, start_date: dt.date, actor
) -> Arrangement:
    """The person's ISF passes to another provider from `start_date`: a new arrangement in the same
    approved budget (the old one is ended separately, on the old agreement's last day). It gets its own
    reference, the next in the council's pattern: the new provider sends spending against it, and the
    old reference stays with the old provider's closed fund."""
    if arrangement.management_type != ManagementType.ISF:
        raise BudgetError("Only an Individual Service Fund moves to another provider.")
    _lock_council_refs(arrangement.council_id)
    moved = Arrangement.objects.create(
        budget=arrangement.budget,
        management_type=ManagementType.ISF,
        annual_amount=to_money(annual_amount),
        start_date=start_date,
        provider=provider,
        council=arrangement.council,
        budget_ref=new_budget_refs(council_id=arrangement.council_id)[0],
    )
    audit.record(
        actor=actor,
        instance=moved,
        event="arrangement moved to new provider",
        action=audit.CREATE,
        changes={
            "provider": (arrangement.provider, provider),
            "budget_ref": (arrangement.budget_ref, moved.budget_ref),
        },
    )
    return moved


@transaction.atomic
def budget_send_back(*, budget: PersonalBudget, actor, reason: str) -> PersonalBudget:
    """Send a proposal back to the commissioner with a reason. Like approval, someone other than the
    proposer must do it."""
    budget = PersonalBudget.objects.select_for_update().select_related("person").get(pk=budget.pk)
    if not is_approver_for(user=actor, council_id=budget.person.council_id):
        raise NotAllowed("Only an approver in this council can send budgets back.")
    reason = (reason or "").strip()
    if budget.status == BudgetStatus.SENT_BACK and budget.decision_reason == reason:
        return budget
    if budget.status != BudgetStatus.PROPOSED:
        raise BudgetError(f"This budget is {budget.get_status_display().lower()}, so it cannot be sent back.")
    if budget.proposed_by_id == actor.pk:
        raise BudgetError("You proposed this budget, so someone else must decide on it.")
    if not reason:
        raise BudgetError("Say why you are sending it back.")
    budget.status = BudgetStatus.SENT_BACK
    budget.decided_by, budget.decided_at, budget.decision_reason = actor, timezone.now(), reason
    budget.save()
    audit.record(
        actor=actor,
        instance=budget,
        event="budget sent back",
        changes={"status": (BudgetStatus.PROPOSED, BudgetStatus.SENT_BACK)},
        note=reason,
    )
    return budget


@transaction.atomic
def budget_withdraw(*, budget: PersonalBudget, actor) -> PersonalBudget:
    """The commissioner withdraws a proposal or a sent-back budget."""
    budget = PersonalBudget.objects.select_for_update().select_related("person").get(pk=budget.pk)
    _require_commissioner(actor=actor, council_id=budget.person.council_id)
    if budget.status == BudgetStatus.WITHDRAWN:
        return budget
    if budget.status not in (BudgetStatus.PROPOSED, BudgetStatus.SENT_BACK, BudgetStatus.DRAFT):
        raise BudgetError("An approved budget cannot be withdrawn: propose a new version instead.")
    old = budget.status
    budget.status = BudgetStatus.WITHDRAWN
    budget.save(update_fields=["status", "updated_at"])
    audit.record(
        actor=actor, instance=budget, event="budget withdrawn", changes={"status": (old, budget.status)}
    )
    return budget


@transaction.atomic
def review_record(
    *,
    budget: PersonalBudget,
    actor,
    notes: str,
    reviewed_on: dt.date | None = None,
    next_review_due: dt.date | None = None,
) -> BudgetReview:
    """Record that the budget was reviewed; the next review is due a year later unless set."""
    budget = PersonalBudget.objects.select_for_update().select_related("person").get(pk=budget.pk)
    _require_commissioner(actor=actor, council_id=budget.person.council_id)
    if budget.status != BudgetStatus.APPROVED:
        raise BudgetError("Only an approved budget can be reviewed.")
    notes = (notes or "").strip()
    if not notes:
        raise BudgetError("Write what the review found.")
    reviewed_on = reviewed_on or today()
    next_due = next_review_due or add_years(reviewed_on)
    if next_due <= reviewed_on:
        raise BudgetError("The next review must be after this one.")
    review = BudgetReview.objects.create(
        budget=budget, reviewed_on=reviewed_on, reviewed_by=actor, notes=notes, next_review_due=next_due
    )
    old = budget.review_due
    budget.review_due = next_due
    budget.save(update_fields=["review_due", "updated_at"])
    audit.record(
        actor=actor,
        instance=budget,
        event="budget reviewed",
        changes={"review_due": (old, next_due)},
        note=notes,
    )
    return review
