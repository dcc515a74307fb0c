"""Celery tasks of extracts: thin wrappers that take ids and call one service."""

from __future__ import annotations

from wres_portal.celery import app


@app.task(  # type: ignore[untyped-decorator]
    name="extracts.release_rebuild", time_limit=3600, soft_time_limit=3300
)
def release_rebuild(publication_id: int) -> str:
    """Rebuilds the release (public tables, mask, aggregates) after a (re)publication."""
    from extracts.services import publication_release_rebuild

    return publication_release_rebuild(publication_id=publication_id)
