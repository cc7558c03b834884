"""Matrix rows for monitoring: pages and API, every role, own and other council."""

from django.utils import timezone

from monitoring.exports import checksum
from monitoring.models import JobStatus, MonitoringReturn, ReturnJob
from monitoring.periods import parse_period
from monitoring.report import build_return
from tests.matrix.harness import Row


def populate(world):
    period = parse_period("2025-26")
    jobs, returns = {}, {}
    for tenant, council in world.councils.items():
        job = ReturnJob.objects.create(council=council, period=period.label, status=JobStatus.DONE)
        figures = build_return(council=council, period=period)
        returns[tenant] = MonitoringReturn.objects.create(
            council=council,
            period=period.label,
            period_start=period.start,
            period_end=period.end,
            version=1,
            figures=figures,
            checksum=checksum(figures),
            pdf=b"%PDF-1.7 matrix",
            created_at=timezone.now(),
            job=job,
        )
        jobs[tenant] = job
    world.objects["monitoring_job"] = jobs
    world.objects["monitoring_return"] = returns


def _return(w, t):
    return w.objects["monitoring_return"][t].pk


def _job(w, t):
    return w.objects["monitoring_job"][t].pk


# ROLES order: anonymous commissioner approver monitoring_officer provider_manager provider_finance family
# platform_admin council_admin
OWN_OBJECT = "302 404 404 200 404 404 404 200 404 404"
OTHER_OBJECT = "302 404 404 404 404 404 404 200 404 404"
API_OWN_OBJECT = "401 404 404 200 404 404 404 200 404 404"
API_OTHER_OBJECT = "401 404 404 404 404 404 404 200 404 404"

ROWS = [
    Row(
        "monitoring:population-upload",
        "302 403 403 403 403 403 403 200 403 403",
        lambda w, t: "/monitoring/population/upload/",
    ),
    Row("monitoring:returns", "302 403 403 200 403 403 403 200 403 403", lambda w, t: "/monitoring/"),
    Row(
        "monitoring:request",
        "302 403 403 302 403 403 403 403 403 403",
        lambda w, t: "/monitoring/request/",
        other="302 403 403 400 403 403 403 403 403 403",
        method="post",
        data=lambda w, t: {"council": w.councils[t].pk, "period": "2026-27"},
        note="(other: another council's id is not a choice)",
    ),
    Row("monitoring:job", OWN_OBJECT, lambda w, t: f"/monitoring/jobs/{_job(w, t)}/", other=OTHER_OBJECT),
    Row(
        "monitoring:return",
        OWN_OBJECT,
        lambda w, t: f"/monitoring/returns/{_return(w, t)}/",
        other=OTHER_OBJECT,
    ),
    Row(
        "monitoring:download",
        OWN_OBJECT,
        lambda w, t: f"/monitoring/returns/{_return(w, t)}/download/pdf/",
        other=OTHER_OBJECT,
    ),
    Row(
        "monitoring:publish",
        "302 404 404 302 404 404 404 403 404 404",
        lambda w, t: f"/monitoring/returns/{_return(w, t)}/publish/",
        other="302 404 404 404 404 404 404 403 404 404",
        method="post",
        note="(platform admin may read, not publish)",
    ),
    Row(
        "api-monitoring-returns",
        "401 200 200 200 200 200 200 200 200 200",
        lambda w, t: "/api/monitoring/returns/",
    ),
    Row(
        "api-monitoring-return",
        API_OWN_OBJECT,
        lambda w, t: f"/api/monitoring/returns/{_return(w, t)}/",
        other=API_OTHER_OBJECT,
    ),
    Row(
        "api-monitoring-return-csv",
        API_OWN_OBJECT,
        lambda w, t: f"/api/monitoring/returns/{_return(w, t)}/csv/",
        other=API_OTHER_OBJECT,
    ),
    Row(
        "api-monitoring-return-pdf",
        API_OWN_OBJECT,
        lambda w, t: f"/api/monitoring/returns/{_return(w, t)}/pdf/",
        other=API_OTHER_OBJECT,
    ),
    Row(
        "api-monitoring-return-publish",
        "401 404 404 200 404 404 404 403 404 404",
        lambda w, t: f"/api/monitoring/returns/{_return(w, t)}/publish/",
        other="401 404 404 404 404 404 404 403 404 404",
        method="post",
        content_type="json",
        data=lambda w, t: {},
    ),
    Row(
        "api-monitoring-jobs",
        "401 403 403 202 403 403 403 403 403 403",
        lambda w, t: "/api/monitoring/jobs/",
        other="401 403 403 404 403 403 403 403 403 403",
        method="post",
        content_type="json",
        data=lambda w, t: {"council": w.councils[t].gss_code, "period": "2026-27"},
    ),
    Row(
        "api-monitoring-job",
        API_OWN_OBJECT,
        lambda w, t: f"/api/monitoring/jobs/{_job(w, t)}/",
        other=API_OTHER_OBJECT,
    ),
]
