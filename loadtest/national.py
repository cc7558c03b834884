# ruff: noqa: S608 - SQL here is built from constants and integers.
"""Every council's quarterly return at once, through real Celery workers (issue 14, "national scale").

    python loadtest/national.py [--councils 150] [--people 1000000] [--workers 2 4] [--keep]

Builds a platform of `--councils` councils and `--people` people in a fresh database
(`<DATABASE_URL's name>_national`): council sizes fall from about 22,000 people to about 2,800 (the
shape of English councils: a few large, many small), one to three arrangements a person of mixed
types and dates, population figures for every council. Then, for each worker count, it starts
`celery worker --concurrency N` (prefork) on REDIS_URL, asks for every council's return for one quarter
exactly as the daily beat task does (services.request_scheduled_returns: one job and one Celery task
per council), and waits until every job is done. It reports the wall-clock time from asking to the last
return, returns a minute, the median and slowest single return, the load average, and (in this
process, one council of the median size) how a return's time splits between counting and the PDF.

Each worker count uses its own quarter (2026-27-Q1, then Q2, ...), so no run finds another's returns
done. The database is dropped afterwards unless --keep (a kept one is reused: the build is skipped, and
its runs take the quarters that have no returns yet, so a later run with other worker counts is fair).
"""

import argparse
import os
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
QUARTERS = ["2026-27-Q1", "2026-27-Q2", "2025-26-Q4", "2025-26-Q3"]


def _database_url() -> tuple[str, str]:
    base = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/personalised_support"
    parsed = urlparse(base)
    name = parsed.path.lstrip("/") + "_national"
    return urlunparse(parsed._replace(path="/" + name)), name


def _setup_django(url: str, secret: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["SECRET_KEY"] = secret
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _create_database(name: str, *, keep: bool) -> bool:
    from django.db import connection

    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone():
            if keep:
                return False
            cursor.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    return True


def council_sizes(councils: int, people: int) -> list[int]:
    """Sizes proportional to 1/(i + 20): with 150 councils and 1,000,000 people, about 22,000 down to
    about 2,800 (mean 6,700). They add up to `people` exactly."""
    weights = [1 / (i + 20) for i in range(1, councils + 1)]
    total = sum(weights)
    sizes = [max(1, int(people * w / total)) for w in weights]
    sizes[0] += people - sum(sizes)
    return sizes


def _build(councils: int, people: int) -> None:
    from django.core.management import call_command
    from django.db import connection

    from monitoring.counting import MANAGEMENT_TYPES, SUPPORT_REASONS
    from monitoring.management.commands.bench_monitoring import Command as Bench

    call_command("migrate", verbosity=0, interactive=False)
    bench = Bench()
    sizes = council_sizes(councils, people)
    t0 = time.perf_counter()
    with connection.cursor() as c:
        c.execute("SELECT setseed(0.42)")
        ids = []
        for i in range(councils):
            ids.append(
                bench._insert(
                    c,
                    "public",
                    "organisations_council",
                    {"gss_code": f"'E99{i:06d}'", "name": f"'Council {i + 1:03d}'", "created_at": "now()"},
                )
            )
        provider = bench._insert(
            c,
            "public",
            "organisations_provider",
            {"provider_ref": "'NAT-1'", "name": "'National provider'", "created_at": "now()"},
        )
        c.execute("CREATE TEMP TABLE sizes (council_id bigint, n int)")
        c.execute(
            "INSERT INTO sizes VALUES "
            + ", ".join(f"({cid}, {n})" for cid, n in zip(ids, sizes, strict=True))
        )
        reasons = "ARRAY[" + ",".join(f"'{r}'" for r in SUPPORT_REASONS) + "]"
        bench._insert_many(
            c,
            "public",
            "budgets_person",
            {
                "council_id": "s.council_id",
                "person_ref": "'N' || s.council_id || '-' || g",
                "given_name": "''",
                "family_name": "''",
                "postcode": "''",
                "date_of_birth": "date '1920-01-01' + (random() * 32000)::int",
                "primary_support_reason": f"({reasons})[1 + floor(random() * 6)::int]",
                "created_at": "now()",
                "updated_at": "now()",
            },
            "sizes AS s, generate_series(1, s.n) AS g",
        )
        bench._insert_many(
            c,
            "public",
            "budgets_personalbudget",
            {
                "person_id": "p.id",
                "start_date": "date '2023-04-01'",
                "status": "CASE WHEN random() < 0.05 THEN 'draft' ELSE 'approved' END",
                "decision_reason": "''",
                "created_at": "now()",
                "updated_at": "now()",
            },
            "budgets_person AS p",
        )
        types = "ARRAY[" + ",".join(f"'{t}'" for t in MANAGEMENT_TYPES) + "]"
        bench._insert_many(
            c,
            "public",
            "budgets_arrangement",
            {
                "budget_id": "x.budget_id",
                "council_id": "x.council_id",
                "management_type": "x.t",
                "provider_id": f"CASE WHEN x.t IN ('isf', 'direct_payment_managed') THEN {provider} END",
                "annual_amount": "round((2000 + random() * 60000)::numeric, 2)",
                "start_date": "x.s",
                "end_date": "CASE WHEN random() < 0.4 THEN x.s + (random() * 900)::int END",
                "budget_ref": "''",
                "created_at": "now()",
                "updated_at": "now()",
            },
            "(SELECT b.id AS budget_id, p.council_id, "
            f"({types})[1 + floor(random() * 4)::int] AS t, date '2023-01-01' + (random() * 1640)::int AS s "
            "FROM budgets_personalbudget b JOIN budgets_person p ON p.id = b.person_id, "
            "generate_series(1, 1 + floor(random() * 3)::int + 0 * b.id)) AS x",
        )
        for year in (2025, 2026):
            for band, per_person in (("0-17", 1), ("18-64", 6), ("65+", 2)):
                bench._insert_many(
                    c,
                    "public",
                    "monitoring_populationfigure",
                    {
                        "council_id": "s.council_id",
                        "year": str(year),
                        "age_band": f"'{band}'",
                        "population": f"s.n * {per_person * 10}",
                        "imported_at": "now()",
                    },
                    "sizes AS s",
                )
        c.execute("SELECT count(*) FROM budgets_arrangement")
        arrangements = c.fetchone()[0]
        c.execute("ANALYZE")
    print(
        f"  built {councils} councils, {people:,} people, {arrangements:,} arrangements "
        f"(largest council {max(sizes):,}, smallest {min(sizes):,}) in {time.perf_counter() - t0:.0f} s",
        flush=True,
    )


def _worker_env(url: str, secret: str) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "0",
        "SECRET_KEY": secret,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": "http://127.0.0.1",
        "EMAIL_URL": "smtp://127.0.0.1:25",
        "SECURE_SSL_REDIRECT": "0",
    }


def _run(workers: int, period: str, *, url: str, secret: str) -> dict:
    from django.db import connection

    from monitoring import services
    from monitoring.models import JobStatus, ReturnJob
    from monitoring.periods import parse_period

    subprocess.run(
        [str(BIN / "celery"), "-A", "config", "purge", "-f"],
        cwd=ROOT,
        env=_worker_env(url, secret),
        check=True,
        capture_output=True,
    )
    worker = subprocess.Popen(
        [
            str(BIN / "celery"),
            "-A",
            "config",
            "worker",
            "--pool",
            "prefork",
            "--concurrency",
            str(workers),
            "-Q",
            "returns,celery",  # as the deployment's returns worker (docker-compose.yml)
            "--without-gossip",
            "--without-mingle",
            "-n",
            f"national-{workers}@%h",
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        env=_worker_env(url, secret),
        stdout=subprocess.DEVNULL,
        stderr=open(Path(tempfile.gettempdir()) / f"national-worker-{workers}.log", "w"),  # noqa: SIM115
    )
    try:
        time.sleep(8)  # the worker starts its processes before any job is asked for
        load_before = os.getloadavg()[0]
        asked_at = time.perf_counter()
        jobs = services.request_scheduled_returns(periods=[parse_period(period)])
        pending = set(jobs)
        loads = []
        while pending:
            time.sleep(1)
            loads.append(os.getloadavg()[0])
            finished = ReturnJob.objects.filter(
                pk__in=pending, status__in=(JobStatus.DONE, JobStatus.FAILED)
            ).values_list("pk", flat=True)
            pending -= set(finished)
            connection.close()
        wall = time.perf_counter() - asked_at
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(60)
    done = list(ReturnJob.objects.filter(pk__in=jobs).order_by("pk"))
    durations = [
        (j.finished_at - j.started_at).total_seconds() for j in done if j.started_at and j.finished_at
    ]
    return {
        "workers": workers,
        "period": period,
        "returns": len(done),
        "failed": sum(1 for j in done if j.status != JobStatus.DONE),
        "wall": wall,
        "per_minute": 60 * len(done) / wall,
        "median": statistics.median(durations),
        "slowest": max(durations),
        "load_before": load_before,
        "load_during": statistics.mean(loads) if loads else load_before,
    }


def _unused_quarters() -> list[str]:
    """The quarters no earlier run on this database has asked returns for."""
    from monitoring.models import ReturnJob

    used = {str(p) for p in ReturnJob.objects.values_list("period", flat=True).distinct()}
    return [q for q in QUARTERS if q not in used]


def _split(period: str) -> dict:
    """One council of the median size, in this process: counting, and drawing the PDF."""
    from django.utils import timezone

    from monitoring.counting import compute_figures
    from monitoring.pdf import render_pdf
    from monitoring.periods import parse_period
    from organisations.models import Council

    councils = list(Council.objects.order_by("pk"))
    council = councils[len(councils) // 2]
    p = parse_period(period)
    # Once first, so that imports, templates and fonts are loaded (as in a worker that has made one).
    render_pdf(
        compute_figures(council=council, period=p), created_at=timezone.now(), requested_by=None, version=1
    )
    t0 = time.perf_counter()
    figures = compute_figures(council=council, period=p)
    counting = time.perf_counter() - t0
    t0 = time.perf_counter()
    render_pdf(figures, created_at=timezone.now(), requested_by=None, version=1)
    pdf = time.perf_counter() - t0
    return {
        "council": council.name,
        "people": figures["people_during_period"]["total"],
        "counting": counting,
        "pdf": pdf,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--councils", type=int, default=150)
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, nargs="+", default=[2, 4])
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    url, name = _database_url()
    secret = secrets.token_urlsafe(50)
    _setup_django(url, secret)
    if _create_database(name, keep=args.keep):
        print(f"Building {args.councils} councils of {args.people:,} people in {name}...", flush=True)
        _build(args.councils, args.people)
    quarters = _unused_quarters()
    if len(args.workers) > len(quarters):
        raise SystemExit(f"at most {len(quarters)} worker counts (quarters with no returns yet in {name})")
    results = []
    for workers, period in zip(args.workers, quarters, strict=False):
        print(f"  {workers} worker processes, every council's {period} return...", flush=True)
        results.append(_run(workers, period, url=url, secret=secret))
        r = results[-1]
        print(
            f"    {r['returns']} returns ({r['failed']} failed) in {r['wall']:.0f} s: "
            f"{r['per_minute']:.1f} a minute; one return median {r['median']:.1f} s, "
            f"slowest {r['slowest']:.1f} s; load average {r['load_before']:.1f} before, "
            f"{r['load_during']:.1f} during",
            flush=True,
        )
    split = _split(QUARTERS[0])
    print(
        f"\nOne return in this process ({split['council']}, {split['people']:,} people in the period): "
        f"counting {split['counting']:.2f} s, PDF {split['pdf']:.2f} s"
    )
    print(f"\n{args.councils} councils, {args.people:,} people (one run on a shared 2-core machine)")
    print(
        "| worker processes | returns | all returns took | returns a minute | one return: median "
        "| slowest | load average during |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for r in results:
        print(
            f"| {r['workers']} | {r['returns']} ({r['failed']} failed) | {r['wall']:.0f} s "
            f"| {r['per_minute']:.1f} | {r['median']:.1f} s | {r['slowest']:.1f} s | {r['load_during']:.1f} |"
        )
    if not args.keep:
        from django.db import connections

        connections.close_all()
        from django.db import connection

        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
