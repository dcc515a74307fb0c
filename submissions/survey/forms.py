"""The national admin's form: one Staff Survey results CSV file."""

from __future__ import annotations

from typing import Any

from django import forms

from submissions.survey.parser import MAX_FILE_BYTES

TOO_BIG = f"The file must be {MAX_FILE_BYTES // (1024 * 1024)} MB or smaller."


class SurveyLoadForm(forms.Form):
    file = forms.FileField(
        label="Staff Survey results file (CSV)",
        help_text=(
            "A CSV file saved as UTF-8 with the header ods_code,year,indicator,white_pct,bme_pct "
            "and one line per organisation, year and indicator; 5 MB at most."
        ),
        error_messages={
            "required": "Select the Staff Survey results CSV file",
            "empty": "The selected file is empty",
        },
    )

    def __init__(self, *args: Any, too_large: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.too_large = too_large

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(TOO_BIG)
        return upload

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.too_large:  # the upload handler stopped reading: "required" would mislead
            self.errors.pop("file", None)
            self.add_error("file", TOO_BIG)
        return cleaned
