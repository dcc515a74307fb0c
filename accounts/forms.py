"""Forms about people: accepting an invitation and inviting someone (they validate, never save),
and allauth's sign-in, password, email and two-factor forms with NHS.UK labels and hints."""

from typing import Any

from allauth.account import forms as allauth_forms
from allauth.core import context
from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.base import forms as mfa_forms
from allauth.mfa.totp import forms as totp_forms
from django import forms

from accounts.models import NationalRole
from accounts.totp_steps import totp_step_is_new, totp_step_of, totp_step_record
from audit.services import audit_record
from organisations.models import Role


class InvitationAcceptForm(forms.Form):
    full_name = forms.CharField(
        label="Your full name",
        max_length=200,
        error_messages={"required": "Enter your full name"},
    )
    password1 = forms.CharField(
        label="Create a password",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 12 characters. Avoid common passwords and your name.",
        strip=False,
        max_length=200,
        error_messages={"required": "Create a password"},
    )
    password2 = forms.CharField(
        label="Confirm your password",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
        max_length=200,
        error_messages={"required": "Enter the password again"},
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("password1") and data.get("password2") != data.get("password1"):
            self.add_error("password2", "The passwords do not match")
        return data


class InviteMemberForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="Their work email address. They will get a link that works for 7 days.",
        error_messages={
            "required": "Enter their email address",
            "invalid": "Enter an email address in the correct format, like name@nhs.net",
        },
    )
    role = forms.ChoiceField(
        label="Role",
        choices=Role.choices,
        error_messages={
            "required": "Choose a role",
            "invalid_choice": "Choose a role from the list",
        },
    )


class InviteNationalForm(forms.Form):
    email = InviteMemberForm.base_fields["email"]
    national_role = forms.ChoiceField(
        label="National role",
        choices=NationalRole.choices,
        error_messages={
            "required": "Choose a national role",
            "invalid_choice": "Choose a national role from the list",
        },
    )


class FindOrganisationForm(forms.Form):
    """A national admin's way to an organisation's members page, to invite someone there."""

    ods = forms.CharField(
        label="Organisation's ODS code",
        max_length=10,
        help_text="For example, RJ1. Find it in the organisation register.",
        error_messages={"required": "Enter the organisation's ODS code"},
    )

    def clean_ods(self) -> str:
        return str(self.cleaned_data["ods"]).strip().upper()


# allauth's forms, worded as the NHS.UK service manual asks: sentence-case labels, hints instead
# of placeholders, error messages that say what to do. Listed in ACCOUNT_FORMS and MFA_FORMS.

NEW_PASSWORD_HINT = "At least 12 characters. Avoid common passwords and your name."  # noqa: S105 - a hint
PASSWORDS_DIFFER = "The passwords do not match"
#: Each field's label, hint and "required" message, by field name.
WORDING: dict[str, tuple[str, str, str]] = {
    "login": ("Email address", "", "Enter your email address"),
    "email": ("Email address", "", "Enter your email address"),
    "password": ("Password", "", "Enter your password"),
    "oldpassword": ("Current password", "", "Enter your current password"),
    "password1": ("New password", NEW_PASSWORD_HINT, "Enter a new password"),
    "password2": ("Confirm your new password", "", "Enter the new password again"),
    "code": (
        "Security code",
        "The 6-digit code from your authenticator app, or one of your 8-digit recovery codes.",
        "Enter the security code",
    ),
}


def _reword(form: forms.Form) -> None:
    for name, field in form.fields.items():
        if name not in WORDING:
            continue
        label, hint, required = WORDING[name]
        field.label = label
        field.help_text = hint
        field.error_messages["required"] = required
        # NHS.UK guidance is labels and hints, never placeholders.
        field.widget.attrs.pop("placeholder", None)


class _Reworded:
    """Rewords the form's fields after allauth has built them."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _reword(self)  # type: ignore[arg-type]


class _PasswordsMatch(_Reworded):
    """allauth's "You must type the same password each time." in the portal's words."""

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super(allauth_forms.PasswordVerificationMixin, self).clean()  # type: ignore[misc]
        if (
            data.get("password1")
            and data.get("password2")
            and data["password1"] != data["password2"]
        ):
            self.add_error("password2", PASSWORDS_DIFFER)  # type: ignore[attr-defined]
        return data


class LoginForm(_Reworded, allauth_forms.LoginForm):
    """allauth's sign-in form with NHS.UK wording (labels, not placeholders; no hint links)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["login"].widget.attrs["autocomplete"] = "email"
        self.fields["password"].widget.attrs["autocomplete"] = "current-password"


class AddEmailForm(_Reworded, allauth_forms.AddEmailForm):
    """The new email address, on the account page."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "New email address"
        self.fields[
            "email"
        ].help_text = "We will send a link to it. Your address changes when you open the link."


class ChangePasswordForm(_PasswordsMatch, allauth_forms.ChangePasswordForm):
    """Changing a password, signed in."""


class SetPasswordForm(_PasswordsMatch, allauth_forms.SetPasswordForm):
    """Setting a first password, signed in."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["password1"].label = "Create a password"
        self.fields["password2"].label = "Confirm your password"


class ResetPasswordForm(_Reworded, allauth_forms.ResetPasswordForm):
    """Asking for a password reset link."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].help_text = "The email address you use to sign in."
        self.fields["email"].error_messages["invalid"] = (
            "Enter an email address in the correct format, like name@nhs.net"
        )


class ResetPasswordKeyForm(_PasswordsMatch, allauth_forms.ResetPasswordKeyForm):
    """The new password, from the reset link."""


class ReauthenticateForm(_Reworded, allauth_forms.ReauthenticateForm):
    """The password again, before a sensitive change."""


class _AuditedCode(_Reworded):
    """A wrong (or refused) two-factor code is recorded in the audit trail, with the address."""

    user: Any
    during = "sign_in"

    def clean_code(self) -> str:
        code = str(self.cleaned_data.get("code", ""))  # type: ignore[attr-defined]
        try:
            step = totp_step_of(self.user, code)
            if step is not None and not totp_step_is_new(self.user, step):
                # A code older than one already used: refused like a wrong one (ADR 0020).
                raise get_mfa_adapter().validation_error("incorrect_code")
            accepted = str(super().clean_code())  # type: ignore[misc]
            if step is not None:
                totp_step_record(self.user, step)
            return accepted
        except forms.ValidationError as error:
            audit_record(
                action="mfa_code_failed",
                actor=self.user,
                detail={"during": self.during, "reason": error.code or "incorrect_code"},
                request=context.request,
            )
            raise


class MfaAuthenticateForm(_AuditedCode, mfa_forms.AuthenticateForm):
    """The security code after the password, at sign-in."""


class MfaReauthenticateForm(_AuditedCode, mfa_forms.ReauthenticateForm):
    """The security code again, before a sensitive change."""

    during = "reauthentication"


class ActivateTotpForm(_Reworded, totp_forms.ActivateTOTPForm):
    """The first code from a newly added authenticator app, which proves it is set up."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = "The 6-digit code your authenticator app now shows."


__all__ = [
    "ActivateTotpForm",
    "AddEmailForm",
    "ChangePasswordForm",
    "FindOrganisationForm",
    "InvitationAcceptForm",
    "InviteMemberForm",
    "InviteNationalForm",
    "LoginForm",
    "MfaAuthenticateForm",
    "MfaReauthenticateForm",
    "ReauthenticateForm",
    "ResetPasswordForm",
    "ResetPasswordKeyForm",
    "SetPasswordForm",
]
