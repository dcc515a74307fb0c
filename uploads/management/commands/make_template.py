"""``manage.py make_template --organisation ODS --year YYYY -o FILE.xlsx``: the download, offline.

Writes the same template as the "Download template" button: pre-filled with the organisation's
draft for that year (when there is one) and last year's accepted indicator 3 figures.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from organisations.models import Organisation
from returns.models import Return
from uploads.selectors import upload_template


class Command(BaseCommand):
    help = "Write the WRES spreadsheet template for an organisation and year."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organisation", required=True, help="ODS code, e.g. RJ1.")
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("-o", "--output", required=True, help="The .xlsx file to write.")

    def handle(self, *args: Any, **options: Any) -> None:
        ods_code = str(options["organisation"]).strip().upper()
        organisation = Organisation.objects.filter(ods_code=ods_code).first()
        if organisation is None:
            raise CommandError(f"No organisation has the ODS code {ods_code!r}.")
        return_ = (
            Return.objects.select_related("organisation", "collection")
            .filter(organisation=organisation, collection__year=options["year"])
            .first()
        )
        data = upload_template(organisation=organisation, year=options["year"], return_=return_)
        output = Path(options["output"])
        try:
            output.write_bytes(data)
        except OSError as error:
            raise CommandError(f"Could not write {output}: {error.strerror or error}") from None
        self.stdout.write(f"Wrote the {options['year']} template for {ods_code} to {output}")
