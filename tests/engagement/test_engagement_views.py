"""The engagement pages: recording engagements, actions and case studies (the WRES team), what
an organisation's members see and change, bad input, permissions and the CSV export."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from typing import Any

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from engagement import selectors
from engagement.models import Action, CaseStudy, Engagement
from engagement.services import action_add, case_study_record, engagement_record

pytestmark = pytest.mark.django_db
CREATE = "/engagements/new/"
FIGURES = [{"year": 2015 + i, "rl": 1.5 + i / 10, "low": 1.2, "high": 1.9} for i in range(4)]


def _engage(persistent: tuple[str, ...] = ("RJ1",), improving: tuple[str, ...] = ()) -> Any:
    def entry(code: str) -> dict[str, Any]:
        return {"organisation": code, "name": f"{code} NHS TRUST", "region": "London",
                "sector": "Acute", "figures": FIGURES}  # fmt: skip

    lists = {
        "persistent": [entry(c) for c in persistent],
        "worsening": [],
        "improving": [entry(c) for c in improving],
    }
    empty = {"persistent": [], "worsening": [], "improving": []}
    return lambda: {"publication": 1, "years": [2015, 2016, 2017, 2018], "2": lists,
                    "3": empty, "4": empty}  # fmt: skip


def _valid(**overrides: Any) -> dict[str, Any]:
    return {
        "organisation": "RJ1",
        "held_on_day": "10",
        "held_on_month": "6",
        "held_on_year": "2025",
        "kind": "board",
        "origin": "targeted",
        "indicators": ["2", "3"],
        "people_present": "Chair, chief executive, chief people officer",
        "follow_up": "Board to review the recruitment panel make-up.",
    } | overrides


@pytest.fixture
def engagement(people, orgs) -> dict[str, Any]:
    """An engagement with RJ1 (one open action) and one with RJ3 (nobody's here)."""
    reviewer = people["reviewer"]
    rj1 = engagement_record(actor=reviewer, organisation=orgs["RJ1"], held_on=dt.date(2025, 6, 10),
                            kind="board", origin="requested", indicators=[2])  # fmt: skip
    action = action_add(actor=reviewer, engagement=rj1, description="Review shortlisting panels",
                        owner_role="Chief people officer", due_on=dt.date(2026, 3, 31))  # fmt: skip
    rj3 = engagement_record(actor=reviewer, organisation=orgs["RJ3"], held_on=dt.date(2025, 7, 1),
                            kind="executive", origin="targeted", indicators=[3])  # fmt: skip
    return {"rj1": rj1, "action": action, "rj3": rj3}


def _detail(e: Engagement) -> str:
    return reverse("engagement:detail", args=[e.organisation.ods_code, e.pk])


def _status(e: Engagement, a: Action) -> str:
    return reverse("engagement:action_status", args=[e.organisation.ods_code, e.pk, a.pk])


def test_reviewer_records_an_engagement_and_it_is_audited(people, orgs, client_for):
    client = client_for(people["reviewer"])

    response = client.post(CREATE, _valid())

    engagement = Engagement.objects.get()
    assert response.status_code == 302 and response["Location"] == _detail(engagement)
    assert engagement.indicators == [2, 3]
    assert engagement.held_on == dt.date(2025, 6, 10) and engagement.wres_year == 2026
    assert engagement.figures == {}  # not started from "where to engage"
    event = AuditEvent.objects.get(action="engagement.recorded")
    assert event.actor == people["reviewer"] and event.organisation == orgs["RJ1"]


def test_engagement_from_where_to_engage_is_prefilled_and_keeps_the_figures(
    people, orgs, client_for, monkeypatch
):
    monkeypatch.setattr(selectors, "engage_entries", _engage())
    client = client_for(people["reviewer"])
    url = CREATE + "?organisation=RJ1&indicator=2"

    page = client.get(url).content.decode()
    assert re.search(r'<option value="RJ1" selected\s*>', page)
    assert re.search(r'value="2" checked\s*>', page)
    assert "Significantly adverse three years running" in page

    client.post(url, _valid(indicators=["2"]))

    figures = Engagement.objects.get().figures
    assert figures["lists"][0]["indicator"] == 2 and figures["lists"][0]["figures"] == FIGURES


def test_figures_are_not_attached_to_another_organisation_than_the_one_started_from(
    people, orgs, client_for, monkeypatch
):
    monkeypatch.setattr(selectors, "engage_entries", _engage())

    client_for(people["reviewer"]).post(
        CREATE + "?organisation=RJ1&indicator=2", _valid(organisation="RJ2")
    )

    assert Engagement.objects.get().figures == {}


@pytest.mark.parametrize(
    ("change", "message", "field"),
    [
        ({"held_on_day": "31", "held_on_month": "2"}, "enter a real date", "id_held_on_day"),
        ({"held_on_month": "13"}, "enter a real month", "id_held_on_month"),
        ({"held_on_year": "2999"}, "enter a real year", "id_held_on_year"),
        ({"held_on_day": "", "held_on_month": "", "held_on_year": ""}, "Enter the date",
         "id_held_on_day"),
        ({"held_on_year": str(dt.date.today().year + 1)}, "cannot be in the future",
         "id_held_on_day"),
        ({"indicators": ["99"]}, "Choose indicators from the list", "id_indicators_0"),
        ({"indicators": []}, "Choose at least one indicator", "id_indicators_0"),
        ({"kind": ""}, "Choose the kind of engagement", "id_kind_0"),
        ({"kind": "party"}, "Choose a kind of engagement from the list", "id_kind_0"),
        ({"organisation": "XXX"}, "Choose an organisation from the list", "id_organisation"),
        ({"origin": ""}, "requested or targeted", "id_origin_0"),
        ({"follow_up": "x" * 5001}, "5,000 characters or fewer", "id_follow_up"),
    ],
)  # fmt: skip
def test_bad_engagement_input_shows_a_located_error_and_stores_nothing(
    people, orgs, client_for, change, message, field
):
    client = client_for(people["reviewer"])

    response = client.post(CREATE, _valid(**change))

    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in page and "There is a problem" in page
    assert message in page
    assert f'href="#{field}"' in page and f'id="{field}"' in page
    assert not Engagement.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="engagement.").exists()


def test_reviewer_adds_and_changes_an_action(people, engagement, client_for):
    client = client_for(people["reviewer"])
    e = engagement["rj1"]
    add = reverse("engagement:action_add", args=["RJ1", e.pk])

    bad = client.post(add, {"description": "", "owner_role": "Chair", "due_on_day": "30",
                            "due_on_month": "2", "due_on_year": "2026",
                            "status": "open"})  # fmt: skip
    assert bad.status_code == 200 and "What is to be done: enter it" in bad.content.decode()
    assert "enter a real date" in bad.content.decode()
    assert e.actions.count() == 1

    client.post(add, {"description": "Reverse mentoring for the board", "owner_role": "Chair",
                      "due_on_day": "1", "due_on_month": "9", "due_on_year": "2026",
                      "status": "in_progress"})  # fmt: skip
    action = e.actions.get(description="Reverse mentoring for the board")
    assert action.status == "in_progress" and action.organisation_id == e.organisation_id

    edit = reverse("engagement:action_edit", args=["RJ1", e.pk, action.pk])
    client.post(edit, {"description": action.description, "owner_role": "Chief executive",
                       "due_on_day": "1", "due_on_month": "9", "due_on_year": "2026",
                       "status": "done"})  # fmt: skip
    action.refresh_from_db()
    assert (action.owner_role, action.status) == ("Chief executive", "done")
    assert AuditEvent.objects.filter(action="engagement.action_changed").count() == 1


def test_organisation_member_sees_own_engagement_and_marks_an_action_done(
    people, engagement, client_for
):
    client = client_for(people["submitter"])
    e, action = engagement["rj1"], engagement["action"]

    page = client.get(_detail(e)).content.decode()
    assert "Review shortlisting panels" in page and "Update status" in page
    assert "Change this action" not in page  # the WRES team's
    assert "Review shortlisting panels" in client.get("/engagements/RJ1/").content.decode()

    response = client.post(_status(e, action), {f"action-{action.pk}-status": "done"})

    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == "done" and action.updated_by == people["submitter"]
    event = AuditEvent.objects.get(action="engagement.action_status_changed")
    assert event.detail["status_from"] == "open" and event.detail["status_to"] == "done"


def test_a_bad_status_shows_a_located_error_and_changes_nothing(people, engagement, client_for):
    e, action = engagement["rj1"], engagement["action"]

    response = client_for(people["submitter"]).post(
        _status(e, action), {f"action-{action.pk}-status": "finished"}
    )

    page = response.content.decode()
    assert response.status_code == 200 and "<title>Error: " in page
    assert f'href="#id_action-{action.pk}-status"' in page
    action.refresh_from_db()
    assert action.status == "open"


def test_viewers_see_actions_but_may_not_change_them(people, engagement, client_for):
    e, action = engagement["rj1"], engagement["action"]
    client = client_for(people["viewer"])

    assert "Update status" not in client.get(_detail(e)).content.decode()
    response = client.post(_status(e, action), {f"action-{action.pk}-status": "done"})

    assert response.status_code == 403
    action.refresh_from_db()
    assert action.status == "open"


@pytest.mark.parametrize("role", ["submitter", "approver", "viewer", "nobody", "analyst"])
def test_another_organisations_engagement_is_unreachable_by_url(people, engagement, client_for,
                                                                role):  # fmt: skip
    client = client_for(people[role])
    rj3 = engagement["rj3"]
    rj3_action = action_add(actor=people["reviewer"], engagement=rj3, description="Act",
                            owner_role="Chair", due_on=dt.date(2026, 1, 1))  # fmt: skip

    assert client.get(_detail(rj3)).status_code == 404
    assert client.get("/engagements/RJ3/").status_code == 404
    # Its number under one's own organisation's address: still not found.
    assert client.get(reverse("engagement:detail", args=["RJ1", rj3.pk])).status_code == 404
    assert client.post(_status(rj3, rj3_action), {f"action-{rj3_action.pk}-status": "done"}
                       ).status_code == 404  # fmt: skip
    rj3_action.refresh_from_db()
    assert rj3_action.status == "open"


@pytest.mark.parametrize(
    "url", ["/engagements/", "/engagements/engagements.csv", CREATE, "/engagements/impact/",
            "/engagements/practice/", "/engagements/practice/new/"],
)  # fmt: skip
def test_the_wres_teams_pages_are_refused_to_organisation_users(people, client_for, url):
    assert client_for(None).get(url).status_code == 302
    for role in ("submitter", "approver", "viewer", "analyst", "nobody"):
        assert client_for(people[role]).get(url).status_code == 403, role


def test_csv_export_has_one_row_per_engagement_follows_filters_and_is_audited(
    people, orgs, engagement, client_for
):
    from organisations.models import Region

    orgs["RJ3"].region = Region.MIDLANDS
    orgs["RJ3"].save()
    engagement["rj1"].follow_up = '=HYPERLINK("http://x")'
    engagement["rj1"].save()
    client = client_for(people["reviewer"])

    response = client.get("/engagements/engagements.csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert response["Content-Type"].startswith("text/csv")
    assert [r["ods_code"] for r in rows] == ["RJ3", "RJ1"]
    rj1 = rows[1]
    assert (rj1["indicators"], rj1["actions"], rj1["actions_open"]) == ("2", "1", "1")
    assert rj1["follow_up"].startswith("'=")  # not run as a formula

    london = client.get("/engagements/engagements.csv?region=Y56&indicator=2&action_status=open")
    assert [r["ods_code"] for r in csv.DictReader(io.StringIO(london.content.decode()))] == ["RJ1"]
    none = client.get("/engagements/engagements.csv?action_status=none")
    assert [r["ods_code"] for r in csv.DictReader(io.StringIO(none.content.decode()))] == ["RJ3"]
    assert AuditEvent.objects.filter(action="engagement.list_downloaded").count() == 3


def test_list_filters_report_a_bad_value_and_never_fail(people, engagement, client_for):
    client = client_for(people["reviewer"])

    response = client.get("/engagements/?indicator=99&region=nowhere&action_status=done")

    page = response.content.decode()
    assert response.status_code == 200
    assert "Choose an indicator from the list" in page and "Choose a region from the list" in page
    assert "0 engagements" in page  # the valid filter (done actions) still applied


def test_ideas_from_others_show_case_studies_on_the_indicators_needing_support(
    people, orgs, client_for, monkeypatch
):
    monkeypatch.setattr(selectors, "engage_entries", _engage(persistent=("RJ1",)))
    reviewer = people["reviewer"]
    case_study_record(actor=reviewer, organisation=orgs["RJ2"], indicator=2,
                      summary="Diverse shortlisting panels.", contact_role="Head of EDI",
                      report_url="https://rj2.nhs.uk/wres")  # fmt: skip
    case_study_record(actor=reviewer, organisation=orgs["RJ3"], indicator=3,
                      summary="Just culture reviews before any investigation.",
                      contact_role="Director of people")  # fmt: skip

    page = client_for(people["viewer"]).get("/engagements/RJ1/").content.decode()

    assert "Diverse shortlisting panels." in page and "https://rj2.nhs.uk/wres" in page
    assert "Just culture" not in page  # RJ1 needs no support on indicator 3


def test_organisation_page_links_members_to_engagement_and_ideas(people, orgs, client_for):
    link = reverse("engagement:organisation", args=["RJ1"])

    assert link in client_for(people["viewer"]).get("/organisations/RJ1/").content.decode()
    assert link not in client_for(None).get("/organisations/RJ1/").content.decode()
    assert link not in client_for(people["viewer"]).get("/organisations/RJ3/").content.decode()


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "ftp://example.org/report.pdf", "not a url"]
)
def test_case_study_links_must_be_http_or_https(people, orgs, client_for, url):
    response = client_for(people["reviewer"]).post(
        "/engagements/practice/new/",
        {"organisation": "RJ2", "indicator": "2", "summary": "Panels.", "contact_role": "EDI lead",
         "report_url": url, "action_plan_url": "http://rj2.nhs.uk/plan"},
    )  # fmt: skip

    assert response.status_code == 200
    assert "enter a web address starting https:// or http://" in response.content.decode()
    assert not CaseStudy.objects.exists()


def test_case_study_is_recorded_changed_and_audited(people, orgs, client_for):
    client = client_for(people["reviewer"])
    data = {"organisation": "RJ2", "indicator": "2", "summary": "Panels.", "contact_role": "EDI",
            "report_url": "https://rj2.nhs.uk/r", "action_plan_url": ""}  # fmt: skip

    assert client.post("/engagements/practice/new/", data).status_code == 302
    study = CaseStudy.objects.get()
    data = {k: v for k, v in data.items() if k != "organisation"} | {"indicator": "4"}
    client.post(reverse("engagement:case_study_edit", args=[study.pk]), data)

    study.refresh_from_db()
    assert study.indicator == 4
    assert [e.action for e in AuditEvent.objects.order_by("pk") if e.action.startswith("eng")] == [
        "engagement.case_study_recorded",
        "engagement.case_study_changed",
    ]


def test_impact_page_before_anything_is_published(people, client_for):
    page = client_for(people["reviewer"]).get("/engagements/impact/").content.decode()

    assert "Nothing has been published yet" in page and "does not prove" in page
