"""Real services the fault tests start and break: a Redis server on its own port (6390-6399; under
pytest-xdist, ten ports of its own for each test process: gw1 6400-6409, …), never the suite's shared
Redis, and a way to point the Celery app at it."""

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time

import redis

from config.celery import app as celery_app
from tests.monitoring.conftest import set_celery_conf

# Each xdist process has its own ports: a test that stops its Redis and starts it again on the same port
# must not find another process's Redis there in between.
_FIRST = 6390 + 10 * int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
PORTS = range(_FIRST, _FIRST + 10)


class PortTaken(Exception):
    pass


def _free(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


class RedisServer:
    """`redis-server` on 127.0.0.1:`port`, no persistence. stop() kills it (as a crash would),
    start() brings it back on the same port, empty."""

    def __init__(self, port: int):
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"
        self.process = None
        self.dir = tempfile.mkdtemp(prefix=f"faults-redis-{port}-")

    def start(self) -> "RedisServer":
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                self.dir,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                # It exited: another program took the port between the check and the start.
                raise PortTaken(self.port)
            with contextlib.suppress(redis.ConnectionError):
                answer = redis.Redis.from_url(self.url, socket_connect_timeout=0.5).info("server")
                if answer["process_id"] == self.process.pid:
                    return self
                raise PortTaken(self.port)  # another program's Redis answered on the port
            time.sleep(0.05)
        raise AssertionError(f"redis-server did not start on port {self.port}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def queue_length(self, queue: str = "celery") -> int:
        return redis.Redis.from_url(self.url).llen(queue)


def start_redis(*, avoid: tuple[int, ...] = ()) -> RedisServer:
    for port in PORTS:
        if port not in avoid and _free(port):
            server = RedisServer(port)
            try:
                return server.start()
            except PortTaken:
                server.close()
    raise AssertionError(f"no free port in {PORTS.start}-{PORTS.stop - 1} for a test Redis")


@contextlib.contextmanager
def celery_broker(url: str):
    """Send tasks from this process to `url` (not eagerly), then put the app back as it was."""
    conf = celery_app.conf
    before = (conf.broker_url, conf.task_always_eager)
    _reset_pool()
    set_celery_conf(broker_url=url, task_always_eager=False)
    try:
        yield
    finally:
        _reset_pool()
        set_celery_conf(broker_url=before[0], task_always_eager=before[1])


def _reset_pool() -> None:
    """Drop the app's broker pools so the next send builds them for the current URL. kombu keeps one
    pool per URL in a registry, so a test given a port an earlier test's Redis had (each xdist worker
    reuses its own ten ports) would otherwise send through that test's dead connection: empty the
    registry too (the app's references go with it, so later sends build new pools)."""
    from kombu import pools

    pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
