"""Reads of the dashboards app for other apps' pages (the organisation page's profile)."""

from __future__ import annotations

from typing import Any

from dashboards.profiles import organisation_profile
from dashboards.snapshot import dashboard_open


def profile_for_user(*, organisation: Any, user: Any) -> dict[str, Any] | None:
    """The organisation's published profile for its public page: suppressed for everyone,
    signed-in national roles included (unsuppressed figures are shown only on the WRES team's
    own pages and extracts). ``None`` before anything is published."""
    snapshot = dashboard_open()
    if snapshot is None:
        return None
    return organisation_profile(
        organisation,
        profile_name=snapshot.profile_name,
        fingerprint=snapshot.profile_fingerprint,
        unsuppressed=False,
    )
