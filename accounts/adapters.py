"""allauth adapters: no open sign-up, each role's landing page, NHS.UK wording of errors, and
sign-ins and MFA changes recorded as audit events."""

from typing import Any, ClassVar

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from allauth.mfa.adapter import DefaultMFAAdapter
from django.conf import settings
from django.http import HttpRequest

from accounts.mfa_crypto import secret_decrypt, secret_encrypt
from accounts.selectors import landing_url_for
from audit.services import audit_record

MFA_EVENTS = {
    "mfa/email/totp_activated": "mfa_totp_activated",
    "mfa/email/totp_deactivated": "mfa_totp_deactivated",
    "mfa/email/recovery_codes_generated": "mfa_recovery_codes_generated",
}
PASSWORD_EVENTS = {
    "account/email/password_changed": "password_changed",
    "account/email/password_set": "password_set",
    "account/email/password_reset": "password_reset",
    "account/email/email_changed": "email_changed",
}
#: Each security change allauth emails the user about, and the audit action that records it.
NOTIFIED_EVENTS = {**MFA_EVENTS, **PASSWORD_EVENTS}


class AccountAdapter(DefaultAccountAdapter):
    """The portal's sign-in rules on top of allauth's."""

    # Errors as the NHS.UK service manual writes them: say what happened and what to do, no
    # "please", no full stop. The ones not listed are for features the portal does not use.
    error_messages: ClassVar[dict[str, Any]] = {
        **DefaultAccountAdapter.error_messages,
        "account_inactive": "Your account has been disabled",
        "duplicate_email": "This is already your email address",
        "email_password_mismatch": "The email address or password is not correct",
        "enter_current_password": "Enter your current password",
        "incorrect_code": "The code is not correct. Check it and try again",
        "incorrect_password": "The password is not correct",
        "invalid_login": "The email address or password is not correct",
        "invalid_or_expired_key": "This link has expired or has already been used",
        "invalid_password_reset": "This link has expired or has already been used",
        "too_many_login_attempts": (
            "Too many failed sign-in attempts. Wait 15 minutes and try again, or reset your "
            "password"
        ),
        "unknown_email": "There is no account with this email address",
        "unverified_primary_email": "Confirm your email address first",
        "same_as_current": "Enter a different email address from your current one",
        "rate_limited": "Too many attempts. Wait a minute and try again",
    }

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        """Each role starts on its own work (a safe `?next=` is honoured before this is asked)."""
        return landing_url_for(request.user)

    def is_reauthentication_required(self, *, app: str, **kwargs: Any) -> bool:
        """Two-factor pages ask for the password or a code again, except a first set-up.

        allauth's own switch (`MFA_REAUTHENTICATION_REQUIRED`) is all or nothing, and allauth
        does not count the sign-in itself as recent: on, a national user sent to set up MFA
        straight after signing in would be asked for the password again. Someone with no
        authenticator has no codes to read and nothing to remove, and adding one needs a code
        from the new app; everyone else confirms it's them (ADR 0020).
        """
        if app == "allauth.mfa":
            from allauth.mfa.models import Authenticator

            user = getattr(context.request, "user", None)
            if user is not None and user.is_authenticated:
                return Authenticator.objects.filter(user=user).exists()
            return True
        return bool(super().is_reauthentication_required(app=app, **kwargs))

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        """People join by invitation only."""
        return False

    def login(self, request: HttpRequest, user: Any) -> None:
        super().login(request, user)
        audit_record(action="sign_in", actor=user, request=request)

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        super().authentication_failed(request, **credentials)
        audit_record(
            action="sign_in_failed",
            actor_email=str(credentials.get("email", ""))[:254] or "(no email given)",
            request=request,
        )

    def send_notification_mail(
        self, template_prefix: str, user: Any, *args: Any, **kwargs: Any
    ) -> None:
        """allauth tells the user by email about each security change; the same hook records it,
        with the address it came from."""
        if template_prefix in NOTIFIED_EVENTS:
            audit_record(action=NOTIFIED_EVENTS[template_prefix], actor=user, request=self.request)
        super().send_notification_mail(template_prefix, user, *args, **kwargs)

    def send_password_reset_mail(self, user: Any, email: str, context: dict[str, Any]) -> None:
        """A reset link asked for an account (unknown addresses get no email: settings)."""
        audit_record(action="password_reset_requested", actor=user, request=self.request)
        super().send_password_reset_mail(user, email, context)

    def logout(self, request: HttpRequest) -> None:
        user = request.user
        if user.is_authenticated:
            audit_record(action="sign_out", actor=user, request=request)
        super().logout(request)


class MfaAdapter(DefaultMFAAdapter):
    """allauth's two-factor rules with the portal's wording, and its secrets encrypted at rest."""

    def encrypt(self, text: str) -> str:
        """allauth's hook for each TOTP key and recovery-code seed it stores (ADR 0020)."""
        return secret_encrypt(text)

    def decrypt(self, encrypted_text: str) -> str:
        """Clear-text values stored before encryption are read as they are."""
        return secret_decrypt(encrypted_text)

    error_messages: ClassVar[dict[str, Any]] = {
        **DefaultMFAAdapter.error_messages,
        "add_email_blocked": (
            "You cannot change your email address while two-factor authentication is on. "
            f"Email the WRES team at {settings.WRES_SUPPORT_EMAIL} to change it"
        ),
        "cannot_delete_authenticator": "Your role must use two-factor authentication",
        "incorrect_code": (
            "The code is not correct. Enter the latest 6-digit code from your authenticator app"
        ),
        "unverified_email": (
            "Confirm your email address before you set up two-factor authentication"
        ),
    }
