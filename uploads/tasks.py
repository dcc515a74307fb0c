"""The upload Celery tasks: the check (takes an id, calls `upload_process`) and the sweep that
queues delayed checks again (`schedule.py` runs the sweep)."""

from __future__ import annotations

from uploads.services import CHECK_TASK, SWEEP_TASK, upload_process, upload_sweep_pending
from wres_portal.celery import app


# Acknowledged late and rejected (so redelivered) when the worker dies: a check interrupted by a
# killed worker runs again. Redelivery after the main worker process itself dies waits for the
# broker's visibility timeout (CELERY_VISIBILITY_TIMEOUT). Both copies are safe to run: the task
# acts only on an upload still waiting for its check and stores one result (see ADR 0010).
# The names are the messages' wire format, kept from before the split into apps (ADR 0015).
@app.task(  # type: ignore[untyped-decorator]
    name=CHECK_TASK,
    time_limit=120,
    soft_time_limit=100,
    acks_late=True,
    reject_on_worker_lost=True,
)
def upload_process_task(upload_id: int) -> bool:
    """Parses and checks an uploaded file and stores the result (see `upload_process`)."""
    return upload_process(upload_id=upload_id, pending_only=True)


@app.task(name=SWEEP_TASK, acks_late=False, time_limit=60, soft_time_limit=50)  # type: ignore[untyped-decorator]
def upload_sweep_pending_task() -> int:
    """Queues the check again for uploads still waiting after the delay (see the service)."""
    return upload_sweep_pending()
