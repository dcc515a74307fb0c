"""URLs of the national report (/reports/)."""

from django.urls import URLPattern, URLResolver, path

from reports import views

app_name = "reports"

urlpatterns: list[URLPattern | URLResolver] = [
    # The year is taken as text and checked by the view, so that "abc" or "99999" gets the
    # report's own "not published" page (with the years that are), never an error.
    path("national/<str:year>.pdf", views.national_report_pdf_view, name="national_pdf"),
    path("national/<str:year>/", views.national_report_view, name="national"),
]
