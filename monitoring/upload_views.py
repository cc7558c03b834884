"""The population upload page: the same import as `manage.py import_population`, run as a job."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from organisations import jobs
from organisations.input_guard import UploadField
from organisations.selectors import roles_of

from .population import HEADER


class PopulationUploadForm(forms.Form):
    file = UploadField(
        label="CSV file of population figures",
        help_text=f"UTF-8 CSV with the header {','.join(HEADER)}",
        error_messages={"required": "Choose a CSV file to upload."},
    )


@login_required
def population_upload(request: HttpRequest) -> HttpResponse:
    """Platform administrators load the ONS population figures every council's rates rest on."""
    if not roles_of(user=request.user).platform_admin:
        raise PermissionDenied
    form = PopulationUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job = jobs.request_import(
            kind="population",
            target="platform",
            file_name=upload.name,
            data=upload.read(),
            actor=request.user,
        )
        return redirect("imports:job", pk=job.pk)
    return render(
        request,
        "organisations/upload.html",
        {
            "form": form,
            "title": "Upload population figures",
            "explanation": (
                "Each council and year in the file replaces the figures held for that council and year. "
                "All or nothing: if any row is wrong, nothing is loaded and every problem is listed by line."
            ),
            "columns": ",".join(HEADER),
        },
        status=400 if form.errors else 200,
    )
