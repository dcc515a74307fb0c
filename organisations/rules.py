"""The one permission layer (django-rules), used by views, the API and templates alike.

Object permissions take an `Organisation` (or anything with `.organisation`). National roles act
across organisations; organisation roles only for the organisations a person is a member of.
"""

from typing import Any

import rules

from accounts.models import NationalRole
from organisations.models import Organisation, Role


def _organisation(target: Any) -> Organisation | None:
    if isinstance(target, Organisation):
        return target
    return getattr(target, "organisation", None)


def member_role(user: Any, target: Any) -> str | None:
    """The user's role in the target's organisation, or None. Cached per request on the user."""
    organisation = _organisation(target)
    if organisation is None or not user.is_authenticated:
        return None
    cache = user.__dict__.setdefault("_wres_roles", None)
    if cache is None:
        cache = dict(user.memberships.values_list("organisation_id", "role"))
        user.__dict__["_wres_roles"] = cache
    role: str | None = cache.get(organisation.pk)
    return role


def _national(role: str) -> Any:
    @rules.predicate(name=f"is_{role}")
    def predicate(user: Any) -> bool:
        return bool(user.is_authenticated and user.is_active and user.national_role == role)

    return predicate


def _has_role(*roles: str) -> Any:
    @rules.predicate(name=f"has_role_{'_or_'.join(roles)}")
    def predicate(user: Any, target: Any) -> bool:
        return member_role(user, target) in roles

    return predicate


is_reviewer = _national(NationalRole.REVIEWER)
is_analyst = _national(NationalRole.ANALYST)
is_national_admin = _national(NationalRole.ADMIN)
is_member = _has_role(Role.SUBMITTER, Role.APPROVER, Role.VIEWER)
is_editor = _has_role(Role.SUBMITTER, Role.APPROVER)
is_approver = _has_role(Role.APPROVER)

# An organisation's own data (returns, uploads, history): its members, and the national team
# who review it. Analysts work with published figures only (ADR 0022): no drafts, no
# unpublished returns.
rules.add_perm("organisations.view_organisation_data", is_member | is_reviewer | is_national_admin)
rules.add_perm("organisations.edit_return", is_editor)
rules.add_perm("organisations.submit_return", is_approver)
rules.add_perm("organisations.invite_member", is_approver | is_national_admin)
# National work.
rules.add_perm("accounts.invite_national", is_national_admin)
rules.add_perm("audit.view_events", is_national_admin)
rules.add_perm("review.review_returns", is_reviewer | is_national_admin)
rules.add_perm("extracts.view_unsuppressed", is_reviewer | is_analyst | is_national_admin)
rules.add_perm("wres.use_admin_site", is_national_admin)
