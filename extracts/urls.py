"""URLs of downloads (/data/), API tokens and publishing (/data/...), and the API (/api/)."""

from django.urls import URLPattern, URLResolver, path

from extracts import views, views_national
from extracts.api import api

app_name = "extracts"

urlpatterns: list[URLPattern | URLResolver] = [
    path("data/", views.downloads_view, name="downloads"),
    path("data/wres-data-dictionary.csv", views.dictionary_view, name="dictionary"),
    path("data/wres-<str:period>-<str:shape>.<str:fmt>", views.extract_view, name="extract"),
    path("data/tokens/", views_national.tokens_view, name="tokens"),
    path("data/tokens/<int:pk>/revoke/", views_national.token_revoke_view, name="token_revoke"),
    path("data/publish/", views_national.publish_view, name="publish"),
    path("data/publish/<int:year>/", views_national.publish_collection_view, name="publish_year"),
    # Before the API's own URLs: its root (ninja's, otherwise a 404) is the documentation.
    path("api/", views.api_docs_view, name="api_docs"),
    path("api/", api.urls),
]
