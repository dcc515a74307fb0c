"""Public pages: start, accessibility, privacy, the organisation list and an organisation's page."""

import pytest
from django.urls import reverse

from organisations.models import Organisation
from organisations.services import organisation_seed_demo

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["start", "accessibility", "privacy"])
def test_public_page_needs_no_sign_in(client, name):
    response = client.get(reverse(name))

    assert response.status_code == 200
    assert b"nhsuk-header" in response.content
    assert b"Skip to main content" in response.content


def test_start_page_says_what_the_service_is_and_counts_organisations(client, register):
    organisation_seed_demo()

    content = client.get("/").content.decode()

    assert "Workforce Race Equality Standard" in content
    assert "Who this service is for" in content
    assert (
        "<strong>210</strong> open organisations: 202 NHS trusts, 5 integrated care boards"
        in content
    )


def test_page_carries_the_csp_nonce_on_its_only_inline_script(client):
    response = client.get("/")

    policy = response.headers["Content-Security-Policy"]
    nonce = policy.split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"' in response.content.decode()
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy


def test_organisation_list_shows_and_counts_organisations(client, register):
    response = client.get(reverse("organisations:list"))

    content = response.content.decode()
    assert response.status_code == 200
    assert "207 organisations" in content
    assert "Page 1 of 9" in content


@pytest.mark.parametrize(
    ("query", "present", "absent"),
    [
        ("q=guy", "Guy&#39;s and St Thomas", "Lewisham"),
        ("q=rj2", "Lewisham and Greenwich", "Guy&#39;s"),
        ("region=Y63&sector=ambulance", "North East Ambulance", "London Ambulance"),
        ("org_type=icb", "North Central London Integrated Care Board", "Guy&#39;s"),
    ],
)
def test_organisation_list_searches_and_filters(client, register, query, present, absent):
    organisation_seed_demo()

    content = client.get(reverse("organisations:list") + "?" + query).content.decode()

    assert present in content
    assert absent not in content


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("region=Y99", "Choose a region from the list"),
        ("org_type=hospital", "Choose a type from the list"),
        ("sector=%00", "Choose a sector from the list"),
        ("q=" + "x" * 101, "Search for 100 characters or fewer"),
        ("q=abc%00def", "Null characters are not allowed"),
    ],
)
def test_organisation_list_bad_parameter_is_explained_not_an_error(
    client, register, query, message
):
    response = client.get(reverse("organisations:list") + "?" + query)

    content = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in content
    assert message in content
    assert "<title>Error: " in content
    assert "207 organisations" in content  # the bad filter filters nothing


@pytest.mark.parametrize("page", ["zz", "-1", "0", "99999", "1.5", "%00"])
def test_organisation_list_bad_page_number_gives_a_page(client, register, page):
    response = client.get(reverse("organisations:list") + "?page=" + page)

    assert response.status_code == 200


def test_organisation_list_runs_the_same_queries_whatever_the_size(
    client, register, django_assert_num_queries
):
    with django_assert_num_queries(2):  # the count and one page of rows
        client.get(reverse("organisations:list") + "?page=2")
    Organisation.objects.all().delete()
    organisation_seed_demo()
    with django_assert_num_queries(2):
        client.get(reverse("organisations:list"))


def test_organisation_list_refuses_post(client):
    assert client.post(reverse("organisations:list")).status_code == 405


def test_organisation_page_shows_the_register_entry(client, register):
    organisation_seed_demo()

    response = client.get(reverse("organisations:detail", args=["RJ1"]))

    content = response.content.decode()
    assert response.status_code == 200
    assert "Guy&#39;s and St Thomas&#39; NHS Foundation Trust" in content
    assert "London" in content
    assert 'href="/organisations/QKK/"' in content  # its ICB, linked


def test_organisation_page_accepts_a_lower_case_code(client, register):
    assert client.get("/organisations/rj1/").status_code == 200


def test_organisation_page_shows_mergers(client, register):
    old = Organisation.objects.get(ods_code="RJ2")
    new = Organisation.objects.get(ods_code="RJ1")
    new.predecessors.add(old)

    assert "Lewisham and Greenwich" in client.get("/organisations/RJ1/").content.decode()
    assert "Became part of" in client.get("/organisations/RJ2/").content.decode()


@pytest.mark.parametrize("path", ["/organisations/NOPE1/", "/organisations/%00/", "/no-such-page/"])
def test_unknown_address_is_a_404_page_in_the_layout(client, register, path):
    response = client.get(path)

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_privacy_notice_states_the_retention_periods_in_force(client, settings):
    settings.WRES_UPLOAD_RETENTION_DAYS = 123
    settings.WRES_ACCOUNT_INACTIVE_DAYS = 45

    page = client.get("/privacy/").content.decode()

    assert "deleted 123 days after they were uploaded" in page
    assert "not been used for 45 days is disabled" in page


def test_privacy_notice_names_every_cookie_the_return_contacts_and_how_long_addresses_stay(
    client,
):
    # Issue 19, finding 11: the messages cookie, return contact details and IP retention.
    page = client.get("/privacy/").content.decode()

    assert "carries a short message to the next page" in page
    assert "the contact for each return" in page
    assert "including the network address each action came from" in page


def test_approvers_and_admins_find_the_members_page_from_the_organisation_page(people, client_for):
    # Issue 14 left this: an approver had no way to the members page but typing its address.
    link = 'href="/organisations/RJ1/members/"'

    def page(role, code="RJ1"):
        return client_for(people.get(role)).get(f"/organisations/{code}/").content.decode()

    assert link in page("approver")
    assert link in page("admin")
    for role in ("anonymous", "submitter", "viewer", "reviewer", "analyst"):
        assert link not in page(role), role
    assert "/organisations/RJ3/members/" not in page("approver", "RJ3")
