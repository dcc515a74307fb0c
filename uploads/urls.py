"""URLs of the spreadsheet template download and uploads."""

from django.urls import URLPattern, path

import organisations.urls  # noqa: F401 - registers the `ods` converter
from uploads import views

RETURN = "<ods:ods_code>/<int:year>/"
UPLOAD = RETURN + "upload/<int:upload_id>/"

urlpatterns: list[URLPattern] = [
    path(RETURN + "template.xlsx", views.upload_template_view, name="upload_template"),
    path(RETURN + "upload/", views.upload_start_view, name="upload"),
    path(UPLOAD, views.upload_status_view, name="upload_status"),
    path(UPLOAD + "status.json", views.upload_status_json_view, name="upload_status_json"),
    path(UPLOAD + "results/", views.upload_results_view, name="upload_results"),
    path(UPLOAD + "problems.csv", views.upload_report_view, name="upload_report"),
    path(UPLOAD + "apply/", views.upload_apply_view, name="upload_apply"),
    path(UPLOAD + "discard/", views.upload_discard_view, name="upload_discard"),
    path(UPLOAD + "check-again/", views.upload_recheck_view, name="upload_recheck"),
]
