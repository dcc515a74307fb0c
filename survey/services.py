"""Loading the national Staff Survey results: a whole file or nothing."""

from __future__ import annotations

import hashlib
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest

from audit.services import audit_record
from survey.models import SurveyLoad, SurveyResult
from survey.parser import SurveyProblem, parse_survey
from survey.selectors import organisation_ids_by_code, survey_year_range

#: Organisations per DELETE, well under every database's limit on query parameters.
DELETE_CHUNK = 500


class SurveyLoadRefused(Exception):
    """The file was not loaded; ``problems`` says why (each with its line and column)."""

    def __init__(self, problems: list[SurveyProblem], problem_count: int | None = None) -> None:
        self.problems = problems
        self.problem_count = problem_count if problem_count is not None else len(problems)
        super().__init__(f"{self.problem_count} problem(s) in the Staff Survey file")


def survey_load(
    *, actor: Any, filename: str, data: bytes, request: HttpRequest | None = None
) -> SurveyLoad:
    """Loads a national Staff Survey results file, or refuses it whole (`SurveyLoadRefused`).

    For each organisation and year in the file, the figures loaded before are replaced by the
    file's (an indicator the file leaves out is then no longer loaded for them); other
    organisations and years are untouched. One transaction, with its audit event.
    """
    parsed = parse_survey(data, organisations=organisation_ids_by_code(), years=survey_year_range())
    if not parsed.ok:
        raise SurveyLoadRefused(parsed.problems, parsed.problem_count)
    years: dict[int, set[int]] = {}
    for row in parsed.rows:
        years.setdefault(row.year, set()).add(row.organisation_id)
    try:
        with transaction.atomic():
            load = SurveyLoad.objects.create(
                original_filename=filename[:255],
                sha256=hashlib.sha256(data).hexdigest(),
                size=len(data),
                row_count=len(parsed.rows),
                organisation_count=len({row.organisation_id for row in parsed.rows}),
                years=sorted(years),
                loaded_by=actor,
            )
            replaced = 0
            for year, organisation_ids in sorted(years.items()):
                ids = sorted(organisation_ids)
                for start in range(0, len(ids), DELETE_CHUNK):
                    replaced += SurveyResult.objects.filter(
                        year=year, organisation_id__in=ids[start : start + DELETE_CHUNK]
                    ).delete()[0]
            SurveyResult.objects.bulk_create(
                [
                    SurveyResult(
                        organisation_id=row.organisation_id,
                        year=row.year,
                        indicator=row.indicator,
                        white_pct=row.white_pct,
                        bme_pct=row.bme_pct,
                        load=load,
                    )
                    for row in parsed.rows
                ],
                batch_size=1000,
            )
            audit_record(
                action="survey.loaded",
                actor=actor,
                target=load,
                detail={
                    "filename": load.original_filename,
                    "sha256": load.sha256,
                    "rows": load.row_count,
                    "organisations": load.organisation_count,
                    "years": load.years,
                    "replaced": replaced,
                },
                request=request,
            )
    except IntegrityError:
        # Another load of the same organisations and year committed between our delete and
        # insert: nothing of ours was saved.
        raise SurveyLoadRefused(
            [
                SurveyProblem(
                    "was not loaded because another Staff Survey load for the same year was "
                    "saved at the same moment. Check the figures loaded, then load it again."
                )
            ]
        ) from None
    return load
