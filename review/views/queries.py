"""The organisation's side of queries: the threads about its return, and answering them.

Anyone who may see the organisation's data reads them; its submitters and approvers answer
(`organisations.edit_return`). Amending figures and resubmitting use the return's own pages.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from returns.exceptions import TransitionNotAllowed
from returns.models import Return
from returns.selectors import return_for_user
from returns.views.task_list import EDIT, return_context
from review.forms import ReplyForm
from review.models import QuerySide
from review.selectors import review_queries
from review.services import query_reply


def _page(
    request: HttpRequest,
    return_: Return,
    failed: tuple[int, ReplyForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    queries = review_queries(return_=return_)
    forms = {query.pk: ReplyForm(prefix=f"q{query.pk}") for query in queries}
    if failed is not None:
        forms[failed[0]] = failed[1]
    return render(
        request,
        "review/review_org_queries.jinja",
        {
            **return_context(request, return_),
            "queries": queries,
            "reply_forms": forms,
            "may_answer": request.user.has_perm(EDIT, return_.organisation),
            "failed": failed[1] if failed else None,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def return_queries_view(request: HttpRequest, ods_code: str, year: int) -> HttpResponse:
    """NHS England's queries about the return; a POST answers one (``query`` names it)."""
    return_ = return_for_user(user=request.user, ods_code=ods_code, year=year)
    if request.method != "POST":
        return _page(request, return_)
    if not request.user.has_perm(EDIT, return_.organisation):
        raise PermissionDenied
    raw = request.POST.get("query", "")
    query_id = int(raw) if raw.isdigit() and len(raw) < 10 else 0
    form = ReplyForm(request.POST, prefix=f"q{query_id}")
    if not form.is_valid():
        return _page(request, return_, (query_id, form))
    try:
        query_reply(
            return_=return_,
            query_id=query_id,
            actor=request.user,  # type: ignore[arg-type]
            side=QuerySide.ORGANISATION,
            text=form.cleaned_data["text"],
            url=request.build_absolute_uri(
                reverse("returns:review_return", args=(return_.organisation.ods_code, year))
            ),
        )
    except (ValidationError, TransitionNotAllowed) as error:
        for message in getattr(error, "messages", [str(error)]):
            form.add_error(None, message)
        return _page(request, return_, (query_id, form), status=409)
    messages.success(request, "Your answer is sent to NHS England.")
    return redirect(reverse("returns:queries", args=(return_.organisation.ods_code, year)))
