"""What the two load benchmarks share: their environment, database, gunicorn, locust and report.

Each run uses its own PostgreSQL database and Redis database number (never the shared ones),
its own folder under ``var/load/`` (uploaded files, releases, collected static files, locust's
CSV output) and production settings (``bench/load_settings.py``) on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import base64
import csv
import json
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
VENV_BIN = ROOT / ".venv" / "bin"
POSTGRES = "postgres://wres:wres@127.0.0.1:5432"


def common_arguments(parser: argparse.ArgumentParser, *, database: str, redis_db: int) -> None:
    parser.add_argument("--database", default=database, help="PostgreSQL database (own one)")
    parser.add_argument("--redis-db", type=int, default=redis_db, help="Redis database number")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--workers",
        type=int,
        default=3,
        help="gunicorn worker processes (default 3: one per core plus one, see the README)",
    )
    parser.add_argument("--threads", type=int, default=2, help="threads per worker (gthread)")
    parser.add_argument("--spawn-rate", type=float, default=10.0, help="users started a second")


def environment(args: argparse.Namespace, *, name: str) -> dict[str, str]:
    """The variables every process of the run gets, and the run's folder (created)."""
    folder = ROOT / "var" / "load" / name
    (folder / "media").mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"{POSTGRES}/{args.database}",
        REDIS_URL=f"redis://127.0.0.1:6379/{args.redis_db}",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(60),
        WRES_MFA_ENCRYPTION_KEY=base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false",
        MEDIA_ROOT=str(folder / "media"),
        WRES_LOAD_DIR=str(folder),
        DJANGO_SETTINGS_MODULE="load_settings",
        PYTHONPATH=os.pathsep.join([str(BENCH), str(ROOT)]),
        LOG_LEVEL="WARNING",
    )
    env.pop("WRES_FULL", None)
    return env


def django_setup(env: dict[str, str]) -> None:
    """Sets Django up in this process with the run's environment."""
    os.environ.update(env)
    for path in (str(ROOT), str(BENCH)):
        if path not in sys.path:
            sys.path.insert(0, path)
    import django

    django.setup()


def database_create(env: dict[str, str], *, fresh: bool) -> bool:
    """Creates the run's database (dropping it first when ``fresh``); True if it was created."""
    import psycopg

    name = env["DATABASE_URL"].rsplit("/", 1)[1]
    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (name,)
        ).fetchone()
        if exists and fresh:
            connection.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')
    return not exists


def redis_flush(env: dict[str, str]) -> None:
    """Empties the run's own Redis database (cache, rate limits, queued tasks of a past run)."""
    import redis

    redis.Redis.from_url(env["REDIS_URL"]).flushdb()


def manage(env: dict[str, str], *command: str) -> None:
    subprocess.run([str(VENV_BIN / "python"), "manage.py", *command], cwd=ROOT, env=env, check=True)


def load_average() -> str:
    one, five, fifteen = Path("/proc/loadavg").read_text().split()[:3]
    return f"load average {one}, {five}, {fifteen} (1, 5, 15 min; the machine is shared)"


class Server:
    """A gunicorn serving the portal on 127.0.0.1 (stopped by ``stop``, by its process group)."""

    def __init__(self, env: dict[str, str], args: argparse.Namespace, folder: Path) -> None:
        self.url = f"http://127.0.0.1:{args.port}"
        command = [
            str(VENV_BIN / "gunicorn"),
            "wres_portal.wsgi",
            "--bind",
            f"127.0.0.1:{args.port}",
            "--workers",
            str(args.workers),
            "--threads",
            str(args.threads),
            "--worker-class",
            "gthread" if args.threads > 1 else "sync",
            "--timeout",
            "120",
            # Longer than a simulated user's pause: with the default 2 s, gunicorn closes an idle
            # connection just as the client reuses it, and the client sees a reset.
            "--keep-alive",
            "10",
            "--no-control-socket",
            "--error-logfile",
            str(folder / "gunicorn.log"),
        ]
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
        print(
            f"gunicorn: {args.workers} workers x {args.threads} threads "
            f"({'gthread' if args.threads > 1 else 'sync'}) on {self.url}"
        )
        self.wait("/accessibility/")

    def wait(self, path: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError("gunicorn stopped; see its log in the run's folder")
            try:
                with urllib.request.urlopen(self.url + path, timeout=5) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not answer {path} within {timeout:.0f} s")
            time.sleep(0.3)

    def get(self, path: str) -> int:
        with urllib.request.urlopen(self.url + path, timeout=60) as response:
            response.read()
            return int(response.status)

    def stop(self) -> None:
        stop_group(self.process)


def stop_group(process: subprocess.Popen[Any]) -> None:
    """Stops a process this run started (and its children), politely then firmly."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def locust_run(
    locustfile: str,
    *,
    host: str,
    users: int,
    spawn_rate: float,
    duration: int,
    folder: Path,
    env: dict[str, str],
) -> list[dict[str, Any]]:
    """Runs locust headless for ``duration`` seconds; returns its final per-request statistics.

    Users get up to 30 s after the time is up to finish what they are doing (so that no save
    is cut off half way); the figures are locust's final ones, written when it has stopped.
    """
    prefix = folder / "locust"
    command = [
        str(VENV_BIN / "locust"),
        "-f",
        str(BENCH / locustfile),
        "--headless",
        "--users",
        str(users),
        "--spawn-rate",
        str(spawn_rate),
        "--run-time",
        f"{duration}s",
        "--stop-timeout",
        "30",
        "--host",
        host,
        "--csv",
        str(prefix),
        "--json-file",
        str(prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    print(f"locust: {users} users for {duration} s against {host}", flush=True)
    # Exit code 1 means "some requests failed": the figures below say which.
    subprocess.run(command, cwd=BENCH, env=env, check=False, stdout=subprocess.DEVNULL)
    entries: list[dict[str, Any]] = json.loads(Path(f"{prefix}.json").read_text())
    failures = Path(f"{prefix}_failures.csv")
    if failures.exists():
        with failures.open(newline="") as handle:
            for row in csv.DictReader(handle):
                print(
                    f"  failure: {row['Method']} {row['Name']}: {row['Error']} "
                    f"x{row['Occurrences']}"
                )
    return entries


def _percentile(times: dict[str, int], total: int, fraction: float) -> int:
    """Locust's way: the smallest recorded (rounded) time at or above ``fraction`` of requests."""
    seen = 0
    for value, count in sorted((int(k), v) for k, v in times.items()):
        seen += count
        if seen >= fraction * total:
            return value
    return 0


def stats_print(entries: list[dict[str, Any]]) -> int:
    """Prints requests/s, p50/p95/p99 and errors per request type; returns the error count."""
    started = min(e["start_time"] for e in entries)
    ended = max(e["last_request_timestamp"] or e["start_time"] for e in entries)
    seconds = max(ended - started, 1e-9)
    every: dict[str, int] = {}
    for entry in entries:
        for value, count in entry["response_times"].items():
            every[value] = every.get(value, 0) + count
    total = {
        "method": "",
        "name": "all",
        "num_requests": sum(e["num_requests"] for e in entries),
        "num_failures": sum(e["num_failures"] for e in entries),
        "response_times": every,
        "max_response_time": max(e["max_response_time"] for e in entries),
    }
    print(f"measured over {seconds:.0f} s")
    print(
        f"{'request type':<36} {'requests':>8} {'errors':>6} {'req/s':>7} "
        f"{'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'max ms':>7}"
    )
    for entry in [*sorted(entries, key=lambda e: e["name"]), total]:
        count = entry["num_requests"]
        times = entry["response_times"]
        name = f"{entry['method']} {entry['name']}".strip()
        print(
            f"{name:<36} {count:>8} {entry['num_failures']:>6} {count / seconds:>7.1f} "
            f"{_percentile(times, count, 0.5):>7} {_percentile(times, count, 0.95):>7} "
            f"{_percentile(times, count, 0.99):>7} {entry['max_response_time']:>7.0f}"
        )
    return int(total["num_failures"])
