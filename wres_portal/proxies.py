"""The client's address behind trusted reverse proxies: one place decides it for everything.

`ClientAddressMiddleware` runs first and rewrites ``request.META["REMOTE_ADDR"]`` to the client's
address, so that every reader of the address sees the same one: the audit trail
(`audit.services.client_ip`), allauth's sign-in rate limits (allauth's ``get_client_ip`` falls
back to ``REMOTE_ADDR`` while ``ALLAUTH_TRUSTED_PROXY_COUNT`` and
``ALLAUTH_TRUSTED_CLIENT_IP_HEADER`` are unset, as they must stay), the API's and the downloads'
throttles. ``X-Forwarded-For`` is read only when the connection comes from a proxy listed in the
setting ``WRES_TRUSTED_PROXIES`` (addresses or networks), and then from the right: the first hop
that is not itself a trusted proxy is the client. Hops further left were written by the client
and are never believed. See ADR 0021.
"""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Callable, Iterable, Sequence

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address

#: The connection's own address, before the middleware replaced REMOTE_ADDR.
PEER_META_KEY = "WRES_PEER_ADDR"


def parse_trusted_proxies(
    entries: Iterable[str], *, setting: str = "WRES_TRUSTED_PROXIES"
) -> tuple[Network, ...]:
    """Addresses and networks (``10.0.0.0/8``, ``127.0.0.1``, ``::1``); anything else refused."""
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"{setting} must list IP addresses or networks (CIDR), not {entry!r}"
            ) from None
    return tuple(networks)


def _address(text: str) -> Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # "[2001:db8::1]:443"
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # "192.0.2.1:443"
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _trusted(address: Address, proxies: Sequence[Network]) -> bool:
    return any(address.version == network.version and address in network for network in proxies)


def client_address(peer: str, forwarded_for: str, proxies: Sequence[Network]) -> str:
    """The client's address, given the connection's address and the ``X-Forwarded-For`` header.

    The header is believed only when ``peer`` is a trusted proxy; it is then read right to left,
    skipping hops that are trusted proxies too. A malformed hop ends the walk: the last address
    that a trusted proxy vouched for is the answer (the proxy itself when there is none).
    """
    current = _address(peer)
    if current is None or not proxies or not _trusted(current, proxies):
        return peer
    for hop in reversed([part for part in forwarded_for.split(",") if part.strip()]):
        address = _address(hop)
        if address is None:
            break
        current = address
        if not _trusted(address, proxies):
            break
    return str(current)


@functools.lru_cache(maxsize=8)
def _parsed(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return parse_trusted_proxies(entries)


def trusted_proxies() -> tuple[Network, ...]:
    """The setting ``WRES_TRUSTED_PROXIES`` (a list of addresses and networks), parsed."""
    value = getattr(settings, "WRES_TRUSTED_PROXIES", ())
    if isinstance(value, str):
        value = value.split(",")
    return _parsed(tuple(str(item).strip() for item in value if str(item).strip()))


def from_trusted_proxy(request: HttpRequest) -> bool:
    """Whether the connection itself came from a trusted proxy (whose headers may be believed)."""
    peer = _address(request.META.get(PEER_META_KEY, request.META.get("REMOTE_ADDR", "")))
    return peer is not None and _trusted(peer, trusted_proxies())


class ClientAddressMiddleware:
    """Sets ``REMOTE_ADDR`` to the client's address (see the module's docstring); first in line."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        peer = request.META.get("REMOTE_ADDR", "")
        request.META[PEER_META_KEY] = peer
        request.META["REMOTE_ADDR"] = client_address(
            peer, request.META.get("HTTP_X_FORWARDED_FOR", ""), trusted_proxies()
        )
        return self.get_response(request)
