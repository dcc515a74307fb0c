"""Shapes of the open-data API's answers (its OpenAPI schema is generated from these)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Schema
from pydantic import Field

#: A figure: a count or a measure, a flag, or null (missing, or suppressed: see ``suppressed``).
Figure = bool | int | float | None
FiguresMode = Literal["suppressed", "unsuppressed"]


class ErrorOut(Schema):
    """Every error: a sentence saying what was wrong and how to put it right."""

    detail: str = Field(examples=["No organisation has the ODS code XYZ."])
    errors: list[FieldErrorOut] = Field(
        default_factory=list, description="For a bad request: each bad parameter and why."
    )


class FieldErrorOut(Schema):
    parameter: str
    message: str


class PageOut(Schema):
    """The envelope of every list: the total, the page, and links to its neighbours."""

    count: int = Field(description="Results across all pages.")
    page: int
    page_size: int
    pages: int
    next: str | None = Field(description="The next page's URL, or null on the last page.")
    previous: str | None


class OrganisationOut(Schema):
    ods_code: str
    name: str
    type: str
    type_label: str
    sector: str = Field(description="For NHS trusts; empty otherwise.")
    region: str = Field(description="NHS England region (ODS code).")
    region_name: str
    icb: str = Field(description="The integrated care board's ODS code, where known.")
    opened_on: dt.date | None
    closed_on: dt.date | None


class OrganisationPageOut(PageOut):
    results: list[OrganisationOut]


class PublicationOut(Schema):
    number: int
    published_at: dt.datetime
    returns: int
    changes: dict[str, list[str] | int | None] = Field(
        description="Organisations added, removed and amended since the previous publication, "
        "and how many are unchanged."
    )


class CollectionOut(Schema):
    year: int = Field(description="The year of the 31 March workforce snapshot.")
    name: str
    snapshot_date: dt.date
    publication: PublicationOut = Field(description="The current (latest) publication.")
    publications: list[PublicationOut] = Field(description="Every publication, newest first.")


class CollectionPageOut(PageOut):
    results: list[CollectionOut]


class PublishedReturnOut(Schema):
    organisation: str = Field(description="ODS code.")
    name: str
    type: str
    sector: str
    region: str
    icb: str
    year: int
    publication: int = Field(description="Number of the year's publication this row is from.")
    figures: dict[str, Figure] = Field(
        description="Every item and metric by its code (see /data/wres-data-dictionary.csv); "
        "null where missing or suppressed."
    )
    suppressed: list[str] = Field(
        description="Codes shown as null because of small numbers: see the organisation's own "
        "WRES report."
    )


class PublishedReturnPageOut(PageOut):
    figures: FiguresMode
    results: list[PublishedReturnOut]


class AggregateOut(Schema):
    year: int
    group: str | None = Field(description="The region, type or sector; null for national rows.")
    organisations: int | None
    figures: dict[str, Figure]
    suppressed: list[str]


class AggregatePageOut(PageOut):
    by: str
    figures: FiguresMode
    results: list[AggregateOut]


ErrorOut.model_rebuild()
