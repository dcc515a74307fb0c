"""Reviewing one return: values and figures beside last year's and the peers', what changed
since the previous version, warnings with explanations and verdicts, query threads, and the
actions (assign, raise a query, reply, resolve, accept, reopen). Reviewers only."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from organisations.models import Region
from returns.changes import version_changes
from returns.exceptions import ReturnConflict, TransitionNotAllowed
from returns.models import Return, ReturnState
from returns.presenters import SECTIONS, return_picture, section_grids, value_text
from returns.selectors import return_previous_version
from review import services
from review.forms import (
    AssignForm,
    QueryForm,
    ReopenForm,
    ReplyForm,
    VerdictForm,
    VersionForm,
)
from review.models import ExplanationVerdict, QuerySide, ReviewAssignment
from review.presenters import (
    KEY_FIGURES,
    peer_positions,
    review_figures,
    version_picture,
)
from review.selectors import (
    peer_metrics,
    review_accept_blockers,
    review_accept_summary,
    review_queries,
    review_versions,
    reviewer_list,
)
from review.views.queue import require_reviewer

CONFLICT = 409


def review_return_get(*, ods_code: str, year: int) -> Return:
    """The return of that organisation and year (any organisation: reviewers see all), or 404."""
    return_ = (
        Return.objects.select_related("organisation", "collection")
        .filter(organisation__ods_code=ods_code.upper(), collection__year=year)
        .first()
    )
    if return_ is None:
        raise Http404("No such return")
    return return_


def review_url(return_: Return, name: str = "review_return", *extra: Any) -> str:
    return reverse(
        f"returns:{name}", args=(return_.organisation.ods_code, return_.collection.year, *extra)
    )


def _render(
    request: HttpRequest,
    return_: Return,
    *,
    forms: dict[str, Form] | None = None,
    status: int = 200,
    problem: str = "",
) -> HttpResponse:
    forms = forms or {}
    versions = review_versions(return_=return_)
    latest = versions[-1] if versions else None
    previous = return_previous_version(return_=return_)
    if latest is not None:
        picture = version_picture(return_, latest, previous)
        metrics = dict(latest.metrics)
    else:
        picture = return_picture(return_)
        metrics = dict(picture.result.metrics)
    positions = peer_positions(
        organisation_id=return_.organisation_id,
        peers=peer_metrics(return_=return_, codes=list(KEY_FIGURES)),
        metrics=metrics,
    )
    previous_metrics = dict(previous.metrics) if previous is not None else None
    sections = [
        {
            "section": section,
            "grids": section_grids(section, picture),
            "figures": review_figures(section, metrics, previous_metrics, positions),
        }
        for section in SECTIONS
        if section.has_items
    ]
    details = [
        (detail.label, picture.return_.details.get(detail.name, ""))
        for section in SECTIONS
        for detail in section.details
    ]
    verdicts = (
        {
            v.warning_key: v
            for v in ExplanationVerdict.objects.filter(
                wres_return=return_, version_number=latest.number
            ).select_related("decided_by")
        }
        if latest is not None
        else {}
    )
    warnings: list[dict[str, Any]] = []
    for issue in latest.issues if latest is not None else []:
        key = services.warning_key_of(issue)
        warnings.append(
            {
                "key": key,
                "issue": issue,
                "explanation": latest.explanations.get(key, "") if latest else "",
                "verdict": verdicts.get(key),
                "form": forms.get(f"verdict:{key}")
                or VerdictForm(
                    initial={
                        "version_number": latest.number if latest else None,
                        "warning_key": key,
                        "verdict": verdicts[key].verdict if key in verdicts else None,
                        "comment": verdicts[key].comment if key in verdicts else "",
                    },
                    prefix=f"w{len(warnings)}",
                ),
            }
        )
    reviewers = list(reviewer_list())
    assignment = ReviewAssignment.objects.filter(wres_return=return_).first()
    queries = review_queries(return_=return_)
    wanted = request.GET.get("indicator", "")
    query_form = forms.get("query") or QueryForm(
        initial={
            "expected_version": return_.version,
            "indicator": wanted if wanted in {str(k) for k in range(1, 10)} else "",
        }
    )
    error_forms = [form for form in forms.values() if form.errors]
    blockers = review_accept_blockers(return_=return_, latest=latest)
    return render(
        request,
        "review/review_return.jinja",
        {
            "return_": return_,
            "organisation": return_.organisation,
            "region": Region(return_.organisation.region).label
            if return_.organisation.region in Region.values
            else "",
            "collection": return_.collection,
            "versions": versions,
            "latest": latest,
            "previous": previous,
            "picture": picture,
            "values": picture.values,
            "value_text": value_text,
            "sections": sections,
            "details": details,
            "changes": version_changes(versions[-2], versions[-1]) if len(versions) > 1 else [],
            "warnings": warnings,
            "queries": queries,
            "assignment": assignment,
            "assign_form": forms.get("assign")
            or AssignForm(
                initial={"reviewer": str(assignment.reviewer_id or "") if assignment else ""},
                reviewers=reviewers,
            ),
            "query_form": query_form,
            "reply_forms": {
                query.pk: forms.get(f"reply:{query.pk}") or ReplyForm(prefix=f"q{query.pk}")
                for query in queries
            },
            "version_form": VersionForm(initial={"expected_version": return_.version}),
            "reopen_form": forms.get("reopen")
            or ReopenForm(initial={"expected_version": return_.version}),
            "error_forms": error_forms,
            "problem": problem,
            "can_query": return_.state in (ReturnState.SUBMITTED, ReturnState.QUERIED),
            "accept_blockers": blockers,
            "can_accept": latest is not None and not blockers,
            "can_reopen": return_.state in (ReturnState.ACCEPTED, ReturnState.QUERIED),
            "today": timezone.localdate(),
        },
        status=status,
    )


@login_required
@require_safe
def review_return_view(request: HttpRequest, ods_code: str, year: int) -> HttpResponse:
    """The reviewer's page for one return."""
    require_reviewer(request)
    return _render(request, review_return_get(ods_code=ods_code, year=year))


def _act(
    request: HttpRequest, return_: Return, key: str, form: Form, action: Any, done: str
) -> HttpResponse:
    """Runs ``action`` for a valid form; bad input re-renders the page with the error summary
    (nothing stored), and a conflict or a refused transition says so (409)."""
    if not form.is_valid():
        return _render(request, return_, forms={key: form})
    try:
        action(form.cleaned_data)
    except ReturnConflict:
        return _render(
            request,
            return_,
            status=CONFLICT,
            problem="Another reviewer (or the organisation) changed this return while you were "
            "looking at it, so your action was not carried out. The page now shows the return "
            "as it is: check it, then act again if you still need to.",
        )
    except TransitionNotAllowed as error:
        return _render(request, return_, status=CONFLICT, problem=str(error))
    except ValidationError as error:
        for message in error.messages:
            form.add_error(None, message)
        return _render(request, return_, forms={key: form})
    messages.success(request, done)
    return redirect(review_url(return_))


@login_required
@require_POST
def review_assign_view(request: HttpRequest, ods_code: str, year: int) -> HttpResponse:
    require_reviewer(request)
    return_ = review_return_get(ods_code=ods_code, year=year)
    form = AssignForm(request.POST, reviewers=list(reviewer_list()))

    def act(_: dict[str, Any]) -> None:
        services.review_assign(return_=return_, actor=request.user, reviewer=form.chosen_reviewer())  # type: ignore[arg-type]

    return _act(request, return_, "assign", form, act, "The reviewer is assigned.")


@login_required
@require_POST
def review_query_view(request: HttpRequest, ods_code: str, year: int) -> HttpResponse:
    require_reviewer(request)
    return_ = review_return_get(ods_code=ods_code, year=year)
    form = QueryForm(request.POST)

    def act(data: dict[str, Any]) -> None:
        services.query_raise(
            return_=return_,
            actor=request.user,  # type: ignore[arg-type]
            expected_version=data["expected_version"],
            text=data["text"],
            due_on=data["due_on"],
            indicator=data["indicator"],
            needs_change=data["needs_change"],
            return_url=request.build_absolute_uri(
                reverse("returns:queries", args=(return_.organisation.ods_code, year))
            ),
        )

    return _act(
        request, return_, "query", form, act, "Query sent. The organisation has been emailed."
    )


@login_required
@require_POST
def review_reply_view(
    request: HttpRequest, ods_code: str, year: int, query_id: int
) -> HttpResponse:
    require_reviewer(request)
    return_ = review_return_get(ods_code=ods_code, year=year)
    form = ReplyForm(request.POST, prefix=f"q{query_id}")

    def act(data: dict[str, Any]) -> None:
        services.query_reply(
            return_=return_,
            query_id=query_id,
            actor=request.user,  # type: ignore[arg-type]
            side=QuerySide.REVIEWER,
            text=data["text"],
            url=request.build_absolute_uri(
                reverse("returns:queries", args=(return_.organisation.ods_code, year))
            ),
        )

    return _act(request, return_, f"reply:{query_id}", form, act, "Your reply is sent.")


@login_required
@require_POST
def review_resolve_view(
    request: HttpRequest, ods_code: str, year: int, query_id: int
) -> HttpResponse:
    require_reviewer(request)
    return_ = review_return_get(ods_code=ods_code, year=year)

    def act(_: dict[str, Any]) -> None:
        services.query_resolve(return_=return_, query_id=query_id, actor=request.user)  # type: ignore[arg-type]

    return _act(request, return_, "resolve", Form(request.POST), act, "The query is resolved.")


@login_required
@require_POST
def review_verdict_view(request: HttpRequest, ods_code: str, year: int) -> HttpResponse:
    require_reviewer(request)
    return_ = review_return_get(ods_code=ods_code, year=year)
    prefix = request.POST.get("prefix", "")
    if not (prefix.startswith("w") and prefix[1:].isdigit() and len(prefix) < 6):
        prefix = "w0"
    form = VerdictForm(request.POST, prefix=prefix)
    key = f"verdict:{request.POST.get(prefix + '-warning_key', '')[:100]}"

    def act(data: dict[str, Any]) -> None:
        services.explanation_verdict_set(
            return_=return_,
            actor=request.user,  # type: ignore[arg-type]
            version_number=data["version_number"],
            key=data["warning_key"],
            verdict=data["verdict"],
            comment=data["comment"],
        )

    return _act(request, return_, key, form, act, "Your verdict on the explanation is saved.")


def _accept_confirmation(request: HttpRequest, return_: Return) -> HttpResponse:
    """The "are you sure" step before accepting: what is accepted, or why it cannot be."""
    versions = review_versions(return_=return_)
    latest = versions[-1] if versions else None
    blockers = review_accept_blockers(return_=return_, latest=latest)
    return render(
        request,
        "review/review_accept.jinja",
        {
            "return_": return_,
            "organisation": return_.organisation,
            "collection": return_.collection,
            "latest": latest,
            "blockers": blockers,
            "can_accept": latest is not None and not blockers,
            "summary": review_accept_summary(return_=return_, latest=latest),
            "form": VersionForm(initial={"expected_version": return_.version}),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def review_accept_view(request: HttpRequest, ods_code: str, year: int) -> HttpResponse:
    """GET: the confirmation step (nothing changes); POST (from it): accept the return."""
    require_reviewer(request)
    return_ = review_return_get(ods_code=ods_code, year=year)
    if request.method != "POST":
        return _accept_confirmation(request, return_)
    form = VersionForm(request.POST)

    def act(data: dict[str, Any]) -> None:
        services.review_accept(
            return_=return_,
            actor=request.user,  # type: ignore[arg-type]
            expected_version=data["expected_version"],
        )

    return _act(request, return_, "accept", form, act, "Return accepted.")


@login_required
@require_POST
def review_reopen_view(request: HttpRequest, ods_code: str, year: int) -> HttpResponse:
    require_reviewer(request)
    return_ = review_return_get(ods_code=ods_code, year=year)
    form = ReopenForm(request.POST)

    def act(data: dict[str, Any]) -> None:
        services.review_reopen(
            return_=return_,
            actor=request.user,  # type: ignore[arg-type]
            expected_version=data["expected_version"],
            reason=data["reason"],
        )

    done = (
        "Return reopened as a new draft. The accepted version stays until a new one is accepted."
        if return_.state == ReturnState.ACCEPTED
        else "Return reopened as a draft. The organisation has been emailed the reason."
    )
    return _act(request, return_, "reopen", form, act, done)
