"""URLs of engagement and impact (``/engagements/...``)."""

from django.urls import URLPattern, path

import organisations.urls  # noqa: F401 - registers the `ods` converter
from engagement import views

app_name = "engagement"
ONE = "<ods:ods_code>/<int:pk>/"

# The fixed paths come first: "impact", "practice" and "new" would also read as ODS codes.
urlpatterns: list[URLPattern] = [
    path("", views.engagement_list_view, name="list"),
    path("engagements.csv", views.engagement_csv_view, name="csv"),
    path("new/", views.engagement_create_view, name="create"),
    path("impact/", views.impact_view, name="impact"),
    path("practice/", views.practice_list_view, name="practice"),
    path("practice/new/", views.case_study_create_view, name="case_study_create"),
    path("practice/<int:pk>/", views.case_study_edit_view, name="case_study_edit"),
    path("<ods:ods_code>/", views.organisation_engagements_view, name="organisation"),
    path(ONE, views.engagement_detail_view, name="detail"),
    path(ONE + "change/", views.engagement_edit_view, name="edit"),
    path(ONE + "actions/new/", views.action_add_view, name="action_add"),
    path(ONE + "actions/<int:action_pk>/", views.action_edit_view, name="action_edit"),
    path(ONE + "actions/<int:action_pk>/status/", views.action_status_view, name="action_status"),
]
