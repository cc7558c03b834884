"""Uploading a budgets file: a worker checks it, then it waits as a batch for a second person with the
approver role to confirm or reject it (separation of duties).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from organisations import jobs
from organisations.models import Role
from organisations.selectors import approval_limit_of, councils_where

from . import batches
from .blocks import batch_block_summary
from .forms import ImportForm, RejectBatchForm
from .models import ImportBatch
from .selectors import import_batches_visible_to
from .services import BudgetError, NotAllowed, is_approver_for


@login_required
def import_upload(request: HttpRequest) -> HttpResponse:
    """A commissioner uploads a file; it is checked like `manage.py import_budgets` (the same errors),
    then waits as a batch for a second person with the approver role to confirm it."""
    councils = list(councils_where(user=request.user, roles=(Role.COMMISSIONER,)))
    if not councils:
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None, councils=councils)
    if request.method == "POST" and form.is_valid():
        council = form.cleaned_data.get("council") or councils[0]
        upload = form.cleaned_data["file"]
        # The file is kept and checked by a worker (organisations/jobs.py); its page shows the progress,
        # then every error or the batch an approver confirms.
        job = jobs.request_import(
            kind="budgets",
            target=f"council:{council.pk}",
            file_name=upload.name,
            data=upload.read(),
            actor=request.user,
        )
        return redirect("imports:job", pk=job.pk)
    status = 400 if request.method == "POST" and form.errors else 200
    return render(request, "budgets/import.html", {"form": form, "errors": []}, status=status)


def _batch(request, pk: int) -> ImportBatch:
    return get_object_or_404(
        import_batches_visible_to(user=request.user).select_related("council", "uploaded_by", "decided_by"),
        pk=pk,
    )


def _batch_page(request, batch: ImportBatch, *, status: int = 200, **extra) -> HttpResponse:
    user = request.user
    limit = approval_limit_of(user=user, council=batch.council)
    context = {
        "batch": batch,
        "is_approver": is_approver_for(user=user, council_id=batch.council_id),
        "own_upload": batch.uploaded_by_id == user.pk,
        "limit": limit,
        "over_limit": limit is None or batch.largest_total > limit,
        "reject_form": extra.pop("reject_form", RejectBatchForm()),
        "block_summary": batch_block_summary(batch),
        **extra,
    }
    return render(request, "budgets/import_batch.html", context, status=status)


@login_required
def import_batch_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _batch_page(request, _batch(request, pk))


@login_required
@require_POST
def import_batch_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch(request, pk)
    try:
        batch = batches.batch_confirm(batch=batch, actor=request.user)
    except NotAllowed as exc:
        raise PermissionDenied from exc
    except batches.BatchInvalid as exc:
        return _batch_page(request, batch, status=409, confirm_error=str(exc), errors=exc.errors)
    except BudgetError as exc:
        return _batch_page(request, batch, status=409, confirm_error=str(exc))
    messages.success(request, f"Confirmed. {batch.result}")
    return redirect("budgets:import-batch", pk=batch.pk)


@login_required
@require_POST
def import_batch_reject(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch(request, pk)
    form = RejectBatchForm(request.POST)
    if form.is_valid():
        try:
            batches.batch_reject(batch=batch, actor=request.user, reason=form.cleaned_data["reason"])
        except NotAllowed as exc:
            raise PermissionDenied from exc
        except BudgetError as exc:
            form.add_error("reason", str(exc))
        else:
            messages.success(request, "File rejected. Nothing in it was imported.")
            return redirect("budgets:approval-queue")
    return _batch_page(request, batch, status=400, reject_form=form)
