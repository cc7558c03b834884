"""Pages for upload jobs: progress while a worker imports the file, then the summary or every error."""

import csv

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from .models import ImportJob
from .selectors import import_jobs_visible_to

ERRORS_PER_PAGE = 50


def _job(request: HttpRequest, pk: int) -> ImportJob:
    return get_object_or_404(import_jobs_visible_to(user=request.user).defer("data"), pk=pk)


@login_required
def job(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    page = Paginator(job.errors or [], ERRORS_PER_PAGE).get_page(request.GET.get("page"))
    context = {"job": job, "page": page}
    if request.htmx:
        return render(request, "organisations/import_job.html#status", context)
    return render(request, "organisations/import_job.html", context)


def split_error(line: str) -> tuple[str, str, str]:
    """`line 12: amount: what is wrong` → ("12", "amount", "what is wrong")."""
    head, _, rest = line.partition(": ")
    column, _, problem = rest.partition(": ")
    number = head.removeprefix("line ")
    if not number.isdigit() or not problem:
        return "", "", line
    return number, column, problem


@login_required
def job_errors_csv(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-problems.csv"'
    writer = csv.writer(response)
    writer.writerow(["line", "column", "problem"])
    for error in job.errors or []:
        writer.writerow(split_error(error))
    return response
