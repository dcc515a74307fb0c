"""A size-limited file upload: the request handler that stops reading past the limit, and the
one-file form that then says the file is too big. Uploads and the Staff Survey load use both."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadhandler import FileUploadHandler, StopUpload


class SizeLimitHandler(FileUploadHandler):
    """Stops the upload as soon as a file passes ``limit`` bytes, before it is written anywhere.

    Put first in ``request.upload_handlers``; the form then reports the file as too big.
    """

    def __init__(self, request: Any = None, *, limit: int) -> None:
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

    max_bytes: int
    too_big: str

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
