"""`seed_demo`: register, demo ICBs and independent providers; idempotent; never with DEBUG off."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from organisations.models import Organisation

pytestmark = pytest.mark.django_db


def test_seed_demo_loads_everything_once_and_a_second_run_duplicates_nothing(settings, tmp_path):
    """One test for the whole demo (each run takes seconds): register, demo organisations, demo
    users for every role, the published history; then a second run that changes nothing."""
    from django.utils import timezone

    from accounts.models import User
    from extracts.models import Publication

    settings.DEBUG = True
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", stdout=StringIO())

    assert Organisation.objects.filter(org_type="nhs_trust").count() == 207
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
