"""`manage.py import_successions FILE`: links successors to predecessors from ODS's succ.csv."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from organisations.ods import refusal
from organisations.services import organisation_import_successions
from organisations.successions import parse_successions

MAX_PROBLEMS_SHOWN = 20


class Command(BaseCommand):
    help = (
        "Load ODS successions (headerless succ.csv: predecessor, successor, reason, date, flag) "
        "between organisations in the register. Changes nothing on any error."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the ODS successions CSV, e.g. succ.csv")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror or exc}") from None
        result = parse_successions(data)
        if result.problems:
            raise CommandError(refusal(path.name, result.problems, MAX_PROBLEMS_SHOWN))
        report = organisation_import_successions(rows=result.rows)
        self.stdout.write(self.style.SUCCESS(f"{path.name}: {report.summary()}"))
