"""The national report as a PDF, drawn by WeasyPrint from the same sections as the page.

Tagged (PDF/UA-1: headings, lists, tables with their header cells, each chart a figure with its
text alternative), with charts embedded as SVG images; nothing is fetched from outside (only
``data:`` URLs are allowed), so the build is the same on every node and never waits on a network.
"""

from __future__ import annotations

import base64
from typing import Any, Final

from django.template.loader import render_to_string

#: WeasyPrint's PDF/UA-1 variant: a tagged PDF with the document title and language declared.
PDF_VARIANT: Final = "pdf/ua-1"


def chart_image_src(svg: str) -> str:
    """A chart's SVG as a ``data:`` URL, for an ``<img>`` whose ``alt`` WeasyPrint tags."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def report_pdf_render(report: dict[str, Any]) -> bytes:
    """The PDF of an assembled report (:func:`reports.content.national_report`)."""
    from weasyprint import HTML, URLFetcher

    html = render_to_string(
        "reports/national_pdf.jinja", {"report": report, "chart_image_src": chart_image_src}
    )
    fetcher = URLFetcher(allowed_protocols={"data"})
    document = HTML(string=html, url_fetcher=fetcher, base_url=None)
    return bytes(document.write_pdf(pdf_variant=PDF_VARIANT))
