"""The portal's URLs."""

from django.contrib import admin
from django.urls import include, path

from wres_portal import views

urlpatterns = [
    path("", views.start, name="start"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("privacy/", views.privacy, name="privacy"),
    path("healthz", views.healthz, name="healthz"),
    path("organisations/", include("organisations.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "wres_portal.views.bad_request"
handler403 = "wres_portal.views.permission_denied"
handler404 = "wres_portal.views.page_not_found"
handler500 = "wres_portal.views.server_error"
