"""Capacity: providers say what they could do; the partnership sees it against its list and invites
providers early; NHS England sees every partnership with small numbers suppressed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from organisations.selectors import roles_of
from organisations.small_numbers import RULE

from . import services
from .capacity import (
    REPORT_COUNTS,
    REPORT_LABELS,
    capacity_against_list,
    declared_by,
    england_report,
    invitations_of,
    provider_declaring,
    providers_covering,
    providers_invitable,
    year_label,
    years_from,
)
from .forms import CapacityForm, InviteForm
from .selectors import may_edit_tracker, partnership_visible


def _years():
    return years_from(timezone.localdate())


@login_required
def partnership_capacity(request: HttpRequest, code: str) -> HttpResponse:
    partnership = partnership_visible(user=request.user, code=code)
    years = _years()
    context = {
        "partnership": partnership,
        "years": [year_label(y) for y in years],
        "table": capacity_against_list(partnership=partnership, years=years),
        "providers": providers_covering(partnership=partnership, years=years),
        "may_invite": may_edit_tracker(user=request.user, partnership=partnership),
    }
    return render(request, "nhs/capacity.html", context)


@login_required
@require_POST
def partnership_invite(request: HttpRequest, code: str) -> HttpResponse:
    partnership = partnership_visible(user=request.user, code=code)
    if not may_edit_tracker(user=request.user, partnership=partnership):
        raise PermissionDenied
    form = InviteForm(request.POST, providers=providers_invitable(partnership=partnership))
    if not form.is_valid():
        messages.error(request, "Choose a provider that covers this area.")
        return redirect("nhs:capacity", code=partnership.code)
    provider = form.cleaned_data["provider"]
    services.invite(partnership=partnership, provider=provider, actor=request.user)
    messages.success(request, f"{provider} has been invited to help bring people home.")
    return redirect("nhs:capacity", code=partnership.code)


@login_required
def provider_capacity(request: HttpRequest) -> HttpResponse:
    provider = provider_declaring(user=request.user)
    if provider is None:
        raise PermissionDenied
    years = _years()
    experience, capacity = declared_by(provider=provider, years=years)
    initial = {}
    if experience:
        initial = {
            "years_offering_isfs": experience.years_offering_isfs,
            "people_supported_home": experience.people_supported_home,
            "areas": list(experience.areas.all()),
        }
    for year, people in capacity.items():
        initial[f"capacity_{year}"] = people
    form = CapacityForm(request.POST or None, initial=initial, years=[(y, year_label(y)) for y in years])
    status = 200
    if request.method == "POST":
        if form.is_valid():
            services.capacity_declare(
                provider=provider,
                actor=request.user,
                years_offering_isfs=form.cleaned_data["years_offering_isfs"],
                people_supported_home=form.cleaned_data["people_supported_home"],
                areas=list(form.cleaned_data["areas"]),
                capacity=form.capacity(),
            )
            messages.success(request, "Thank you: partnerships in the areas you cover can now see this.")
            return redirect("nhs:provider-capacity")
        status = 400
    context = {
        "provider": provider,
        "form": form,
        "invitations": invitations_of(provider=provider),
    }
    return render(request, "nhs/provider_capacity.html", context, status=status)


@login_required
def report(request: HttpRequest) -> HttpResponse:
    if not roles_of(user=request.user).platform_admin:
        raise PermissionDenied
    data = england_report(years=_years())
    columns = [(key, REPORT_LABELS[key]) for key in REPORT_COUNTS]
    rows = [
        {"name": r["partnership"].name, "cells": [r[k] for k in REPORT_COUNTS] + r["capacity"]}
        for r in data["rows"]
    ]
    totals = [data["totals"][k] for k in REPORT_COUNTS] + data["totals"]["capacity"]
    context = {"data": data, "columns": columns, "rows": rows, "totals": totals, "rule": RULE}
    return render(request, "nhs/report.html", context)
