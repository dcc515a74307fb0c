"""Notices other apps put at the top of a return's task list and on the returns list.

The review (a layer above returns) has things the organisation must see first: open queries with
their indicator and due date, the reason NHS England reopened the return. Returns cannot import
the review, so the review registers a provider here from its `AppConfig.ready` (ADR 0015): a
function from a return to its notices. Providers only read; they must not write.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover - annotations only
    from returns.models import Return


@dataclass(frozen=True, slots=True)
class ReturnNotice:
    """One notice: a heading, plain-text lines, and optionally a link to act on it."""

    heading: str
    lines: tuple[str, ...] = field(default_factory=tuple)
    link_text: str = ""
    href: str = ""
    #: Needs the organisation to act (shown as a warning callout rather than an inset).
    action_needed: bool = True


NoticeProvider = Callable[["Return"], list[ReturnNotice]]
_providers: list[NoticeProvider] = []


def notice_provider_register(provider: NoticeProvider) -> None:
    """Adds a provider (once; registering the same function again changes nothing)."""
    if provider not in _providers:
        _providers.append(provider)


def return_notices(return_: Return) -> list[ReturnNotice]:
    """Every registered provider's notices for the return, in registration order."""
    return [notice for provider in _providers for notice in provider(return_)]
