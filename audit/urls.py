"""URLs of the audit trail."""

from django.urls import path

from audit import views

app_name = "audit"
urlpatterns = [
    path("", views.audit_list_view, name="list"),
    path("events.csv", views.audit_csv_view, name="csv"),
]
