"""Pages for national users: personal API tokens (/data/tokens/) and publishing (/data/publish/)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from extracts.forms import ApiTokenForm
from extracts.models import ApiToken, Publication
from extracts.services import (
    PublicationRefused,
    api_token_create,
    api_token_revoke,
    collection_publish,
)
from returns.models import Collection

MAX_ACTIVE_TOKENS = 10


def _require(request: HttpRequest, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def tokens_view(request: HttpRequest) -> HttpResponse:
    """A national user's own API tokens; creating one shows its key on this response only."""
    _require(request, "extracts.view_unsuppressed")
    tokens = ApiToken.objects.filter(user=request.user)  # type: ignore[misc]
    form = ApiTokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        if tokens.filter(revoked_at__isnull=True).count() >= MAX_ACTIVE_TOKENS:
            form.add_error(
                "name", f"You have {MAX_ACTIVE_TOKENS} tokens: revoke one before creating another"
            )
        else:
            _, new_key = api_token_create(
                user=request.user, name=form.cleaned_data["name"], request=request
            )
            form = ApiTokenForm()
    response = render(
        request,
        "extracts/tokens.jinja",
        {"form": form, "tokens": list(tokens), "new_key": new_key},
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def token_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Revokes one of the user's own tokens (anyone else's is not found)."""
    _require(request, "extracts.view_unsuppressed")
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    api_token_revoke(token=token, actor=request.user, request=request)
    messages.success(request, f"The token \u201c{token.name}\u201d was revoked.")
    return redirect("extracts:tokens")


def publication_status(collection: Any, latest: Publication | None) -> str:
    if latest is None:
        return "Not published"
    if not latest.release_file:
        return f"Publishing version {latest.number}: the public files are being built"
    return f"Published: version {latest.number}, {latest.published_at:%-d %B %Y %H:%M}"


@login_required
@require_http_methods(["GET", "HEAD"])
def publish_view(request: HttpRequest) -> HttpResponse:
    """National admins: every collection, its publication status and a publish button."""
    _require(request, "wres.use_admin_site")
    collections = Collection.objects.annotate(
        accepted=Count("returns", filter=Q(returns__accepted_version__isnull=False))
    ).order_by("-year")
    latest: dict[int, Publication] = {}
    for publication in Publication.objects.order_by("collection_id", "-number"):
        latest.setdefault(publication.collection_id, publication)
    rows = [
        {
            "collection": c,
            "latest": latest.get(c.pk),
            "status": publication_status(c, latest.get(c.pk)),
        }
        for c in collections
    ]
    return render(request, "extracts/publish.jinja", {"rows": rows})


@login_required
@require_POST
def publish_collection_view(request: HttpRequest, year: int) -> HttpResponse:
    """Publishes a collection now; the release is rebuilt by a task sent after commit."""
    _require(request, "wres.use_admin_site")
    from extracts.tasks import release_rebuild

    collection = get_object_or_404(Collection, year=year)
    try:
        with transaction.atomic():
            publication = collection_publish(
                collection=collection, actor=request.user, request=request, rebuild_release=False
            )
            release_rebuild.delay_on_commit(publication.pk)
    except PublicationRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(
            request,
            f"{collection.name} version {publication.number} is published "
            f"({publication.return_count} returns). The public files and API follow when they "
            "are rebuilt.",
        )
    return redirect("extracts:publish")
