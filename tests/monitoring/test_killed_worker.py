"""A worker killed (SIGKILL) mid-job: the job is delivered again and exactly one complete return results.

This starts real Celery workers against Redis and the test database. To kill the first worker at a
known point it holds an exclusive lock on the population table, which the job reads after it has
claimed the job and counted people; the test waits until the worker is blocked on that lock.
"""

import psycopg
import pytest
from django.conf import settings

from monitoring import services
from monitoring.models import JobStatus, MonitoringReturn, ReturnJob
from monitoring.tasks import produce_return
from tests.monitoring.factories import arrangement, person
from tests.monitoring.workers import database_url, kill_worker, purge_broker, start_worker, wait_for

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not settings.REDIS_URL, reason="needs Redis (REDIS_URL)"),
]


def _job(pk) -> ReturnJob:
    return ReturnJob.objects.get(pk=pk)


def test_a_job_survives_a_killed_worker_and_makes_exactly_one_return(council, monitoring_officer, tmp_path):
    for _ in range(3):
        arrangement(person(council), "isf")
    arrangement(person(council), "direct_payment")
    purge_broker()
    job = services.request_return(council=council, period="2026-27", actor=monitoring_officer, enqueue=False)
    log = tmp_path / "workers.log"
    first = second = None
    blocker = psycopg.connect(database_url().replace("postgres://", "postgresql://"), autocommit=False)
    try:
        blocker.execute("LOCK TABLE monitoring_populationfigure IN ACCESS EXCLUSIVE MODE")
        produce_return.apply_async(kwargs={"job_id": job.pk})
        first = start_worker("first", log_path=log)
        wait_for(
            lambda: _job(job.pk).status == JobStatus.RUNNING, timeout=30, what="the first worker to claim"
        )
        waiting = (
            "SELECT count(*) FROM pg_locks"
            " WHERE NOT granted AND relation = 'monitoring_populationfigure'::regclass"
        )
        with psycopg.connect(database_url().replace("postgres://", "postgresql://"), autocommit=True) as look:
            wait_for(lambda: look.execute(waiting).fetchone()[0] > 0, timeout=15, what="the worker to block")
        kill_worker(first)
        assert _job(job.pk).status == JobStatus.RUNNING  # claimed, unfinished, its worker gone
        assert not MonitoringReturn.objects.exists()
    finally:
        blocker.rollback()
        blocker.close()
    try:
        second = start_worker("second", visibility_timeout=1, log_path=log)
        wait_for(
            lambda: _job(job.pk).status in (JobStatus.DONE, JobStatus.FAILED),
            timeout=45,
            what="the second worker to finish",
        )
    finally:
        for worker in (first, second):
            if worker is not None:
                kill_worker(worker)
        purge_broker()
    finished = _job(job.pk)
    assert finished.status == JobStatus.DONE, log.read_text()[-3000:]
    assert finished.attempts == 2
    returns = list(MonitoringReturn.objects.all())
    assert len(returns) == 1
    assert returns[0].job_id == job.pk
    assert returns[0].version == 1
    assert returns[0].figures["people_at_period_end"]["total"] == 4
    assert bytes(returns[0].pdf).startswith(b"%PDF")
