"""The template download and the upload pages: upload, status (self-updating), results with a
CSV problem report, and confirm-and-apply. Every view reaches the return through
`return_for_user` (another organisation's is a 404) and needs `edit_return` (viewers get 403)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from audit.services import audit_record
from indicators.dictionary import ITEM_BY_CODE
from returns.exceptions import ReturnConflict, WorkflowError
from returns.models import Return
from returns.selectors import return_for_user
from uploads.forms import UploadForm
from uploads.models import Upload, UploadStatus
from uploads.parser import MAX_UPLOAD_BYTES
from uploads.report import problem_report_csv
from uploads.selectors import (
    upload_for_return,
    upload_limits,
    upload_list_for_return,
    upload_template,
)
from uploads.services import (
    UploadRefused,
    upload_apply,
    upload_check_delayed,
    upload_check_queue_failed,
    upload_receive,
    upload_recheck,
    upload_reject,
)
from wres_portal.file_forms import SizeLimitHandler

EDIT = "organisations.edit_return"
#: How often the status page's script asks whether checking has finished (milliseconds).
POLL_INTERVAL_MS = 1000
#: The person's uploads whose check could not be sent to the broker (the session lives in the
#: database, so it works while Redis is down): their status page says "delayed" at once.
UNQUEUED_SESSION_KEY = "wres_uploads_unqueued"
#: Said when the file is saved but its check could not be started (the broker is down) or has
#: waited too long: the sweep queues it again, so the person need do nothing.
DELAYED_MESSAGE = (
    "Checking is delayed. Your file has been saved and will be checked automatically as soon "
    "as the checking service is available again. You do not need to upload it again."
)


def _editable_return(request: HttpRequest, ods_code: str, year: int) -> Return:
    """The return, if the user may see it (else 404) and edit it (else 403)."""
    return_ = return_for_user(user=request.user, ods_code=ods_code, year=year)
    if not request.user.has_perm(EDIT, return_.organisation):
        raise PermissionDenied
    return return_


def _url(name: str, return_: Return, *extra: Any) -> str:
    return reverse(
        f"returns:{name}", args=(return_.organisation.ods_code, return_.collection.year, *extra)
    )


def _context(return_: Return, **extra: Any) -> dict[str, Any]:
    return {
        "return_": return_,
        "organisation": return_.organisation,
        "year": return_.collection.year,
        "task_list_url": _url("task_list", return_),
        **extra,
    }


def _label(code: str) -> str:
    item = ITEM_BY_CODE.get(code)
    return item.label if item is not None else code


@login_required
@require_safe
def upload_template_view(request: HttpRequest, ods_code: str, year: int) -> HttpResponse:
    """The .xlsx template, pre-filled with the draft and last year's indicator 3 figures."""
    return_ = _editable_return(request, ods_code, year)
    data = upload_template(organisation=return_.organisation, year=year, return_=return_)
    audit_record(
        action="upload.template_downloaded", actor=request.user, target=return_, request=request
    )
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    filename = f"wres-{year}-{return_.organisation.ods_code}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@csrf_exempt  # the size limit must be in place before the body is read; CSRF is checked below
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def upload_start_view(request: HttpRequest, ods_code: str, year: int) -> HttpResponse:
    """The upload form (NHS.UK file upload) and the return's earlier uploads."""
    request.upload_handlers.insert(0, SizeLimitHandler(request, limit=MAX_UPLOAD_BYTES))
    return _upload_start(request, ods_code, year)


@csrf_protect
def _upload_start(request: HttpRequest, ods_code: str, year: int) -> HttpResponse:
    return_ = _editable_return(request, ods_code, year)
    form = (
        UploadForm(
            request.POST,
            request.FILES,
            too_large=getattr(request, "upload_too_large", False),
        )
        if request.method == "POST"
        else UploadForm()
    )
    if request.method == "POST":
        if not return_.is_editable:
            form.add_error(None, "This return cannot be changed, so a file cannot be uploaded.")
        elif form.is_valid():
            uploaded = form.cleaned_data["file"]
            try:
                upload = upload_receive(
                    return_=return_,
                    actor=request.user,  # type: ignore[arg-type]
                    filename=uploaded.name or "",
                    data=uploaded.read(),
                )
            except UploadRefused as error:
                form.add_error("file", str(error))
            except WorkflowError as error:
                form.add_error(None, str(error))
            else:
                if upload_check_queue_failed(upload):
                    unqueued = request.session.get(UNQUEUED_SESSION_KEY, [])[-19:]
                    request.session[UNQUEUED_SESSION_KEY] = [*unqueued, upload.pk]
                return redirect(_url("upload_status", return_, upload.pk))
    return render(
        request,
        "uploads/upload.jinja",
        _context(
            return_,
            form=form,
            uploads=upload_list_for_return(return_=return_)[:10],
            template_url=_url("upload_template", return_),
            upload_url=lambda upload: _url("upload_status", return_, upload.pk),
            **upload_limits(organisation=return_.organisation),
        ),
    )


def _status_payload(request: HttpRequest, return_: Return, upload: Upload) -> dict[str, Any]:
    delayed = upload_check_delayed(upload) or (
        not upload.is_done and upload.pk in request.session.get(UNQUEUED_SESSION_KEY, [])
    )
    if upload.status == UploadStatus.READY:
        message = (
            "Your file has been checked: no errors"
            + (f", {upload.warning_count} warning(s)" if upload.warning_count else "")
            + ". Review the changes before they are applied."
        )
    elif upload.status == UploadStatus.REJECTED:
        message = (
            f"Your file has been checked and has {upload.error_count} error(s): nothing has "
            "changed in your return."
            if upload.error_count
            else "This upload was discarded: nothing has changed in your return."
        )
    elif upload.status == UploadStatus.APPLIED:
        message = "This upload has been applied to your return."
    elif delayed:
        message = DELAYED_MESSAGE
    else:
        message = "Your file is being checked. This usually takes a few seconds."
    return {
        "status": upload.status,
        "label": upload.get_status_display(),
        "done": upload.is_done,
        "delayed": delayed,
        "message": message,
        "results_url": _url("upload_results", return_, upload.pk),
    }


@login_required
@require_safe
def upload_status_view(
    request: HttpRequest, ods_code: str, year: int, upload_id: int
) -> HttpResponse:
    """While the file is checked: progress, updated by `upload-status.mjs`; then the results."""
    return_ = _editable_return(request, ods_code, year)
    upload = upload_for_return(return_=return_, upload_id=upload_id)
    if upload.is_done:
        return redirect(_url("upload_results", return_, upload.pk))
    return render(
        request,
        "uploads/upload_status.jinja",
        _context(
            return_,
            upload=upload,
            status=_status_payload(request, return_, upload),
            status_json_url=_url("upload_status_json", return_, upload.pk),
            poll_interval=POLL_INTERVAL_MS,
        ),
    )


@login_required
@require_safe
def upload_status_json_view(
    request: HttpRequest, ods_code: str, year: int, upload_id: int
) -> JsonResponse:
    """The upload's status for the polling script."""
    return_ = _editable_return(request, ods_code, year)
    upload = upload_for_return(return_=return_, upload_id=upload_id)
    response = JsonResponse(_status_payload(request, return_, upload))
    response["Cache-Control"] = "no-store"
    return response


def _summary_rows(upload: Upload, return_: Return) -> list[dict[str, Any]]:
    result = upload.result or {}
    summary = result.get("summary", {})
    changes = result.get("changes", {})
    before = return_.values
    rows = []
    for kind, codes in (
        ("Filled", summary.get("filled", [])),
        ("Changed", summary.get("changed", [])),
        ("Cleared", summary.get("cleared", [])),
    ):
        for code in codes:
            rows.append(
                {
                    "kind": kind,
                    "code": code,
                    "label": _label(code),
                    "before": before.get(code),
                    "after": changes.get(code),
                }
            )
    return rows


@login_required
@require_safe
def upload_results_view(
    request: HttpRequest, ods_code: str, year: int, upload_id: int
) -> HttpResponse:
    """Every problem, located and errors first, with the summary of what applying would change."""
    return_ = _editable_return(request, ods_code, year)
    upload = upload_for_return(return_=return_, upload_id=upload_id)
    if not upload.is_done:
        return redirect(_url("upload_status", return_, upload.pk))
    result = upload.result or {}
    problems = result.get("problems", [])
    return render(
        request,
        "uploads/upload_results.jinja",
        _context(
            return_,
            upload=upload,
            status=_status_payload(request, return_, upload),
            errors=[p for p in problems if p["severity"] == "error"],
            warnings=[p for p in problems if p["severity"] == "warning"],
            summary=result.get("summary", {}),
            stale=upload.status == UploadStatus.READY and upload.return_version != return_.version,
            report_url=_url("upload_report", return_, upload.pk),
            apply_url=_url("upload_apply", return_, upload.pk),
            discard_url=_url("upload_discard", return_, upload.pk),
            recheck_url=_url("upload_recheck", return_, upload.pk),
            upload_url=_url("upload", return_),
        ),
    )


@login_required
@require_safe
def upload_report_view(
    request: HttpRequest, ods_code: str, year: int, upload_id: int
) -> HttpResponse:
    """The problems as a CSV file."""
    return_ = _editable_return(request, ods_code, year)
    upload = upload_for_return(return_=return_, upload_id=upload_id)
    text = problem_report_csv((upload.result or {}).get("problems", []))
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="wres-{year}-{return_.organisation.ods_code}-upload-'
        f'{upload.pk}-problems.csv"'
    )
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def upload_apply_view(
    request: HttpRequest, ods_code: str, year: int, upload_id: int
) -> HttpResponse:
    """The summary of changes, and the button that applies them to the draft."""
    return_ = _editable_return(request, ods_code, year)
    upload = upload_for_return(return_=return_, upload_id=upload_id)
    error = ""
    if upload.status != UploadStatus.READY:
        return redirect(_url("upload_results", return_, upload.pk))
    if request.method == "POST":
        try:
            upload_apply(upload=upload, actor=request.user)  # type: ignore[arg-type]
        except ReturnConflict:
            error = (
                "Your return has changed since this file was checked, so nothing was applied. "
                "Check the file again to see the changes against the latest figures."
            )
        except WorkflowError as refusal:
            error = str(refusal)
        else:
            summary = (upload.result or {}).get("summary", {})
            count = sum(len(summary.get(k, [])) for k in ("filled", "changed", "cleared"))
            messages.success(request, f"The upload has been applied: {count} figure(s) updated.")
            return redirect(_url("task_list", return_))
    return render(
        request,
        "uploads/upload_apply.jinja",
        _context(
            return_,
            upload=upload,
            error=error,
            summary=(upload.result or {}).get("summary", {}),
            rows=_summary_rows(upload, return_),
            stale=upload.return_version != return_.version,
            apply_url=_url("upload_apply", return_, upload.pk),
            recheck_url=_url("upload_recheck", return_, upload.pk),
            results_url=_url("upload_results", return_, upload.pk),
        ),
        status=409 if error else 200,
    )


@login_required
@require_POST
def upload_discard_view(
    request: HttpRequest, ods_code: str, year: int, upload_id: int
) -> HttpResponse:
    """Discards an upload that has not been applied."""
    return_ = _editable_return(request, ods_code, year)
    upload = upload_for_return(return_=return_, upload_id=upload_id)
    try:
        upload_reject(upload=upload, actor=request.user)  # type: ignore[arg-type]
    except WorkflowError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "The upload was discarded. Nothing changed in your return.")
    return redirect(_url("upload", return_))


@login_required
@require_POST
def upload_recheck_view(
    request: HttpRequest, ods_code: str, year: int, upload_id: int
) -> HttpResponse:
    """Checks the file again against the draft as it is now."""
    return_ = _editable_return(request, ods_code, year)
    upload = upload_for_return(return_=return_, upload_id=upload_id)
    if upload.file_is_deleted:
        why = (
            "as soon as checking refused it"
            if upload.file_deleted_as_refused
            else "under the retention policy"
        )
        messages.error(
            request,
            f"This file was deleted {why}, so it cannot be checked again. Upload it again instead.",
        )
        return redirect(_url("upload_results", return_, upload.pk))
    try:
        upload_recheck(upload=upload)
    except WorkflowError as error:
        messages.error(request, str(error))
    return redirect(_url("upload_status", return_, upload.pk))
