"""Public pages of the organisation register: a searchable list and a page per organisation."""

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from organisations.forms import OrganisationFilterForm
from organisations.models import Organisation
from organisations.selectors import organisation_get, organisation_list, organisation_parent_icb

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
    """One organisation: its register entry (grows into the organisation's WRES profile)."""
    try:
        organisation = organisation_get(ods_code=ods_code)
    except Organisation.DoesNotExist:
        raise Http404("No organisation has that ODS code") from None
    return render(
        request,
        "organisations/detail.jinja",
        {"organisation": organisation, "parent_icb": organisation_parent_icb(organisation)},
    )
