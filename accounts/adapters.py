"""allauth adapter: no open sign-up; sign-ins and MFA changes recorded as audit events."""

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest

from audit.services import audit_record

MFA_EVENTS = {
    "mfa/email/totp_activated": "mfa_totp_activated",
    "mfa/email/totp_deactivated": "mfa_totp_deactivated",
    "mfa/email/recovery_codes_generated": "mfa_recovery_codes_generated",
}


class AccountAdapter(DefaultAccountAdapter):
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
        """allauth tells the user by email about each security change; the same hook records it."""
        if template_prefix in MFA_EVENTS:
            audit_record(action=MFA_EVENTS[template_prefix], actor=user)
        super().send_notification_mail(template_prefix, user, *args, **kwargs)

    def logout(self, request: HttpRequest) -> None:
        user = request.user
        if user.is_authenticated:
            audit_record(action="sign_out", actor=user, request=request)
        super().logout(request)
