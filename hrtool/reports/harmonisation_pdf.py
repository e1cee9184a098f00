"""The harmonisation model summary for the trade unions, as an A4 PDF (ReportLab Platypus).

Plain data in, PDF bytes out: the caller has already reduced the results to aggregate tables
of text with small groups withheld, so nothing here can leak a name or a salary.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, Spacer, TableStyle

from .pdf_pages import INK, SHADE, Grid, a4_document, document_info, numbered_canvas, paragraph_styles, ruled

MARGIN = 18 * mm


@dataclass(frozen=True)
class SummaryTable:
    caption: str
    head: list[str]
    rows: list[list[str]]
    numeric: list[int] = field(default_factory=list)  # right-aligned column indexes
    widths: list[float] = field(default_factory=list)  # relative column widths; default 2:1:1...


@dataclass(frozen=True)
class UnionSummary:
    title: str
    subtitle: str
    councils: list[str]
    as_of: str  # dates already written out, e.g. "1 April 2026"
    produced_on: str
    description: str
    author: str
    tables: list[SummaryTable]
    notes: list[str]
    dated: date  # the day it was produced (produced_on written out): the PDF's creation date


def _styles() -> dict[str, ParagraphStyle]:
    return paragraph_styles("union", dict(fontSize=9.5, leading=12.5), cells=(8.5, 10.5), variants={
        "title": dict(bold=True, fontSize=18, leading=22, spaceBefore=0, spaceAfter=2),
        "subtitle": dict(fontSize=12, leading=15, spaceAfter=6),
        "caption": dict(bold=True, fontSize=11, leading=14, spaceBefore=10, spaceAfter=4),
        "note": dict(fontSize=8.5, leading=11, leftIndent=8, bulletIndent=0),
    })


def _table(spec: SummaryTable, styles: dict[str, ParagraphStyle], width: float) -> KeepTogether:
    def cell(text: str, column: int, style: str) -> Paragraph:
        return Paragraph(escape(text), styles[f"{style}-right" if column in spec.numeric else style])

    data = [[cell(h, i, "cell-head") for i, h in enumerate(spec.head)]]
    data += [[cell(value, i, "cell") for i, value in enumerate(row)] for row in spec.rows]
    # Unless told otherwise the first column (labels) is twice as wide as each of the others.
    weights = spec.widths or [2.0] + [1.0] * (len(spec.head) - 1)
    table = Grid(data, colWidths=[width * w / sum(weights) for w in weights], repeatRows=1)
    # Every other row shaded, so a row of figures can be followed across.
    style = ruled(header=True) + [("BACKGROUND", (0, r), (-1, r), SHADE) for r in range(2, len(data), 2)]
    table.setStyle(TableStyle(style))
    return KeepTogether([Paragraph(escape(spec.caption), styles["caption"]), table])


def build_pdf(summary: UnionSummary) -> bytes:
    """The summary as PDF bytes, with its title, author, language and date in the document's metadata."""
    buffer = io.BytesIO()
    doc = a4_document(buffer, MARGIN, document_info(summary.title, summary.author, summary.subtitle))
    styles = _styles()

    story: list[Any] = [
        Paragraph(escape(summary.title), styles["title"]),
        Paragraph(escape(summary.subtitle), styles["subtitle"]),
        Paragraph(escape(" and ".join(summary.councils)), styles["body"]),
        Paragraph(escape(f"Workforce as at {summary.as_of}. Produced on {summary.produced_on}."), styles["body"]),
    ]
    if summary.description:
        story += [Spacer(1, 4), Paragraph(escape(summary.description), styles["body"])]
    story += [_table(t, styles, doc.width) for t in summary.tables]
    story.append(Paragraph("How these figures were worked out", styles["caption"]))
    story += [Paragraph(escape(note), styles["note"], bulletText="\u2022") for note in summary.notes]
    footer = f"{summary.title}: aggregate figures, no names or individual salaries"
    doc.build(story, canvasmaker=numbered_canvas(MARGIN, footer, dated=summary.dated, colour=INK, rule=False))
    return buffer.getvalue()
