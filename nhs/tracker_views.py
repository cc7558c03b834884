"""The Transforming Care discharge tracker: the partnership's list, each person's line, the provider's
own lines, and the family's page in plain English."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from organisations.selectors import roles_of

from . import services
from .discharge import at_a_glance, describe, family_rows
from .forms import AddLineForm, HomeForm, LineForm
from .models import DischargeLine
from .selectors import (
    lines_for_family,
    lines_for_provider,
    lines_of,
    may_edit_tracker,
    partnership_visible,
    partnerships_visible_to,
    people_to_add,
)


def _views(lines):
    today = timezone.localdate()
    return [describe(line, today) for line in lines]


@login_required
def partnerships(request: HttpRequest) -> HttpResponse:
    visible = partnerships_visible_to(user=request.user).prefetch_related("members", "members__nhs_body")
    if not visible and not roles_of(user=request.user).is_council_staff:
        raise PermissionDenied
    return render(request, "nhs/partnerships.html", {"partnerships": visible})


@login_required
def tracker(request: HttpRequest, code: str) -> HttpResponse:
    partnership = partnership_visible(user=request.user, code=code)
    views = _views(lines_of(partnership=partnership))
    context = {
        "partnership": partnership,
        "members": partnership.members.select_related("nhs_body"),
        "waiting": [v for v in views if not v.home],
        "home": [v for v in views if v.home],
        "glance": at_a_glance(views),
        "may_edit": may_edit_tracker(user=request.user, partnership=partnership),
    }
    return render(request, "nhs/tracker.html", context)


@login_required
def line_add(request: HttpRequest, code: str) -> HttpResponse:
    partnership = partnership_visible(user=request.user, code=code)
    if not may_edit_tracker(user=request.user, partnership=partnership):
        raise PermissionDenied
    people = people_to_add(user=request.user, partnership=partnership)
    form = AddLineForm(request.POST or None, people=people)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.line_add(
                    partnership=partnership,
                    person=form.cleaned_data["person"],
                    actor=request.user,
                    shortlist=form.cleaned_data["shortlist"],
                    **form.line_fields(),
                )
            except services.TrackerError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, f"{form.cleaned_data['person']} added to the list.")
                return redirect("nhs:tracker", code=partnership.code)
        status = 400
    return render(request, "nhs/line_form.html", {"partnership": partnership, "form": form}, status=status)


@login_required
def line(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    partnership = partnership_visible(user=request.user, code=code)
    found = get_object_or_404(lines_of(partnership=partnership), pk=pk)
    may_edit = may_edit_tracker(user=request.user, partnership=partnership)
    if request.method == "POST" and not may_edit:
        raise PermissionDenied
    # The form works on its own copy, so the page shows the line as saved beside the typed changes.
    form = LineForm(request.POST or None, instance=DischargeLine.objects.get(pk=found.pk))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.line_update(
                    line=found,
                    actor=request.user,
                    shortlist=form.cleaned_data["shortlist"],
                    **form.line_fields(),
                )
            except services.TrackerError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, f"{found.person}'s line saved.")
                return redirect("nhs:line", code=partnership.code, pk=found.pk)
        status = 400
    context = {
        "partnership": partnership,
        "view": describe(found, timezone.localdate()),
        "form": form,
        "home_form": HomeForm(),
        "may_edit": may_edit,
    }
    return render(request, "nhs/line.html", context, status=status)


@login_required
@require_POST
def line_home(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    partnership = partnership_visible(user=request.user, code=code)
    found = get_object_or_404(lines_of(partnership=partnership), pk=pk)
    if not may_edit_tracker(user=request.user, partnership=partnership):
        raise PermissionDenied
    form = HomeForm(request.POST)
    if form.is_valid():
        try:
            services.line_home(line=found, on=form.cleaned_data["discharged_on"], actor=request.user)
        except services.TrackerError as exc:
            form.add_error("discharged_on", str(exc))
        else:
            messages.success(request, f"{found.person} is home.")
            return redirect("nhs:tracker", code=partnership.code)
    context = {
        "partnership": partnership,
        "view": describe(found, timezone.localdate()),
        "form": LineForm(instance=found),
        "home_form": form,
        "may_edit": True,
    }
    return render(request, "nhs/line.html", context, status=400)


@login_required
def provider_lines(request: HttpRequest) -> HttpResponse:
    roles = roles_of(user=request.user)
    if not roles.is_provider_staff:
        raise PermissionDenied
    views = _views(lines_for_provider(user=request.user))
    providers = roles.providers_with("provider_manager", "provider_finance")
    for v in views:
        v.chosen_here = v.line.provider_id in providers
    return render(request, "nhs/provider_lines.html", {"views": views})


@login_required
def coming_home(request: HttpRequest) -> HttpResponse:
    views = _views(lines_for_family(user=request.user))
    if not views:
        from budgets.selectors import is_family_member

        if not is_family_member(user=request.user):
            raise PermissionDenied
    for v in views:
        v.family_rows = family_rows(v)
    return render(request, "nhs/coming_home.html", {"views": views})
