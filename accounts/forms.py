"""Forms about people: accepting an invitation and inviting someone. They validate; never save."""

from allauth.account import forms as allauth_forms
from django import forms

from accounts.models import NationalRole
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


__all__ = ["InvitationAcceptForm", "InviteMemberForm", "InviteNationalForm"]


class LoginForm(allauth_forms.LoginForm):
    """allauth's sign-in form with NHS.UK wording (labels, not placeholders; no hint links)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["login"].label = "Email address"
        self.fields["login"].widget.attrs["autocomplete"] = "email"
        self.fields["password"].label = "Password"
        self.fields["password"].help_text = ""
        self.fields["password"].widget.attrs["autocomplete"] = "current-password"
