"""Runs `extract.py` in a child process with a time and memory bound, and reads its answer.

A fresh interpreter (``python -I``: no environment, no user site, no current directory) rather
than a fork: it works the same from a web thread, a Celery prefork child or a command, carries
none of the parent's memory, and its limits (address space, CPU, no file writes) are its own.
"""

from __future__ import annotations

import json
import logging
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any, Final

logger = logging.getLogger(__name__)

EXTRACT: Final = Path(__file__).with_name("extract.py")
#: Address space of the child: ample for a 5 MB workbook, small beside a 3 GB process limit.
MEMORY_BYTES: Final = 1024 * 1024 * 1024
CPU_SECONDS: Final = 10
WALL_SECONDS: Final = 20.0


def _refused(code: str, message: str) -> dict[str, Any]:
    return {"refused": {"code": code, "message": message}}


TOO_DEMANDING = (
    "The file took too much {what} to read, far more than a WRES return needs, so reading it was "
    "stopped. Upload the template downloaded from the portal, or a CSV file."
)


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
    command = [sys.executable, "-I", str(EXTRACT), kind, str(memory_bytes), str(cpu_seconds)]
    try:
        completed = subprocess.run(  # noqa: S603 - our own script, fixed arguments
            command, input=data, capture_output=True, timeout=wall_seconds, check=False
        )
    except subprocess.TimeoutExpired:
        return _refused("U013", TOO_DEMANDING.format(what="time"))
    if completed.returncode == 0:
        try:
            result: dict[str, Any] = json.loads(completed.stdout)
        except ValueError:
            result = {}
        if "refused" in result and result["refused"].get("message") == "memory":
            return _refused("U013", TOO_DEMANDING.format(what="memory"))
        if result:
            return result
    stderr = completed.stderr.decode("utf-8", "replace")[-2000:]
    if "MemoryError" in stderr or "memory allocation" in stderr or completed.returncode in (-6, -9):
        return _refused("U013", TOO_DEMANDING.format(what="memory"))
    if completed.returncode == -signal.SIGXCPU:
        return _refused("U013", TOO_DEMANDING.format(what="time"))
    logger.warning(
        "upload extraction failed", extra={"returncode": completed.returncode, "stderr": stderr}
    )
    return _refused(
        "U008", "The file could not be read. Check that it opens in Excel, then try again."
    )
