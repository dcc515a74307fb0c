"""Receivers of allauth's signals that the portal needs beyond its adapters."""

from __future__ import annotations

from typing import Any

from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.models import Authenticator


def fresh_totp_counts_as_confirming(
    sender: Any, request: Any, user: Any, authenticator: Authenticator, **kwargs: Any
) -> None:
    """Turning on an authenticator app needs a code from it: that is as fresh a proof as the
    "confirm it's you" page asks for, so the recovery codes shown next are not behind another
    confirmation (ADR 0020). Only the app (TOTP) counts; codes generated are not a proof."""
    if request is None or authenticator.type != Authenticator.Type.TOTP:
        return
    record_authentication(
        request, user, method="mfa", reauthenticated=True, type="totp", id=authenticator.pk
    )
