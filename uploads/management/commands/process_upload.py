"""``manage.py process_upload FILE --organisation ODS --year YYYY [--draft] --json``.

Parses, checks and computes an uploaded template or CSV file without saving anything, for
support staff and scripts. Prints one JSON object (``values``, ``metrics``, ``issues`` each with
code, severity, items, location and message). Exit status: 0 no error (warnings may be listed),
1 errors, 2 the file cannot be read (one line on stderr, no traceback).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from organisations.models import Organisation
from returns.models import Return
from uploads.checks import check_upload
from uploads.parser import MAX_UPLOAD_BYTES, parse_upload


class Command(BaseCommand):
    help = "Parse, check and compute an uploaded WRES template or CSV file, without saving."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The .xlsx template or .csv file (item,value).")
        parser.add_argument("--organisation", required=True, help="ODS code, e.g. RJ1.")
        parser.add_argument("--year", required=True, type=int, help="The return's year.")
        parser.add_argument(
            "--draft", action="store_true", help="Check as a draft: empty items are not errors."
        )
        parser.add_argument(
            "--json", action="store_true", help="Print JSON (the only output format)."
        )

    def _fail(self, message: str) -> None:
        sys.stderr.write(f"process_upload: {message}\n")
        sys.exit(2)

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        ods_code = str(options["organisation"]).strip().upper()
        year = int(options["year"])
        try:
            if not path.is_file():
                self._fail(f"{path} is not a file.")
            if path.stat().st_size > MAX_UPLOAD_BYTES:
                self._fail(f"{path.name}: the file is over 5 MB.")
            data = path.read_bytes()
        except OSError as error:
            self._fail(f"{path}: {error.strerror or error}.")
        parsed = parse_upload(data, filename=path.name, ods_code=ods_code, year=year)
        if parsed.unreadable:
            assert parsed.refusal is not None
            self._fail(f"{path.name}: {parsed.refusal.message}")
        if not Organisation.objects.filter(ods_code=ods_code).exists():
            raise CommandError(f"No organisation has the ODS code {ods_code!r}.", returncode=2)
        previous_return = (
            Return.objects.filter(
                organisation__ods_code=ods_code,
                collection__year=year - 1,
                accepted_version__isnull=False,
            )
            .select_related("accepted_version")
            .first()
        )
        previous = (
            dict(previous_return.accepted_version.values)
            if previous_return is not None and previous_return.accepted_version is not None
            else None
        )
        check = check_upload(parsed, previous=previous, year=year, draft=options["draft"])
        output = {
            "organisation": ods_code,
            "year": year,
            "kind": check.kind,
            "values": {code: v for code, v in check.values.items() if v is not None},
            "metrics": check.metrics,
            "issues": [
                {
                    "code": problem.code,
                    "severity": problem.severity,
                    "items": list(problem.items),
                    "location": problem.location.as_dict() if problem.location else None,
                    "message": problem.message,
                }
                for problem in check.problems
            ],
        }
        self.stdout.write(json.dumps(output, indent=2, sort_keys=False))
        sys.exit(1 if check.errors else 0)
