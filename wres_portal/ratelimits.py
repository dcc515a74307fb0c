"""Fixed-window request limits counted in the Django cache (Redis in full mode), and the page
that tells someone refused how long to wait (429 with Retry-After)."""

from __future__ import annotations

import functools
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


@dataclass(frozen=True)
class Verdict:
    """Whether one more request is allowed, and if not, how many seconds until it is."""

    allowed: bool
    retry_after: int


def limit_hit(*, scope: str, who: str, limit: int, window: int) -> Verdict:
    """Counts one request by ``who`` in ``scope`` and says whether it is within ``limit`` per
    ``window`` seconds (fixed windows: the count starts again at each multiple of the window)."""
    now = time.time()
    key = f"wres-rate:{scope}:{who}:{int(now // window)}"
    cache.add(key, 0, timeout=window + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window + 1)
        count = 1
    return Verdict(allowed=count <= limit, retry_after=max(1, math.ceil(window - now % window)))


def _duration(seconds: int) -> str:
    if seconds < 60:
        return "1 second" if seconds == 1 else f"{seconds} seconds"
    minutes = math.ceil(seconds / 60)
    return "1 minute" if minutes == 1 else f"{minutes} minutes"


def too_many_requests(
    request: HttpRequest, *, limit: int, window: int, retry_after: int
) -> HttpResponse:
    """429 in the NHS.UK layout, saying how long to wait; ``Retry-After`` says it to machines."""
    response = render(
        request,
        "pages/429.jinja",
        {
            "limit": limit,
            "window_text": _duration(window),
            "wait_text": _duration(retry_after),
        },
        status=429,
    )
    response["Retry-After"] = str(retry_after)
    return response


def limit_anonymous_downloads(view: Callable[..., Any]) -> Callable[..., Any]:
    """Limits a view's anonymous requests per client address: ``WRES_DOWNLOAD_RATE_LIMIT`` per
    ``WRES_DOWNLOAD_RATE_WINDOW`` seconds. Signed-in people are not limited (each is known and
    accountable). The address is ``REMOTE_ADDR`` as `wres_portal.proxies` set it."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if not request.user.is_authenticated:
            limit = settings.WRES_DOWNLOAD_RATE_LIMIT
            window = settings.WRES_DOWNLOAD_RATE_WINDOW
            verdict = limit_hit(
                scope="download",
                who=request.META.get("REMOTE_ADDR", ""),
                limit=limit,
                window=window,
            )
            if not verdict.allowed:
                return too_many_requests(
                    request, limit=limit, window=window, retry_after=verdict.retry_after
                )
        return view(request, *args, **kwargs)

    return wrapped
