"""Public pages of the organisation register: a searchable list and a page per organisation."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.forms import InviteMemberForm
from accounts.services import InvitationError, invitation_send, membership_set_role
from accounts.views import accept_url_builder, invitation_sent_message
from audit.services import audit_record
from dashboards.selectors import profile_for_user
from organisations.forms import OrganisationFilterForm
from organisations.middleware import SESSION_KEY
from organisations.models import Organisation, Role
from organisations.selectors import (
    organisation_for_user,
    organisation_get,
    organisation_list,
    organisation_parent_icb,
)

PAGE_SIZE = 25


@require_safe
def organisation_list_view(request: HttpRequest) -> HttpResponse:
    """Search and filter organisations by name, ODS code, region, type and sector."""
    form = OrganisationFilterForm(request.GET)
    form.is_valid()  # a bad parameter is reported on the page; the valid ones still filter
    page = Paginator(organisation_list(**form.filters()), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "organisations/list.jinja",
        {"form": form, "page": page, "query_string": query.urlencode()},
    )


@require_safe
def organisation_detail_view(request: HttpRequest, ods_code: str) -> HttpResponse:
    """One organisation: its register entry and its published WRES profile."""
    try:
        organisation = organisation_get(ods_code=ods_code)
    except Organisation.DoesNotExist:
        raise Http404("No organisation has that ODS code") from None
    return render(
        request,
        "organisations/detail.jinja",
        {
            "organisation": organisation,
            "parent_icb": organisation_parent_icb(organisation),
            "profile": profile_for_user(organisation=organisation, user=request.user),
            # Approvers (and national admins) manage the organisation's members from here.
            "can_manage_members": request.user.has_perm(
                "organisations.invite_member", organisation
            ),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def organisation_members_view(request: HttpRequest, ods_code: str) -> HttpResponse:
    """An organisation's members and invitations; approvers (and national admins) invite here."""
    organisation = organisation_for_user(user=request.user, ods_code=ods_code)
    if not request.user.has_perm("organisations.invite_member", organisation):
        raise PermissionDenied
    form = InviteMemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sent = invitation_send(
                invited_by=request.user,  # type: ignore[arg-type]
                email=form.cleaned_data["email"],
                organisation=organisation,
                role=form.cleaned_data["role"],
                accept_url=accept_url_builder(request),
                request=request,
            )
        except InvitationError as error:
            form.add_error("email", str(error))
        else:
            messages.success(request, invitation_sent_message(sent))
            return redirect("organisations:members", organisation.ods_code)
    return render(
        request,
        "organisations/members.jinja",
        {
            "organisation": organisation,
            "members": organisation.memberships.select_related("user").order_by("user__email"),
            "invitations": organisation.invitations.filter(accepted_at=None, revoked_at=None),
            "form": form,
            "roles": Role.choices,
        },
    )


@login_required
@require_POST
def switch_organisation_view(request: HttpRequest) -> HttpResponse:
    """Makes one of the person's organisations the current one (others answer 404)."""
    code = request.POST.get("organisation", "")[:10].upper()
    membership = next(
        (m for m in request.memberships if m.organisation.ods_code == code),  # type: ignore[attr-defined]
        None,
    )
    if membership is None:
        raise Http404("You are not a member of that organisation")
    request.session[SESSION_KEY] = membership.organisation_id
    audit_record(
        action="organisation_switched",
        actor=request.user,
        organisation=membership.organisation,
        request=request,
    )
    messages.success(request, f"You are now acting for {membership.organisation.name}.")
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("start")
    return redirect(next_url)


@login_required
@require_POST
def membership_role_view(request: HttpRequest, ods_code: str, pk: int) -> HttpResponse:
    """Changes a member's role (approvers of the organisation and national admins)."""
    organisation = organisation_for_user(user=request.user, ods_code=ods_code)
    if not request.user.has_perm("organisations.invite_member", organisation):
        raise PermissionDenied
    membership = organisation.memberships.select_related("user").filter(pk=pk).first()
    if membership is None:
        raise Http404("No such member")
    role = request.POST.get("role", "")
    if membership.user_id == request.user.pk:
        messages.error(request, "You cannot change your own role. Ask another approver.")
    elif role not in Role.values:
        messages.error(request, "Choose a role from the list.")
    else:
        membership_set_role(membership=membership, role=role, actor=request.user, request=request)  # type: ignore[arg-type]
        messages.success(
            request, f"{membership.user.email} is now {membership.get_role_display().lower()}."
        )
    return redirect("organisations:members", organisation.ods_code)
