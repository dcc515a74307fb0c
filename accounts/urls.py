"""URLs of the portal's own account pages (allauth's are included after them, so the two
recovery-code paths here take the place of allauth's: the same views, audited)."""

from django.urls import path

from accounts import views

urlpatterns = [
    path("invitation/<str:token>/", views.accept_invitation_view, name="accept_invitation"),
    path("invitations/", views.national_invitations_view, name="national_invitations"),
    path("invitations/<int:pk>/revoke/", views.revoke_invitation_view, name="revoke_invitation"),
    path("2fa/recovery-codes/", views.view_recovery_codes, name="mfa_view_recovery_codes"),
    path(
        "2fa/recovery-codes/download/",
        views.download_recovery_codes,
        name="mfa_download_recovery_codes",
    ),
]
