"""Reads for the upload pages and commands: the pre-filled template, a return's uploads."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import QuerySet, Sum
from django.http import Http404

from organisations.models import Organisation
from returns.models import Return
from returns.selectors import return_prefill
from uploads.models import Upload
from uploads.template import build_template


def _previous_values(*, organisation: Organisation, year: int) -> dict[str, object] | None:
    previous = (
        Return.objects.filter(
            organisation=organisation, collection__year=year - 1, accepted_version__isnull=False
        )
        .select_related("accepted_version")
        .first()
    )
    if previous is None or previous.accepted_version is None:
        return None
    return dict(previous.accepted_version.values)


def upload_template(*, organisation: Organisation, year: int, return_: Return | None) -> bytes:
    """The template for ``organisation``'s ``year``: its draft's values where there is a return,
    and where the draft leaves them empty, last year's accepted indicator 3 figures and the
    Staff Survey figures loaded for the organisation and year (also without a return)."""
    previous = _previous_values(organisation=organisation, year=year)
    if return_ is not None:
        values = dict(return_.values)
        prefilled = return_prefill(return_=return_, previous=previous)
    else:
        from indicators.returns import with_previous_year
        from survey.selectors import survey_values

        values = {}
        prefilled = {
            **with_previous_year({}, previous),
            **survey_values(organisation_id=organisation.pk, year=year),
        }
    return build_template(
        organisation_name=organisation.name,
        ods_code=organisation.ods_code,
        year=year,
        values=values,
        prefilled=prefilled,
    )


def upload_list_for_return(*, return_: Return) -> QuerySet[Upload]:
    """The return's uploads, newest first (the caller has already checked the return)."""
    return Upload.objects.filter(wres_return=return_).select_related("uploaded_by")


def upload_for_return(*, return_: Return, upload_id: int) -> Upload:
    """One of the return's uploads; any other id (another return's included) is a 404."""
    upload = (
        Upload.objects.filter(wres_return=return_, pk=upload_id)
        .select_related("wres_return__collection", "organisation", "uploaded_by")
        .first()
    )
    if upload is None:
        raise Http404("No such upload for this return")
    return upload


def upload_stored_bytes(*, organisation: Organisation) -> int:
    """Bytes of the organisation's uploaded files still stored (deleted files do not count)."""
    total = Upload.objects.filter(
        organisation=organisation, file_deleted_at__isnull=True
    ).aggregate(total=Sum("size"))["total"]
    return int(total or 0)


def upload_limits(*, organisation: Organisation) -> dict[str, Any]:
    """What the upload page tells people about the limits (ADR 0021) and how much is used."""
    megabyte = 1024 * 1024
    return {
        "uploads_per_hour": settings.WRES_UPLOADS_PER_HOUR,
        "quota_mb": round(settings.WRES_UPLOAD_QUOTA_BYTES / megabyte),
        "stored_mb": round(upload_stored_bytes(organisation=organisation) / megabyte, 1),
        "retention_days": settings.WRES_UPLOAD_RETENTION_DAYS,
    }
