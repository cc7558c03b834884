"""Block contract pages for commissioners and approvers (issue 17): list, record, read, convert.
Another council's block is a 404; seen but not theirs to change, 403."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from budgets import blocks
from budgets.services import BudgetError, NotAllowed, is_commissioner_for
from organisations.models import Role
from organisations.selectors import councils_where

from . import block_conversion
from .block_forms import BlockForm, ConvertForm


def _block(request, pk: int):
    return get_object_or_404(blocks.blocks_visible_to(user=request.user), pk=pk)


@login_required
def block_list(request: HttpRequest) -> HttpResponse:
    councils = list(councils_where(user=request.user, roles=(Role.COMMISSIONER, Role.APPROVER)))
    visible = blocks.blocks_visible_to(user=request.user)
    if not councils and not visible.exists():
        raise PermissionDenied
    rows = list(visible.prefetch_related("places")[:200])
    for b in rows:
        b.shown_status = blocks.shown_status(b)
    may_record = bool(councils_where(user=request.user, roles=(Role.COMMISSIONER,)))
    return render(request, "providers/blocks.html", {"blocks": rows, "may_record": may_record})


@login_required
def block_create(request: HttpRequest) -> HttpResponse:
    councils = list(councils_where(user=request.user, roles=(Role.COMMISSIONER,)))
    if not councils:
        raise PermissionDenied
    council = councils[0]
    form = BlockForm(request.POST or None, council=council)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                block = blocks.block_record(
                    council=council,
                    provider=data["provider"],
                    name=data["name"],
                    annual_value=data["annual_value"],
                    start_date=data["start_date"],
                    end_date=data["end_date"],
                    people=data["people"],
                    actor=request.user,
                )
            except BudgetError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, "Block contract recorded. An approver will confirm it next.")
                return redirect("providers:block", pk=block.pk)
        status = 400
    return render(request, "providers/block_form.html", {"form": form, "council": council}, status=status)


@login_required
def block_detail(request: HttpRequest, pk: int) -> HttpResponse:
    block = _block(request, pk)
    places = list(block.places.select_related("person", "arrangement", "isf_arrangement"))
    return render(
        request,
        "providers/block.html",
        {
            "contract": block,
            "places": places,
            "shown_status": blocks.shown_status(block),
            "may_convert": block_conversion.may_convert(block)
            and is_commissioner_for(user=request.user, council_id=block.council_id),
            "share_total": sum(p.share for p in places),
        },
    )


@login_required
def block_convert(request: HttpRequest, pk: int) -> HttpResponse:
    block = _block(request, pk)
    if not is_commissioner_for(user=request.user, council_id=block.council_id):
        raise PermissionDenied
    places = list(block.places.select_related("person"))
    form = ConvertForm(request.POST or None, places=places)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                block_conversion.block_convert(
                    block=block,
                    isf_start=form.cleaned_data["isf_start"],
                    amounts=form.amounts(),
                    actor=request.user,
                )
            except NotAllowed as exc:
                raise PermissionDenied from exc
            except BudgetError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                messages.success(
                    request,
                    "Conversion proposed as one batch. An approver will see its total against the block.",
                )
                return redirect("providers:block", pk=block.pk)
        status = 400
    return render(
        request,
        "providers/block_convert.html",
        {"contract": block, "form": form, "may_convert": block_conversion.may_convert(block)},
        status=status,
    )
