"""The portal's URLs."""

from django.contrib import admin
from django.urls import include, path, re_path

from accounts.admin_site import admin_has_permission, admin_login
from returns import urls as returns_urls
from review import urls as review_urls
from survey import urls as survey_urls
from uploads import urls as upload_urls
from wres_portal import views

# Everything about the collection sits under /returns/ with one URL namespace, "returns", though
# its views live in four apps (ADR 0015). The review's and the survey's paths come first: the
# return paths start with an ODS code, which "review" and "survey" are not, but first is clearest.
RETURNS_URLS = [
    *review_urls.urlpatterns,
    *survey_urls.urlpatterns,
    *returns_urls.urlpatterns,
    *upload_urls.urlpatterns,
]


# The admin has no sign-in form of its own: the portal's sign-in (with MFA) only (ADR 0020).
admin.site.login = admin_login  # type: ignore[method-assign,assignment]
admin.site.has_permission = admin_has_permission  # type: ignore[method-assign]
admin.site.site_header = "WRES portal administration"

urlpatterns = [
    path("", views.start, name="start"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("privacy/", views.privacy, name="privacy"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("organisations/", include("organisations.urls")),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("audit/", include("audit.urls")),
    path("returns/", include((RETURNS_URLS, "returns"))),
    path("dashboard/", include("dashboards.urls")),
    path("reports/", include("reports.urls")),
    path("engagements/", include("engagement.urls")),
    path("", include("extracts.urls")),
    re_path(
        r"^admin/submissions/(?P<model>[a-z]+)/(?P<rest>.*)$",
        views.old_admin_redirect,
        name="old_admin_redirect",
    ),
    path("admin/", admin.site.urls),
]

handler400 = "wres_portal.views.bad_request"
handler403 = "wres_portal.views.permission_denied"
handler404 = "wres_portal.views.page_not_found"
handler500 = "wres_portal.views.server_error"
