"""Asking for a return, making it, snapshots, versions, publishing, and the end-of-period schedule."""

import datetime as dt

import pytest

from budgets.models import Arrangement
from monitoring import exports, services
from monitoring.models import JobStatus, MonitoringReturn, ReturnJob
from monitoring.periods import parse_period
from monitoring.tasks import produce_returns_for_ended_periods
from tests.monitoring.factories import arrangement, person

pytestmark = pytest.mark.django_db


def test_asking_twice_while_one_is_waiting_gives_the_same_job(council, monitoring_officer):
    first = services.request_return(
        council=council, period="2026-27", actor=monitoring_officer, enqueue=False
    )
    second = services.request_return(
        council=council, period="2026-27", actor=monitoring_officer, enqueue=False
    )
    assert first.pk == second.pk
    assert ReturnJob.objects.count() == 1
    other_period = services.request_return(
        council=council, period="2026-27-Q1", actor=monitoring_officer, enqueue=False
    )
    assert other_period.pk != first.pk


def test_only_the_councils_monitoring_officer_may_ask(council, commissioner, other_council):
    with pytest.raises(
        services.MonitoringError, match="Only the council's monitoring officers can ask for its return."
    ):
        services.request_return(council=council, period="2026-27", actor=commissioner, enqueue=False)


def test_a_finished_return_is_a_snapshot_that_later_changes_do_not_alter(
    council, monitoring_officer, eager_celery, django_capture_on_commit_callbacks
):
    someone = person(council)
    arr = arrangement(someone, "isf", start="2025-01-01")
    with django_capture_on_commit_callbacks(execute=True):
        job = services.request_return(council=council, period="2026-27", actor=monitoring_officer)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert job.attempts == 1
    first = MonitoringReturn.objects.get(job=job)
    assert first.version == 1
    assert first.requested_by == monitoring_officer
    assert first.figures["people_at_period_end"]["by_delivery"]["isf_only"] == 1
    assert first.checksum == exports.checksum(first.figures)
    assert bytes(first.pdf).startswith(b"%PDF")
    # A budget changes later: the stored return does not.
    Arrangement.objects.filter(pk=arr.pk).update(management_type="commissioner_controlled", provider=None)
    first.refresh_from_db()
    assert first.figures["people_at_period_end"]["by_delivery"]["isf_only"] == 1
    # Asking again makes a new version with the new figures.
    with django_capture_on_commit_callbacks(execute=True):
        again = services.request_return(council=council, period="2026-27", actor=monitoring_officer)
    assert again.pk != job.pk
    second = MonitoringReturn.objects.get(job=again)
    assert second.version == 2
    assert second.figures["people_at_period_end"]["by_delivery"]["commissioner_controlled_only"] == 1
    assert second.checksum != first.checksum


def test_running_a_job_twice_makes_one_return(council, monitoring_officer):
    job = services.request_return(council=council, period="2026-27", actor=monitoring_officer, enqueue=False)
    assert services.produce_return(job_id=job.pk) is not None
    assert services.produce_return(job_id=job.pk) is None
    assert MonitoringReturn.objects.filter(job=job).count() == 1


def test_a_job_that_fails_says_so(council, monitoring_officer):
    job = services.request_return(council=council, period="2026-27", actor=monitoring_officer, enqueue=False)

    def broken(figures, **kwargs):
        raise RuntimeError("the PDF could not be drawn")

    with pytest.raises(RuntimeError):
        services.produce_return(job_id=job.pk, render_pdf=broken)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error == "RuntimeError: the PDF could not be drawn"
    assert not MonitoringReturn.objects.exists()


def test_publishing_shows_suppressed_figures_to_other_councils(council, other_council, monitoring_officer):
    for _ in range(7):
        arrangement(person(council), "isf")
    arrangement(person(council), "direct_payment")
    period = parse_period("2025-26")
    own = services.make_return_now(council=council, period=period)
    assert services.make_return_now(council=other_council, period=period).figures["other_councils"] == []
    services.publish_return(monitoring_return=own, actor=monitoring_officer)
    seen = services.make_return_now(council=other_council, period=period).figures["other_councils"]
    assert seen == [
        {
            "council": "E06000059",
            "name": "Dorset Council",
            "version": 1,
            "people_at_period_end": {
                "total": 8,
                # The 1 is <5; a second class (the smallest, a 0) is hidden too, so that the 1 cannot
                # be worked out as 8 minus the others.
                "by_delivery": {
                    "direct_payment_only": "<5",
                    "direct_payment_managed_only": 0,
                    "isf_only": 7,
                    "commissioner_controlled_only": "<5",
                    "mixed": 0,
                },
            },
            "managed_third_party": {"people_at_period_end": 7, "people_during_period": 7},
            "rates_per_1000_adults": {
                "personal_budgets": None,
                "direct_payments": "<5",
                "managed_third_party": None,
                "self_managed_direct_payments": "<5",
                "isf": None,
                "council_managed": None,
            },
        }
    ]


def test_the_schedule_asks_for_every_councils_return_the_day_after_a_period_ends(
    council, other_council, eager_celery, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ids = produce_returns_for_ended_periods(today="2025-07-01")
    assert len(ids) == 2
    made = MonitoringReturn.objects.order_by("council__gss_code")
    assert [(r.council.gss_code, r.period, r.requested_by) for r in made] == [
        ("E06000023", "2025-26-Q1", None),
        ("E06000059", "2025-26-Q1", None),
    ]
    # Made after the period ended: final.
    assert {r.status for r in made} == {"final"}
    # Running again the same day, or on any later day of the quarter, asks for nothing new.
    assert produce_returns_for_ended_periods(today="2025-07-01") == []
    assert produce_returns_for_ended_periods(today="2025-09-30") == []
    # The day after the year ends: the fourth quarter and the whole year.
    with django_capture_on_commit_callbacks(execute=True):
        ids = produce_returns_for_ended_periods(today="2026-04-01")
    assert len(ids) == 4
    assert sorted(set(MonitoringReturn.objects.values_list("period", flat=True))) == [
        "2025-26",
        "2025-26-Q1",
        "2025-26-Q4",
    ]


def test_periods():
    from monitoring.periods import PeriodError, periods_ended_on

    q4 = parse_period("2026-27-Q4")
    assert (q4.start, q4.end) == (dt.date(2027, 1, 1), dt.date(2027, 3, 31))
    assert parse_period("2026-27-Q1").previous().label == "2025-26-Q4"
    assert parse_period("2026-27").previous().label == "2025-26"
    assert [p.label for p in periods_ended_on(dt.date(2027, 3, 31))] == ["2026-27-Q4", "2026-27"]
    assert parse_period("1999-00").end == dt.date(2000, 3, 31)
    for bad in ("2026", "2026-28", "2026-27-Q5", "26-27", ""):
        with pytest.raises(PeriodError):
            parse_period(bad)


def test_the_database_refuses_to_change_or_delete_a_snapshot_but_allows_publishing(
    council, monitoring_officer
):
    from django.db import DatabaseError, transaction

    snapshot = services.make_return_now(council=council, period=parse_period("2025-26"))
    with pytest.raises(DatabaseError, match="its figures cannot be changed"), transaction.atomic():
        MonitoringReturn.objects.filter(pk=snapshot.pk).update(figures={"people_at_period_end": 99})
    with pytest.raises(DatabaseError, match="it cannot be deleted"), transaction.atomic():
        MonitoringReturn.objects.filter(pk=snapshot.pk).delete()
    services.publish_return(monitoring_return=snapshot, actor=monitoring_officer)
    snapshot.refresh_from_db()
    assert snapshot.published_by == monitoring_officer


def test_a_running_job_nobody_holds_is_resumed_and_one_still_held_is_not(
    council, monitoring_officer, eager_celery, django_capture_on_commit_callbacks
):
    import psycopg
    from django.utils import timezone

    from monitoring.services import _JOB_LOCK_NAMESPACE, resume_abandoned_jobs
    from tests.monitoring.workers import database_url

    held = services.request_return(
        council=council, period="2026-27-Q1", actor=monitoring_officer, enqueue=False
    )
    dead = services.request_return(
        council=council, period="2026-27-Q2", actor=monitoring_officer, enqueue=False
    )
    fresh = services.request_return(
        council=council, period="2026-27-Q3", actor=monitoring_officer, enqueue=False
    )
    long_ago = timezone.now() - dt.timedelta(minutes=5)
    ReturnJob.objects.filter(pk__in=[held.pk, dead.pk]).update(
        status=JobStatus.RUNNING, started_at=long_ago, attempts=1
    )
    with psycopg.connect(database_url().replace("postgres://", "postgresql://"), autocommit=True) as worker:
        worker.execute("SELECT pg_advisory_lock(%s, %s)", [_JOB_LOCK_NAMESPACE, held.pk])
        with django_capture_on_commit_callbacks(execute=True):
            assert resume_abandoned_jobs() == [dead.pk]
    assert _status(dead) == (JobStatus.DONE, 2)
    assert _status(held) == (JobStatus.RUNNING, 1)
    assert _status(fresh) == (JobStatus.QUEUED, 0)


def _status(job):
    job.refresh_from_db()
    return job.status, job.attempts
