"""Start and kill real Celery worker processes against the test database and the suite's Redis."""

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import redis
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]

# The replacement worker restores messages left unacknowledged for more than `visibility_timeout`
# seconds (a dead worker's) as soon as it starts polling. Production keeps kombu's default (an hour).
_BOOT = """
import os, sys, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
from config.celery import app
timeout = float(os.environ.get("TEST_VISIBILITY_TIMEOUT") or 0)
if timeout:
    # Celery 5.6 reads the CELERY_-prefixed setting before the plain key: set that one.
    app.conf["CELERY_BROKER_TRANSPORT_OPTIONS"] = {
        **app.conf.broker_transport_options,
        "visibility_timeout": timeout, "unacked_restore_interval": 1, "unacked_restore_throttle": 1,
    }
app.worker_main(["worker", "--pool=prefork", "--concurrency=1", "--loglevel=INFO", "--without-gossip",
                 "--without-mingle", "--without-heartbeat", "-Q", "returns,imports,celery",
                 "-n", sys.argv[1]])
"""


def database_url() -> str:
    s = connection.settings_dict
    host = s.get("HOST") or "127.0.0.1"
    port = s.get("PORT") or 5432
    user = s.get("USER") or "postgres"
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{host}:{port}/{s['NAME']}"


def purge_broker() -> None:
    redis.Redis.from_url(settings.REDIS_URL).flushdb()


def start_worker(name: str, *, visibility_timeout: float | None = None, log_path: Path | None = None):
    env = {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "TEST_VISIBILITY_TIMEOUT": str(visibility_timeout or ""),
    }
    log = open(log_path, "ab") if log_path else subprocess.DEVNULL  # noqa: SIM115
    return subprocess.Popen(
        [sys.executable, "-c", _BOOT, f"{name}@%h"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, so the pool's children die with it
    )


def kill_worker(process, sig=signal.SIGKILL) -> None:
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


def wait_for(condition, *, timeout: float, interval: float = 0.2, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")
