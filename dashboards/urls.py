"""URLs of the national dashboard (/dashboard/)."""

from django.urls import URLPattern, URLResolver, path

from dashboards import views

app_name = "dashboards"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.dashboard_view, name="national"),
    path("engage/", views.engage_view, name="engage"),
    path("methodology/", views.methodology_view, name="methodology"),
    path("data/<str:chart_id>.csv", views.chart_csv_view, name="chart_csv"),
    path("<slug:slug>/", views.measure_view, name="measure"),
]
