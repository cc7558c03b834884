"""Pages for reviews that walk the outcomes (issue 17): record one, read one, and the family's answer.
Thin: fetch through a selector (another tenant's review is a 404), check the role (403), call a
service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from . import review_services
from .review_forms import OutcomeReviewForm, ReviewResponseForm
from .review_selectors import reviews_visible_to, version_total
from .selectors import budgets_visible_to, can_act_for, can_view_casework
from .services import BudgetError, NotAllowed, is_commissioner_for


def _running_parts(budget):
    day = budget.day_shown()
    return [
        a for a in budget.arrangements.select_related("provider") if a.is_active_on(day) or a.start_date > day
    ]


@login_required
def budget_review(request: HttpRequest, pk: int) -> HttpResponse:
    """Walk the plan's outcomes one by one, say what changed, recommend, and (for a change) propose the
    new version from a date."""
    budget = get_object_or_404(
        budgets_visible_to(user=request.user).select_related("person", "person__council", "support_plan"),
        pk=pk,
    )
    if not is_commissioner_for(user=request.user, council_id=budget.person.council_id):
        raise PermissionDenied
    plan = review_services.plan_for_review(budget)
    outcomes = review_services.plan_outcomes(plan)
    parts = _running_parts(budget)
    form = OutcomeReviewForm(request.POST or None, outcomes=outcomes, parts=parts)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                review = review_services.review_with_outcomes(
                    budget=budget,
                    actor=request.user,
                    notes=data["notes"],
                    outcomes=form.outcomes_found(),
                    recommendation=data["recommendation"],
                    recommendation_reason=data["recommendation_reason"],
                    what_changed=data["what_changed"],
                    what_changed_note=data["what_changed_note"],
                    change_from=data["change_from"],
                    new_amounts=form.new_amounts(),
                    reviewed_on=data["reviewed_on"],
                    next_review_due=data["next_review_due"],
                )
            except BudgetError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                messages.success(
                    request, f"Review recorded. The next one is due by {review.next_review_due:%-d %B %Y}."
                )
                return redirect("budgets:review", pk=review.pk)
        status = 400
    return render(
        request,
        "budgets/review_form.html",
        {"budget": budget, "person": budget.person, "form": form, "plan": plan, "outcomes": outcomes},
        status=status,
    )


@login_required
def review_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The review for staff: each outcome, what changed, the recommendation, the version it proposed
    and the family's answer."""
    review = get_object_or_404(
        reviews_visible_to(user=request.user).select_related("budget__person__council", "reviewed_by"),
        pk=pk,
    )
    person = review.budget.person
    if not can_view_casework(user=request.user, person=person):
        if can_act_for(user=request.user, person=person):
            return redirect("budgets:your-review", pk=review.pk)
        raise PermissionDenied
    words = review_services.review_in_words(review)
    return render(
        request,
        "budgets/review.html",
        {
            "review": review,
            "person": person,
            "budget": review.budget,
            "words": words,
            "what_changed_labels": list(review_services.WHAT_CHANGED.items()),
            "proposal_total": version_total(words["proposal"]) if words["proposal"] else None,
            "responses": list(review.responses.select_related("user")),
        },
    )


@login_required
def your_review(request: HttpRequest, pk: int) -> HttpResponse:
    """The family reads the review in plain English and says whether they agree (in writing if not)."""
    review = get_object_or_404(
        reviews_visible_to(user=request.user).select_related("budget__person__council", "reviewed_by"), pk=pk
    )
    person = review.budget.person
    if not can_act_for(user=request.user, person=person):
        if can_view_casework(user=request.user, person=person):
            return redirect("budgets:review", pk=review.pk)
        raise PermissionDenied
    words = review_services.review_in_words(review)
    form = ReviewResponseForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                review_services.review_respond(
                    review=review,
                    actor=request.user,
                    agrees=form.cleaned_data["agrees"],
                    comment=form.cleaned_data["comment"],
                )
            except NotAllowed as exc:
                raise PermissionDenied from exc
            except BudgetError as exc:
                form.add_error("comment", str(exc))
            else:
                messages.success(request, "Thank you. We have your answer. The approver will read it.")
                return redirect("budgets:your-review", pk=review.pk)
        status = 400
    return render(
        request,
        "budgets/your_review.html",
        {
            "review": review,
            "person": person,
            "words": words,
            "form": form,
            "response": review_services.latest_response(review),
            "contact": review.reviewed_by,
            "council": person.council,
        },
        status=status,
    )
