"""Fault tests (issue 8): real Redis, Celery worker and PostgreSQL processes of their own, killed
and restarted. Marked `faults`; they run only with WRES_FAULTS=1 (`scripts/ci-faults.sh`), last
and serially. Without it they are deselected, not skipped, so that `make test` and the full run
(where a skip is a failure) are unchanged. Unmarked tests in this folder run everywhere.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.conftest import LOG_DIR, ROOT, _test_database_url

FAULTS = os.environ.get("WRES_FAULTS") == "1"
#: Seconds before the fault tests' broker redelivers a task whose worker died (the default,
#: 900, is far too long to wait for in a test).
VISIBILITY_TIMEOUT = 5


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if FAULTS:
        return
    kept = [item for item in items if item.get_closest_marker("faults") is None]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[i for i in items if i not in set(kept)])
        items[:] = kept


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    """Whether something accepts connections on the port."""
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex((host, port)) == 0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(condition: Callable[[], object], seconds: float, what: str) -> None:
    """Polls until the condition holds; fails saying what did not happen."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {seconds:.0f} s waiting for {what}")
        time.sleep(0.1)


class OwnRedis:
    """A redis-server process of the fault tests' own, on REDIS_URL's port (which must be free
    when the tests start: they never stop a Redis they did not start)."""

    def __init__(self, port: int, log: Path) -> None:
        self.port = port
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
                 "--save", "", "--appendonly", "no"],
                stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
        wait_for(lambda: port_open(self.port), 20, f"redis-server on port {self.port}")

    def flush(self) -> None:
        """Empties every database of this Redis (queues and cache left by an earlier test)."""
        import redis

        redis.Redis(host="127.0.0.1", port=self.port).flushall()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)
        self.process = None
        wait_for(lambda: not port_open(self.port), 20, "redis-server to stop")


@pytest.fixture(scope="session")
def own_redis(full_mode: None) -> Iterator[OwnRedis]:
    parts = urlsplit(os.environ["REDIS_URL"])
    port = parts.port or 6379
    if parts.hostname not in ("127.0.0.1", "localhost") or port_open(port):
        pytest.fail(
            f"the fault tests start and stop their own Redis: REDIS_URL must name a free port on "
            f"127.0.0.1, and {parts.hostname}:{port} is taken (scripts/ci-faults.sh picks one)"
        )
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    redis = OwnRedis(port, LOG_DIR / "faults-redis.log")
    redis.start()
    try:
        yield redis
    finally:
        redis.stop()


@pytest.fixture(autouse=True)
def _redis_up_for_each_fault_test(request: pytest.FixtureRequest) -> None:
    """A fault test that stopped Redis and failed leaves it stopped: start it again."""
    if request.node.get_closest_marker("faults") is None:
        return
    redis: OwnRedis = request.getfixturevalue("own_redis")
    if not port_open(redis.port):
        redis.start()
    redis.flush()


@pytest.fixture
def private_media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


class Worker:
    """A real `celery worker` process group on the test database and the fault tests' Redis."""

    def __init__(self, media_root: Path, log: Path, concurrency: int = 2) -> None:
        self.media_root = media_root
        self.concurrency = concurrency
        self.node = ""
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        from wres_portal.celery import app

        env = {
            **os.environ,
            "DATABASE_URL": _test_database_url(),
            "MEDIA_ROOT": str(self.media_root),
            "DJANGO_SETTINGS_MODULE": "wres_portal.settings_test",
            "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
            "WRES_UPLOAD_DELAYED_AFTER": "1",
        }
        self.node = f"faults-{uuid.uuid4().hex[:8]}@localhost"
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "wres_portal", "worker",
                 "--hostname", self.node, "--concurrency", str(self.concurrency),
                 "--loglevel", "INFO", "--without-gossip", "--without-mingle"],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        process = self.process

        def answers() -> bool:
            if process.poll() is not None:
                raise AssertionError(f"the worker exited with {process.returncode}: {self.log}")
            return bool(app.control.ping(destination=[self.node], timeout=0.5))

        wait_for(answers, 60, f"the Celery worker {self.node} (log: {self.log})")

    def kill(self) -> None:
        """SIGKILL to the whole process group: the main process and its pool, no goodbye."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=20)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def make_worker(own_redis: OwnRedis, private_media: Path) -> Iterator[Callable[..., Worker]]:
    """Starts worker processes for the test (on the fault tests' own Redis); stops them after.

    The worker's log (JSON lines) is `.log`: each stored check logs "upload checked" there."""
    started: list[Worker] = []
    log = LOG_DIR / f"faults-worker-{uuid.uuid4().hex[:8]}.log"

    def make(concurrency: int = 2) -> Worker:
        worker = Worker(private_media, log, concurrency)
        worker.start()
        started.append(worker)
        return worker

    yield make
    for worker in started:
        worker.stop()
