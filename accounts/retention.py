"""Account retention: accounts nobody has used for `ACCOUNT_INACTIVE_DAYS` are disabled (ADR 0012).

An account is inactive when its last sign-in (its joining date if it never signed in) and the
last use of any of its API tokens are both before the cutoff. Everyone is included: national
admins and other superusers too, since a dormant account with the most power is the one most
worth closing. Another national admin can enable an account again; the disabling itself then
counts as activity, so the account gets a whole period to be used before it is disabled again.

Each account is claimed by one conditional UPDATE (still active, still inactive), then its
sessions are ended and the audit event is written, in one transaction: a second run, or a run at
the same time, claims nothing and records nothing. A sign-in between the listing and the claim
moves `last_login` on, so the claim misses that account.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import CharField, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone

from accounts.models import User
from audit.models import AuditEvent
from audit.services import audit_record
from wres_portal.celery import app

logger = logging.getLogger(__name__)

SYSTEM_ACTOR = "celery:retention"
ACTION = "account_disabled_inactive"


@dataclass
class AccountRetentionRun:
    """What one run did (or, in a dry run, would do): the accounts' email addresses."""

    cutoff: dt.datetime
    dry_run: bool
    disabled: list[str] = field(default_factory=list)
    sessions_ended: int = 0


def account_inactive_cutoff(*, now: dt.datetime | None = None) -> dt.datetime:
    """Accounts with no activity since this moment are inactive."""
    return (now or timezone.now()) - dt.timedelta(days=settings.WRES_ACCOUNT_INACTIVE_DAYS)


def accounts_inactive(*, cutoff: dt.datetime) -> QuerySet[User]:
    """Active accounts with no sign-in, API token use or retention disabling since ``cutoff``."""
    disabled_since = AuditEvent.objects.filter(
        action=ACTION,
        object_type=User._meta.label_lower,
        object_id=Cast(OuterRef("pk"), CharField()),
        occurred_at__gte=cutoff,
    )
    return (
        User.objects.filter(is_active=True)
        .filter(Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff))
        .exclude(api_tokens__last_used_at__gte=cutoff)
        .exclude(Exists(disabled_since))
    )


def _sessions_by_user() -> dict[str, list[str]]:
    """The keys of the unexpired sessions, by the signed-in user's id."""
    sessions: dict[str, list[str]] = defaultdict(list)
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        user_id = session.get_decoded().get("_auth_user_id")
        if user_id is not None:
            sessions[str(user_id)].append(session.session_key)
    return sessions


def account_disable_inactive(
    *,
    user_id: int,
    cutoff: dt.datetime,
    session_keys: list[str] | None = None,
    actor: str = SYSTEM_ACTOR,
) -> int | None:
    """Disables one account if it is still inactive, ends its sessions and records it.

    ``session_keys`` are the account's sessions when known (a run reads every session once);
    otherwise they are looked up. Returns the number of sessions ended, or None if the account
    was no longer due (already disabled, or used since it was listed).
    """
    with transaction.atomic():
        claimed = accounts_inactive(cutoff=cutoff).filter(pk=user_id).update(is_active=False)
        if claimed != 1:
            return None
        user = User.objects.get(pk=user_id)
        if session_keys is None:
            session_keys = _sessions_by_user().get(str(user_id), [])
        ended, _ = Session.objects.filter(session_key__in=session_keys).delete()
        last_sign_in = user.last_login.isoformat() if user.last_login else None
        audit_record(
            action=ACTION,
            system_actor=actor,
            target=user,
            detail={
                "last_sign_in": last_sign_in,
                "joined": user.date_joined.isoformat(),
                "inactive_days": settings.WRES_ACCOUNT_INACTIVE_DAYS,
                "national_role": user.national_role,
                "sessions_ended": ended,
            },
        )
    return ended


def accounts_apply_retention(
    *, dry_run: bool = False, now: dt.datetime | None = None, actor: str = SYSTEM_ACTOR
) -> AccountRetentionRun:
    """Disables every account inactive for `ACCOUNT_INACTIVE_DAYS`, ending its sessions.

    With ``dry_run`` nothing changes: the run lists who would be disabled. Safe to run twice or
    at the same time as another run (see the module's docstring).
    """
    cutoff = account_inactive_cutoff(now=now)
    run = AccountRetentionRun(cutoff=cutoff, dry_run=dry_run)
    due = list(accounts_inactive(cutoff=cutoff).order_by("pk").values_list("pk", "email"))
    if dry_run:
        run.disabled = [email for _, email in due]
        return run
    sessions = _sessions_by_user() if due else {}
    for user_id, email in due:
        ended = account_disable_inactive(
            user_id=user_id, cutoff=cutoff, session_keys=sessions.get(str(user_id), []), actor=actor
        )
        if ended is not None:
            run.disabled.append(email)
            run.sessions_ended += ended
    logger.info("Account retention: %d account(s) disabled", len(run.disabled))
    return run


@app.task(  # type: ignore[untyped-decorator]
    name="accounts.accounts_apply_retention", time_limit=1800, soft_time_limit=1700
)
def accounts_apply_retention_task() -> dict[str, int]:
    """The daily run (Celery beat): disables accounts inactive for the configured period."""
    run = accounts_apply_retention()
    return {"disabled": len(run.disabled), "sessions_ended": run.sessions_ended}
