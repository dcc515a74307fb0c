"""The national admin's Staff Survey page (/returns/survey/): load a results file, see every
problem of a refused one by line and column, and see what is loaded per year."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from survey.forms import SurveyLoadForm
from survey.parser import MAX_FILE_BYTES, SurveyProblem
from survey.selectors import survey_recent_loads, survey_years
from survey.services import SurveyLoadRefused, survey_load
from wres_portal.file_forms import SizeLimitHandler

#: National admins only (the rule the publish page and the Django admin use).
LOAD_SURVEY = "wres.use_admin_site"


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


@csrf_exempt  # the size limit must be in place before the body is read; CSRF is checked below
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def survey_load_view(request: HttpRequest) -> HttpResponse:
    """The load form, a refused file's problems, and what is loaded per year."""
    request.upload_handlers.insert(0, SizeLimitHandler(request, limit=MAX_FILE_BYTES))
    return _survey_load(request)


@csrf_protect
def _survey_load(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm(LOAD_SURVEY):
        raise PermissionDenied
    problems: list[SurveyProblem] = []
    problem_count = 0
    if request.method == "POST":
        form = SurveyLoadForm(
            request.POST, request.FILES, too_large=getattr(request, "upload_too_large", False)
        )
        if form.is_valid():
            uploaded = form.cleaned_data["file"]
            try:
                load = survey_load(
                    actor=request.user,
                    filename=uploaded.name or "",
                    data=uploaded.read(),
                    request=request,
                )
            except SurveyLoadRefused as refusal:
                problems, problem_count = refusal.problems, refusal.problem_count
                form.add_error(
                    "file",
                    f"The file was not loaded: it has {problem_count} problem"
                    f"{'' if problem_count == 1 else 's'}, listed below. Nothing was changed.",
                )
            else:
                messages.success(
                    request,
                    f"Loaded {_plural(load.row_count, 'row')} for "
                    f"{_plural(load.organisation_count, 'organisation')} "
                    f"({', '.join(str(year) for year in load.years)}).",
                )
                return redirect("returns:survey_load")
    else:
        form = SurveyLoadForm()
    response = render(
        request,
        "survey/load.jinja",
        {
            "form": form,
            "problems": problems,
            "problem_count": problem_count,
            "years": survey_years(),
            "loads": survey_recent_loads(),
        },
    )
    response["Cache-Control"] = "private, no-store"
    return response
