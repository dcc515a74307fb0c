"""The audit trail's filters (validates query parameters; never saves)."""

from django import forms


class AuditFilterForm(forms.Form):
    action = forms.CharField(label="Action", required=False, max_length=64)
    who = forms.CharField(label="Person (email contains)", required=False, max_length=254)
    organisation = forms.RegexField(
        label="Organisation ODS code",
        required=False,
        regex=r"^[A-Za-z0-9]{3,10}$",
        error_messages={"invalid": "Enter an ODS code of 3 to 10 letters and numbers, like RJ1"},
    )
    date_from = forms.DateField(
        label="From (YYYY-MM-DD)",
        required=False,
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": "Enter the start date as YYYY-MM-DD, like 2026-04-01"},
    )
    date_to = forms.DateField(
        label="To (YYYY-MM-DD)",
        required=False,
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": "Enter the end date as YYYY-MM-DD, like 2026-04-30"},
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:  # type: ignore[operator]
            self.add_error("date_to", "The end date must be on or after the start date")
        return data

    def filters(self) -> dict[str, object]:
        """The valid filters (call after `is_valid`); a field with an error filters nothing."""
        data = self.cleaned_data
        return {
            "action": data.get("action") or "",
            "who": data.get("who") or "",
            "organisation": data.get("organisation") or "",
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
        }
