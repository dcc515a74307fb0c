"""The upload Celery task: takes an id, calls `upload_process`. `submissions.tasks` imports it."""

from __future__ import annotations

from wres_portal.celery import app


@app.task(  # type: ignore[untyped-decorator]
    name="submissions.upload_process", time_limit=120, soft_time_limit=100
)
def upload_process_task(upload_id: int) -> bool:
    """Parses and checks an uploaded file and stores the result (see `upload_process`)."""
    from submissions.services.uploads import upload_process

    return upload_process(upload_id=upload_id)
