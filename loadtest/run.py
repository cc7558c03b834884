"""`make bench`: load a council of 20,000 people with ledgers into a fresh database, serve it with
gunicorn (2 workers) and measure, in one run, requests a second and p50/p95 for each page issue 14 names,
with 10 users at once, against a plain page (the ceiling).

    python loadtest/run.py [--people 20000] [--users 10] [--seconds 20] [--port 8180] [--keep]

Each page is measured on its own (locust, headless, `--seconds` each) so that its throughput can be
compared with the plain page's. The database is `<DATABASE_URL's name>_loadtest`, dropped afterwards
unless --keep (a kept database is reused: the build is skipped).
"""

import argparse
import csv
import datetime as dt
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _locust() -> str:
    """locust beside this Python (the `bench` extra), else $LOCUST or the one on PATH."""
    here = BIN / "locust"
    if here.exists():
        return str(here)
    found = os.environ.get("LOCUST") or shutil.which("locust")
    if not found:
        raise SystemExit("locust is not installed: pip install -e '.[bench]'")
    return found


def _database_urls() -> tuple[str, str]:
    base = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/personalised_support"
    parsed = urlparse(base)
    name = parsed.path.lstrip("/") + "_loadtest"
    return urlunparse(parsed._replace(path="/" + name)), name


def _setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DEBUG", "1")  # the builder only; the server runs with DEBUG off
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _create_database(name: str, *, keep: bool) -> bool:
    """Make the database; False when a kept one is there already (then it is reused)."""
    from django.db import connection

    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone():
            if keep:
                return False
            cursor.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    return True


def _build(people: int) -> dict:
    """The council, its ledgers, the people who sign in, and one session each."""
    from django.core.management import call_command
    from django.db import connections

    connections.close_all()
    call_command("migrate", verbosity=0, interactive=False)
    from budgets.imports import import_budgets
    from budgets.models import BudgetStatus, Person, PersonalBudget
    from organisations.imports import insert_rows
    from organisations.models import Council, Membership, Provider, Role, User
    from organisations.services import system_actor
    from providers.ledger.management.commands.bench_imports import (
        HEADER,
        Command,
        as_csv,
        ensure_providers,
        synthetic_export,
    )
    from providers.ledger.models import Category, LedgerEntry
    from providers.models import ProviderProfile

    actor = system_actor()
    ensure_providers()
    council, _ = Council.objects.get_or_create(gss_code="E99999998", defaults={"name": "Benchmark council"})
    t0 = time.perf_counter()
    result = import_budgets(data=as_csv(HEADER, synthetic_export(people)), council=council, actor=actor)
    print(f"  {result.summary} ({time.perf_counter() - t0:.1f} s)", flush=True)
    funds = Command()._open_funds(council, actor)
    big = funds[0]
    entries = []
    # Entries within the last 500 days (none before the fund opened), so that the family's ISF summary,
    # which sums the last year, has a year of entries to sum.
    today = dt.date.today()
    for fund in funds:
        count = 2000 if fund.pk == big.pk else 10
        for i in range(count):
            entries.append(
                LedgerEntry(
                    fund=fund,
                    entry_date=max(fund.opened_on, today - dt.timedelta(days=i % 500)),
                    category=Category.SUPPORT,
                    amount=Decimal("-12.34"),
                    description="Support worker hours",
                    idempotency_key=f"load-{i}",
                )
            )
    insert_rows(entries)
    print(f"  {len(funds)} funds, {len(entries)} ledger entries", flush=True)
    for provider in Provider.objects.filter(profile__isnull=True):
        ProviderProfile.objects.create(provider=provider, summary="We help", offers="Support at home")
    password = None

    def staff(email: str, role: str, **where) -> User:
        user = User.objects.create_user(email=email, password=password, full_name=email.split("@")[0])
        Membership.objects.create(user=user, role=role, **where)
        return user

    provider = Provider.objects.get(pk=big.provider_id)
    users = {
        "commissioner": staff("commissioner@load.example.org", Role.COMMISSIONER, council=council),
        "approver": staff(
            "approver@load.example.org", Role.APPROVER, council=council, approval_limit=Decimal("100000")
        ),
        "officer": staff("officer@load.example.org", Role.MONITORING_OFFICER, council=council),
        "provider": staff("provider@load.example.org", Role.PROVIDER_MANAGER, provider=provider),
        "family": User.objects.create_user(
            email="family@load.example.org", password=None, full_name="Family"
        ),
    }
    Membership.objects.create(user=users["provider"], provider=provider, role=Role.PROVIDER_FINANCE)
    Person.objects.filter(pk=big.person_id).update(user=users["family"])
    for person in Person.objects.filter(council=council).order_by("-pk")[:20]:
        PersonalBudget.objects.create(
            person=person,
            start_date=dt.date(2026, 4, 1),
            status=BudgetStatus.PROPOSED,
            proposed_by=users["commissioner"],
        )
    person = Person.objects.filter(council=council).order_by("pk").first()
    # Statistics for the planner and the dead row versions cleared, as autovacuum would have done on a
    # live council (bulk COPY leaves no statistics, and each entry written updates its account's row:
    # 77,000 dead versions of 7,500 accounts that every list read around). This server may run with
    # autovacuum off, so it is done here.
    with connections["default"].cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return {
        "users": {role: user.email for role, user in users.items()},
        "person": person.pk,
        "fund": big.pk,
    }


def _sessions(built: dict) -> dict[str, str]:
    """A fresh signed-in session for each user, signed with this run's SECRET_KEY (the server's)."""
    from organisations.models import User

    return {role: _session(User.objects.get(email=email)) for role, email in built["users"].items()}


def _session(user) -> str:
    """A signed-in session, second factor given (as tests.conftest.sign_in does)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, name="load test").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="load test", confirmed=True)
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store[DEVICE_ID_SESSION_KEY] = device.persistent_id
    store.set_expiry(24 * 3600)
    store.create()
    return store.session_key


def _pages(built: dict) -> list[dict]:
    s = built["sessions"]  # made by _sessions() for this run
    return [
        {"name": "plain page (ceiling)", "url": "/accessibility/"},
        {"name": "/providers/", "url": "/providers/"},
        {"name": "caseload /people/", "url": "/people/", "session": s["commissioner"]},
        {"name": "caseload search", "url": "/people/?q=BP-00012", "session": s["commissioner"]},
        {"name": "a person's page", "url": f"/people/{built['person']}/", "session": s["commissioner"]},
        {"name": "/your-budget/", "url": "/your-budget/", "session": s["family"]},
        {"name": "/isf/ for a family", "url": "/isf/", "session": s["family"]},
        {"name": "provider's ledger list", "url": "/isf/provider/", "session": s["provider"]},
        {"name": "a ledger of 2,000 entries", "url": f"/isf/{built['fund']}/", "session": s["provider"]},
        {"name": "approval queue", "url": "/approvals/", "session": s["approver"]},
        {"name": "/monitoring/", "url": "/monitoring/", "session": s["officer"]},
    ]


def _wait_for_port(port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise SystemExit(f"gunicorn did not start on port {port}")


def _warm(page: dict, port: int) -> None:
    """A few requests first, so that each worker has loaded its code and templates."""
    import urllib.request

    request = urllib.request.Request(f"http://127.0.0.1:{port}{page['url']}")
    if page.get("session"):
        request.add_header("Cookie", f"sessionid={page['session']}")
    for attempt in range(6):
        try:
            with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310 - our own server
                if response.status != 200:
                    raise SystemExit(f"{page['url']} answered {response.status}")
        except ConnectionError:
            if attempt == 5:
                raise
            time.sleep(2)


def _measure(page: dict, *, port: int, users: int, seconds: int, workdir: Path) -> dict:
    _warm(page, port)
    plan = workdir / "plan.json"
    plan.write_text(json.dumps({"pages": [page]}))
    prefix = workdir / "stats"
    run = subprocess.run(
        [
            _locust(),
            "-f",
            str(ROOT / "loadtest" / "locustfile.py"),
            "--headless",
            "--only-summary",
            "-u",
            str(users),
            "-r",
            str(users),
            "-t",
            f"{seconds}s",
            "--host",
            f"http://127.0.0.1:{port}",
            "--csv",
            str(prefix),
        ],
        env={**os.environ, "LOADTEST_PLAN": str(plan)},
        check=False,
        capture_output=True,
    )
    with open(f"{prefix}_stats.csv", encoding="utf-8") as f:
        row = next((r for r in csv.DictReader(f) if r["Name"] == page["name"]), None)
    if row is None:
        raise SystemExit(f"locust measured nothing for {page['name']}:\n{run.stderr.decode()[-3000:]}")
    return {
        "requests": int(row["Request Count"]),
        "failures": int(row["Failure Count"]),
        "rps": float(row["Requests/s"]),
        "p50": float(row["50%"]),
        "p95": float(row["95%"]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--users", type=int, default=10)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--port", type=int, default=8180)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--build-only", action="store_true", help="build and keep the council only")
    parser.add_argument("--only", action="append", default=[], help="measure only pages whose name has this")
    args = parser.parse_args()
    if args.build_only:
        args.keep = True
    url, name = _database_urls()
    # One key for the sessions made here and the server that reads them (a session is signed with it).
    secret = secrets.token_urlsafe(50)
    os.environ["SECRET_KEY"] = secret
    _setup_django(url)
    plan_file = Path(tempfile.gettempdir()) / f"{name}.json"
    if _create_database(name, keep=args.keep) or not plan_file.exists():
        print(f"Building a council of {args.people} people in {name}...", flush=True)
        built = _build(args.people)
        plan_file.write_text(json.dumps(built))
    else:
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)  # a kept council follows the code
    built = json.loads(plan_file.read_text())
    if args.build_only:
        return
    built["sessions"] = _sessions(built)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "0",
        "SECRET_KEY": secret,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SITE_URL": f"http://127.0.0.1:{args.port}",
        "CONN_MAX_AGE": os.environ.get("CONN_MAX_AGE", "60"),  # as the web container (docker-compose.yml)
    }
    env.pop("REDIS_URL", None)
    # Hashed static files, as deployed (DEBUG off needs the manifest).
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "--timeout",
            "120",
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{args.port}",
            "--workers",
            "2",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for_port(args.port)
        results = []
        with tempfile.TemporaryDirectory() as workdir:
            pages = _pages(built)
            if args.only:
                pages = [pages[0]] + [p for p in pages[1:] if any(o in p["name"] for o in args.only)]
            for page in pages:
                measured = _measure(
                    page, port=args.port, users=args.users, seconds=args.seconds, workdir=Path(workdir)
                )
                results.append((page["name"], measured))
                print(
                    f"  {page['name']:<28} {measured['rps']:7.1f} req/s  p50 {measured['p50']:5.0f} ms  "
                    f"p95 {measured['p95']:5.0f} ms  ({measured['failures']} failed)",
                    flush=True,
                )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(30)
    ceiling = results[0][1]["rps"] or 1
    print(
        f"\ngunicorn 2 workers, {args.users} users, {args.seconds} s a page, {args.people} people "
        "(one run on a shared 2-core machine)"
    )
    print(
        "| page | requests/s | share of plain page | p50 ms | p95 ms | failed |\n"
        "| --- | --- | --- | --- | --- | --- |"
    )
    for page_name, m in results:
        print(
            f"| {page_name} | {m['rps']:.1f} | {100 * m['rps'] / ceiling:.0f}% | {m['p50']:.0f} "
            f"| {m['p95']:.0f} | {m['failures']} |"
        )
    if not args.keep:
        from django.db import connections

        connections.close_all()
        os.environ["DATABASE_URL"] = url
        from django.db import connection

        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        plan_file.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
