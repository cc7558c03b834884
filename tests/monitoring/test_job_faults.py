"""Issue 15, "jobs that must not be lost": transient database faults are retried, a failed scheduled
return is asked for again, asking while the job service (Redis) is down answers at once and the job
starts when it is back, and a job's heartbeat shows whether its worker is alive.

Real PostgreSQL throughout; the Redis tests start their own redis-server on a port of 6390-6399."""

import datetime as dt
import time

import psycopg
import pytest
from django.db import connection
from django.utils import timezone

from monitoring import services
from monitoring.models import JobStatus, MonitoringReturn, ReturnJob
from monitoring.tasks import produce_returns_for_ended_periods, send_queued_jobs
from tests.conftest import sign_in
from tests.faults.services import celery_broker, start_redis
from tests.monitoring.workers import database_url


def _other_connection():
    return psycopg.connect(database_url().replace("postgres://", "postgresql://"), autocommit=True)


@pytest.mark.django_db(transaction=True)
def test_a_connection_dropped_while_a_return_is_saved_is_retried_not_failed(council, monitoring_officer):
    job = services.request_return(council=council, period="2026-27", actor=monitoring_officer, enqueue=False)

    def drop_my_connection(figures, **kwargs):
        # The fault: the database ends this worker's connection (a failover, a restart, a DBA).
        pid = connection.cursor().connection.info.backend_pid
        with _other_connection() as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", [pid])
        return b"%PDF-1.7 drawn before the connection dropped"

    with pytest.raises(services.TransientJobError):
        services.produce_return(job_id=job.pk, render_pdf=drop_my_connection)
    connection.close()  # what the task does before it retries
    job.refresh_from_db()
    assert (job.status, job.error) == (JobStatus.RUNNING, "")  # not failed for good
    assert not MonitoringReturn.objects.exists()
    # The retry (the task's, after its backoff) finds the job free and makes exactly one return.
    snapshot = services.produce_return(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.attempts, snapshot.job_id) == (JobStatus.DONE, 2, job.pk)
    assert MonitoringReturn.objects.count() == 1


def test_the_task_backs_off_and_fails_the_job_only_when_the_faults_do_not_clear():
    from monitoring.tasks import TRANSIENT_RETRIES, backoff

    waits = [backoff(n) for n in range(TRANSIENT_RETRIES)]
    assert 0.8 <= waits[0] <= 1.2 and all(w <= 36 for w in waits)
    assert waits[3] > waits[0] * 4


@pytest.mark.django_db
def test_a_real_error_still_fails_the_job(council, monitoring_officer):
    job = services.request_return(council=council, period="2026-27", actor=monitoring_officer, enqueue=False)

    def broken(figures, **kwargs):
        raise ValueError("a figure the PDF cannot show")

    with pytest.raises(ValueError):
        services.produce_return(job_id=job.pk, render_pdf=broken)
    job.refresh_from_db()
    assert (job.status, job.error) == (JobStatus.FAILED, "ValueError: a figure the PDF cannot show")


@pytest.mark.django_db
def test_a_failed_scheduled_return_is_asked_for_again_on_the_next_beat(
    council, other_council, eager_celery, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = produce_returns_for_ended_periods(today="2026-07-01")
    assert len(first) == 2
    failed = ReturnJob.objects.get(council=council, period="2026-27-Q1")
    # Mark Dorset's scheduled job failed, as a real error would have.
    ReturnJob.objects.filter(pk=failed.pk).update(status=JobStatus.FAILED)
    with django_capture_on_commit_callbacks(execute=True):
        again = produce_returns_for_ended_periods(today="2026-07-02")
    retried = ReturnJob.objects.get(pk=again[0])
    assert len(again) == 1 and retried.council == council and retried.period == "2026-27-Q1"
    assert retried.status == JobStatus.DONE and retried.requested_by is None
    # Done now: the day after asks for nothing.
    assert produce_returns_for_ended_periods(today="2026-07-03") == []


@pytest.mark.django_db
def test_a_beat_missed_on_the_first_day_after_a_quarter_still_asks(council, eager_celery):
    assert len(produce_returns_for_ended_periods(today="2026-07-09")) == 1
    assert ReturnJob.objects.get().period == "2026-27-Q1"


@pytest.fixture
def private_redis():
    server = start_redis()
    yield server
    server.close()


@pytest.fixture
def broker_attempts(monkeypatch):
    """Watches (never fakes) the way to the job service: each connection attempt to a port, and each
    pause kombu's retry loop takes between attempts."""
    import socket

    import kombu.utils.functional

    attempts, pauses = [], []
    real_connect, real_sleep = socket.socket.connect, kombu.utils.functional.sleep

    def connect(sock, address):
        attempts.append(address[1] if isinstance(address, tuple) else address)
        return real_connect(sock, address)

    def sleep(seconds):
        pauses.append(seconds)
        return real_sleep(seconds)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(kombu.utils.functional, "sleep", sleep)
    return attempts, pauses


@pytest.mark.django_db(transaction=True)
def test_asking_while_the_job_service_is_down_answers_at_once_and_starts_when_it_is_back(
    client, council, monitoring_officer, private_redis, broker_attempts
):
    sign_in(client, monitoring_officer)
    attempts, pauses = broker_attempts
    with celery_broker(private_redis.url):
        private_redis.stop()
        response = client.post("/monitoring/request/", {"council": council.pk, "period": "2026-27"})
        page_tries, page_pauses = attempts.count(private_redis.port), sum(pauses)
        api = client.post(
            "/api/monitoring/jobs/",
            {"council": council.gss_code, "period": "2026-27-Q1"},
            content_type="application/json",
        )
        api_tries, api_pauses = attempts.count(private_redis.port) - page_tries, sum(pauses) - page_pauses
        # At once, whatever the machine's load: each request tries the job service at most twice (kombu
        # connects once more after a 2-second pause) and gives up: no publish retries (with them on
        # it tries four times), no waiting beyond the connection's own bound.
        assert page_tries in (1, 2), f"page: {page_tries} tries; every attempt {attempts}, pauses {pauses}"
        assert api_tries in (1, 2), f"API: {api_tries} tries; every attempt {attempts}, pauses {pauses}"
        assert page_pauses <= 2 and api_pauses <= 2, pauses
        assert response.status_code == 302 and api.status_code == 202  # no 500
        assert api.json()["message"] == "Queued, will start when the job service is back."
        assert api.json()["waiting_for_job_service"] is True
        page = client.get(response["Location"]).content.decode()
        assert "Queued: it will start when the job service is back." in page
        jobs = list(ReturnJob.objects.order_by("pk"))
        assert [(j.status, j.sent_at) for j in jobs] == [(JobStatus.QUEUED, None)] * 2
        # While Redis is down the beat task sends nothing and loses nothing.
        assert send_queued_jobs() == []
        private_redis.start()
        # The next beat (every 15 seconds) sends both, oldest first.
        assert send_queued_jobs() == [jobs[0].pk, jobs[1].pk]
        assert private_redis.queue_length("returns") == 2  # the returns queue (CELERY_TASK_ROUTES)
    assert all(j.sent_at is not None for j in ReturnJob.objects.all())
    assert send_queued_jobs() == []


@pytest.mark.django_db(transaction=True)
def test_a_running_job_writes_a_heartbeat_and_a_dead_one_is_found_within_seconds(
    council, monitoring_officer, monkeypatch
):
    from django.db import transaction

    monkeypatch.setattr(services, "HEARTBEAT_EVERY", 0.1)
    job = services.request_return(council=council, period="2026-27", actor=monitoring_officer, enqueue=False)
    ReturnJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, started_at=timezone.now())
    beats = set()
    with services._heartbeat(job.pk), _other_connection() as look:
        deadline = time.monotonic() + 10
        while len(beats - {None}) < 3 and time.monotonic() < deadline:
            sql = "SELECT heartbeat_at FROM monitoring_returnjob WHERE id = %s"
            beats.add(look.execute(sql, [job.pk]).fetchone()[0])
            time.sleep(0.05)
    assert len(beats - {None}) >= 3  # the heartbeat moves while a worker makes the job

    # A running job whose heartbeat stopped 30 seconds ago and whose lock nobody holds has lost its
    # worker; one that beat a second ago has not.
    now = timezone.now()
    dead, alive = (
        services.request_return(council=council, period=p, actor=monitoring_officer, enqueue=False)
        for p in ("2026-27-Q1", "2026-27-Q2")
    )
    for found, ago in ((dead, 30), (alive, 1)):
        ReturnJob.objects.filter(pk=found.pk).update(
            status=JobStatus.RUNNING,
            started_at=now - dt.timedelta(minutes=1),
            heartbeat_at=now - dt.timedelta(seconds=ago),
        )
    with transaction.atomic():
        assert services.resume_abandoned_jobs(now=now) == [dead.pk]
