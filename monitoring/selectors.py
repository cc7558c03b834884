"""Reads for monitoring, scoped to the user: a monitoring officer sees their council's returns and
jobs; a platform administrator sees every council's; nobody else sees any."""

from datetime import date
from decimal import Decimal

from django.db.models import Q, QuerySet

from budgets.models import BlockContract, ManagementType, ReviewOutcome
from budgets.selectors import counted_arrangements
from organisations.models import Council, Role
from organisations.selectors import roles_of
from surveys.definitions import AREA_CODES, OUTCOME_SLUGS
from surveys.models import Survey
from surveys.selectors import counted_responses

from .models import MonitoringReturn, PopulationFigure, ReturnJob
from .periods import Period, recent_periods


def monitoring_council_ids(*, user) -> set[int] | None:
    """The councils whose returns this user may see; None means all of them (platform admin)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    roles = roles_of(user=user)
    if roles.platform_admin:
        return None
    return roles.councils_with(Role.MONITORING_OFFICER)


def population_visible_to(*, user) -> QuerySet[PopulationFigure]:
    """Population figures for the councils whose returns this user may see."""
    council_ids = monitoring_council_ids(user=user)
    figures = PopulationFigure.objects.all()
    return figures if council_ids is None else figures.filter(council_id__in=council_ids)


def may_see_monitoring(*, user) -> bool:
    ids = monitoring_council_ids(user=user)
    return ids is None or bool(ids)


def returns_visible_to(*, user) -> QuerySet[MonitoringReturn]:
    ids = monitoring_council_ids(user=user)
    qs = MonitoringReturn.objects.select_related("council", "requested_by").defer("pdf")
    return qs if ids is None else qs.filter(council_id__in=ids)


def jobs_visible_to(*, user) -> QuerySet[ReturnJob]:
    ids = monitoring_council_ids(user=user)
    qs = ReturnJob.objects.select_related("council", "requested_by", "monitoring_return")
    return qs if ids is None else qs.filter(council_id__in=ids)


def councils_user_may_request_for(*, user) -> QuerySet[Council]:
    return Council.objects.filter(pk__in=roles_of(user=user).councils_with(Role.MONITORING_OFFICER))


def periods_to_offer(*, today: date | None = None) -> list[Period]:
    return recent_periods(today=today or date.today())


# ---- the block contract against the ISFs it became (issue 17) ------------------------------------


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


def block_comparison(*, block: BlockContract, periods: list[Period]) -> list[dict]:
    """The block contract (fetched through `blocks_visible_to`) against the ISFs it became, period by
    period: cost and people of each, review outcomes and outcome survey answers of the block's people."""
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
