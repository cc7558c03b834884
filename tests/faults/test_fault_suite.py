"""The fault suite (issue 15): real PostgreSQL, a real Redis started here on its own port (6390-6399),
and real Celery worker processes, two of them on two queues (returns, imports), connected as the
runtime role. Each test injects faults and then checks the invariants:

- balance = sum of entries, and a closed fund keeps nothing back;
- no spend past the limit, at any point in the order entries were written;
- every reversal points at one original, for the opposite amount;
- each move's pair of transfers points at each other and sums to zero;
- one return per request (job), and no job left waiting or running.

The counts of faults injected and invariants checked are printed at the end of the run
(tests/faults/conftest.py)."""

import datetime as dt
import threading
import time
from decimal import Decimal

import psycopg
import pytest
from django.db import connection, connections, transaction
from django.test import Client
from django.utils import timezone

from monitoring import services as monitoring
from monitoring.models import ACTIVE_JOB_STATUSES, JobStatus, MonitoringReturn, ReturnJob
from monitoring.tasks import produce_returns_for_ended_periods
from organisations.services import system_actor
from providers import services as provider_services
from providers.ledger import services as ledger
from providers.ledger.models import Category, IndividualServiceFund, LedgerEntry
from providers.ledger.selectors import balance_of, is_closed
from providers.ledger.tasks import import_isf_entries
from providers.models import AgreementStatus
from tests.budgets.factories import PersonFactory
from tests.conftest import sign_in
from tests.factories import CouncilFactory
from tests.faults import tally
from tests.faults.services import celery_broker, start_redis
from tests.faults.workers import Worker, wait_for
from tests.ledger.factories import isf_agreement, isf_fund
from tests.monitoring.factories import arrangement, person

pytestmark = pytest.mark.django_db(transaction=True)

START = dt.date(2026, 4, 6)
TODAY = START + dt.timedelta(days=400)
MOVE_DAY = START + dt.timedelta(weeks=6)


# ---- the real services ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def redis_server():
    server = start_redis()
    yield server
    server.close()


@pytest.fixture(scope="module")
def workers(django_db_setup, django_db_blocker, redis_server, tmp_path_factory):
    """One worker on the returns queue (and beat's default queue), one on the imports queue."""
    log = tmp_path_factory.mktemp("workers") / "workers.log"
    with django_db_blocker.unblock():
        pair = {
            "returns": Worker("returns", "returns,celery", redis_url=redis_server.url, log_path=log).start(),
            "imports": Worker("imports", "imports", redis_url=redis_server.url, log_path=log).start(),
        }
    with celery_broker(redis_server.url):
        yield pair
    for worker in pair.values():
        worker.kill()


def _db():
    s = connection.settings_dict
    return psycopg.connect(
        host=s.get("HOST") or "127.0.0.1",
        port=s.get("PORT") or 5432,
        user=s.get("USER") or "postgres",
        dbname=s["NAME"],
        autocommit=False,
    )


class Blocker:
    """Holds a lock from another connection so that a worker (or request) stops at a known point."""

    def __init__(self, sql: str, relation: str):
        self.sql, self.relation, self.conn = sql, relation, None

    def __enter__(self):
        self.conn = _db()
        self.pid = self.conn.info.backend_pid
        self.conn.execute(self.sql)
        return self

    def waiting_pids(self) -> list[int]:
        """The backends waiting for this blocker (and only for it)."""
        with _db() as look:
            rows = look.execute(
                "SELECT pid FROM pg_stat_activity WHERE %s = ANY(pg_blocking_pids(pid)) ORDER BY pid",
                [self.pid],
            ).fetchall()
        return [pid for (pid,) in rows]

    def wait_until_someone_waits(self, timeout: float = 60) -> list[int]:
        return wait_for(self.waiting_pids, timeout=timeout, what=f"a backend to wait on {self.relation}")

    def release(self):
        if self.conn is not None:
            self.conn.rollback()
            self.conn.close()
            self.conn = None

    def __exit__(self, *exc):
        self.release()


def terminate(pid: int) -> None:
    with _db() as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])
        admin.commit()


def population_lock():
    return Blocker(
        "LOCK TABLE monitoring_populationfigure IN ACCESS EXCLUSIVE MODE", "monitoring_populationfigure"
    )


def status(job_id: int) -> str:
    return ReturnJob.objects.get(pk=job_id).status


def wait_finished(job_id: int, timeout: float = 60) -> ReturnJob:
    wait_for(
        lambda: status(job_id) in (JobStatus.DONE, JobStatus.FAILED), timeout=timeout, what=f"job {job_id}"
    )
    return ReturnJob.objects.get(pk=job_id)


def beat() -> None:
    """What beat does every 15 seconds: send jobs the job service missed, resume dead workers' jobs
    (seen from 25 seconds on, as if the beat ran then)."""
    monitoring.send_queued_jobs()
    with transaction.atomic():
        monitoring.resume_abandoned_jobs(now=timezone.now() + dt.timedelta(seconds=25))


# ---- invariants ------------------------------------------------------------------------------------


def check_job_invariants() -> None:
    assert not ReturnJob.objects.filter(status__in=ACTIVE_JOB_STATUSES).exists(), "a job is stuck"
    tally.invariant("no job stuck")
    for job in ReturnJob.objects.all():
        made = MonitoringReturn.objects.filter(job=job).count()
        assert made == (1 if job.status == JobStatus.DONE else 0), (job, made)
        tally.invariant("one return per request")


def check_ledger_invariants() -> None:
    for fund in IndividualServiceFund.objects.select_related("agreement"):
        entries = list(LedgerEntry.objects.filter(fund=fund).order_by("pk"))
        assert balance_of(fund) == sum((e.amount for e in entries), Decimal("0.00"))
        tally.invariant("balance = sum of entries")
        running, floor = Decimal("0.00"), -fund.agreement.overdraft_limit
        for entry in entries:  # in the order they were written, each under the fund's lock
            running += entry.amount
            if entry.amount < 0 and entry.category != Category.TRANSFER:
                assert running >= floor, f"{entry} took the balance to {running}"
        tally.invariant("no spend past the limit")
        if is_closed(fund):
            assert balance_of(fund) == 0, f"{balance_of(fund)} left behind in a closed fund"
            tally.invariant("a closed fund keeps nothing back")
    for correction in LedgerEntry.objects.filter(reverses__isnull=False).select_related("reverses"):
        assert correction.amount == -correction.reverses.amount
        assert correction.reverses.fund.person_id == correction.fund.person_id
        tally.invariant("every reversal points at one original")
    assert LedgerEntry.objects.filter(reverses__isnull=False).values("reverses").distinct().count() == (
        LedgerEntry.objects.filter(reverses__isnull=False).count()
    )
    for out in LedgerEntry.objects.filter(category=Category.TRANSFER, amount__lt=0).select_related(
        "transfer_pair"
    ):
        pair = out.transfer_pair
        assert pair.transfer_pair_id == out.pk and out.amount + pair.amount == 0
        tally.invariant("each move's pair sums to zero")


# ---- the faults --------------------------------------------------------------------------------------


def test_a_worker_killed_mid_return_is_found_by_its_heartbeat_and_the_return_made_once(
    workers, council, monitoring_officer, redis_server, tmp_path
):
    for _ in range(3):
        arrangement(person(council), "isf")
    with population_lock() as lock:
        job = monitoring.request_return(council=council, period="2025-26", actor=monitoring_officer)
        wait_for(lambda: status(job.pk) == JobStatus.RUNNING, timeout=60, what="the worker to claim")
        lock.wait_until_someone_waits()
        workers["returns"].kill()
        tally.fault("worker killed (SIGKILL) mid-return")
    assert status(job.pk) == JobStatus.RUNNING
    workers["returns"].start()
    # The next beat sees no heartbeat and no lock holder (the dead worker's connection is gone): it
    # sends the job again.
    wait_for(lambda: (beat(), status(job.pk) == JobStatus.DONE)[1], timeout=60, interval=1, what="resume")
    finished = wait_finished(job.pk)
    assert (finished.status, finished.attempts) == (JobStatus.DONE, 2), workers["returns"].log_tail()
    assert MonitoringReturn.objects.get(job=job).figures["people_at_period_end"]["total"] == 3
    check_job_invariants()


def test_the_worker_survives_redis_restarting_mid_job(workers, council, monitoring_officer, redis_server):
    with population_lock() as lock:
        job = monitoring.request_return(council=council, period="2025-26-Q1", actor=monitoring_officer)
        wait_for(lambda: status(job.pk) == JobStatus.RUNNING, timeout=60, what="the worker to claim")
        lock.wait_until_someone_waits()
        redis_server.restart()
        tally.fault("Redis restarted mid-job")
        time.sleep(0.5)  # the worker notices the broken connection while the job is still running
    finished = wait_finished(job.pk)
    assert finished.status == JobStatus.DONE, finished.error
    # Still alive, and taking new work through its new connection.
    assert workers["returns"].alive, workers["returns"].log_tail()
    assert "'NoneType' object has no attribute 'hostname'" not in workers["returns"].log_tail(20000)
    later = monitoring.request_return(council=council, period="2025-26-Q2", actor=monitoring_officer)
    wait_for(lambda: (beat(), status(later.pk) == JobStatus.DONE)[1], timeout=60, interval=1, what="next job")
    tally.invariant("worker alive after a Redis restart")
    check_job_invariants()


def test_a_workers_database_connection_dropped_mid_write_is_retried(workers, council, monitoring_officer):
    # EXCLUSIVE lets reads through and stops writes: the worker stops at the snapshot's INSERT.
    snapshots = Blocker(
        "LOCK TABLE monitoring_monitoringreturn IN EXCLUSIVE MODE", "monitoring_monitoringreturn"
    )
    with snapshots:
        job = monitoring.request_return(council=council, period="2025-26-Q3", actor=monitoring_officer)
        # The worker has marked the job done and is writing the snapshot in the same transaction.
        (pid,) = snapshots.wait_until_someone_waits()
        terminate(pid)
        tally.fault("worker's database connection terminated mid-write")
    finished = wait_finished(job.pk)
    assert (finished.status, finished.error, finished.attempts) == (JobStatus.DONE, "", 2)
    check_job_invariants()


def test_every_councils_quarterly_return_is_made_once_with_two_beats_racing(workers):
    for code in ("E06000001", "E06000002", "E06000003"):
        CouncilFactory(gss_code=code)
    barrier = threading.Barrier(2)

    def beat_run():
        barrier.wait()
        try:
            produce_returns_for_ended_periods(today="2026-07-01")
        finally:
            connections.close_all()

    runs = [threading.Thread(target=beat_run) for _ in range(2)]
    for run in runs:
        run.start()
    for run in runs:
        run.join()
    tally.fault("two beats asking at once")
    jobs = list(ReturnJob.objects.filter(period="2026-27-Q1"))
    assert len(jobs) == 3
    for job in jobs:
        wait_finished(job.pk)
    made = MonitoringReturn.objects.filter(period="2026-27-Q1")
    assert sorted(made.values_list("council__gss_code", flat=True)) == ["E06000001", "E06000002", "E06000003"]
    check_job_invariants()


@pytest.fixture
def funded(council, provider_org):
    robot = system_actor()
    fund = isf_fund(
        person=PersonFactory(council=council),
        provider=provider_org,
        actor=robot,
        start=START,
        budget_ref="DOR-ISF-9",
    )
    ledger.post_due_payments(fund=fund, actor=robot, today=START)  # £950.00
    return fund


def test_two_overlapping_imports_at_once_while_a_return_is_stuck(
    workers, funded, provider_org, council, monitoring_officer
):
    header = "budget_ref,entry_date,category,amount,description,entry_ref"
    day = START + dt.timedelta(days=1)

    def rows(refs):
        return "\n".join(f"DOR-ISF-9,{day},support,10.00,Support visit {n},ACC-{n}" for n in refs)

    first, second = f"{header}\n{rows(range(1, 11))}\n", f"{header}\n{rows(range(5, 16))}\n"
    with population_lock():
        stuck = monitoring.request_return(council=council, period="2025-26-Q4", actor=monitoring_officer)
        wait_for(lambda: status(stuck.pk) == JobStatus.RUNNING, timeout=60, what="the return to start")
        for text in (first, second):
            import_isf_entries.delay(provider_id=provider_org.pk, csv_text=text)
        tally.fault("two overlapping imports at once")
        # The imports finish on their own worker while the return is still held up.
        wait_for(lambda: funded.entries.filter(category="support").count() == 15, timeout=60, what="imports")
        assert status(stuck.pk) == JobStatus.RUNNING
        tally.invariant("an import is not blocked by a return")
    assert wait_finished(stuck.pk).status == JobStatus.DONE
    refs = list(funded.entries.filter(category="support").values_list("idempotency_key", flat=True))
    assert sorted(refs) == sorted(f"ACC-{n}" for n in range(1, 16))
    assert balance_of(funded) == Decimal("950.00") - Decimal("150.00")
    check_ledger_invariants()
    check_job_invariants()


def test_a_web_requests_connection_dropped_mid_write_writes_nothing_and_a_retry_writes_once(
    funded, provider_finance
):
    client = Client(raise_request_exception=False)
    sign_in(client, provider_finance)
    body = {
        "entry_date": str(START + dt.timedelta(days=2)),
        "category": "support",
        "amount": "25.00",
        "description": "Taxi to the day centre",
    }
    answers = []

    def post():
        try:
            answers.append(
                client.post(
                    f"/api/isf/{funded.pk}/entries/",
                    body,
                    content_type="application/json",
                    headers={"Idempotency-Key": "TAXI-1"},
                ).status_code
            )
        finally:
            connections.close_all()

    fund_row = Blocker(
        f"SELECT id FROM ledger_individualservicefund WHERE id = {funded.pk} FOR UPDATE",
        "ledger_individualservicefund",
    )
    with fund_row:
        request = threading.Thread(target=post)
        request.start()
        (pid,) = fund_row.wait_until_someone_waits()
        terminate(pid)
        tally.fault("web request's database connection terminated mid-write")
        request.join(timeout=30)
    assert answers == [500]
    assert not funded.entries.filter(idempotency_key="TAXI-1").exists()
    post()
    post()
    assert answers == [500, 201, 200]
    assert funded.entries.filter(idempotency_key="TAXI-1").count() == 1
    check_ledger_invariants()


def test_spending_reversals_and_a_move_racing_on_one_fund(funded, other_provider_org):
    robot = system_actor()
    fund = funded
    mistakes = [
        ledger.record_spending(
            fund=fund,
            entry_date=START + dt.timedelta(days=1),
            category="support",
            amount="40.00",
            description=f"Invoice {n}",
            idempotency_key=f"INV-{n}",
            actor=robot,
            today=TODAY,
        )[0]
        for n in range(2)
    ]
    old = fund.agreement
    old.status, old.end_date = AgreementStatus.ENDING, MOVE_DAY - dt.timedelta(days=1)
    old.save()
    new = isf_agreement(person=fund.person, provider=other_provider_org, replaces=old, start=MOVE_DAY)
    barrier = threading.Barrier(13)
    outcomes = []

    def run(what, action):
        barrier.wait()
        try:
            action()
            outcomes.append((what, "ok"))
        except Exception as exc:  # noqa: BLE001 - every outcome is recorded and checked below
            outcomes.append((what, type(exc).__name__))
        finally:
            connections.close_all()

    def spend(n):
        return lambda: ledger.record_spending(
            fund=fund,
            entry_date=START + dt.timedelta(days=3),
            category="activity",
            amount="120.00",
            description=f"Trip {n % 6}",
            idempotency_key=f"TRIP-{n % 6}",
            actor=robot,
            today=TODAY,
        )

    actions = [("spend", spend(n)) for n in range(8)]  # six keys, two of them sent twice
    actions += [
        ("reverse", lambda e=e: ledger.reverse_entry(entry=e, reason="Sent twice", actor=robot, today=TODAY))
        for e in mistakes
        for _ in range(2)
    ]
    actions.append(
        ("move", lambda: provider_services.complete_move(agreement=new, actor=robot, today=MOVE_DAY))
    )
    threads = [threading.Thread(target=run, args=a) for a in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    tally.fault("spends, reversals and a move racing on one fund", len(actions))
    assert len(outcomes) == len(actions)
    assert ("move", "ok") in outcomes, outcomes
    assert {kind for _, kind in outcomes} <= {"ok", "LedgerError", "FundClosed"}, outcomes
    new.refresh_from_db()
    new_fund = new.isf
    # Each reversal happened once (the second attempt was refused), wherever the money was by then.
    assert LedgerEntry.objects.filter(reverses__in=mistakes).count() == 2
    assert balance_of(fund) == 0 and is_closed(fund)
    # No money was made or lost: what moved plus what the new fund was given back is what was left.
    spent = -sum(e.amount for e in fund.entries.filter(category__in=["support", "activity"]))
    corrected = sum(e.amount for e in LedgerEntry.objects.filter(reverses__in=mistakes))
    payments = sum(e.amount for e in fund.entries.filter(category__in=["council_payment", "management_fee"]))
    assert (
        balance_of(new_fund)
        - sum(
            e.amount
            for e in new_fund.entries.exclude(category=Category.TRANSFER).exclude(reverses__in=mistakes)
        )
        == payments - spent + corrected
    )
    check_ledger_invariants()
