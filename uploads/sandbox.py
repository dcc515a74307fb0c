"""Runs `extract.py` in bounded child processes, kept warm in a small pool, and reads its answer.

A fresh interpreter (``python -I``: no environment, no user site, no current directory) rather
than a fork: it works the same from a web thread, a Celery prefork child or a command, carries
none of the parent's memory, and its limits (address space, CPU, no file writes) are its own.

Starting that interpreter took most of an upload's checking time (about 65 ms of 90), so each
process keeps a few children started ahead (``WRES_PARSER_POOL_SIZE``, default 1; started with
each Celery worker process): a child reads up to ``FILES_PER_CHILD`` files, one at a time, then
exits; it is replaced after any file it refused, ran out of time or memory on, or died on, so a
hostile file never meets a later upload in the same process.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import logging
import os
import selectors
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO, Any, Final

logger = logging.getLogger(__name__)

EXTRACT: Final = Path(__file__).with_name("extract.py")
#: Address space of the child: ample for a 5 MB workbook, small beside a 3 GB process limit.
MEMORY_BYTES: Final = 1024 * 1024 * 1024
CPU_SECONDS: Final = 10
WALL_SECONDS: Final = 20.0
#: Files one child reads before it exits and is replaced.
FILES_PER_CHILD: Final = 50


def _refused(code: str, message: str) -> dict[str, Any]:
    return {"refused": {"code": code, "message": message}}


TOO_DEMANDING = (
    "The file took too much {what} to read, far more than a WRES return needs, so reading it was "
    "stopped. Upload the template downloaded from the portal, or a CSV file."
)
UNREADABLE = "The file could not be read. Check that it opens in Excel, then try again."


def _pool_size() -> int:
    try:
        from django.conf import settings

        return max(0, int(getattr(settings, "WRES_PARSER_POOL_SIZE", 1)))
    except Exception:  # outside Django (a script): one warm child
        return 1


class _Child:
    """One `extract.py --serve` process and how many files it has read."""

    def __init__(self, key: tuple[str, int, int]) -> None:
        script, memory_bytes, cpu_seconds = key
        self.key = key
        self.served = 0
        self.process = subprocess.Popen(  # noqa: S603 - our own script, fixed arguments
            [sys.executable, "-I", script, "--serve", str(memory_bytes), str(cpu_seconds),
             str(FILES_PER_CHILD)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip

    @property
    def usable(self) -> bool:
        return self.process.poll() is None and self.served < FILES_PER_CHILD

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):  # a kill is not refused
            self.process.wait(timeout=5)
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                stream.close()

    def exchange(self, kind: str, data: bytes, deadline: float) -> bytes | None:
        """Sends one file and returns the JSON answer; ``None`` if the child exited without
        one. Raises :class:`_TimedOut` when no answer came before ``deadline``."""
        stdin, stdout = self.process.stdin, self.process.stdout
        assert stdin is not None and stdout is not None
        self.served += 1
        try:
            stdin.write(kind.ljust(4).encode("ascii") + len(data).to_bytes(8, "big") + data)
            stdin.flush()
        except (BrokenPipeError, OSError):
            return None
        header = _read(stdout, 8, deadline)
        if len(header) < 8:
            return None
        return _read(stdout, int.from_bytes(header, "big"), deadline)


class _TimedOut(Exception):
    """The child gave no (whole) answer before the deadline."""


def _read(stream: IO[bytes], size: int, deadline: float) -> bytes:
    """``size`` bytes from ``stream``, or what came before it closed (the child exited).

    Raises :class:`_TimedOut` past ``deadline``.
    """
    chunks: list[bytes] = []
    left = size
    fd = stream.fileno()
    with selectors.DefaultSelector() as selector:
        selector.register(fd, selectors.EVENT_READ)
        while left:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not selector.select(remaining):
                raise _TimedOut
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
    return b"".join(chunks)


class _Pool:
    """The warm children of this process (a forked process starts its own, empty)."""

    def __init__(self) -> None:
        self.pid = os.getpid()
        self.lock = threading.Lock()
        self.idle: list[_Child] = []

    def take(self, key: tuple[str, int, int]) -> _Child:
        with self.lock:
            while self.idle:
                child = self.idle.pop()
                if child.key == key and child.usable:
                    return child
                child.close()
        return _Child(key)

    def give_back(self, child: _Child) -> None:
        with self.lock:
            if child.usable and len(self.idle) < _pool_size():
                self.idle.append(child)
                return
        child.close()

    def fill(self, key: tuple[str, int, int]) -> None:
        """Starts children until ``WRES_PARSER_POOL_SIZE`` are waiting."""
        while True:
            with self.lock:
                if len(self.idle) >= _pool_size():
                    return
            child = _Child(key)
            with self.lock:
                self.idle.append(child)

    def close(self) -> None:
        with self.lock:
            children, self.idle = self.idle, []
        for child in children:
            child.close()


_pool: _Pool | None = None
_pool_guard = threading.Lock()


def _current_pool() -> _Pool:
    global _pool
    with _pool_guard:
        if _pool is None or _pool.pid != os.getpid():
            # After a fork the parent's children belong to the parent: start afresh.
            _pool = _Pool()
        return _pool


def _default_key() -> tuple[str, int, int]:
    return (str(EXTRACT), MEMORY_BYTES, CPU_SECONDS)


def warm(**_: object) -> None:
    """Starts this process's warm children now (a Celery worker process does at start)."""
    _current_pool().fill(_default_key())


def _refill_later(key: tuple[str, int, int]) -> None:
    pool = _current_pool()
    threading.Thread(target=pool.fill, args=(key,), daemon=True, name="parser-pool").start()


@atexit.register
def _close_pool() -> None:
    if _pool is not None and _pool.pid == os.getpid():
        _pool.close()


def extract_bounded(
    data: bytes,
    kind: str,
    *,
    memory_bytes: int = MEMORY_BYTES,
    cpu_seconds: int = CPU_SECONDS,
    wall_seconds: float = WALL_SECONDS,
) -> dict[str, Any]:
    """The raw cells of ``data`` as `extract.read` gives them, read in a bounded child process.

    Never raises for a bad file: running out of time or memory, or dying, becomes a refusal.
    """
    key = (str(EXTRACT), memory_bytes, cpu_seconds)
    pool = _current_pool()
    child = pool.take(key)
    timed_out = False
    try:
        answer = child.exchange(kind, data, time.monotonic() + wall_seconds)
    except _TimedOut:
        answer, timed_out = None, True
    result: dict[str, Any] = {}
    if answer is not None:
        try:
            result = json.loads(answer)
        except ValueError:
            result = {}
    if result and "refused" not in result:
        pool.give_back(child)
        _refill_later(key)
        return result
    # Anything but a clean answer: this child is not used again. One that exited is waited
    # for, so that how it ended (a signal, an exit code) is known; one that timed out is killed.
    if not timed_out:
        with contextlib.suppress(subprocess.TimeoutExpired):
            child.process.wait(timeout=5)
    child.close()
    _refill_later(key)
    if result.get("refused", {}).get("message") == "memory":
        return _refused("U013", TOO_DEMANDING.format(what="memory"))
    if result:
        return result
    if timed_out:
        return _refused("U013", TOO_DEMANDING.format(what="time"))
    returncode = child.process.returncode
    if returncode in (-signal.SIGABRT, -signal.SIGKILL, -signal.SIGSEGV):
        return _refused("U013", TOO_DEMANDING.format(what="memory"))
    if returncode == -signal.SIGXCPU:
        return _refused("U013", TOO_DEMANDING.format(what="time"))
    logger.warning("upload extraction failed", extra={"returncode": returncode})
    return _refused("U008", UNREADABLE)


try:  # a Celery worker process starts its children with it
    from celery.signals import worker_process_init

    worker_process_init.connect(warm, weak=False, dispatch_uid="uploads-parser-pool")
except ImportError:  # pragma: no cover - Celery is a dependency of the portal
    pass
