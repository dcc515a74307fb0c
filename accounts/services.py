"""Writes about people: invitations (send, revoke, accept), role changes and disabling accounts."""

import datetime
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import Invitation, NationalRole, User
from audit.services import audit_record
from notifications.models import EmailKind
from notifications.services import email_enqueue, email_render
from organisations.models import Membership, Organisation, Role


class InvitationError(Exception):
    """An invitation cannot be used or changed; the message says why, in plain words."""


class InvitationLimitReached(InvitationError):
    """The inviter has sent as many invitations as allowed in 24 hours."""


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_find(*, token: str) -> Invitation:
    """The invitation for a token, if it can still be accepted (raises InvitationError)."""
    invitation = (
        Invitation.objects.select_related("organisation").filter(token_hash=_hash(token)).first()
    )
    if invitation is None:
        raise InvitationError("This invitation link is not valid. Check you copied all of it.")
    if invitation.status == "accepted":
        raise InvitationError("This invitation has already been used. Sign in instead.")
    if invitation.status == "revoked":
        raise InvitationError("This invitation was withdrawn. Ask the person who sent it.")
    if invitation.status == "expired":
        raise InvitationError(
            "This invitation has expired. Ask the person who sent it for a new one."
        )
    return invitation


@dataclass(frozen=True)
class SentInvitation:
    """An invitation just sent, its one-time token, and whether its email already had an account."""

    invitation: Invitation
    token: str
    existing_account: bool = False


def _with_article(label: str) -> str:
    label = label.lower()
    return f"{'an' if label[:1] in 'aeiou' else 'a'} {label}"


def invitation_role_phrase(invitation: Invitation) -> str:
    """The role an invitation gives, as a sentence says it: "a submitter", "an analyst"."""
    if invitation.national_role:
        return _with_article(NationalRole(invitation.national_role).label)
    return _with_article(Role(invitation.role).label)


def invitation_where(invitation: Invitation) -> str:
    """What an invitation is to join: the organisation, or NHS England's WRES team."""
    return invitation.organisation.name if invitation.organisation else "NHS England's WRES team"


def invitation_send(
    *,
    invited_by: User,
    email: str,
    organisation: Organisation | None = None,
    role: str = "",
    national_role: str = "",
    accept_url: Any,
    request: HttpRequest | None = None,
) -> SentInvitation:
    """Creates an invitation and emails its link. The caller has checked permission to invite.

    `accept_url` turns the token into the absolute link to put in the email. Someone who already
    has an account is invited all the same (ADR 0016): the email says so, and they join by
    signing in through the link, so the role is never added without them knowing. One person
    sends at most `WRES_INVITATIONS_PER_DAY` in 24 hours (ADR 0020); a refusal is recorded.
    """
    try:
        return _invitation_send(
            invited_by=invited_by, email=email, organisation=organisation, role=role,
            national_role=national_role, accept_url=accept_url, request=request,
        )  # fmt: skip
    except InvitationLimitReached:
        # Recorded after the refused transaction has rolled back, so that it stays.
        audit_record(
            action="invitation_limit_reached",
            actor=invited_by,
            organisation=organisation,
            detail={"email": email.strip().lower(), "limit": settings.WRES_INVITATIONS_PER_DAY},
            request=request,
        )
        raise


def _invitation_limit_check(invited_by: User) -> None:
    """Refuses a send over the daily limit. The inviter's row is locked, so that two sends at once
    count each other."""
    limit = settings.WRES_INVITATIONS_PER_DAY
    User.objects.select_for_update().filter(pk=invited_by.pk).first()
    since = timezone.now() - datetime.timedelta(hours=24)
    if Invitation.objects.filter(invited_by=invited_by, created_at__gte=since).count() >= limit:
        raise InvitationLimitReached(
            f"You have sent {limit} invitations in the last 24 hours, which is the most allowed. "
            "Try again tomorrow, or ask the WRES team at "
            f"{settings.WRES_SUPPORT_EMAIL} if you need to invite more people today."
        )


@transaction.atomic
def _invitation_send(
    *,
    invited_by: User,
    email: str,
    organisation: Organisation | None,
    role: str,
    national_role: str,
    accept_url: Any,
    request: HttpRequest | None,
) -> SentInvitation:
    email = email.strip().lower()
    if (organisation is None) == (not national_role) or (organisation and role not in Role.values):
        raise InvitationError("Invite someone either to an organisation role or a national role.")
    if (
        organisation is not None
        and Membership.objects.filter(user__email=email, organisation=organisation).exists()
    ):
        raise InvitationError(f"{email} is already a member of {organisation.name}.")
    account = User.objects.filter(email=email).first()
    if account is not None and not account.is_active:
        raise InvitationError(
            f"{email} has an account that has been disabled, so they could not accept. A national "
            "administrator can enable it in the admin; then invite them again. "
            f"Ask the WRES team at {settings.WRES_SUPPORT_EMAIL} if you need help."
        )
    if national_role and account is not None and account.national_role == national_role:
        raise InvitationError(
            f"{email} is already {_with_article(NationalRole(national_role).label)}."
        )
    existing_account = account is not None and account.has_usable_password()
    _invitation_limit_check(invited_by)
    Invitation.objects.filter(
        email=email, organisation=organisation, accepted_at=None, revoked_at=None
    ).update(revoked_at=timezone.now())
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        email=email,
        organisation=organisation,
        role=role,
        national_role=national_role,
        token_hash=_hash(token),
        invited_by=invited_by,
    )
    audit_record(
        action="invitation_sent",
        actor=invited_by,
        target=invitation,
        organisation=organisation,
        detail={
            "email": email,
            "role": role or national_role,
            **({"existing_account": True} if existing_account else {}),
        },
        request=request,
    )
    # Through the outbox: written in this transaction, sent by Celery after commit. The row's
    # body holds the one-time link, so the outbox wipes it once the email has gone.
    email_enqueue(
        kind=EmailKind.INVITATION,
        subject="WRES portal: you have been invited",
        body=email_render(
            "accounts/email/invitation.txt",
            {
                # Never the inviter's name: they chose it, and it would read as NHS England's
                # words in an official email. Their sign-in address is checked and theirs.
                "inviter_email": invited_by.email,
                "where": invitation_where(invitation),
                "role": invitation_role_phrase(invitation),
                "existing_account": existing_account,
                "national_invitation": bool(national_role),
                "national_role_before": (
                    NationalRole(account.national_role).label.lower()
                    if national_role and account is not None and account.national_role
                    else ""
                ),
                "link": accept_url(token),
                "days": settings.WRES_INVITATION_DAYS,
                "support_email": settings.WRES_SUPPORT_EMAIL,
            },
        ),
        recipients=[email],
        organisation=organisation,
        created_by=invited_by,
    )
    return SentInvitation(invitation, token, existing_account)


@transaction.atomic
def invitation_revoke(
    *, invitation: Invitation, actor: User, request: HttpRequest | None = None
) -> None:
    """Withdraws a pending invitation."""
    if invitation.status != "pending":
        raise InvitationError(f"This invitation is {invitation.status} and cannot be withdrawn.")
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    audit_record(action="invitation_revoked", actor=actor, target=invitation, request=request)


@transaction.atomic
def invitation_accept(
    *,
    token: str,
    user: User | None = None,
    full_name: str = "",
    password: str = "",
    request: HttpRequest | None = None,
) -> User:
    """Accepts an invitation, in one transaction.

    A newcomer (`user` None) gets an account with the password, and a verified email. Someone
    who already has an account accepts while signed in as the invited address (`user`).
    The claim is an UPDATE ... WHERE accepted_at IS NULL, so a link used twice at once works once.
    """
    invitation = invitation_find(token=token)
    existing = User.objects.filter(email=invitation.email).first()
    if user is not None:
        if user.email != invitation.email:
            raise InvitationError(
                f"This invitation is for {invitation.email}. Sign out, then open the link again."
            )
    elif existing is not None and existing.has_usable_password():
        raise InvitationError("You already have an account: sign in, then open the link again.")
    else:
        user = existing or User(email=invitation.email)
        validate_password(password, user)
        user.set_password(password)
        user.full_name = full_name.strip()
    claimed = Invitation.objects.filter(pk=invitation.pk, accepted_at=None).update(
        accepted_at=timezone.now()
    )
    if not claimed:
        raise InvitationError("This invitation has already been used. Sign in instead.")
    if invitation.national_role:
        user.national_role = invitation.national_role
        if invitation.national_role == "admin":
            user.is_staff = True
            user.is_superuser = True
    user.save()
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    if invitation.organisation is not None:
        Membership.objects.update_or_create(
            user=user, organisation=invitation.organisation, defaults={"role": invitation.role}
        )
    Invitation.objects.filter(pk=invitation.pk).update(accepted_by=user)
    audit_record(
        action="invitation_accepted",
        actor=user,
        target=invitation,
        organisation=invitation.organisation,
        detail={"role": invitation.role or invitation.national_role},
        request=request,
    )
    return user


@transaction.atomic
def membership_set_role(
    *, membership: Membership, role: str, actor: User, request: HttpRequest | None = None
) -> Membership:
    """Changes a member's role in an organisation."""
    if role not in Role.values:
        raise InvitationError("Choose a role from the list.")
    before = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    audit_record(
        action="role_changed",
        actor=actor,
        target=membership,
        organisation=membership.organisation,
        detail={"user": membership.user.email, "from": before, "to": role},
        request=request,
    )
    return membership


@transaction.atomic
def user_disable(*, user: User, actor: User, request: HttpRequest | None = None) -> None:
    """Disables an account and ends all its sessions (it can no longer sign in)."""
    from django.contrib.sessions.models import Session

    user.is_active = False
    user.save(update_fields=["is_active"])
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            session.delete()
    audit_record(action="account_disabled", actor=actor, target=user, request=request)
