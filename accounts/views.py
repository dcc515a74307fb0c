"""Accepting invitations, and national admins' invitations of NHS England staff."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from accounts.forms import InvitationAcceptForm, InviteNationalForm
from accounts.models import Invitation
from accounts.services import (
    InvitationError,
    invitation_accept,
    invitation_find,
    invitation_revoke,
    invitation_send,
)

MAX_TOKEN_LENGTH = 100


def accept_url_builder(request: HttpRequest):  # type: ignore[no-untyped-def]
    """Turns a token into the absolute link for the email."""
    return lambda token: request.build_absolute_uri(reverse("accept_invitation", args=[token]))


@require_http_methods(["GET", "HEAD", "POST"])
def accept_invitation_view(request: HttpRequest, token: str) -> HttpResponse:
    """Sets a password and joins (a newcomer), or joins (someone already signed in)."""
    try:
        if len(token) > MAX_TOKEN_LENGTH:
            raise InvitationError("This invitation link is not valid. Check you copied all of it.")
        invitation = invitation_find(token=token)
    except InvitationError as error:
        return render(
            request, "accounts/invitation_problem.jinja", {"message": str(error)}, status=410
        )
    signed_in = request.user.is_authenticated
    form = InvitationAcceptForm(request.POST or None) if not signed_in else None
    if request.method == "POST" and (signed_in or (form is not None and form.is_valid())):
        try:
            invitation_accept(
                token=token,
                user=request.user if signed_in else None,  # type: ignore[arg-type]
                full_name=form.cleaned_data["full_name"] if form else "",
                password=form.cleaned_data["password1"] if form else "",
                request=request,
            )
        except ValidationError as error:
            assert form is not None
            form.add_error("password1", error)
        except InvitationError as error:
            return render(
                request, "accounts/invitation_problem.jinja", {"message": str(error)}, status=410
            )
        else:
            if signed_in:
                messages.success(request, "You have joined. Choose the organisation in the header.")
                return redirect("start")
            messages.success(request, "Your account is ready. Sign in with your new password.")
            return redirect("account_login")
    return render(
        request,
        "accounts/accept_invitation.jinja",
        {"invitation": invitation, "form": form, "signed_in": signed_in},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def national_invitations_view(request: HttpRequest) -> HttpResponse:
    """National admins invite NHS England staff to national roles and see every invitation."""
    if not request.user.has_perm("accounts.invite_national"):
        raise PermissionDenied
    form = InviteNationalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation_send(
                invited_by=request.user,  # type: ignore[arg-type]
                email=form.cleaned_data["email"],
                national_role=form.cleaned_data["national_role"],
                accept_url=accept_url_builder(request),
                request=request,
            )
        except InvitationError as error:
            form.add_error("email", str(error))
        else:
            messages.success(request, f"Invitation sent to {form.cleaned_data['email']}.")
            return redirect("national_invitations")
    invitations = Invitation.objects.select_related("organisation", "invited_by")[:100]
    return render(
        request, "accounts/national_invitations.jinja", {"form": form, "invitations": invitations}
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
