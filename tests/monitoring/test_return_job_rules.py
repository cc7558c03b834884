"""The rules of asking for, making and publishing a monitoring return, through the services a monitoring
officer's page and the job service call (fast: the PDF is drawn by a stand-in that prints the version,
so no WeasyPrint; real PostgreSQL and Redis)."""

import datetime as dt

import pytest
from django.utils import timezone

from config.celery import app as celery_app
from monitoring import exports, services
from monitoring.models import JobStatus, MonitoringReturn, ReturnJob
from monitoring.periods import parse_period
from organisations.audit import history_for
from organisations.models import Role
from tests.factories import staff
from tests.monitoring.factories import arrangement, person, quick_pdf

pytestmark = pytest.mark.django_db


def _events(instance):
    return [(e.additional_data["event"], e.actor) for e in history_for(instance)]


@pytest.fixture
def no_queued_messages():
    """Jobs handed to the job service land in this Redis database's queue; empty it afterwards."""
    yield
    celery_app.control.purge()


# ---- asking for a return ----------------------------------------------------------------------------


def test_only_this_councils_monitoring_officer_may_ask_for_its_return(council, other_council, commissioner):
    bristol_officer = staff(Role.MONITORING_OFFICER, council=other_council, email="mo@bristol.example.org")
    for who in (commissioner, bristol_officer):
        assert not services.may_request_return(user=who, council=council)
        with pytest.raises(
            services.MonitoringError,
            match=r"^Only the council's monitoring officers can ask for its return\.$",
        ):
            services.request_return(council=council, period="2026-27", actor=who, enqueue=False)
    assert services.may_request_return(user=bristol_officer, council=other_council)
    assert not ReturnJob.objects.exists()


def test_a_period_that_has_not_started_is_refused(council, monitoring_officer):
    next_year = parse_period(f"{timezone.localdate().year + 1}-{(timezone.localdate().year + 2) % 100:02d}")
    with pytest.raises(services.MonitoringError, match="has not started"):
        services.request_return(council=council, period=next_year, actor=monitoring_officer, enqueue=False)
    assert not ReturnJob.objects.exists()


def test_asking_records_who_asked_for_which_council_and_period(council, monitoring_officer):
    job = services.request_return(
        council=council, period="2025-26-Q2", actor=monitoring_officer, enqueue=False
    )
    assert (job.council, job.period, job.requested_by, job.status) == (
        council,
        "2025-26-Q2",
        monitoring_officer,
        JobStatus.QUEUED,
    )
    (entry,) = history_for(job)
    assert (entry.actor, entry.action) == (monitoring_officer, 0)  # a creation
    assert entry.additional_data["event"] == "monitoring return requested"
    assert entry.timestamp is not None
    assert (entry.changes["council"][1], entry.changes["period"][1]) == ("E06000059", "2025-26-Q2")


def test_a_job_asked_for_is_handed_to_the_job_service_when_the_request_commits(
    council, monitoring_officer, django_capture_on_commit_callbacks, no_queued_messages
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = services.request_return(council=council, period="2026-27", actor=monitoring_officer)
    job.refresh_from_db()
    assert job.sent_at is None  # not before the request commits
    assert len(callbacks) == 1
    callbacks[0]()
    job.refresh_from_db()
    assert job.sent_at is not None
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.request_return(council=council, period="2026-27-Q1", actor=monitoring_officer, enqueue=False)
    assert callbacks == []


def test_jobs_asked_for_while_the_job_service_was_down_are_sent_oldest_first_and_only_once(
    council, other_council, monitoring_officer, no_queued_messages
):
    older = ReturnJob.objects.create(council=council, period="2025-26")
    newer = ReturnJob.objects.create(council=other_council, period="2025-26")
    ReturnJob.objects.create(council=council, period="2025-26-Q1", sent_at=timezone.now())
    ReturnJob.objects.create(council=council, period="2025-26-Q2", status=JobStatus.DONE)
    ReturnJob.objects.create(council=council, period="2025-26-Q3", status=JobStatus.RUNNING)
    assert services.send_queued_jobs() == [older.pk, newer.pk]
    assert ReturnJob.objects.filter(pk__in=[older.pk, newer.pk], sent_at__isnull=False).count() == 2
    assert services.send_queued_jobs() == []


def test_the_schedule_asks_each_council_once_and_again_only_after_a_failure(
    council, other_council, monitoring_officer, no_queued_messages
):
    year = parse_period("2025-26")
    quarter = parse_period("2025-26-Q4")
    # An officer's own return does not stand in for the scheduled one.
    officers = services.request_return(council=council, period=year, actor=monitoring_officer, enqueue=False)
    ReturnJob.objects.filter(pk=officers.pk).update(status=JobStatus.DONE)
    asked = services.request_scheduled_returns(periods=[year, quarter])
    jobs = ReturnJob.objects.filter(pk__in=asked)
    assert sorted((j.council.gss_code, j.period) for j in jobs) == [
        ("E06000023", "2025-26"),
        ("E06000023", "2025-26-Q4"),
        ("E06000059", "2025-26"),
        ("E06000059", "2025-26-Q4"),
    ]
    assert {j.requested_by for j in jobs} == {None}
    assert services.request_scheduled_returns(periods=[year, quarter]) == []  # waiting: not again
    ReturnJob.objects.filter(pk__in=asked).update(status=JobStatus.DONE)
    assert services.request_scheduled_returns(periods=[year, quarter]) == []  # done: not again
    failed = jobs.get(council=other_council, period="2025-26")
    ReturnJob.objects.filter(pk=failed.pk).update(status=JobStatus.FAILED)
    again = services.request_scheduled_returns(periods=[year, quarter])
    assert [(j.council, j.period) for j in ReturnJob.objects.filter(pk__in=again)] == [
        (other_council, "2025-26")
    ]


# ---- making a return --------------------------------------------------------------------------------


def test_a_job_makes_one_numbered_audited_return_of_the_councils_figures(council, monitoring_officer):
    for _ in range(3):
        arrangement(person(council), "isf", start="2025-01-01")
    job = services.request_return(council=council, period="2025-26", actor=monitoring_officer, enqueue=False)
    snapshot = services.produce_return(job_id=job.pk, render_pdf=quick_pdf)
    job.refresh_from_db()
    assert (job.status, job.attempts, job.step, job.error) == (JobStatus.DONE, 1, "", "")
    assert job.started_at is not None and job.finished_at >= job.started_at
    assert snapshot.job == job and snapshot.requested_by == monitoring_officer
    assert (snapshot.council, snapshot.period, snapshot.version) == (council, "2025-26", 1)
    assert (snapshot.period_start, snapshot.period_end) == (dt.date(2025, 4, 1), dt.date(2026, 3, 31))
    assert snapshot.figures["people_at_period_end"]["by_delivery"]["isf_only"] == 3
    today = timezone.localdate()
    assert (
        bytes(snapshot.pdf)
        == (
            f"%PDF version 1 for E06000059, asked by monitoring@test.example.org on {today:%Y-%m-%d}"
        ).encode()
    )
    assert snapshot.checksum == exports.checksum(snapshot.figures)
    assert snapshot.status == "final"
    assert _events(snapshot) == [("monitoring return made", monitoring_officer)]
    made = history_for(snapshot).get()
    assert made.action == 0  # a creation
    assert made.changes == {"version": ["", "1"], "checksum": ["", snapshot.checksum]}
    # Asked again later: version 2, numbered in turn; the first is kept as it was.
    again = services.request_return(
        council=council, period="2025-26", actor=monitoring_officer, enqueue=False
    )
    assert again.pk != job.pk
    second = services.produce_return(job_id=again.pk, render_pdf=quick_pdf)
    assert second.version == 2 and bytes(second.pdf).startswith(b"%PDF version 2 for E06000059")
    assert MonitoringReturn.objects.filter(council=council, period="2025-26").count() == 2
    # A job already done makes nothing more.
    assert services.produce_return(job_id=job.pk, render_pdf=quick_pdf) is None
    assert MonitoringReturn.objects.count() == 2


def test_versions_are_numbered_per_council(council, other_council):
    dorset = services.request_return(council=council, period="2025-26", actor=None, enqueue=False)
    bristol = services.request_return(council=other_council, period="2025-26", actor=None, enqueue=False)
    made = [services.produce_return(job_id=j.pk, render_pdf=quick_pdf) for j in (dorset, bristol)]
    assert [m.version for m in made] == [1, 1]
    assert made[0].requested_by is None  # the scheduler asked: no person


def test_versions_are_numbered_per_period(council):
    year = services.request_return(council=council, period="2025-26", actor=None, enqueue=False)
    quarter = services.request_return(council=council, period="2025-26-Q1", actor=None, enqueue=False)
    made = [services.produce_return(job_id=j.pk, render_pdf=quick_pdf) for j in (year, quarter)]
    assert [m.version for m in made] == [1, 1]


def test_making_one_return_leaves_other_jobs_as_they_were_and_frees_its_lock(council, other_council):
    import psycopg

    from tests.monitoring.workers import database_url

    waiting = services.request_return(council=other_council, period="2025-26", actor=None, enqueue=False)
    running = ReturnJob.objects.create(
        council=other_council, period="2025-26-Q1", status=JobStatus.RUNNING, started_at=timezone.now()
    )
    job = services.request_return(council=council, period="2025-26", actor=None, enqueue=False)
    services.produce_return(job_id=job.pk, render_pdf=quick_pdf)
    assert ReturnJob.objects.get(pk=waiting.pk).status == JobStatus.QUEUED
    assert ReturnJob.objects.get(pk=running.pk).status == JobStatus.RUNNING
    # Another worker can take the finished job's lock, and the lock of a job looked at for resuming.
    services.resume_abandoned_jobs(now=timezone.now() + dt.timedelta(hours=1))
    with psycopg.connect(database_url().replace("postgres://", "postgresql://"), autocommit=True) as worker:
        for pk in (job.pk, running.pk):
            assert worker.execute(
                "SELECT pg_try_advisory_lock(%s, %s)", [services._JOB_LOCK_NAMESPACE, pk]
            ).fetchone()[0]


def test_a_job_that_cannot_be_made_is_failed_with_the_reason_and_makes_nothing(
    council, monitoring_officer, caplog
):
    job = services.request_return(council=council, period="2025-26", actor=monitoring_officer, enqueue=False)

    def broken(figures, **kwargs):
        raise ValueError("x" * 3000)

    with pytest.raises(ValueError):
        services.produce_return(job_id=job.pk, render_pdf=broken)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.finished_at is not None and job.step == ""
    assert job.error == ("ValueError: " + "x" * 3000)[:2000]
    assert not MonitoringReturn.objects.exists()
    assert f"monitoring return job {job.pk} failed" in caplog.text  # for the operator
    # Failing a job that is over changes nothing.
    services.fail_job(job_id=job.pk, error=RuntimeError("later"))
    job.refresh_from_db()
    assert job.error.startswith("ValueError")
    # Asking again after a failure makes a new job, which works.
    again = services.request_return(
        council=council, period="2025-26", actor=monitoring_officer, enqueue=False
    )
    assert again.pk != job.pk
    assert services.produce_return(job_id=again.pk, render_pdf=quick_pdf).version == 1


def test_a_waiting_job_is_failed_with_its_reason_and_no_other(council):
    job = services.request_return(council=council, period="2025-26", actor=None, enqueue=False)
    other = services.request_return(council=council, period="2025-26-Q1", actor=None, enqueue=False)
    services.fail_job(job_id=job.pk, error=RuntimeError("the figures could not be counted"))
    job.refresh_from_db()
    assert (job.status, job.error) == (JobStatus.FAILED, "RuntimeError: the figures could not be counted")
    other.refresh_from_db()
    assert (other.status, other.error) == (JobStatus.QUEUED, "")


def test_a_failed_jobs_reason_is_kept_to_its_first_2000_characters(council):
    job = services.request_return(council=council, period="2025-26", actor=None, enqueue=False)
    services.fail_job(job_id=job.pk, error=ValueError("x" * 3000))
    job.refresh_from_db()
    assert (job.status, job.step, job.error) == (JobStatus.FAILED, "", "ValueError: " + "x" * 1988)
    assert job.finished_at is not None


def test_a_job_is_kept_waiting_not_lost_while_the_job_service_is_down(council, caplog):
    from tests.faults.services import celery_broker

    job = services.request_return(council=council, period="2025-26", actor=None, enqueue=False)
    with celery_broker("redis://127.0.0.1:1/0"):  # nothing listens there
        assert services.send_job(job_id=job.pk) is False
        assert services.send_queued_jobs() == []
    job.refresh_from_db()
    assert (job.status, job.sent_at) == (JobStatus.QUEUED, None)
    # The operator reads which job and why, in full, once for each attempt.
    messages = [r.getMessage() for r in caplog.records if "stays queued" in r.getMessage()]
    assert len(messages) == 2
    for message in messages:
        reason = message.removeprefix(f"job {job.pk} stays queued: the job service is down (")
        assert reason != message and reason.endswith(")") and reason not in ("None)", ")")


def test_a_stale_job_a_live_worker_still_holds_is_left_to_it(council, no_queued_messages):
    import psycopg

    from tests.monitoring.workers import database_url

    long_ago = timezone.now() - dt.timedelta(minutes=5)
    held = ReturnJob.objects.create(
        council=council,
        period="2025-26-Q1",
        status=JobStatus.RUNNING,
        started_at=long_ago,
        heartbeat_at=long_ago,
    )
    with psycopg.connect(database_url().replace("postgres://", "postgresql://"), autocommit=True) as worker:
        worker.execute("SELECT pg_advisory_lock(%s, %s)", [services._JOB_LOCK_NAMESPACE, held.pk])
        assert services.resume_abandoned_jobs() == []
        with pytest.raises(services.JobBusy, match=f"^Job {held.pk} is being made by another worker.$"):
            services.produce_return(job_id=held.pk, render_pdf=quick_pdf)
    assert services.resume_abandoned_jobs() == [held.pk]


def test_jobs_whose_worker_died_or_whose_message_was_lost_are_sent_again(
    council, django_capture_on_commit_callbacks, no_queued_messages
):
    now = timezone.now()
    long_ago = now - dt.timedelta(minutes=11)
    just_now = now - dt.timedelta(seconds=5)

    def job(period, **fields):
        return ReturnJob.objects.create(council=council, period=period, **fields)

    dead = job("2025-26-Q1", status=JobStatus.RUNNING, started_at=long_ago, heartbeat_at=long_ago)
    never_beat = job("2025-26-Q2", status=JobStatus.RUNNING, started_at=long_ago)
    alive = job("2025-26-Q3", status=JobStatus.RUNNING, started_at=long_ago, heartbeat_at=just_now)
    lost = job("2025-26-Q4", sent_at=long_ago)
    just_sent = job("2025-26", sent_at=just_now)
    job("2024-25", status=JobStatus.DONE, started_at=long_ago, heartbeat_at=long_ago)
    job("2024-25-Q1", status=JobStatus.FAILED, sent_at=long_ago)
    with django_capture_on_commit_callbacks(execute=True):
        resumed = services.resume_abandoned_jobs(now=now)
    assert sorted(resumed) == sorted([dead.pk, never_beat.pk, lost.pk])
    assert alive.pk not in resumed and just_sent.pk not in resumed
    assert ReturnJob.objects.get(pk=lost.pk).sent_at > long_ago  # sent again


def test_a_job_is_not_given_up_on_before_its_limits_have_passed(council, no_queued_messages):
    now = timezone.now()
    on_the_limit = ReturnJob.objects.create(
        council=council,
        period="2025-26-Q1",
        status=JobStatus.RUNNING,
        started_at=now - services.ABANDONED_AFTER,
        heartbeat_at=now - services.ABANDONED_AFTER,
    )
    started_on_the_limit = ReturnJob.objects.create(
        council=council,
        period="2025-26-Q2",
        status=JobStatus.RUNNING,
        started_at=now - services.ABANDONED_AFTER,
    )
    sent_on_the_limit = ReturnJob.objects.create(
        council=council, period="2025-26-Q3", sent_at=now - services.LOST_AFTER
    )
    assert services.resume_abandoned_jobs(now=now) == []
    later = now + dt.timedelta(seconds=1)
    assert sorted(services.resume_abandoned_jobs(now=later)) == [
        on_the_limit.pk,
        started_on_the_limit.pk,
        sent_on_the_limit.pk,
    ]


# ---- publishing ---------------------------------------------------------------------------------------


def _final_return(council, actor):
    job = services.request_return(council=council, period="2025-26", actor=actor, enqueue=False)
    return services.produce_return(job_id=job.pk, render_pdf=quick_pdf)


def test_only_the_councils_officer_publishes_a_final_return_once_and_it_is_audited(
    council, other_council, monitoring_officer
):
    snapshot = _final_return(council, monitoring_officer)
    bristol_officer = staff(Role.MONITORING_OFFICER, council=other_council, email="mo@bristol.example.org")
    with pytest.raises(
        services.MonitoringError, match="^Only the council's monitoring officers can publish its return.$"
    ):
        services.publish_return(monitoring_return=snapshot, actor=bristol_officer)
    snapshot.refresh_from_db()
    assert snapshot.published_at is None
    published = services.publish_return(monitoring_return=snapshot, actor=monitoring_officer)
    assert published.published_by == monitoring_officer and published.published_at is not None
    snapshot.refresh_from_db()
    assert (snapshot.published_by, snapshot.published_at) == (monitoring_officer, published.published_at)
    # Publishing again changes nothing and records nothing more.
    again = services.publish_return(monitoring_return=snapshot, actor=monitoring_officer)
    assert again.published_at == published.published_at
    assert _events(snapshot) == [
        ("monitoring return made", monitoring_officer),
        ("monitoring return published", monitoring_officer),
    ]
    assert list(history_for(snapshot))[-1].changes == {
        "published_at": ["", published.published_at.isoformat()]
    }


def test_a_provisional_return_is_not_published(council, monitoring_officer):
    today = timezone.localdate()
    year = today.year if today.month >= 4 else today.year - 1
    this_year = parse_period(f"{year}-{(year + 1) % 100:02d}")
    job = services.request_return(council=council, period=this_year, actor=monitoring_officer, enqueue=False)
    snapshot = services.produce_return(job_id=job.pk, render_pdf=quick_pdf)
    assert snapshot.status == "provisional"
    with pytest.raises(services.MonitoringError) as refused:
        services.publish_return(monitoring_return=snapshot, actor=monitoring_officer)
    assert str(refused.value) == (
        f"This return is provisional: it was made on or before 31 March {year + 1}, the period's last day. "
        "Only a final return can be published. Make the return again after the period has ended, then "
        "publish that version."
    )
    snapshot.refresh_from_db()
    assert snapshot.published_at is None


# ---- population figures uploaded as a background job ---------------------------------------------------


def test_an_uploaded_population_file_is_imported_as_its_uploader_and_says_how_many(council, platform_admin):
    from monitoring.models import PopulationFigure
    from organisations.models import ImportJob

    data = (
        b"council_code,year,age_band,population\n"
        b"E06000059,2026,0-17,66000\nE06000059,2026,18-64,200000\nE06000059,2026,65+,110000\n"
    )
    job = ImportJob.objects.create(
        kind="population", file_name="dorset.csv", data=data, sha256="0" * 64, requested_by=platform_admin
    )
    told = []  # what the job's page shows as it goes
    summary, url = services.run_population_job(job, lambda **done: told.append(done))
    assert (summary, url) == ("Imported 3 population figures from dorset.csv.", "/monitoring/")
    assert told[-1] == {"written": 3}
    assert PopulationFigure.objects.filter(council=council, year=2026).count() == 3
    assert _events(council) == [("population figures imported", platform_admin)]


# ---- the figures of one return, exactly (the cheapest way through making one) -------------------------


def test_a_return_made_from_a_job_is_the_councils_figures_for_that_period_and_nothing_else(
    council, monitoring_officer
):
    job = services.request_return(
        council=council, period="2025-26-Q3", actor=monitoring_officer, enqueue=False
    )
    snapshot = services.produce_return(job_id=job.pk, render_pdf=quick_pdf)
    job.refresh_from_db()
    assert (job.status, job.attempts, job.step, job.error) == (JobStatus.DONE, 1, "", "")
    assert job.started_at <= job.heartbeat_at <= job.finished_at
    assert (snapshot.job, snapshot.requested_by, snapshot.council, snapshot.version) == (
        job,
        monitoring_officer,
        council,
        1,
    )
    assert (snapshot.period, snapshot.period_start, snapshot.period_end) == (
        "2025-26-Q3",
        dt.date(2025, 10, 1),
        dt.date(2025, 12, 31),
    )
    assert snapshot.figures["council"] == "E06000059"
    assert snapshot.figures["period"] == {"label": "2025-26-Q3", "start": "2025-10-01", "end": "2025-12-31"}
    assert (snapshot.status, snapshot.checksum) == ("final", exports.checksum(snapshot.figures))
    assert job.started_at <= snapshot.created_at <= job.finished_at
    made = history_for(snapshot).get()
    assert (made.actor, made.additional_data["event"]) == (monitoring_officer, "monitoring return made")
    assert made.changes == {"version": ["", "1"], "checksum": ["", snapshot.checksum]}


def test_a_return_made_now_is_provisional_until_the_period_has_ended_and_versions_go_in_turn(
    council, monitoring_officer
):
    year = parse_period("2025-26")
    last_day = timezone.make_aware(dt.datetime(2026, 3, 31, 23, 0))
    day_after = timezone.make_aware(dt.datetime(2026, 4, 1, 9, 0))
    first = services.make_return_now(
        council=council, period=year, actor=monitoring_officer, created_at=last_day, render_pdf=quick_pdf
    )
    second = services.make_return_now(
        council=council, period=year, created_at=day_after, render_pdf=quick_pdf
    )
    assert [(m.status, m.version, m.created_at, m.requested_by, m.job) for m in (first, second)] == [
        ("provisional", 1, last_day, monitoring_officer, None),
        ("final", 2, day_after, None, None),
    ]
    assert (first.period, first.period_start, first.period_end) == ("2025-26", year.start, year.end)
    assert first.figures["status"] == "provisional" and second.figures["status"] == "final"
    assert (
        bytes(first.pdf)
        == b"%PDF version 1 for E06000059, asked by monitoring@test.example.org on 2026-03-31"
    )
    assert bytes(second.pdf) == b"%PDF version 2 for E06000059, asked by the schedule on 2026-04-01"
    assert _events(first) == [("monitoring return made", monitoring_officer)]
    assert _events(second) == [("monitoring return made", None)]
    # Without a person (the demo data publishes this way), a final return is published all the same.
    published = services.publish_return(monitoring_return=second, actor=None)
    assert published.published_by is None and published.published_at is not None
    assert _events(second) == [("monitoring return made", None), ("monitoring return published", None)]


# ---- two officers asking at once ------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_officers_asking_at_once_get_the_one_job_asked_for_once(
    council, other_council, monitoring_officer
):
    """One waiting or running job per council and period, even when two requests race (the index's branch)."""
    import threading

    from django.db import connection, transaction

    # What a looser look-up after the failed insert would find as well: the council's job for another
    # period, another council's job for this period, and this council's finished job for this period.
    services.request_return(council=council, period="2025-26-Q1", actor=None, enqueue=False)
    services.request_return(council=other_council, period="2025-26", actor=None, enqueue=False)
    done = services.request_return(council=council, period="2025-26", actor=None, enqueue=False)
    ReturnJob.objects.filter(pk=done.pk).update(status=JobStatus.DONE)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        second_pid = cursor.fetchone()[0]
    first: dict = {}
    made = threading.Event()

    def first_request():
        try:
            with transaction.atomic():
                first["job"] = services.request_return(
                    council=council, period="2025-26", actor=monitoring_officer, enqueue=False
                )
                made.set()
                with connection.cursor() as cursor:  # commit only once the second request waits on it
                    for _ in range(1000):
                        cursor.execute("SELECT 1 FROM pg_locks WHERE pid = %s AND NOT granted", [second_pid])
                        if cursor.fetchone():
                            break
                        threading.Event().wait(0.01)
        finally:
            made.set()
            connection.close()

    thread = threading.Thread(target=first_request)
    thread.start()
    made.wait(10)
    second = services.request_return(
        council=council, period="2025-26", actor=monitoring_officer, enqueue=False
    )
    thread.join(10)
    assert second == first["job"]
    assert (second.council, second.period, second.status) == (council, "2025-26", JobStatus.QUEUED)
    assert ReturnJob.objects.filter(council=council, period="2025-26").count() == 2  # the done one and this
    assert _events(second) == [("monitoring return requested", monitoring_officer)]


def test_a_return_made_now_without_a_time_is_dated_now(council, monitoring_officer):
    """make_return_now: created_at defaults to now, which decides the status (2025-26 has ended: final)."""
    before = timezone.now()
    made = services.make_return_now(
        council=council, period=parse_period("2025-26"), actor=monitoring_officer, render_pdf=quick_pdf
    )
    assert before <= made.created_at <= timezone.now()
    assert (made.status, made.version, made.requested_by) == ("final", 1, monitoring_officer)
    today = f"{timezone.localdate():%Y-%m-%d}"
    assert (
        bytes(made.pdf)
        == f"%PDF version 1 for E06000059, asked by monitoring@test.example.org on {today}".encode()
    )


# ---- database faults: tried again, not failed ------------------------------------------------------------


def _drop_connection_of(pid):
    import psycopg

    from tests.monitoring.workers import database_url

    with psycopg.connect(database_url().replace("postgres://", "postgresql://"), autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])


@pytest.mark.django_db(transaction=True)
def test_a_job_whose_database_connection_drops_is_kept_for_a_retry_with_the_databases_reason(
    council, caplog, request
):
    """A dropped connection raises TransientJobError carrying the database's reason, and leaves the job."""
    from django.db import connection

    request.addfinalizer(connection.close)  # a dead connection is not left to the next test

    job = services.request_return(council=council, period="2025-26", actor=None, enqueue=False)
    # Dropped before the job is looked at.
    _drop_connection_of(connection.cursor().connection.info.backend_pid)
    with pytest.raises(services.TransientJobError) as raised:
        services.produce_return(job_id=job.pk, render_pdf=quick_pdf)
    reason = str(raised.value.__cause__)
    assert reason and str(raised.value) == reason
    connection.close()  # what the task does before it retries
    assert ReturnJob.objects.get(pk=job.pk).status == JobStatus.QUEUED

    # Dropped while the job is being made (as its document is drawn).
    def drop_mine(figures, **kwargs):
        _drop_connection_of(connection.cursor().connection.info.backend_pid)
        return quick_pdf(figures, **kwargs)

    with pytest.raises(services.TransientJobError) as raised:
        services.produce_return(job_id=job.pk, render_pdf=drop_mine)
    reason = str(raised.value.__cause__)
    assert reason and str(raised.value) == reason
    [warning] = [r for r in caplog.records if r.name == "monitoring.services" and r.levelname == "WARNING"]
    assert warning.getMessage() == (
        f"monitoring return job {job.pk} stopped by a database fault; it will be tried again: {reason}"
    )
    connection.close()
    job.refresh_from_db()
    assert (job.status, job.error, job.attempts) == (JobStatus.RUNNING, "", 1)
    assert not MonitoringReturn.objects.exists()
    assert services.produce_return(job_id=job.pk, render_pdf=quick_pdf).version == 1


@pytest.mark.django_db(transaction=True)
def test_two_returns_of_one_council_made_at_once_are_numbered_in_turn(council):
    """_save_snapshot locks the council: a return made while another is saved waits, and is version 2."""
    import threading

    from django.db import connection

    year = parse_period("2025-26")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        second_pid = cursor.fetchone()[0]
    first: dict = {}
    drawing = threading.Event()

    def drawn_slowly(figures, **kwargs):
        drawing.set()
        with connection.cursor() as cursor:  # finish only once the second return waits on this one
            for _ in range(500):
                cursor.execute("SELECT 1 FROM pg_locks WHERE pid = %s AND NOT granted", [second_pid])
                if cursor.fetchone():
                    break
                threading.Event().wait(0.01)
        return quick_pdf(figures, **kwargs)

    def first_return():
        try:
            first["made"] = services.make_return_now(council=council, period=year, render_pdf=drawn_slowly)
        finally:
            drawing.set()
            connection.close()

    thread = threading.Thread(target=first_return)
    thread.start()
    drawing.wait(10)
    second = services.make_return_now(council=council, period=year, render_pdf=quick_pdf)
    thread.join(10)
    assert (first["made"].version, second.version) == (1, 2)
    assert bytes(second.pdf).startswith(b"%PDF version 2 for E06000059")


def test_a_job_being_made_shows_its_step_and_a_fresh_heartbeat_and_leaves_other_jobs_waiting(
    council, other_council
):
    """What the job's page reads after each write to the job: claimed (started, counting), then drawing
    with a newer heartbeat, then done; another council's waiting job is not touched."""
    from django.db import connection

    waiting = services.request_return(council=other_council, period="2025-26", actor=None, enqueue=False)
    job = services.request_return(council=council, period="2025-26", actor=None, enqueue=False)
    seen, reading = [], False

    def after_each_job_write(execute, sql, params, many, context):
        nonlocal reading
        result = execute(sql, params, many, context)
        if not reading and sql.startswith('UPDATE "monitoring_returnjob"'):
            reading = True
            try:
                seen.append(
                    (
                        ReturnJob.objects.values_list("status", "step", "started_at", "heartbeat_at").get(
                            pk=job.pk
                        ),
                        ReturnJob.objects.get(pk=waiting.pk).status,
                    )
                )
            finally:
                reading = False
        return result

    with connection.execute_wrapper(after_each_job_write):
        assert services.produce_return(job_id=job.pk, render_pdf=quick_pdf) is not None
    (claimed, others_1), (drawing, others_2), (done, others_3) = seen
    assert {others_1, others_2, others_3} == {JobStatus.QUEUED}
    started = claimed[2]
    assert started is not None and claimed == (
        JobStatus.RUNNING,
        "Counting people and budgets",
        started,
        started,
    )
    assert drawing[:3] == (JobStatus.RUNNING, "Drawing and saving the PDF", started)
    assert drawing[3] > started
    assert done == (JobStatus.DONE, "", started, drawing[3])


def test_a_job_already_done_is_left_alone_even_while_its_lock_is_held(council):
    """A second delivery of a finished job's task ends at once (nothing to do), not 'busy, try later',
    whatever else is waiting."""
    import psycopg

    from tests.monitoring.workers import database_url

    done = ReturnJob.objects.create(council=council, period="2025-26", status=JobStatus.DONE)
    ReturnJob.objects.create(council=council, period="2025-26-Q1")  # another job, still waiting
    with psycopg.connect(database_url().replace("postgres://", "postgresql://"), autocommit=True) as worker:
        assert worker.execute(
            "SELECT pg_try_advisory_lock(%s, %s)", [services._JOB_LOCK_NAMESPACE, done.pk]
        ).fetchone()[0]
        assert services.produce_return(job_id=done.pk, render_pdf=quick_pdf) is None
    assert not MonitoringReturn.objects.exists()
