"""`manage.py import_ods FILE`: loads the ODS register's headerless CSV (idempotent)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from organisations.models import OrganisationType
from organisations.ods import parse_ods_register, refusal
from organisations.services import organisation_import_register

MAX_PROBLEMS_SHOWN = 20


class Command(BaseCommand):
    help = "Load the NHS ODS register (headerless CSV, e.g. etr.csv). Changes nothing on any error."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the ODS CSV file, e.g. etr.csv")
        parser.add_argument(
            "--type",
            dest="org_type",
            choices=OrganisationType.values,
            default=OrganisationType.NHS_TRUST,
            help="the type of organisation the file lists (default: nhs_trust)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror or exc}") from None
        result = parse_ods_register(data)
        if result.problems:
            raise CommandError(refusal(path.name, result.problems, MAX_PROBLEMS_SHOWN))
        report = organisation_import_register(rows=result.rows, org_type=options["org_type"])
        self.stdout.write(self.style.SUCCESS(f"{path.name}: {report.summary()}"))
