"""Pages about carers: recording a carer's assessment, and reading it (issue 19)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from .carers import carer_assessment_record, carer_assessments_visible_to
from .forms import CarerAssessmentForm
from .selectors import can_view_casework, people_visible_to
from .services import BudgetError, is_commissioner_for


@login_required
def carer_assessment_create(request: HttpRequest, pk: int) -> HttpResponse:
    """A commissioner records a carer's assessment for someone who cares for person `pk`."""
    cared_for = get_object_or_404(people_visible_to(user=request.user).select_related("council"), pk=pk)
    if not is_commissioner_for(user=request.user, council_id=cared_for.council_id):
        raise PermissionDenied
    if cared_for.is_carer:
        raise PermissionDenied
    form = CarerAssessmentForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                assessment = carer_assessment_record(
                    cared_for=cared_for, actor=request.user, **form.cleaned_data
                )
            except BudgetError as exc:
                form.add_error("carer_ref", str(exc))
            else:
                messages.success(request, f"Carer's assessment recorded for {assessment.carer}.")
                return redirect("budgets:carer-assessment", pk=assessment.pk)
        status = 400
    return render(
        request, "budgets/carer_assessment_form.html", {"person": cared_for, "form": form}, status=status
    )


@login_required
def carer_assessment_view(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = get_object_or_404(carer_assessments_visible_to(user=request.user), pk=pk)
    carer = assessment.carer
    if not can_view_casework(user=request.user, person=carer):
        raise PermissionDenied
    return render(
        request,
        "budgets/carer_assessment.html",
        {
            "assessment": assessment,
            "carer": carer,
            "person": assessment.cared_for,
            "is_commissioner": is_commissioner_for(user=request.user, council_id=carer.council_id),
        },
    )
