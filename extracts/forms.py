"""Forms of the extracts app. They validate; never save."""

from django import forms


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label="Name of the new token",
        help_text="Say what will use it, for example \u201cR scripts on my laptop\u201d.",
        max_length=100,
        error_messages={
            "required": "Enter a name for the token",
            "max_length": "The name must be 100 characters or fewer",
        },
    )
