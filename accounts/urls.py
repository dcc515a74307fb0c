"""URLs of the portal's own account pages (allauth's are included beside them)."""

from django.urls import path

from accounts import views

urlpatterns = [
    path("invitation/<str:token>/", views.accept_invitation_view, name="accept_invitation"),
    path("invitations/", views.national_invitations_view, name="national_invitations"),
    path("invitations/<int:pk>/revoke/", views.revoke_invitation_view, name="revoke_invitation"),
]
