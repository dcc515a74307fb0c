"""Values every page's layout needs: service name, CSP nonce, header navigation."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.middleware.csp import get_nonce


def layout(request: HttpRequest) -> dict[str, Any]:
    """The layout's context. The nonce is rendered as a string: the lazy object renders nothing."""
    nonce = get_nonce(request)
    return {
        "service_name": settings.WRES_SERVICE_NAME,
        "csp_nonce": str(nonce) if nonce is not None else "",
        "asset_path": f"{settings.STATIC_URL}vendor/nhsuk/assets",
    }
