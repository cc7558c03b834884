"""Reads for monitoring, scoped to the user: a monitoring officer sees their council's returns and
jobs; a platform administrator sees every council's; nobody else sees any."""

from datetime import date

from django.db.models import QuerySet

from organisations.models import Council, Role
from organisations.selectors import roles_of

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
