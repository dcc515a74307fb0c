"""The national admin's form: one Staff Survey results CSV file."""

from __future__ import annotations

from django import forms

from survey.parser import MAX_FILE_BYTES
from wres_portal.file_forms import BoundedFileForm

TOO_BIG = f"The file must be {MAX_FILE_BYTES // (1024 * 1024)} MB or smaller."


class SurveyLoadForm(BoundedFileForm):
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

    max_bytes = MAX_FILE_BYTES
    too_big = TOO_BIG
