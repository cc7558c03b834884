"""The block contract against the Individual Service Funds it became (issue 17): cost, people and
outcomes (from reviews and from outcome surveys), by period. For the council's commissioners and
approvers."""

from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from budgets.blocks import blocks_visible_to, shown_status
from budgets.models import BlockContract, ManagementType, ReviewOutcome
from budgets.selectors import counted_arrangements
from surveys.definitions import AREA_CODES, OUTCOME_SLUGS
from surveys.models import Survey
from surveys.selectors import counted_responses

from .periods import Period, period_containing

PERIODS = 5


def _active_at(day) -> Q:
    return Q(start_date__lte=day) & (Q(end_date__isnull=True) | Q(end_date__gte=day))


def _survey_counts(*, block: BlockContract, people: set[int], period: Period) -> dict:
    responses = counted_responses(
        surveys=Survey.objects.filter(slug__in=OUTCOME_SLUGS),
        council=block.council,
        start=period.start,
        end=period.end,
    )
    better = worse = same = answered = 0
    for response in responses:
        if response.person_id not in people:
            continue
        answered += 1
        for answer in response.answers.all():
            if answer.question.code in AREA_CODES:
                better += answer.option.code == "better"
                same += answer.option.code == "same"
                worse += answer.option.code == "worse"
    return {"responses": answered, "better": better, "same": same, "worse": worse}


def comparison(block: BlockContract, periods: list[Period]) -> list[dict]:
    people = set(block.places.values_list("person_id", flat=True))
    isfs = counted_arrangements(council_ids=[block.council_id]).filter(
        budget__person_id__in=people, management_type=ManagementType.ISF, provider_id=block.provider_id
    )
    converted = block.status == "converted" and block.isf_start_date
    isfs = isfs.filter(start_date__gte=block.isf_start_date) if converted else isfs.none()
    rows = []
    for p in periods:
        block_on = block.start_date <= p.end and (block.end_date is None or block.end_date >= p.end)
        block_live = block.status != "waiting" and block_on
        active = list(isfs.filter(_active_at(p.end)).values_list("budget__person_id", "annual_amount"))
        outcomes = ReviewOutcome.objects.filter(
            review__budget__person_id__in=people,
            review__reviewed_on__gte=p.start,
            review__reviewed_on__lte=p.end,
        )
        counts = {s: 0 for s in ("met", "partly_met", "not_met", "no_longer_wanted")}
        for status in outcomes.values_list("status", flat=True):
            counts[status] = counts.get(status, 0) + 1
        rows.append(
            {
                "period": p.label,
                "block_cost": block.annual_value if block_live else None,
                "block_people": len(people) if block_live else 0,
                "isf_cost": sum((a for _, a in active), Decimal("0.00")) if active else None,
                "isf_people": len({pid for pid, _ in active}),
                "outcomes": counts,
                "surveys": _survey_counts(block=block, people=people, period=p),
            }
        )
    return rows


@login_required
@require_GET
def block_compare(request: HttpRequest, pk: int) -> HttpResponse:
    block = get_object_or_404(blocks_visible_to(user=request.user), pk=pk)
    periods = Period(period_containing(timezone.localdate()).year).history(PERIODS)
    return render(
        request,
        "monitoring/block_compare.html",
        {"contract": block, "rows": comparison(block, periods), "shown_status": shown_status(block)},
    )
