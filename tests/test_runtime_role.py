"""The test suite makes the app's runtime role itself on a fresh machine. Every pytest-xdist worker (and
any other run on the same PostgreSQL) does so at start-up, at the same moment: a fresh clone's
`make test` once lost 1,223 tests to two concurrent CREATE ROLEs."""

import threading
import uuid

import psycopg
from django.conf import settings

from tests.conftest import ensure_runtime_role


def _admin():
    s = settings.DATABASES["default"]
    return psycopg.connect(
        host=s.get("HOST") or "127.0.0.1",
        port=s.get("PORT") or 5432,
        user=s.get("USER") or "postgres",
        dbname="postgres",
        autocommit=True,
    )


def test_many_runs_making_the_runtime_role_at_once_all_succeed(settings):
    role = f"ps_app_race_{uuid.uuid4().hex[:8]}"
    settings.DATABASE_RUNTIME_ROLE = role
    start = threading.Barrier(8)
    outcomes: list[object] = []

    def make_it():
        start.wait()
        try:
            outcomes.append(ensure_runtime_role())
        except Exception as error:  # noqa: BLE001 - the failure is the finding
            outcomes.append(error)

    threads = [threading.Thread(target=make_it) for _ in range(8)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert outcomes == [role] * 8, f"some runs failed: {[o for o in outcomes if o != role]}"
        with _admin() as admin:
            found = admin.execute(
                "SELECT rolsuper, rolcanlogin, rolcreatedb FROM pg_roles WHERE rolname = %s", [role]
            ).fetchall()
        assert found == [(False, True, False)]  # made once, able to sign in, no more rights than that
    finally:
        with _admin() as admin:
            admin.execute(f'DROP ROLE IF EXISTS "{role}"')
