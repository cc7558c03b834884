"""The block contract against the Individual Service Funds it became (issue 17): cost, people and
outcomes (from reviews and from outcome surveys), by period. For the council's commissioners and
approvers."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from budgets.blocks import blocks_visible_to, shown_status

from .periods import Period, period_containing
from .selectors import block_comparison

PERIODS = 5


@login_required
@require_GET
def block_compare(request: HttpRequest, pk: int) -> HttpResponse:
    block = get_object_or_404(blocks_visible_to(user=request.user), pk=pk)
    periods = Period(period_containing(timezone.localdate()).year).history(PERIODS)
    return render(
        request,
        "monitoring/block_compare.html",
        {
            "contract": block,
            "rows": block_comparison(block=block, periods=periods),
            "shown_status": shown_status(block),
        },
    )
