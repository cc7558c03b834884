"""The landing page's panels from budgets: a family's budget and what happens next; a commissioner's
reviews due and proposals sent back; an approver's proposals waiting."""

from django.urls import reverse
from django.utils import timezone

from organisations.landing import panel
from organisations.models import Role
from organisations.money import format_money
from organisations.selectors import roles_of

from .models import BudgetStatus, PersonalBudget
from .selectors import current_budget_for, people_represented_by, reviews_due, upcoming_budget_for
from .services import latest_approved_version


def family_next_step(person) -> str:
    """What happens next, in the words of the family's budget page."""
    pending = (
        person.budgets.filter(status__in=[BudgetStatus.PROPOSED, BudgetStatus.SENT_BACK])
        .order_by("-created_at")
        .first()
    )
    approved = latest_approved_version(person)
    if pending and approved and pending.created_at < approved.created_at:
        pending = None
    shown = current_budget_for(person=person) or upcoming_budget_for(person=person)
    if pending and pending.status == BudgetStatus.PROPOSED:
        return "A manager at the council is checking your budget. You will see it here once it is approved."
    if pending:
        return "The council is looking at your budget again. Your social worker will talk to you about it."
    if shown:
        if shown.review_due:
            return f"We will review your budget with you by {shown.review_due:%-d %B %Y}."
        return "We will review your budget with you each year."
    if person.assessments.exists():
        return "Next, write your support plan and tell us how you want to hold your budget."
    return "Your social worker will talk with you about what you need."


def _family_panels(user) -> list[dict]:
    people = list(people_represented_by(user=user).select_related("council"))
    panels = []
    for person in people:
        shown = current_budget_for(person=person) or upcoming_budget_for(person=person)
        if shown:
            day = shown.day_shown()
            when = "" if day == timezone.localdate() else f" from {day:%-d %B %Y}"
            first = f"Your budget is {format_money(shown.total_on(day))} a year{when}."
        else:
            first = "You do not have an agreed budget yet."
        title = "Your budget" if len(people) == 1 else f"{person.name or person.person_ref}: budget"
        panels.append(
            panel(
                title,
                lines=[first, family_next_step(person)],
                links=[("See your budget", reverse("budgets:your-budget-person", kwargs={"pk": person.pk}))],
                order=10,
            )
        )
    return panels


def landing_panels(*, user) -> list[dict]:
    roles = roles_of(user=user)
    panels = _family_panels(user)
    councils = roles.councils_with(Role.COMMISSIONER)
    if councils:
        due = reviews_due(user=user).count()
        sent_back = PersonalBudget.objects.filter(
            status=BudgetStatus.SENT_BACK, person__council_id__in=councils, proposed_by=user
        ).count()
        lines = [f"{due} review{'' if due == 1 else 's'} due in the next 30 days or overdue."]
        links = [("Reviews due", reverse("budgets:reviews-due")), ("People", reverse("budgets:caseload"))]
        if sent_back:
            lines.append(f"{sent_back} of your proposals {'was' if sent_back == 1 else 'were'} sent back.")
        panels.append(panel("Your people", lines=lines, links=links, order=20))
    if roles.councils_with(Role.APPROVER):
        waiting = PersonalBudget.objects.filter(
            status=BudgetStatus.PROPOSED, person__council_id__in=roles.councils_with(Role.APPROVER)
        ).exclude(proposed_by=user)
        count = waiting.count()
        panels.append(
            panel(
                "Budgets to approve",
                lines=[f"{count} budget{'' if count == 1 else 's'} waiting for you to approve or send back."],
                links=[("Budgets to approve", reverse("budgets:approval-queue"))],
                order=15,
            )
        )
    return panels
