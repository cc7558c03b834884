"""Pages about who funds a budget: the commissioner states the shares, each funder approves its own."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from budgets.selectors import budgets_for_casework, can_view_casework
from budgets.services import BudgetError, NotAllowed, is_approver_for, is_commissioner_for
from organisations.selectors import approval_limit_of, roles_of

from . import funding
from .forms import FundingForm, ReasonForm
from .selectors import STAFF_ROLES, possible_funders, shares_of, shares_to_approve, shares_visible_to


@login_required
def budget_funding(request: HttpRequest, pk: int) -> HttpResponse:
    """Who funds this budget. Staff of the person's council see it; its commissioners change it."""
    budget = get_object_or_404(
        budgets_for_casework(user=request.user).select_related("person__council"), pk=pk
    )
    person = budget.person
    if not can_view_casework(user=request.user, person=person):
        raise PermissionDenied
    may_change = is_commissioner_for(user=request.user, council_id=person.council_id)
    if request.method == "POST" and not may_change:
        raise PermissionDenied
    shares = shares_of(budget)
    decided = any(s.status != "waiting" for s in shares)
    funders = possible_funders(council=person.council)
    form = FundingForm(
        request.POST or None, funders=funders, current={s.funder_id: s.annual_amount for s in shares}
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                funding.funding_set(budget=budget, shares=form.shares(), actor=request.user)
            except NotAllowed as exc:
                raise PermissionDenied from exc
            except BudgetError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, f"Funding for {person}'s budget saved.")
                return redirect("nhs:funding", pk=budget.pk)
        status = 400
    context = {
        "budget": budget,
        "person": person,
        "shares": shares,
        "form": form,
        "may_change": may_change and budget.status == "proposed" and not decided,
        "decided": decided,
        "whole": budget.highest_total,
    }
    return render(request, "nhs/budget_funding.html", context, status=status)


@login_required
def shares_list(request: HttpRequest) -> HttpResponse:
    roles = roles_of(user=request.user)
    if not (roles.councils_with(*STAFF_ROLES) or roles.platform_admin):
        raise PermissionDenied
    visible = shares_visible_to(user=request.user).select_related("budget__person__council")
    context = {
        "to_approve": shares_to_approve(user=request.user),
        "shares": visible.order_by("-budget__proposed_at", "pk")[:200],
    }
    return render(request, "nhs/shares.html", context)


def _share_context(request, share, **extra) -> dict:
    user = request.user
    limit = approval_limit_of(user=user, council=share.funder)
    return {
        "share": share,
        "budget": share.budget,
        "person": share.budget.person,
        "is_funder_approver": is_approver_for(user=user, council_id=share.funder_id),
        "own_proposal": share.budget.proposed_by_id == user.pk,
        "limit": limit,
        "over_limit": limit is None or share.annual_amount > limit,
        "reason_form": extra.pop("reason_form", ReasonForm()),
        **extra,
    }


def _share(request, pk):
    return get_object_or_404(
        shares_visible_to(user=request.user).select_related("budget__proposed_by"), pk=pk
    )


@login_required
def share_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "nhs/share.html", _share_context(request, _share(request, pk)))


@login_required
@require_POST
def share_approve(request: HttpRequest, pk: int) -> HttpResponse:
    share = _share(request, pk)
    try:
        funding.share_approve(share=share, actor=request.user)
    except NotAllowed as exc:
        raise PermissionDenied from exc
    except BudgetError as exc:
        return render(request, "nhs/share.html", _share_context(request, share, error=str(exc)), status=409)
    messages.success(request, f"{share.funder}'s share of {share.budget.person}'s budget approved.")
    return redirect("nhs:share", pk=share.pk)


@login_required
@require_POST
def share_send_back(request: HttpRequest, pk: int) -> HttpResponse:
    share = _share(request, pk)
    if not is_approver_for(user=request.user, council_id=share.funder_id):
        raise PermissionDenied
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            funding.share_send_back(share=share, actor=request.user, reason=form.cleaned_data["reason"])
        except BudgetError as exc:
            form.add_error("reason", str(exc))
        else:
            messages.success(request, "Sent back to the commissioner.")
            return redirect("nhs:share", pk=share.pk)
    return render(request, "nhs/share.html", _share_context(request, share, reason_form=form), status=400)
