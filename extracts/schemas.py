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
    parameter: str = Field(examples=["page_size"])
    message: str = Field(examples=["Input should be less than or equal to 500"])


class PageOut(Schema):
    """The envelope of every list: the total, the page, and links to its neighbours."""

    count: int = Field(description="Results across all pages.", examples=[120])
    page: int = Field(examples=[1])
    page_size: int = Field(examples=[50])
    pages: int = Field(examples=[3])
    next: str | None = Field(
        description="The next page's URL, or null on the last page.",
        examples=["https://wres.example/api/returns?page=2"],
    )
    previous: str | None = Field(examples=[None])


class OrganisationOut(Schema):
    ods_code: str = Field(examples=["RJ1"])
    name: str = Field(examples=["Guy's and St Thomas' NHS Foundation Trust"])
    type: str = Field(examples=["nhs_trust"])
    type_label: str = Field(examples=["NHS trust"])
    sector: str = Field(description="For NHS trusts; empty otherwise.", examples=["acute"])
    region: str = Field(description="NHS England region (ODS code).", examples=["Y56"])
    region_name: str = Field(examples=["London"])
    icb: str = Field(
        description="The integrated care board's ODS code, where known.", examples=["QKK"]
    )
    opened_on: dt.date | None = Field(examples=["1993-04-01"])
    closed_on: dt.date | None = Field(examples=[None])


class OrganisationPageOut(PageOut):
    results: list[OrganisationOut]


class AggregatesBasisOut(Schema):
    from_publication: int = Field(
        description="The publication of the year whose returns the aggregates are pooled from: "
        "they are revised only once 3 or more organisations differ, so that no one can find an "
        "organisation's counts by subtracting two publications' aggregates.",
        examples=[1],
    )
    added: list[str] = Field(
        description="Organisations in the organisation figures but not yet in the aggregates.",
        examples=[["RJ1"]],
    )
    amended: list[str] = Field(
        description="Organisations whose amended return is not yet in the aggregates.",
        examples=[[]],
    )
    removed: list[str] = Field(
        description="Organisations no longer published whose earlier return is still in them.",
        examples=[[]],
    )


class PublicationOut(Schema):
    number: int = Field(examples=[1])
    published_at: dt.datetime = Field(examples=["2025-09-30T09:00:00Z"])
    returns: int = Field(examples=[207])
    changes: dict[str, list[str] | int | None] = Field(
        description="Organisations added, removed and amended since the previous publication, "
        "and how many are unchanged.",
        examples=[{"added": [], "removed": [], "amended": ["RJ1"], "unchanged": 206}],
    )
    aggregates: AggregatesBasisOut = Field(
        description="Which returns the year's national and group aggregates are pooled from."
    )


class CollectionOut(Schema):
    year: int = Field(description="The year of the 31 March workforce snapshot.", examples=[2025])
    name: str = Field(examples=["WRES 2025"])
    snapshot_date: dt.date = Field(examples=["2025-03-31"])
    publication: PublicationOut = Field(description="The current (latest) publication.")
    publications: list[PublicationOut] = Field(description="Every publication, newest first.")


class CollectionPageOut(PageOut):
    results: list[CollectionOut]


class PublishedReturnOut(Schema):
    organisation: str = Field(description="ODS code.", examples=["RJ1"])
    name: str = Field(examples=["Guy's and St Thomas' NHS Foundation Trust"])
    type: str = Field(examples=["nhs_trust"])
    sector: str = Field(examples=["acute"])
    region: str = Field(examples=["Y56"])
    icb: str = Field(examples=["QKK"])
    year: int = Field(examples=[2025])
    publication: int = Field(
        description="Number of the year's publication this row is from.", examples=[1]
    )
    figures: dict[str, Figure] = Field(
        description="Every item and metric by its code (see /data/wres-data-dictionary.csv); "
        "null where missing or suppressed.",
        examples=[{"i2.rl": 1.32, "i2.rl_ci_low": 1.05, "i2.rl_ci_high": 1.66, "i4.rl": None}],
    )
    suppressed: list[str] = Field(
        description="Codes shown as null because of small numbers: see the organisation's own "
        "WRES report.",
        examples=[["i4.rl"]],
    )


class PublishedReturnPageOut(PageOut):
    figures: FiguresMode = Field(examples=["suppressed"])
    results: list[PublishedReturnOut]


class AggregateOut(Schema):
    year: int = Field(examples=[2025])
    group: str | None = Field(
        description="The region, type or sector; null for national rows.", examples=["Y56"]
    )
    organisations: int | None = Field(examples=[35])
    figures: dict[str, Figure] = Field(examples=[{"i2.rl": 1.54}])
    suppressed: list[str] = Field(examples=[[]])


class AggregatePageOut(PageOut):
    by: str = Field(examples=["region"])
    figures: FiguresMode = Field(examples=["suppressed"])
    results: list[AggregateOut]


ErrorOut.model_rebuild()
