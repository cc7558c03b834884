"""Reviews that walk the support plan's outcomes (issue 17): the triangle, not the box.

A review goes through the plan's outcomes one by one (met, partly met, not met, no longer wanted, in
the person's own words), records what changed in their life, and recommends keeping, increasing,
reducing or ending the budget, with a reason. A recommendation to change becomes a proposed new budget
version from a date, linked to the review, approved like any other change. The family sees the review
in plain English before it is agreed and may disagree in writing.
"""

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from organisations import audit
from organisations.money import format_money, to_money

from .models import (
    BudgetReview,
    BudgetStatus,
    OutcomeStatus,
    PersonalBudget,
    PlanStatus,
    Recommendation,
    ReviewOutcome,
    ReviewResponse,
    SupportPlan,
)
from .selectors import can_act_for
from .services import (
    ArrangementInput,
    BudgetError,
    NotAllowed,
    budget_propose,
    latest_approved_version,
    review_record,
)

WHAT_CHANGED = {
    "new_skills": "New skills: they do more for themselves",
    "friends": "New friends and connections",
    "work": "Work, volunteering or learning",
    "unpaid_support": "More unpaid support from family, friends or neighbours",
    "health": "Their health or needs changed",
}

# The same, speaking to the person.
WHAT_CHANGED_FAMILY = {
    "new_skills": "you have learned new skills and do more for yourself",
    "friends": "you have made new friends and connections",
    "work": "you have started work, volunteering or learning",
    "unpaid_support": "family, friends or neighbours help you more",
    "health": "your health or needs have changed",
}

OUTCOME_FAMILY = {
    OutcomeStatus.MET: "this has happened",
    OutcomeStatus.PARTLY_MET: "this has partly happened",
    OutcomeStatus.NOT_MET: "this has not happened yet",
    OutcomeStatus.NO_LONGER_WANTED: "you do not want this any more",
}

CHANGES = (Recommendation.INCREASE, Recommendation.REDUCE, Recommendation.END)


def plan_outcomes(plan: SupportPlan | None) -> list[str]:
    """The outcomes of a support plan, one per line (bullets and numbers taken off)."""
    if plan is None:
        return []
    lines = [re.sub(r"^\s*(?:[-*•]|\d+[.)])\s*", "", line).strip() for line in plan.outcomes.splitlines()]
    return [line for line in lines if line]


def plan_for_review(budget: PersonalBudget) -> SupportPlan | None:
    """The plan a review walks: the budget's own, else the person's latest agreed plan, else the latest."""
    if budget.support_plan_id:
        return budget.support_plan
    plans = budget.person.support_plans.order_by("-created_at", "-pk")
    return plans.filter(status=PlanStatus.AGREED).first() or plans.first()


@dataclass(frozen=True)
class OutcomeFound:
    outcome: str
    status: str
    own_words: str = ""


def _new_parts(budget: PersonalBudget, amounts: dict[int, Decimal]) -> list[ArrangementInput]:
    """The current version's running parts with their new amounts (by arrangement id)."""
    day = budget.day_shown()
    parts = []
    for a in budget.arrangements.all():
        if not (a.is_active_on(day) or a.start_date > day):
            continue
        amount = amounts.get(a.pk, a.annual_amount)
        parts.append(ArrangementInput(a.management_type, to_money(amount), a.provider))
    return parts


@transaction.atomic
def review_with_outcomes(
    *,
    budget: PersonalBudget,
    actor,
    notes: str,
    outcomes: list[OutcomeFound],
    recommendation: str,
    recommendation_reason: str,
    what_changed: list[str] = (),
    what_changed_note: str = "",
    change_from: dt.date | None = None,
    new_amounts: dict[int, Decimal] | None = None,
    reviewed_on: dt.date | None = None,
    next_review_due: dt.date | None = None,
) -> BudgetReview:
    """Record the review; for increase, reduce or end, propose the new version from `change_from`
    (linked to the review) in the same transaction, so a refused proposal records no review."""
    problems = []
    for i, o in enumerate(outcomes, start=1):
        if o.status not in OutcomeStatus.values:
            problems.append(f"Say how outcome {i} ('{o.outcome[:60]}') went.")
    if recommendation not in Recommendation.values:
        problems.append("Choose what you recommend: keep, increase, reduce or end.")
    reason = (recommendation_reason or "").strip()
    if not reason:
        problems.append("Give the reason for what you recommend.")
    unknown = set(what_changed) - set(WHAT_CHANGED)
    if unknown:
        problems.append("Choose what changed from the list.")
    if recommendation in CHANGES and change_from is None:
        problems.append("Give the date the change starts from.")
    if problems:
        raise BudgetError(*problems)
    review = review_record(
        budget=budget,
        actor=actor,
        notes=notes,
        reviewed_on=reviewed_on,
        next_review_due=next_review_due,
    )
    review.what_changed = [code for code in WHAT_CHANGED if code in set(what_changed)]
    review.what_changed_note = (what_changed_note or "").strip()
    review.recommendation = recommendation
    review.recommendation_reason = reason
    review.save()
    ReviewOutcome.objects.bulk_create(
        ReviewOutcome(
            review=review, order=i, outcome=o.outcome.strip(), status=o.status, own_words=o.own_words.strip()
        )
        for i, o in enumerate(outcomes)
    )
    audit.record(
        actor=actor,
        instance=review,
        event="review recorded",
        action=audit.CREATE,
        changes={
            "recommendation": (None, recommendation),
            "outcomes": (None, "; ".join(f"{o.outcome[:40]}: {o.status}" for o in outcomes)),
        },
        note=reason,
    )
    if recommendation in CHANGES:
        _propose_change(
            review=review,
            budget=review.budget,
            actor=actor,
            new_amounts=new_amounts or {},
            change_from=change_from,
        )
    return review


def _propose_change(*, review, budget, actor, new_amounts, change_from) -> PersonalBudget:
    current = latest_approved_version(budget.person)
    if current is None or current.pk != budget.pk:
        raise BudgetError("A newer version of this budget exists: review that one instead.")
    before = budget.total_on(budget.day_shown())
    ending = review.recommendation == Recommendation.END
    parts = [] if ending else _new_parts(budget, new_amounts)
    after = sum((p.annual_amount for p in parts), Decimal("0.00"))
    if review.recommendation == Recommendation.INCREASE and after <= before:
        raise BudgetError(
            f"To increase the budget, the new amounts must come to more than {format_money(before)}."
        )
    if review.recommendation == Recommendation.REDUCE and after >= before:
        raise BudgetError(
            f"To reduce the budget, the new amounts must come to less than {format_money(before)}."
        )
    proposed = budget_propose(
        person=budget.person,
        start_date=change_from,
        arrangements=parts,
        actor=actor,
        support_plan=budget.support_plan,
        difference_reason=(
            f"After the review on {review.reviewed_on:%-d %B %Y}: {review.recommendation_reason}"
        ),
        ending=ending,
    )
    proposed.from_review = review
    proposed.save(update_fields=["from_review", "updated_at"])
    return proposed


@transaction.atomic
def review_respond(*, review: BudgetReview, actor, agrees: bool, comment: str = "") -> ReviewResponse:
    """The person or someone who acts for them agrees with the review, or disagrees in writing."""
    review = BudgetReview.objects.select_related("budget__person").get(pk=review.pk)
    if not can_act_for(user=actor, person=review.budget.person):
        raise NotAllowed("Only the person or someone who acts for them can answer a review.")
    comment = (comment or "").strip()
    if not agrees and not comment:
        raise BudgetError("Tell us what you do not agree with.")
    decided = review.proposed_versions.exclude(status=BudgetStatus.PROPOSED).exists()
    if decided:
        raise BudgetError("A decision has already been made on this review. Contact your social worker.")
    response = ReviewResponse.objects.create(review=review, user=actor, agrees=agrees, comment=comment)
    audit.record(
        actor=actor,
        instance=review,
        event="family agreed with the review" if agrees else "family disagreed with the review",
        changes={"agrees": (None, agrees)},
        note=comment,
    )
    return response


def latest_response(review: BudgetReview) -> ReviewResponse | None:
    return review.responses.select_related("user").first()


def review_in_words(review: BudgetReview) -> dict:
    """The review as the family reads it: short sentences that speak to the person."""
    budget = review.budget
    outcomes = [
        {
            "outcome": o.outcome,
            "found": OUTCOME_FAMILY.get(o.status, o.get_status_display()),
            "own_words": o.own_words,
        }
        for o in review.outcomes.all()
    ]
    changed = [WHAT_CHANGED_FAMILY[c] for c in review.what_changed if c in WHAT_CHANGED_FAMILY]
    proposal = review.proposed_versions.order_by("-pk").first()
    before = budget.total_on(budget.day_shown())
    if review.recommendation == Recommendation.KEEP or not review.recommendation:
        suggestion = f"We suggest your budget stays the same: {format_money(before)} a year."
    elif review.recommendation == Recommendation.END:
        when = f" from {proposal.start_date:%-d %B %Y}" if proposal else ""
        suggestion = f"We suggest your budget ends{when}. Today it is {format_money(before)} a year."
    else:
        after = proposal.total_on(proposal.start_date) if proposal else None
        verb = "goes up" if review.recommendation == Recommendation.INCREASE else "goes down"
        suggestion = f"We suggest your budget {verb} from {format_money(before)} a year" + (
            f" to {format_money(after)} a year from {proposal.start_date:%-d %B %Y}." if proposal else "."
        )
    if proposal is None:
        status = "Nothing changes, so there is nothing to approve."
    elif proposal.status == BudgetStatus.PROPOSED:
        status = (
            "A manager at the council (the approver) will decide. They will read what you tell us "
            "below before they decide."
        )
    elif proposal.status == BudgetStatus.APPROVED:
        status = f"The approver agreed this change on {proposal.decided_at:%-d %B %Y}."
    else:
        status = "The approver did not agree this change, so your budget stays as it was."
    return {
        "outcomes": outcomes,
        "changed": changed,
        "changed_note": review.what_changed_note,
        "suggestion": suggestion,
        "reason": review.recommendation_reason,
        "proposal": proposal,
        "status": status,
        "open": proposal is None or proposal.status == BudgetStatus.PROPOSED,
    }
