"""The portal's URLs plus two pages that always refuse (403), for the error page tests: one
NHS England page and one organisation's page (with an ODS code), open to anyone signed out."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import path

from wres_portal.urls import handler400, handler403, handler404, handler500, urlpatterns

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]


def refuse(request: HttpRequest, ods_code: str = "") -> HttpResponse:
    raise PermissionDenied


urlpatterns = [
    path("refused/", refuse, name="refused"),
    path("refused/<str:ods_code>/", refuse, name="refused_organisation"),
    *urlpatterns,
]
