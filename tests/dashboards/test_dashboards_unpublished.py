"""Dashboards and profiles before publication, and a profile's report links and predecessors
(these build their own history; the other modules share one published history per module)."""

import pytest
from django.urls import reverse

from extracts.services import collection_publish
from organisations.models import Organisation
from returns.models import Collection, Return, ReturnVersion

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_dashboard_before_anything_is_published(history, client):
    response = client.get(reverse("dashboards:national"))

    assert response.status_code == 200
    assert "Nothing has been published yet" in response.content.decode()
    assert client.get(reverse("dashboards:measure", args=["workforce"])).status_code == 404


def test_profile_before_publication_and_for_an_unpublished_organisation(history, client):
    content = client.get(reverse("organisations:detail", args=["RJ1"])).content.decode()
    assert "No WRES figures of this organisation have been published yet." in content


def test_profile_links_reports_and_shows_predecessors_history(history, client):
    rk2 = Return.objects.get(organisation__ods_code="RK2", collection__year=2016)
    latest = rk2.accepted_version
    linked = ReturnVersion.objects.create(
        wres_return=rk2,
        organisation=rk2.organisation,
        collection=rk2.collection,
        number=latest.number + 1,
        values=latest.values,
        metrics=latest.metrics,
        issues=[],
        submitted_at=latest.submitted_at,
        approver_name="A",
        synthetic=True,
        report_url="https://rk2.example.test/wres-2016.pdf",
        action_plan_url="https://rk2.example.test/plan-2016.pdf",
    )
    Return.objects.filter(pk=rk2.pk).update(accepted_version=linked)
    for year in (2015, 2016, 2017):
        collection_publish(collection=Collection.objects.get(year=year), actor="tests")
    rk1, rk3 = Organisation.objects.get(ods_code="RK1"), Organisation.objects.get(ods_code="RK3")
    rk1.predecessors.add(rk3)

    rk2_page = client.get(reverse("organisations:detail", args=["RK2"])).content.decode()
    rk1_page = client.get(reverse("organisations:detail", args=["RK1"])).content.decode()

    assert 'href="https://rk2.example.test/wres-2016.pdf"' in rk2_page
    assert 'href="https://rk2.example.test/plan-2016.pdf"' in rk2_page
    assert "Organisations it took over" in rk1_page
    assert "RK3 NHS TRUST (RK3)" in rk1_page
