"""A council's settings pages, for its council administrators: staff, roles and approval limits.

Every page is scoped by `selectors.council_to_set_up` (another council is a 404, a council the user
sees but does not administer a 403); every change goes through a service that audits it.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from . import services
from .forms import ApprovalLimitForm, StaffAddForm
from .models import Role
from .selectors import council_staff, council_to_set_up, councils_administered_by


@login_required
def settings_home(request: HttpRequest) -> HttpResponse:
    """The navigation's "Council settings": straight to the council, or a choice of councils."""
    councils = list(councils_administered_by(user=request.user))
    if not councils:
        raise PermissionDenied
    if len(councils) == 1:
        return redirect("council:settings", code=councils[0].gss_code)
    return render(request, "organisations/settings/choose_council.html", {"councils": councils})


@login_required
def settings_overview(request: HttpRequest, code: str) -> HttpResponse:
    council = council_to_set_up(user=request.user, code=code)
    return render(request, "organisations/settings/overview.html", {"council": council})


@login_required
def staff_list(request: HttpRequest, code: str) -> HttpResponse:
    council = council_to_set_up(user=request.user, code=code)
    return render(
        request,
        "organisations/settings/staff.html",
        {"council": council, "memberships": council_staff(council=council)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def staff_add(request: HttpRequest, code: str) -> HttpResponse:
    council = council_to_set_up(user=request.user, code=code)
    form = StaffAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.council_staff_add(council=council, actor=request.user, **form.cleaned_data)
        except services.OrganisationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, f"{membership.user.email} is now {membership.get_role_display().lower()}."
            )
            return redirect("council:staff", code=council.gss_code)
    return render(request, "organisations/settings/staff_add.html", {"council": council, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def staff_member(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """One role someone holds: change an approver's limit, or remove the role."""
    council = council_to_set_up(user=request.user, code=code)
    membership = get_object_or_404(council_staff(council=council), pk=pk)
    is_approver = membership.role == Role.APPROVER
    form = ApprovalLimitForm(
        request.POST if request.method == "POST" and "remove" not in request.POST else None,
        initial={"approval_limit": membership.approval_limit},
    )
    error = ""
    if request.method == "POST":
        try:
            if "remove" in request.POST:
                services.council_staff_remove(membership=membership, actor=request.user)
                messages.success(
                    request,
                    f"{membership.user.email} is no longer {membership.get_role_display().lower()}.",
                )
                return redirect("council:staff", code=council.gss_code)
            if is_approver and form.is_valid():
                services.council_staff_change_limit(
                    membership=membership,
                    approval_limit=form.cleaned_data["approval_limit"],
                    actor=request.user,
                )
                messages.success(request, f"The approval limit of {membership.user.email} is changed.")
                return redirect("council:staff", code=council.gss_code)
        except services.OrganisationError as exc:
            error = str(exc)
            if is_approver and "remove" not in request.POST:
                form.add_error(None, error)
                error = ""
    return render(
        request,
        "organisations/settings/staff_member.html",
        {
            "council": council,
            "membership": membership,
            "form": form,
            "is_approver": is_approver,
            "remove_error": error,
            "back": reverse("council:staff", args=[council.gss_code]),
        },
    )


def landing_panels(*, user) -> list[dict]:
    """On the landing page: where a council administrator sets up each council they run."""
    from .landing import panel

    return [
        panel(
            f"Settings for {council.name}",
            lines=["Resource allocation, price per point, staff, roles and approval limits."],
            links=[
                ("Resource allocation", reverse("allocation:overview", args=[council.gss_code])),
                ("Staff and roles", reverse("council:staff", args=[council.gss_code])),
            ],
            order=60,
        )
        for council in councils_administered_by(user=user)
    ]
