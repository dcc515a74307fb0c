"""The review's emails go through the outbox (`notifications.services`); this keeps its helpers.

Bodies are plain text rendered from `review/email/*.txt`; each email is a row written in
the caller's transaction and sent by Celery after commit, so a refused action sends nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

from notifications import services as emails
from notifications.services import email_enqueue, email_render
from organisations.models import Role

__all__ = ["EDITOR_ROLES", "email_enqueue", "email_render", "organisation_emails"]

#: Who acts on a return, and so gets its queries and reminders.
EDITOR_ROLES = (Role.SUBMITTER, Role.APPROVER)


def organisation_emails(organisation_id: int, roles: Iterable[str] = EDITOR_ROLES) -> list[str]:
    """Active members' addresses, in a stable order (submitters and approvers by default)."""
    return emails.organisation_emails(organisation_id, roles)
