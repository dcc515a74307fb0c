"""An organisation's engagements and ideas from others, 'Did it help?' and the practice
library."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from engagement import selectors, services
from engagement.forms import (
    CaseStudyForm,
)
from engagement.impact_page import impact_context
from engagement.models import INDICATOR_NAMES, CaseStudy
from engagement.views.common import (
    REVIEW,
    _require_team,
)
from organisations.models import Organisation
from organisations.selectors import organisation_for_user

# The organisation's own page: its engagements, actions and ideas from others.


@login_required
@require_safe
def organisation_engagements_view(request: HttpRequest, ods_code: str) -> HttpResponse:
    """An organisation's engagements and actions, and case studies from sustained improvers on
    the indicators where it needs support (members and the WRES team)."""
    organisation = organisation_for_user(user=request.user, ods_code=ods_code)
    support = selectors.support_indicators(ods_code=organisation.ods_code)
    return render(
        request,
        "engagement/organisation.jinja",
        {
            "organisation": organisation,
            "engagements": selectors.engagements_of(organisation=organisation),
            "support": support,
            "ideas": selectors.ideas_for(organisation=organisation, indicators=support),
            "team": request.user.has_perm(REVIEW),
            "indicator_names": INDICATOR_NAMES,
        },
    )


# Did it help?


@login_required
@require_safe
def impact_view(request: HttpRequest) -> HttpResponse:
    """Engaged organisations against comparable ones, per indicator, with charts and tables."""
    _require_team(request)
    return render(request, "engagement/impact.jinja", impact_context())


# The practice library.


@login_required
@require_safe
def practice_list_view(request: HttpRequest) -> HttpResponse:
    """Every case study, and the current sustained improvers without one."""
    _require_team(request)
    engage = selectors.engage_entries()
    studies = selectors.case_study_list()
    have = {(s.organisation.ods_code, s.indicator) for s in studies}
    improvers = [
        {**entry, "indicator": k}
        for k in (2, 3, 4)
        for entry in engage.get(str(k), {}).get("improving", [])
        if (entry["organisation"], k) not in have
    ]
    return render(
        request,
        "engagement/practice.jinja",
        {"studies": studies, "improvers": improvers, "indicator_names": INDICATOR_NAMES},
    )


def _study_page(request: HttpRequest, form: CaseStudyForm, study: CaseStudy | None) -> HttpResponse:
    return render(
        request,
        "engagement/case_study_form.jinja",
        {
            "form": form,
            "study": study,
            "title": "Change a case study" if study else "Record a case study",
            "action_url": request.get_full_path(),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def case_study_create_view(request: HttpRequest) -> HttpResponse:
    """Records a sustained improver's case study (``?organisation=ODS&indicator=K`` fills in)."""
    _require_team(request)
    if request.method == "POST":
        form = CaseStudyForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            services.case_study_record(
                actor=request.user,
                organisation=data["organisation"],
                indicator=data["indicator"],
                summary=data["summary"],
                contact_role=data["contact_role"],
                report_url=data["report_url"],
                action_plan_url=data["action_plan_url"],
            )
            messages.success(request, "Case study recorded.")
            return redirect("engagement:practice")
    else:
        initial = {}
        code = request.GET.get("organisation", "")[:10].upper()
        if code and Organisation.objects.filter(ods_code=code).exists():
            initial["organisation"] = code
        if request.GET.get("indicator", "") in ("2", "3", "4"):
            initial["indicator"] = request.GET["indicator"]
        form = CaseStudyForm(initial=initial)
    return _study_page(request, form, None)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def case_study_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Changes a case study (the WRES team)."""
    _require_team(request)
    study = CaseStudy.objects.select_related("organisation").filter(pk=pk).first()
    if study is None:
        raise Http404("No such case study")
    if request.method == "POST":
        form = CaseStudyForm(request.POST, with_organisation=False)
        if form.is_valid():
            data = form.cleaned_data
            services.case_study_update(
                actor=request.user,
                study=study,
                changes={
                    n: data[n]
                    for n in (
                        "indicator",
                        "summary",
                        "contact_role",
                        "report_url",
                        "action_plan_url",
                    )
                },
            )
            messages.success(request, "Case study saved.")
            return redirect("engagement:practice")
    else:
        form = CaseStudyForm(
            with_organisation=False,
            initial={
                "indicator": str(study.indicator),
                **{
                    n: getattr(study, n)
                    for n in ("summary", "contact_role", "report_url", "action_plan_url")
                },
            },
        )
    return _study_page(request, form, study)
