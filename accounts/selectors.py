"""Reads about people: where each lands after signing in, and who an invitation is for."""

from typing import Any

from django.urls import reverse

from accounts.models import NationalRole, User
from organisations.models import Membership

#: Each national role's first page: the work that role comes to the portal to do.
#: Each national role's own work: the URL name sign-in lands on, and how a link to it reads (the
#: 403 page offers it too).
NATIONAL_LANDING: dict[str, tuple[str, str]] = {
    NationalRole.REVIEWER: ("returns:review_queue", "Go to the review queue"),
    NationalRole.ANALYST: ("extracts:downloads", "Go to the data downloads"),
    # The invitations page: onboarding NHS England staff is the admin's own everyday task, and the
    # header from there leads to the other tools (audit trail, publish, Staff Survey, admin).
    NationalRole.ADMIN: ("national_invitations", "Go to national invitations"),
}


def landing_url_for(user: Any) -> str:
    """The page a signed-in person starts on: their national role's work, else their returns.

    A national role wins over any organisation membership: NHS England staff who also act for an
    organisation come to the portal for national work, and reach their returns from the header.
    Someone with no role at all starts on the public start page.
    """
    if not getattr(user, "is_authenticated", False):
        return reverse("start")
    if user.national_role in NATIONAL_LANDING:
        return reverse(NATIONAL_LANDING[user.national_role][0])
    if Membership.objects.filter(user=user).exists():
        return reverse("returns:list")
    return reverse("start")


def user_for_email(email: str) -> User | None:
    """The account using an email address (compared as the portal stores them), if any."""
    return User.objects.filter(email=email.strip().lower()).first()
