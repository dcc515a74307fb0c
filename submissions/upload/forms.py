"""The upload form, and an upload handler that stops reading a request body over the size limit."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadhandler import FileUploadHandler, StopUpload

from submissions.upload.parser import MAX_UPLOAD_BYTES

TOO_BIG = "The file must be 5 MB or smaller. A WRES template is well under 1 MB."


class SizeLimitHandler(FileUploadHandler):
    """Stops the upload as soon as a file passes the limit, before it is written anywhere.

    Put first in ``request.upload_handlers``; the form then reports the file as too big.
    """

    def __init__(self, request: Any = None, limit: int = MAX_UPLOAD_BYTES) -> None:
        super().__init__(request)
        self.limit = limit
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > self.limit:
            if self.request is not None:
                self.request.upload_too_large = True  # type: ignore[attr-defined]
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


class BoundedFileForm(forms.Form):
    """A form of one ``file`` field with a size limit (with `SizeLimitHandler` in the view).

    Subclasses declare ``file`` and set ``max_bytes`` and ``too_big`` (the message).
    """

    max_bytes = MAX_UPLOAD_BYTES
    too_big = TOO_BIG

    def __init__(self, *args: Any, too_large: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.too_large = too_large

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > self.max_bytes:
            raise forms.ValidationError(self.too_big)
        return upload

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.too_large:  # the handler stopped reading: "required" would mislead
            self.errors.pop("file", None)
            self.add_error("file", self.too_big)
        return cleaned


class UploadForm(BoundedFileForm):
    """One file: the WRES template (.xlsx) or a CSV file (item,value)."""

    file = forms.FileField(
        label="Upload a file",
        help_text="The WRES template (.xlsx) or a CSV file (item,value). 5 MB at most.",
        error_messages={
            "required": "Select the completed template or a CSV file",
            "empty": "The selected file is empty",
        },
    )
