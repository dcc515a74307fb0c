"""URLs of downloads (/data/), API tokens and publishing (/data/...), and the API (/api/)."""

from django.urls import URLPattern, URLResolver, path

from extracts import views
from extracts.api import api

app_name = "extracts"

urlpatterns: list[URLPattern | URLResolver] = [
    path("data/", views.downloads_view, name="downloads"),
    path("data/wres-data-dictionary.csv", views.dictionary_view, name="dictionary"),
    path("data/wres-<str:period>-<str:shape>.<str:fmt>", views.extract_view, name="extract"),
    path("api/", api.urls),
]
