"""The council's budget trend page (issue 17): budget per person over the last five years, by support
reason and by how it is held, and how many budgets went down after outcomes were met (tapering) or
otherwise (a cut). For the council's monitoring officers, commissioners and approvers."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from organisations.models import Role
from organisations.money import format_money
from organisations.selectors import councils_staffed_by

from .budget_trend import TREND_LENGTH, budget_trend, budget_trend_breakdown
from .periods import Period, period_containing
from .trend_presentation import budget_trend_chart, budget_trend_table

# Who sees the trend: the council's monitoring officers and its casework staff.
TREND_ROLES = (Role.MONITORING_OFFICER, Role.COMMISSIONER, Role.APPROVER)


@login_required
@require_GET
def budget_trend_page(request: HttpRequest) -> HttpResponse:
    councils = list(councils_staffed_by(user=request.user, roles=TREND_ROLES))
    if not councils:
        raise PermissionDenied
    council = councils[0]
    wanted = request.GET.get("council")
    if wanted:
        council = next((c for c in councils if str(c.pk) == wanted), None)
        if council is None:
            raise Http404
    periods = Period(period_containing(timezone.localdate()).year).history(TREND_LENGTH)
    figures = {"budget_trend": budget_trend(council_id=council.pk, periods=periods)}
    breakdown = budget_trend_breakdown(council_id=council.pk, periods=periods)
    for group in ("by_reason", "by_type"):
        for row in breakdown[group]:
            row["shown"] = [
                f"{format_money(mean)} / {format_money(median)} ({people:,})" if people else "–"
                for people, mean, median in row["cells"]
            ]
    return render(
        request,
        "monitoring/budget_trend.html",
        {
            "council": council,
            "councils": councils,
            "chart": budget_trend_chart(figures),
            "table": budget_trend_table(figures),
            "breakdown": breakdown,
        },
    )
