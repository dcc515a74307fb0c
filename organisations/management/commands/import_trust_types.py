"""`manage.py import_trust_types FILE...`: loads ERIC trust types (idempotent, all or nothing)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from organisations.eric import TrustTypeRow, parse_trust_types
from organisations.ods import refusal
from organisations.services import organisation_import_trust_types

MAX_PROBLEMS_SHOWN = 20


class Command(BaseCommand):
    help = (
        "Load ERIC trust types: the current types (ods_code,name,trust_type,source) and/or "
        "types by year (fyear,trust_code,trust_type). Changes nothing if any file has a problem."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", type=Path, help="ERIC trust type CSV files")

    def handle(self, *args: Any, **options: Any) -> None:
        rows: list[TrustTypeRow] = []
        for path in options["files"]:
            try:
                data = path.read_bytes()
            except OSError as exc:
                raise CommandError(f"Cannot read {path}: {exc.strerror or exc}") from None
            result = parse_trust_types(data, source=f"ERIC trust types by year ({path.name})")
            if result.problems:
                raise CommandError(refusal(path.name, result.problems, MAX_PROBLEMS_SHOWN))
            rows.extend(result.rows)
        # Later files win for the same organisation and year (the current types after history).
        latest = {(row.ods_code, row.year): row for row in rows}
        with transaction.atomic():
            report = organisation_import_trust_types(rows=list(latest.values()))
        self.stdout.write(self.style.SUCCESS(report.summary()))
