"""Versions of a person's budget: the approved one in force, when a new one may replace it, ending
the old one's parts, and reviews."""

import datetime as dt

from django.db import transaction

from organisations import audit

from ..models import BudgetReview, BudgetStatus, Person, PersonalBudget
from .access import _require_commissioner
from .arrangements import arrangement_end
from .dates import add_years, today
from .errors import BudgetError


def latest_approved_version(person: Person) -> PersonalBudget | None:
    """The newest approved version, whatever its start date (the one a new version replaces)."""
    return (
        PersonalBudget.objects.filter(person=person, status=BudgetStatus.APPROVED)
        .order_by("-start_date", "-pk")
        .first()
    )


def _check_can_replace(*, replaces: PersonalBudget, start_date: dt.date) -> None:
    latest_start = max([replaces.start_date, *[a.start_date for a in replaces.arrangements.all()]])
    if start_date <= latest_start:
        raise BudgetError(
            f"A new version must start after {latest_start:%-d %B %Y}, when the current budget's "
            "latest part starts."
        )


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


def review_record(
    *,
    budget: PersonalBudget,
    actor,
    notes: str,
    reviewed_on: dt.date | None = None,
    next_review_due: dt.date | None = None,
) -> BudgetReview:
    """Record that the budget was reviewed; the next review is due a year later unless set."""
    with transaction.atomic():
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
