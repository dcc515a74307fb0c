"""Building and storing the national report's PDF: once per release and year, never per request.

The PDF is kept in the shared file store (``default_storage``: every node sees it) under a name
that carries the release's content hash and :data:`REPORT_VERSION`, so a republication or a
new layout gets a new file and an old one is never served for new figures. The first request
for a year builds it under a lock held in the shared cache; a request that finds the lock held
waits for the file, and answers "try again shortly" if it is still not there (ADR 0025).
"""

from __future__ import annotations

import hashlib
import time
import uuid
from typing import Final

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from extracts.models import Publication
from reports.content import national_report
from reports.pdf import report_pdf_render

#: Bump when the report's content or layout changes: stored PDFs of the old layout are not used.
REPORT_VERSION: Final = 1
LOCK_SECONDS: Final = 600
POLL_SECONDS: Final = 0.5


class ReportBeingBuilt(Exception):
    """Another process is building this PDF and has not finished within the wait."""


def national_report_pdf_name(*, publication: Publication, year: int) -> str:
    """The stored name of ``year``'s PDF for the release ``publication`` built."""
    digest = (
        publication.release_sha256
        or hashlib.sha256(publication.release_file.encode("utf-8")).hexdigest()
    )
    return f"reports/national-{year}-{publication.pk}-{digest[:16]}-v{REPORT_VERSION}.pdf"


def _wait_seconds() -> float:
    return float(getattr(settings, "WRES_REPORT_BUILD_WAIT_SECONDS", 30))


def _read(name: str) -> bytes:
    with default_storage.open(name, "rb") as handle:
        return bytes(handle.read())


def national_report_pdf_build(*, year: int) -> tuple[str, bytes] | None:
    """The stored name and bytes of ``year``'s report PDF, built and stored now if this release
    has none yet; ``None`` where ``year`` is not published. Raises :class:`ReportBeingBuilt`
    when another process holds the build lock for longer than the wait."""
    report = national_report(year)
    if report is None:
        return None
    publication = Publication.objects.get(pk=report["publication"]["id"])
    name = national_report_pdf_name(publication=publication, year=year)
    if default_storage.exists(name):
        return name, _read(name)
    lock, token = f"reports:pdf-lock:{name}", uuid.uuid4().hex
    deadline = time.monotonic() + _wait_seconds()
    while not cache.add(lock, token, timeout=LOCK_SECONDS):
        if default_storage.exists(name):
            return name, _read(name)
        if time.monotonic() > deadline:
            raise ReportBeingBuilt(name)
        time.sleep(POLL_SECONDS)
    try:
        if default_storage.exists(name):  # built while this process waited for the lock
            return name, _read(name)
        data = report_pdf_render(report)
        saved = default_storage.save(name, ContentFile(data))
        if saved != name:  # a store that renames instead of overwriting: keep the first
            default_storage.delete(saved)
        return name, data
    finally:
        if cache.get(lock) == token:
            cache.delete(lock)
