"""The family's pages: their budget in plain words (the person, or the people they act for), and how they
would like to hold it. Council staff with the casework see the same page.

Thin views, as in `views`, whose look-up helpers they use.
"""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from organisations.kept_queries import fetch_kept

from . import services
from .family_sections import family_sections
from .forms import HoldingChoiceForm
from .models import BudgetReview, BudgetStatus, ManagementType, Person
from .selectors import (
    can_act_for,
    can_view_casework,
    current_among,
    family_budgets,
    family_lists,
    family_people,
    upcoming_among,
)
from .services import explain_assessment
from .views import _person, latest_and_agreed_plans
from .wording import FAMILY_WORDING


def _family_reviews(person: Person) -> list:
    """Reviews the family can read (those that walked the outcomes), newest first; `waiting` when a
    change is waiting for approval and they have not answered yet."""
    reviews = fetch_kept(_family_reviews_query, person_id=person.pk)  # its SQL kept (issue 14)
    for r in reviews:
        waiting = any(v.status == BudgetStatus.PROPOSED for v in r.proposed_versions.all())
        r.waiting = waiting and not r.responses.all()
    return reviews


def _family_reviews_query(*, person_id: int):
    return (
        BudgetReview.objects.filter(budget__person_id=person_id)
        .exclude(recommendation="")
        .prefetch_related("responses", "proposed_versions")
        .order_by("-reviewed_on", "-pk")[:5]
    )


def _family_context(request, person: Person, *, is_family: bool | None = None) -> dict:
    # Every version once (with its parts, their providers and who proposed it): the current, upcoming,
    # pending and latest approved versions are picked from this list, not asked for one by one.
    budgets = family_budgets(person)
    person.loaded_budgets = budgets  # for the sections other apps add (oversight's parts to check)
    current = current_among(budgets)
    upcoming = upcoming_among(budgets)
    shown = current or upcoming
    # Only a proposal (or one sent back) made since the latest approval is news for the family.
    pending = max(
        (b for b in budgets if b.status in (BudgetStatus.PROPOSED, BudgetStatus.SENT_BACK)),
        key=lambda b: b.created_at,
        default=None,
    )
    latest_approved = max(
        (b for b in budgets if b.status == BudgetStatus.APPROVED),
        key=lambda b: (b.start_date, b.pk),
        default=None,
    )
    if pending and latest_approved and pending.created_at < latest_approved.created_at:
        pending = None
    arrangements, later = [], []
    today = services.today()
    day = shown.day_shown(today) if shown else today
    if shown:
        # Only the parts active on the day shown make up the total; a part that starts later (after a
        # move to a new provider) is listed as news, never added on top of the part it replaces.
        for a in shown.arrangements.all():
            item = {"arrangement": a, "words": FAMILY_WORDING[a.management_type]}
            if a.is_active_on(day):
                arrangements.append(item)
            elif a.start_date > day:
                later.append(item)
    total = shown.total_on(day) if shown else Decimal("0.00")
    lists = family_lists(person)
    assessment = next(iter(lists["assessments"]), None)
    draft_plan, plan = latest_and_agreed_plans(person)
    contact = shown.proposed_by if shown and shown.proposed_by and not shown.imported else None
    return {
        "person": person,
        "current": current,
        "upcoming": upcoming,
        "upcoming_total": upcoming.total_on(upcoming.start_date) if upcoming else None,
        "shown": shown,
        "pending": pending,
        "arrangements": arrangements,
        "later": later,
        "total": total,
        "total_day": day,
        "today": today,
        "assessment": assessment,
        "explanation": explain_assessment(assessment) if assessment else [],
        "plan": plan,
        "draft_plan": draft_plan,
        "preference": next(iter(lists["preferences"]), None),
        "contact": contact,
        "council": person.council,
        "is_family": can_act_for(user=request.user, person=person) if is_family is None else is_family,
        "carer_assessment": next(iter(lists["carer_assessments"]), None),
        "extra_sections": family_sections(request, person),
        "family_reviews": _family_reviews(person),
    }


@login_required
def your_budget(request: HttpRequest) -> HttpResponse:
    """The family's page. With one person it shows their budget; with several, a list to choose from."""
    people = family_people(user=request.user)
    if len(people) == 1:  # represented by this user: family for this person
        return render(
            request, "budgets/your_budget.html", _family_context(request, people[0], is_family=True)
        )
    return render(request, "budgets/your_people.html", {"people": people})


@login_required
def your_budget_person(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    if not (
        can_act_for(user=request.user, person=person) or can_view_casework(user=request.user, person=person)
    ):
        raise PermissionDenied
    return render(request, "budgets/your_budget.html", _family_context(request, person))


@login_required
def holding_choice(request: HttpRequest, pk: int) -> HttpResponse:
    """Each way of holding a budget, in plain words; the family says which they want."""
    person = _person(request, pk)
    is_family = can_act_for(user=request.user, person=person)
    if not (is_family or can_view_casework(user=request.user, person=person)):
        raise PermissionDenied
    preference = person.holding_preferences.first()
    initial = {"management_types": preference.management_types} if preference else None
    form = HoldingChoiceForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if not is_family:
            raise PermissionDenied
        if form.is_valid():
            services.holding_preference_record(person=person, actor=request.user, **form.cleaned_data)
            messages.success(
                request, "Thank you. Your social worker will see what you chose and talk it through with you."
            )
            return redirect(reverse("budgets:your-budget-person", kwargs={"pk": person.pk}))
    options = [{"code": code, **FAMILY_WORDING[code]} for code in ManagementType.values]
    return render(
        request,
        "budgets/holding_choice.html",
        {
            "person": person,
            "form": form,
            "options": options,
            "is_family": is_family,
            "preference": preference,
        },
    )
