"""TOTP codes only move forward: once a code of one 30-second step has been used, a code of the
same or an earlier step is refused, though allauth's tolerance window would still accept it.

allauth already refuses the very same code twice (a marker in the cache); it has no hook for
this, so the portal's two code forms ask here before and after allauth's check (ADR 0020). The
last step used is kept in the cache (Redis, shared by every process, in full mode) for as long
as any older step could still be inside the window.
"""

from typing import Any

from allauth.core.internal.cryptokit import compare_user_code
from allauth.mfa import app_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from allauth.mfa.utils import decrypt
from django.core.cache import cache


def _key(user: Any) -> str:
    return f"wres.totp.last_step:{user.pk}"


def totp_step_of(user: Any, code: str) -> int | None:
    """The time step, within the tolerance window, whose code for the user's app this is."""
    authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if authenticator is None or not code:
        return None
    secret = decrypt(authenticator.data["secret"])
    for counter in yield_hotp_counters_from_time():
        if compare_user_code(actual=code, expected=format_hotp_value(hotp_value(secret, counter))):
            return counter
    return None


def totp_step_is_new(user: Any, step: int) -> bool:
    """Whether no code of this step or a later one has been used yet."""
    last = cache.get(_key(user))
    return last is None or step > int(last)


def totp_step_record(user: Any, step: int) -> None:
    """Remembers the step of a code just accepted."""
    window = app_settings.TOTP_PERIOD * (2 * app_settings.TOTP_TOLERANCE + 2)
    last = cache.get(_key(user))
    cache.set(_key(user), max(step, int(last)) if last is not None else step, timeout=window)
