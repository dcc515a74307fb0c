"""`seed_demo`: register, demo ICBs and independent providers; idempotent; never with DEBUG off."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from organisations.models import Organisation

pytestmark = pytest.mark.django_db


def test_seed_demo_loads_everything_once_and_a_second_run_duplicates_nothing(
    settings, tmp_path, client
):
    """One test for the whole demo (each run takes seconds): register, demo organisations, demo
    users for every role, the published history; then a second run that changes nothing."""
    from django.utils import timezone

    from accounts.models import User
    from extracts.models import Publication
    from returns.models import Return

    settings.DEBUG = True
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", stdout=StringIO())

    # The register with closed trusts (270 in England) and the four care trusts ERIC lists.
    trusts = Organisation.objects.filter(org_type="nhs_trust")
    assert trusts.count() == 274
    assert not trusts.filter(closed_on__isnull=True, trust_type="").exists()
    # Mergers: G6V2S took over RRP and TAF in November 2024; each reports while it is open.
    g6v2s = Organisation.objects.get(ods_code="G6V2S")
    assert {"RRP", "TAF"} <= set(g6v2s.predecessors.values_list("ods_code", flat=True))
    reported = {
        code: set(
            Return.objects.filter(
                organisation__ods_code=code, accepted_version__isnull=False
            ).values_list("collection__year", flat=True)
        )
        for code in ("G6V2S", "RRP", "TAF")
    }
    assert reported["RRP"] == reported["TAF"] == set(range(2015, 2025))
    assert min(reported["G6V2S"]) == 2025
    profile = client.get("/organisations/G6V2S/").content.decode()
    assert 'href="/organisations/RRP/"' in profile and 'href="/organisations/TAF/"' in profile
    assert 'id="history-RRP"' in profile and 'id="history-TAF"' in profile
    assert Organisation.objects.filter(org_type="icb").count() == 5
    assert Organisation.objects.filter(org_type="independent", is_demo=True).count() == 3
    roles = {u.email: u.national_role for u in User.objects.all()}
    assert roles["admin@demo.wres.test"] == "admin"
    assert roles["reviewer@demo.wres.test"] == "reviewer"
    assert roles["analyst@demo.wres.test"] == "analyst"
    approver = User.objects.get(email="approver.rj1@demo.wres.test")
    assert sorted(approver.memberships.values_list("organisation__ods_code", "role")) == [
        ("RJ1", "approver"),
        ("RJ2", "approver"),
    ]
    # 2015 to last year; the current year is open, not published
    publications = Publication.objects.count()
    assert publications == timezone.localdate().year - 2015
    organisations = list(Organisation.objects.order_by("id").values_list())
    users = list(User.objects.order_by("id").values_list("email", "national_role"))

    call_command("seed_demo", stdout=StringIO())

    assert list(Organisation.objects.order_by("id").values_list()) == organisations
    assert list(User.objects.order_by("id").values_list("email", "national_role")) == users
    assert Publication.objects.count() == publications


def test_seed_demo_refuses_with_debug_off(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="only runs with DEBUG on"):
        call_command("seed_demo", stdout=StringIO())
    assert Organisation.objects.count() == 0


def test_demo_totp_prints_a_code_only_with_debug_on(settings):
    settings.DEBUG = True
    out = StringIO()
    call_command("demo_totp", stdout=out)
    assert out.getvalue()[:6].isdigit()

    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG on"):
        call_command("demo_totp", stdout=StringIO())
