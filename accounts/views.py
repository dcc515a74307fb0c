"""Accepting invitations, and national admins' invitations of NHS England staff."""

from typing import Any
from urllib.parse import urlencode

from allauth.account.utils import perform_login
from allauth.mfa.recovery_codes import views as recovery_codes_views
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from accounts.forms import FindOrganisationForm, InvitationAcceptForm, InviteNationalForm
from accounts.models import Invitation
from accounts.selectors import landing_url_for, user_for_email
from accounts.services import (
    InvitationError,
    SentInvitation,
    invitation_accept,
    invitation_find,
    invitation_revoke,
    invitation_role_phrase,
    invitation_send,
    invitation_where,
)
from audit.services import audit_record
from organisations.middleware import SESSION_KEY as CURRENT_ORGANISATION_KEY
from organisations.models import Organisation
from organisations.selectors import organisation_get

MAX_TOKEN_LENGTH = 100


def accept_url_builder(request: HttpRequest):  # type: ignore[no-untyped-def]
    """Turns a token into the absolute link for the email."""
    return lambda token: request.build_absolute_uri(reverse("accept_invitation", args=[token]))


def invitation_sent_message(sent: SentInvitation) -> str:
    """What the inviter is told: it was sent, and what happens when they already have an account."""
    invitation = sent.invitation
    if not sent.existing_account:
        return f"Invitation sent to {invitation.email}."
    return (
        f"Invitation sent to {invitation.email}. They already have an account, so they will not "
        f"create a new one: they join {invitation_where(invitation)} as "
        f"{invitation_role_phrase(invitation)} when they sign in through the link in the email."
    )


def _problem(request: HttpRequest, error: InvitationError) -> HttpResponse:
    return render(
        request,
        "accounts/invitation_problem.jinja",
        {"message": str(error), "support_email": settings.WRES_SUPPORT_EMAIL},
        status=410,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def accept_invitation_view(request: HttpRequest, token: str) -> HttpResponse:
    """Accepts an invitation, and signs the person in.

    A newcomer creates their account here and is signed in at once. Someone who already has an
    account signs in first (the sign-in page brings them back) and then joins with one button.
    Either way they land on their own work (`landing_url_for`).
    """
    try:
        if len(token) > MAX_TOKEN_LENGTH:
            raise InvitationError("This invitation link is not valid. Check you copied all of it.")
        invitation = invitation_find(token=token)
    except InvitationError as error:
        return _problem(request, error)
    context: dict[str, Any] = {
        "invitation": invitation,
        "where": invitation_where(invitation),
        "role": invitation_role_phrase(invitation),
        "support_email": settings.WRES_SUPPORT_EMAIL,
    }
    if request.user.is_authenticated:
        if request.method == "POST":
            return _join_signed_in(request, token, invitation)
        state = "join" if request.user.email == invitation.email else "wrong_account"
        return render(request, "accounts/accept_invitation.jinja", {**context, "state": state})
    account = user_for_email(invitation.email)
    if account is not None and account.has_usable_password():
        sign_in_url = f"{reverse('account_login')}?{urlencode({'next': request.path})}"
        return render(
            request,
            "accounts/accept_invitation.jinja",
            {**context, "state": "sign_in", "sign_in_url": sign_in_url},
        )
    form = InvitationAcceptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = invitation_accept(
                token=token,
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["password1"],
                request=request,
            )
        except ValidationError as error:
            form.add_error("password1", error)
        except InvitationError as error:
            return _problem(request, error)
        else:
            _remember_organisation(request, invitation)
            messages.success(
                request,
                f"Your account is ready. You have joined {context['where']} as {context['role']}.",
            )
            # allauth's own sign-in: the audit event, a new session key, and the landing page.
            return perform_login(request, user)
    return render(
        request, "accounts/accept_invitation.jinja", {**context, "state": "new", "form": form}
    )


def _join_signed_in(request: HttpRequest, token: str, invitation: Invitation) -> HttpResponse:
    try:
        user = invitation_accept(token=token, user=request.user, request=request)  # type: ignore[arg-type]
    except InvitationError as error:
        return _problem(request, error)
    _remember_organisation(request, invitation)
    messages.success(
        request,
        f"You have joined {invitation_where(invitation)} as {invitation_role_phrase(invitation)}.",
    )
    return redirect(landing_url_for(user))


def _remember_organisation(request: HttpRequest, invitation: Invitation) -> None:
    """The organisation just joined becomes the one the person acts for."""
    if invitation.organisation_id is not None:
        request.session[CURRENT_ORGANISATION_KEY] = invitation.organisation_id


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def national_invitations_view(request: HttpRequest) -> HttpResponse:
    """National admins invite NHS England staff to national roles and see every invitation."""
    if not request.user.has_perm("accounts.invite_national"):
        raise PermissionDenied
    find_form = FindOrganisationForm(request.GET if "ods" in request.GET else None)
    if find_form.is_valid():
        try:
            organisation = organisation_get(ods_code=find_form.cleaned_data["ods"])
        except Organisation.DoesNotExist:
            find_form.add_error("ods", "No organisation has this ODS code. Check it and try again")
        else:
            return redirect("organisations:members", organisation.ods_code)
    form = InviteNationalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sent = invitation_send(
                invited_by=request.user,  # type: ignore[arg-type]
                email=form.cleaned_data["email"],
                national_role=form.cleaned_data["national_role"],
                accept_url=accept_url_builder(request),
                request=request,
            )
        except InvitationError as error:
            form.add_error("email", str(error))
        else:
            messages.success(request, invitation_sent_message(sent))
            return redirect("national_invitations")
    invitations = Invitation.objects.select_related("organisation", "invited_by")[:100]
    return render(
        request,
        "accounts/national_invitations.jinja",
        {"form": form, "find_form": find_form, "invitations": invitations},
    )


@login_required
@require_POST
def revoke_invitation_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdraws an invitation: national admins any, approvers their organisation's."""
    invitation = get_object_or_404(Invitation.objects.select_related("organisation"), pk=pk)
    allowed = request.user.has_perm("accounts.invite_national") or (
        invitation.organisation is not None
        and request.user.has_perm("organisations.invite_member", invitation.organisation)
    )
    if not allowed:
        raise Http404
    try:
        invitation_revoke(invitation=invitation, actor=request.user, request=request)  # type: ignore[arg-type]
    except InvitationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"The invitation for {invitation.email} was withdrawn.")
    if invitation.organisation is not None and not request.user.has_perm(
        "accounts.invite_national"
    ):
        return redirect("organisations:members", invitation.organisation.ods_code)
    return redirect("national_invitations")


def _audited_recovery_codes(allauth_view: Any, action: str) -> Any:
    """allauth's recovery-code page or download, with each time the codes are shown recorded.

    allauth asks for the password or a code first (a ReauthenticationRequired raised in the view
    turns into that redirect), so a response that shows codes is a 200 after that.
    """

    def view(request: HttpRequest) -> HttpResponse:
        response: HttpResponse = allauth_view(request)
        if response.status_code == 200 and request.method in {"GET", "HEAD"}:
            audit_record(action=action, actor=request.user, request=request)
        return response

    view.__doc__ = allauth_view.__doc__
    return view


view_recovery_codes = _audited_recovery_codes(
    recovery_codes_views.view_recovery_codes, "mfa_recovery_codes_viewed"
)
download_recovery_codes = _audited_recovery_codes(
    recovery_codes_views.download_recovery_codes, "mfa_recovery_codes_downloaded"
)
