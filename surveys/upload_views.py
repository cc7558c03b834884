"""The survey answers upload page: the same import as `manage.py import_survey_responses`, as a job."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from organisations import jobs
from organisations.input_guard import UploadField
from organisations.selectors import roles_of

from .definitions import ensure_shipped_surveys
from .imports import HEADER
from .models import Survey


class ResponsesUploadForm(forms.Form):
    survey = forms.ModelChoiceField(queryset=Survey.objects.none(), label="Survey", to_field_name="slug")
    file = UploadField(
        label="CSV file of answers",
        help_text=f"UTF-8 CSV with the header {','.join(HEADER)}, one row for each answer",
        error_messages={"required": "Choose a CSV file to upload."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["survey"].queryset = Survey.objects.order_by("slug")


@login_required
def responses_upload(request: HttpRequest) -> HttpResponse:
    """Platform administrators load answers collected elsewhere (a published survey, paper returns)."""
    if not roles_of(user=request.user).platform_admin:
        raise PermissionDenied
    ensure_shipped_surveys()
    form = ResponsesUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job = jobs.request_import(
            kind="survey_responses",
            target=f"survey:{form.cleaned_data['survey'].slug}",
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
            "title": "Upload survey answers",
            "explanation": "Each respondent's rows become one response. For outcome surveys, "
            "COUNCILCODE/PERSONREF links a person; any reference without a slash is anonymous. All or "
            "nothing: if any row is wrong, nothing is loaded and every problem is listed by line.",
            "columns": ",".join(HEADER),
        },
        status=400 if form.errors else 200,
    )
