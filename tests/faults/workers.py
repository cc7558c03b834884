"""Real Celery worker processes for the fault suite: each on its own queue(s), against the test database
as the runtime role (not the tables' owner) and against the suite's private Redis."""

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.db import connection

from tests.conftest import RUNTIME_ROLE_PASSWORD

ROOT = Path(__file__).resolve().parents[2]

_BOOT = """
import os, sys, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
from celery.signals import task_prerun
from django.contrib.contenttypes.models import ContentType
from config.celery import app
# These workers outlive the tests' flushes, which may number content types afresh: forget the cached ids
# before each task (a deployed worker never sees content types renumbered).
task_prerun.connect(lambda **kwargs: ContentType.objects.clear_cache(), weak=False)
app.worker_main(["worker", "--pool=prefork", "--concurrency=2", "--loglevel=INFO", "--without-gossip",
                 "--without-mingle", "--without-heartbeat", "-Q", sys.argv[2], "-n", sys.argv[1]])
"""


def runtime_database_url() -> str:
    s = connection.settings_dict
    host = s.get("HOST") or "127.0.0.1"
    port = s.get("PORT") or 5432
    return f"postgres://{settings.DATABASE_RUNTIME_ROLE}:{RUNTIME_ROLE_PASSWORD}@{host}:{port}/{s['NAME']}"


class Worker:
    def __init__(self, name: str, queues: str, *, redis_url: str, log_path: Path):
        self.name, self.queues, self.redis_url, self.log_path = name, queues, redis_url, log_path
        self.process = None

    def start(self) -> "Worker":
        start = self.log_path.stat().st_size if self.log_path.exists() else 0
        env = {
            **os.environ,
            "DEBUG": "1",
            "DATABASE_URL": runtime_database_url(),
            "REDIS_URL": self.redis_url,
        }
        log = open(self.log_path, "ab")  # noqa: SIM115 - the child keeps it
        self.process = subprocess.Popen(
            [sys.executable, "-c", _BOOT, f"{self.name}@%h", self.queues],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so the pool's children die with it
        )
        log.close()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with open(self.log_path, "rb") as f:
                f.seek(start)
                if b" ready." in f.read():
                    return self
            if self.process.poll() is not None:
                raise AssertionError(f"worker {self.name} exited: {self.log_tail()}")
            time.sleep(0.1)
        raise AssertionError(f"worker {self.name} did not start: {self.log_tail()}")

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self, sig=signal.SIGKILL) -> None:
        if self.alive:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, sig)
        if self.process is not None:
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)

    def log_tail(self, chars: int = 4000) -> str:
        return self.log_path.read_text(errors="replace")[-chars:] if self.log_path.exists() else ""


def wait_for(condition, *, timeout: float, interval: float = 0.1, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")
