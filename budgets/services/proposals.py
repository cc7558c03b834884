"""Proposing a budget (or a new version, or its ending) and withdrawing a proposal."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from organisations import audit
from organisations.models import Provider
from organisations.money import format_money, to_money
from organisations.validators import is_reference

from ..models import (
    TYPES_HELD_BY_A_PROVIDER,
    Arrangement,
    Assessment,
    BudgetStatus,
    ManagementType,
    Person,
    PersonalBudget,
    SupportPlan,
)
from .access import _require_commissioner
from .arrangements import _lock_council_refs, new_budget_refs
from .errors import BudgetError, ReasonNeeded
from .versions import _check_can_replace, latest_approved_version


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
    with transaction.atomic():
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


def budget_withdraw(*, budget: PersonalBudget, actor) -> PersonalBudget:
    """The commissioner withdraws a proposal or a sent-back budget."""
    with transaction.atomic():
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
