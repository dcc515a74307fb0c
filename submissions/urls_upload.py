"""URLs of the spreadsheet template download and uploads."""

from django.urls import URLPattern, path

import organisations.urls  # noqa: F401 - registers the `ods` converter
from submissions.views import upload

RETURN = "<ods:ods_code>/<int:year>/"
UPLOAD = RETURN + "upload/<int:upload_id>/"

urlpatterns: list[URLPattern] = [
    path(RETURN + "template.xlsx", upload.upload_template_view, name="upload_template"),
    path(RETURN + "upload/", upload.upload_start_view, name="upload"),
    path(UPLOAD, upload.upload_status_view, name="upload_status"),
    path(UPLOAD + "status.json", upload.upload_status_json_view, name="upload_status_json"),
    path(UPLOAD + "results/", upload.upload_results_view, name="upload_results"),
    path(UPLOAD + "problems.csv", upload.upload_report_view, name="upload_report"),
    path(UPLOAD + "apply/", upload.upload_apply_view, name="upload_apply"),
    path(UPLOAD + "discard/", upload.upload_discard_view, name="upload_discard"),
    path(UPLOAD + "check-again/", upload.upload_recheck_view, name="upload_recheck"),
]
