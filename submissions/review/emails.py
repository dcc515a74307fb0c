"""The review's emails go through the outbox (`submissions.emails`); this keeps its helpers.

Bodies are plain text rendered from `submissions/email_*.txt`; each email is a row written in
the caller's transaction and sent by Celery after commit, so a refused action sends nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

from organisations.models import Role
from submissions import emails
from submissions.emails import email_enqueue, email_render

__all__ = ["EDITOR_ROLES", "email_enqueue", "email_render", "organisation_emails"]

#: Who acts on a return, and so gets its queries and reminders.
EDITOR_ROLES = (Role.SUBMITTER, Role.APPROVER)


def organisation_emails(organisation_id: int, roles: Iterable[str] = EDITOR_ROLES) -> list[str]:
    """Active members' addresses, in a stable order (submitters and approvers by default)."""
    return emails.organisation_emails(organisation_id, roles)
