"""The upload form: one file, the template or a CSV, at most `MAX_UPLOAD_BYTES`."""

from __future__ import annotations

from django import forms

from uploads.parser import MAX_UPLOAD_BYTES
from wres_portal.file_forms import BoundedFileForm

TOO_BIG = "The file must be 5 MB or smaller. A WRES template is well under 1 MB."


class UploadForm(BoundedFileForm):
    """One file: the WRES template (.xlsx) or a CSV file (item,value)."""

    max_bytes = MAX_UPLOAD_BYTES
    too_big = TOO_BIG

    file = forms.FileField(
        label="Upload a file",
        help_text="The WRES template (.xlsx) or a CSV file (item,value). 5 MB at most.",
        error_messages={
            "required": "Select the completed template or a CSV file",
            "empty": "The selected file is empty",
        },
    )
