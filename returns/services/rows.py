"""The optimistic lock on returns, and how services name their actor to the audit log."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from accounts.models import User
from audit.services import audit_record
from returns.exceptions import ReturnConflict
from returns.models import Return

#: A signed-in user, or the name of a system process (e.g. "seed_demo", "celery").
Actor = User | str


def audit(*, action: str, actor: Actor, target: Any, detail: dict[str, Any]) -> None:
    """Records an audit event for ``actor``: a user, or a system process by name."""
    if isinstance(actor, str):
        audit_record(action=action, system_actor=actor, target=target, detail=detail)
    else:
        audit_record(action=action, actor=actor, target=target, detail=detail)


def user_or_none(actor: Actor) -> User | None:
    return None if isinstance(actor, str) else actor


def return_load(*, return_: Return | int, expected_version: int) -> Return:
    """The return as it is in the database now; refuses early if it has moved on.

    The final guard is `return_advance`'s conditional UPDATE: this early check only saves work.
    """
    pk = return_ if isinstance(return_, int) else return_.pk
    fresh = Return.objects.select_related("collection", "organisation").get(pk=pk)
    if fresh.version != expected_version:
        raise ReturnConflict(expected_version=expected_version, current_version=fresh.version)
    return fresh


def return_advance(*, return_: Return, expected_version: int, **changes: Any) -> Return:
    """Writes ``changes`` only if the row is still at ``expected_version``; bumps the version.

    One `UPDATE ... WHERE id = %s AND version = %s`: on PostgreSQL a concurrent writer waits for
    the row lock and then finds no row at its version; on SQLite writers are serialised by
    immediate transactions. Either way the loser gets `ReturnConflict`, never a silent overwrite.
    """
    changes["version"] = expected_version + 1
    changes["updated_at"] = timezone.now()
    updated = Return.objects.filter(pk=return_.pk, version=expected_version).update(**changes)
    if updated != 1:
        current = Return.objects.filter(pk=return_.pk).values_list("version", flat=True).first()
        raise ReturnConflict(expected_version=expected_version, current_version=current)
    for field, value in changes.items():
        setattr(return_, field, value)
    return return_
