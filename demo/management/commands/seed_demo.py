"""`manage.py seed_demo`: the demo data for the embedded portal (refuses to run with DEBUG off)."""

from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, DEMO_USERS, seed_demo_users
from engagement.demo import seed_demo_engagements
from extracts.demo import publish_demo_history
from organisations.eric import parse_trust_types
from organisations.models import Organisation
from organisations.ods import parse_ods_register
from organisations.services import (
    organisation_import_register,
    organisation_import_successions,
    organisation_import_trust_types,
    organisation_seed_demo,
)
from organisations.successions import parse_successions
from returns.demo import seed_history


def _register(name: str = "etr.csv") -> Path:
    """A reference file shipped with the organisations app (the ODS register, ERIC types)."""
    return Path(apps.get_app_config("organisations").path) / "data" / name


class Command(BaseCommand):
    help = "Load demo data: the ODS register, demo ICBs and providers, demo users, WRES history."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("seed_demo only runs with DEBUG on: it must never touch live data.")
        # The register with closed trusts, so that the history follows mergers (RRP and TAF
        # report until 2024, their successor G6V2S from 2025).
        # care-trusts.csv adds the four care trusts ERIC lists that the trust register does not.
        rows = []
        for name in ("etr-with-closed.csv", "care-trusts.csv"):
            result = parse_ods_register(_register(name).read_bytes())
            if result.problems:
                raise CommandError(f"The shipped {name} is damaged: {result.problems[0]}")
            rows.extend(result.rows)
        report = organisation_import_register(rows=rows)
        types = []
        for name in ("trust_type_lookup.csv", "trust_types.csv"):  # history, then the current
            eric = parse_trust_types(_register(name).read_bytes(), source=f"ERIC ({name})")
            if eric.problems:
                raise CommandError(f"The shipped {name} is damaged: {eric.problems[0]}")
            types.extend(eric.rows)
        latest = {(row.ods_code, row.year): row for row in types}
        trust_types = organisation_import_trust_types(rows=list(latest.values()))
        successions = parse_successions(_register("succ.csv").read_bytes())
        if successions.problems:
            raise CommandError(f"The shipped succ.csv is damaged: {successions.problems[0]}")
        linked = organisation_import_successions(rows=successions.rows)
        created = organisation_seed_demo()
        users = seed_demo_users()
        history = seed_history(
            # Every organisation, for the years it was open (closed ones until their closure).
            organisations=Organisation.objects.all(),
            current_year=timezone.localdate().year,
        )
        published = publish_demo_history(before_year=timezone.localdate().year)
        engagements = seed_demo_engagements()
        self.stdout.write(
            self.style.SUCCESS(
                f"Trusts: {report.summary()}. ERIC trust types: {trust_types.summary()}. "
                f"Successions: {linked.summary()}. "
                f"Demo ICBs and independent providers: {created} created. "
                f"Demo users: {users} created. WRES history (synthetic): {history.summary()}. "
                f"Collections published: {published}. "
                f"Engagements (synthetic): {engagements} created."
            )
        )
        self.stdout.write(
            "Demo sign-in (any of): "
            + ", ".join(user.email for user in DEMO_USERS)
            + f"\nDemo password: {DEMO_PASSWORD}"
            + f"\nNational users' authenticator secret (TOTP, base32): {DEMO_TOTP_SECRET}"
        )
