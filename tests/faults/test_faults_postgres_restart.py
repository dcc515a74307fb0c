"""PostgreSQL restarted under load (WRES_FAULTS=1): a gunicorn process serves the portal from a
PostgreSQL cluster of the fault tests' own while threads send requests and the cluster restarts.
Requests caught by the restart get the portal's error page, never a traceback; once the database
is back every request succeeds, without restarting the app (CONN_HEALTH_CHECKS)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import LOG_DIR, ROOT, _test_database_url
from tests.faults.conftest import OwnRedis, free_port, port_open, wait_for

pytestmark = [pytest.mark.faults, pytest.mark.usefixtures("own_redis")]

PAGES = ("/", "/organisations/", "/accessibility/")
LEAKS = (b"Traceback", b"OperationalError", b"psycopg", b"Exception Value")


def _pg_version() -> str:
    versions = sorted(
        os.listdir("/usr/lib/postgresql"), key=lambda v: [int(p) for p in v.split(".")]
    )
    return versions[-1]


class OwnCluster:
    """A PostgreSQL cluster of the fault tests' own (Debian's pg_createcluster), trusting local
    connections, holding a copy of the test database."""

    def __init__(self) -> None:
        self.version = _pg_version()
        self.name = f"wres_faults_{uuid.uuid4().hex[:6]}"
        self.port = free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/wres"

    def ctl(self, action: str, *extra: str) -> None:
        subprocess.run(
            ["pg_ctlcluster", self.version, self.name, action, *extra],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip

    def create(self, source_url: str) -> None:
        subprocess.run(
            ["pg_createcluster", self.version, self.name, "-p", str(self.port), "--start",
             "--", "--auth-local=trust", "--auth-host=trust"],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        as_postgres = ["runuser", "-u", "postgres", "--"]
        subprocess.run(
            [*as_postgres, "createdb", "-p", str(self.port), "wres"], check=True, timeout=60
        )
        dump = subprocess.run(
            ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", source_url],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        subprocess.run(
            ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error",
             "--dbname", self.url],
            input=dump.stdout, check=True, capture_output=True, timeout=120,
        )  # fmt: skip

    def drop(self) -> None:
        subprocess.run(
            ["pg_dropcluster", "--stop", self.version, self.name], capture_output=True, timeout=120
        )


@pytest.fixture
def own_cluster(full_mode: None, django_db_setup: None, django_db_blocker: Any) -> Iterator[Any]:
    with django_db_blocker.unblock():
        source = _test_database_url()
    cluster = OwnCluster()
    try:
        cluster.create(source)
        yield cluster
    finally:
        cluster.drop()


@pytest.fixture
def portal(own_cluster: OwnCluster, own_redis: OwnRedis) -> Iterator[str]:
    """gunicorn (one process, four threads) with DEBUG off, on the cluster and our Redis."""
    port = free_port()
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    log = LOG_DIR / "faults-gunicorn.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "wres_portal.settings_test",
        "DEBUG": "false",
        "SECRET_KEY": "faults-" + uuid.uuid4().hex * 2,
        "WRES_MFA_ENCRYPTION_KEY": "ZmF1bHRzLXRlc3Qta2V5LW9ubHktMzItYnl0ZXMhISE=",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": own_cluster.url,
    }
    with log.open("ab") as handle:
        server = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "wres_portal.wsgi:application",
             "--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "4",
             "--timeout", "60"],
            cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        wait_for(lambda: port_open(port), 60, f"gunicorn on port {port} (log: {log})")
        yield f"http://127.0.0.1:{port}"
        assert server.poll() is None, "gunicorn exited"
    finally:
        server.terminate()
        server.wait(timeout=30)


def fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_postgresql_restart_under_load_fails_cleanly_and_recovers_by_itself(
    portal: str, own_cluster: OwnCluster
) -> None:
    for page in PAGES:
        assert fetch(portal + page)[0] == 200, page
    seen: Counter[int] = Counter()
    leaks: list[tuple[str, int, bytes]] = []
    stop = threading.Event()

    def load() -> None:
        n = 0
        while not stop.is_set():
            page = PAGES[n % len(PAGES)]
            n += 1
            try:
                status, body = fetch(portal + page)
            except (urllib.error.URLError, ConnectionError, TimeoutError) as error:
                leaks.append((page, 0, str(error).encode()))
                continue
            seen[status] += 1
            # A request caught by the restart answers the database-unavailable page (503); the
            # portal's general error page (500) would be clean too, but should not be needed.
            clean_error = (status == 503 and b"Sorry, the service is unavailable" in body) or (
                status == 500 and b"Sorry, there is a problem" in body
            )
            if any(leak in body for leak in LEAKS) or not (status == 200 or clean_error):
                leaks.append((page, status, body[:3000]))

    threads = [threading.Thread(target=load) for _ in range(4)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(1)  # under load
        own_cluster.ctl("restart", "-m", "fast")
        time.sleep(2)  # and on after the restart
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
    assert not leaks, leaks[:3]
    assert seen[200] > 0
    assert seen[500] == 0, seen  # losing the database is a 503, not a server error
    # Back by itself: every page answers again, many times over, with the same server process.
    wait_for(lambda: fetch(portal + "/")[0] == 200, 30, "the portal to answer after the restart")
    for _ in range(5):
        for page in PAGES:
            status, body = fetch(portal + page)
            assert status == 200, (page, status, body[:2000])
