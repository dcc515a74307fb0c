"""URLs of the national Staff Survey load (`/returns/survey/`)."""

from django.urls import URLPattern, path

from survey import views

urlpatterns: list[URLPattern] = [
    path("survey/", views.survey_load_view, name="survey_load"),
]
