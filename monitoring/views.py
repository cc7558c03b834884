"""Pages for monitoring officers: ask for a return, watch it being made, read and download it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from . import exports, services
from .forms import RequestReturnForm
from .models import ACTIVE_JOB_STATUSES, MonitoringReturn
from .presentation import return_context
from .selectors import (
    councils_user_may_request_for,
    jobs_visible_to,
    may_see_monitoring,
    periods_to_offer,
    population_visible_to,
    returns_visible_to,
)

DOWNLOAD_TYPES = {
    "pdf": ("application/pdf", "pdf"),
    "csv": ("text/csv; charset=utf-8", "csv"),
    "json": ("application/json", "json"),
}


def _require_monitoring(request: HttpRequest) -> None:
    if not may_see_monitoring(user=request.user):
        raise PermissionDenied


def _request_form(request: HttpRequest, data=None) -> RequestReturnForm:
    return RequestReturnForm(
        data, councils=councils_user_may_request_for(user=request.user), periods=periods_to_offer()
    )


def _list_page(request: HttpRequest, form: RequestReturnForm, status: int = 200) -> HttpResponse:
    population = population_visible_to(user=request.user)
    context = {
        "form": form,
        "may_request": form.has_councils,  # the councils the form offers: those the user may ask for
        "returns": returns_visible_to(user=request.user)[:100],
        "jobs": jobs_visible_to(user=request.user).filter(status__in=ACTIVE_JOB_STATUSES),
        "population_years": sorted(
            set(population.values_list("council__name", "year").distinct()), key=lambda x: (x[0], -x[1])
        ),
    }
    return render(request, "monitoring/returns.html", context, status=status)


@login_required
@require_GET
def returns(request: HttpRequest) -> HttpResponse:
    _require_monitoring(request)
    return _list_page(request, _request_form(request))


@login_required
@require_POST
def request_return(request: HttpRequest) -> HttpResponse:
    _require_monitoring(request)
    if not councils_user_may_request_for(user=request.user).exists():
        raise PermissionDenied
    form = _request_form(request, request.POST)
    if not form.is_valid():
        return _list_page(request, form, status=400)
    job = services.request_return(
        council=form.cleaned_data["council"], period=form.cleaned_data["period"], actor=request.user
    )
    return redirect("monitoring:job", pk=job.pk)


@login_required
@require_GET
def job(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(jobs_visible_to(user=request.user), pk=pk)
    template = "monitoring/job.html#status" if request.htmx else "monitoring/job.html"
    return render(request, template, {"job": found, "monitoring_return": _return_of(found)})


def _return_of(job):
    try:
        return job.monitoring_return
    except MonitoringReturn.DoesNotExist:
        return None


@login_required
@require_GET
def return_detail(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(returns_visible_to(user=request.user), pk=pk)
    context = return_context(found.figures)
    context.update(
        monitoring_return=found,
        may_publish=services.may_request_return(user=request.user, council=found.council),
    )
    return render(request, "monitoring/return_detail.html", context)


@login_required
@require_GET
def download(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    if kind not in DOWNLOAD_TYPES:
        raise Http404
    qs = returns_visible_to(user=request.user)
    if kind == "pdf":
        qs = qs.defer(None)
    found = get_object_or_404(qs, pk=pk)
    return download_response(found, kind)


def download_response(found: MonitoringReturn, kind: str) -> HttpResponse:
    content_type, extension = DOWNLOAD_TYPES[kind]
    if kind == "pdf":
        body = bytes(found.pdf)
    elif kind == "csv":
        body = exports.to_csv(found.figures)
    else:
        body = exports.to_json(found.figures)
    response = HttpResponse(body, content_type=content_type)
    filename = f"monitoring-return-{found.council.gss_code}-{found.period}-v{found.version}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Checksum-SHA256"] = found.checksum
    return response


@login_required
@require_POST
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(returns_visible_to(user=request.user), pk=pk)
    if not services.may_request_return(user=request.user, council=found.council):
        raise PermissionDenied
    try:
        services.publish_return(monitoring_return=found, actor=request.user)
    except services.MonitoringError as exc:
        messages.error(request, str(exc))
        return redirect("monitoring:return", pk=found.pk)
    messages.success(
        request, "Your return is published. Other councils can now compare their figures with it."
    )
    return redirect("monitoring:return", pk=found.pk)
