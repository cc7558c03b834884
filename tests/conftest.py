"""Shared fixtures: named personas, signing in (two-factor included), and the real browser."""

import os

import pytest
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from organisations.models import Role
from tests.factories import PASSWORD, CouncilFactory, ProviderFactory, UserFactory, staff

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Property tests judge rules, not speed: on a shared 2-core machine a slow example is load, not a fault,
# so Hypothesis's timing checks (deadline, "input generation is slow") are off suite-wide.
hypothesis_settings.register_profile(
    "suite", deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
hypothesis_settings.load_profile("suite")


# ---- signing in ---------------------------------------------------------------------------------


def totp_device_for(user) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="test", confirmed=True)


def sign_in(client, user):
    """Sign in as a person would end up: password accepted and, for staff, the second factor given."""
    client.force_login(user)
    device = totp_device_for(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def current_code(user) -> str:
    device = totp_device_for(user)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


# ---- rate limits start afresh in every test ------------------------------------------------------


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    clear_rate_limits()
    yield


def clear_rate_limits():
    """Rate-limit counts live in the cache (Redis when REDIS_URL is set, shared by every test): clear
    them, and only them (the same Redis database holds the Celery queues)."""
    from django.core.cache import cache

    client_of = getattr(getattr(cache, "_cache", None), "get_client", None)
    if client_of is None:
        cache.clear()
    else:
        redis = client_of(None, write=True)
        # 1,000 keys a round trip (Redis's default is 10): the database also holds the tests' cached
        # sessions, and a round trip per 10 of them cost each test 3.3 ms of CPU with 110 keys, 0.4 ms
        # this way, growing with the keys (issue 20: a mutant's tests cost 0.1 to 0.3 CPU-s)
        for key in redis.scan_iter(match=f"{cache.key_prefix}:*:throttle:*", count=1000):
            redis.delete(key)


# ---- personas ------------------------------------------------------------------------------------


@pytest.fixture
def council(db):
    return CouncilFactory(gss_code="E06000059", name="Dorset Council")


@pytest.fixture
def other_council(db):
    return CouncilFactory(gss_code="E06000023", name="Bristol City Council")


@pytest.fixture
def provider_org(db):
    return ProviderFactory(provider_ref="PRV-001", name="Harbour Lights Support")


@pytest.fixture
def other_provider_org(db):
    return ProviderFactory(provider_ref="PRV-002", name="Purbeck Circles of Support")


@pytest.fixture
def commissioner(council):
    return staff(Role.COMMISSIONER, council=council, email="commissioner@test.example.org")


@pytest.fixture
def other_council_commissioner(other_council):
    return staff(Role.COMMISSIONER, council=other_council, email="commissioner@other.example.org")


@pytest.fixture
def approver(council):
    from decimal import Decimal

    return staff(
        Role.APPROVER, council=council, approval_limit=Decimal("50000.00"), email="approver@test.example.org"
    )


@pytest.fixture
def monitoring_officer(council):
    return staff(Role.MONITORING_OFFICER, council=council, email="monitoring@test.example.org")


@pytest.fixture
def provider_a(provider_org):
    return staff(Role.PROVIDER_MANAGER, provider=provider_org, email="manager@provider-a.example.org")


@pytest.fixture
def provider_finance(provider_org):
    return staff(Role.PROVIDER_FINANCE, provider=provider_org, email="finance@provider-a.example.org")


@pytest.fixture
def council_admin(council):
    return staff(Role.COUNCIL_ADMIN, council=council, email="council.admin@test.example.org")


@pytest.fixture
def other_council_admin(other_council):
    return staff(Role.COUNCIL_ADMIN, council=other_council, email="council.admin@other.example.org")


@pytest.fixture
def platform_admin(db):
    return staff(Role.PLATFORM_ADMIN, email="admin@platform.example.org")


@pytest.fixture
def stranger(db):
    return UserFactory(email="stranger@example.org")


@pytest.fixture
def password():
    return PASSWORD


# ---- the real browser ----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


def test_database_url() -> str:
    """The URL of the database the tests are using, for a subprocess (manage.py, a Celery worker)
    that must see the same data. Data a test writes is only visible to it once committed
    (use `django_db(transaction=True)`)."""
    from django.db import connection

    s = connection.settings_dict
    host = s.get("HOST") or "127.0.0.1"
    port = s.get("PORT") or "5432"
    auth = s.get("USER") or "postgres"
    if s.get("PASSWORD"):
        auth += f":{s['PASSWORD']}"
    if host.startswith("/"):
        return f"postgres://{auth}@/{s['NAME']}?host={host}"
    return f"postgres://{auth}@{host}:{port}/{s['NAME']}"


test_database_url.__test__ = False  # a helper, not a test


# ---- the database roles (issue 15) ---------------------------------------------------------------

RUNTIME_ROLE_PASSWORD = "ps_app"  # development and tests only; trust authentication ignores it
RUNTIME_ROLE_LOCK = 7_150_001  # advisory lock key: any number no other code of ours uses


def ensure_runtime_role() -> str:
    """Create the role the app runs as (not a superuser, owns nothing) if this PostgreSQL lacks it, as
    on a fresh machine where only `postgres` exists. `migrate` then grants it its rights."""
    import psycopg
    from django.conf import settings
    from psycopg import sql

    role = settings.DATABASE_RUNTIME_ROLE
    s = settings.DATABASES["default"]
    # Roles belong to the whole server: every xdist worker and every other test run on this machine may be
    # here at the same moment, and two concurrent CREATE ROLEs end in a unique violation of pg_authid
    # rather than DuplicateObject. One at a time, under an advisory lock in the `postgres` database, where
    # every run connects to make it.
    with (
        psycopg.connect(
            host=s.get("HOST") or "127.0.0.1",
            port=s.get("PORT") or 5432,
            user=s.get("USER") or "postgres",
            password=s.get("PASSWORD") or None,
            dbname="postgres",
            autocommit=True,
        ) as admin,
        admin.transaction(),
    ):
        admin.execute("SELECT pg_advisory_xact_lock(%s)", [RUNTIME_ROLE_LOCK])
        exists = admin.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role]).fetchone()
        if not exists:
            admin.execute(
                sql.SQL("CREATE ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD {}").format(
                    sql.Identifier(role), sql.Literal(RUNTIME_ROLE_PASSWORD)
                )
            )
    return role


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """Runs before the test database is made (and migrated, which grants the runtime role)."""
    ensure_runtime_role()


def _flush_past_append_only_triggers():
    """`transaction=True` tests end with a TRUNCATE of every table, which the append-only tables'
    statement triggers refuse. The suite's superuser flushes with triggers set aside for that one
    transaction (SET LOCAL session_replication_role, which the runtime role may not do)."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    original = DatabaseOperations.sql_flush
    if getattr(original, "past_triggers", False):
        return

    def sql_flush(self, style, tables, **kwargs):
        statements = original(self, style, tables, **kwargs)
        return ["SET LOCAL session_replication_role = replica", *statements] if statements else statements

    sql_flush.past_triggers = True
    DatabaseOperations.sql_flush = sql_flush


_flush_past_append_only_triggers()


@pytest.fixture
def import_jobs_run_at_once(monkeypatch):
    """Upload jobs (organisations/jobs.py) run as soon as they are queued, in the test's transaction,
    as if a worker took them at once: the page the upload redirects to shows the finished job.
    (tests/organisations/test_import_jobs.py runs them through Celery.)"""
    from organisations import jobs

    monkeypatch.setattr(jobs, "_queue", lambda job_id: jobs.run_import(job_id=job_id))
