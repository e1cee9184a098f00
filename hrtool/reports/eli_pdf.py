"""One person's employee liability information (TUPE 2006 regulation 11) as an A4 PDF
(ReportLab Platypus).

Plain data in, PDF bytes out, no queries: the service has already put everything into words.
Both councils are named in the heading; each page carries "Page n of m"; the document's title,
author, subject, language and date (the day the pack was produced) are set in its metadata."""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, Spacer, Table, TableStyle

from .pdf_pages import INK, SECONDARY, SHADE, Grid, a4_document, document_info, numbered_canvas, paragraph_styles, ruled
from .pdf_pages import text_paragraph as _p

GOOD = colors.HexColor("#005a30")
GOOD_BG = colors.HexColor("#cce2d8")
BAD = colors.HexColor("#942514")
BAD_BG = colors.HexColor("#f4cdc6")
MARGIN = 18 * mm


@dataclass(frozen=True)
class Section:
    title: str
    pairs: list[tuple[str, str]] = field(default_factory=list)  # a two-column table of label and value
    head: list[str] = field(default_factory=list)  # a table with these headings ...
    rows: list[list[str]] = field(default_factory=list)  # ... and these rows
    bullets: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # paragraphs in place of an empty table
    after: list[str] = field(default_factory=list)  # paragraphs at the end of the section


@dataclass(frozen=True)
class EliDocument:
    councils: list[str]
    title: str
    person: str
    metadata_title: str
    subject: str
    author: str
    intro: list[str]
    status: str
    complete: bool
    sections: list[Section]
    footer: str
    produced_on: date  # the PDF's creation date


def _styles() -> dict[str, ParagraphStyle]:
    return paragraph_styles("eli", dict(fontSize=9.5, leading=12.5), cells=(8.5, 10.5), variants={
        "councils": dict(bold=True, fontSize=10.5, leading=13, textColor=SECONDARY, spaceAfter=4),
        "title": dict(bold=True, fontSize=16, leading=20, spaceAfter=4),
        "person": dict(bold=True, fontSize=13, leading=16, spaceAfter=6),
        "section": dict(bold=True, fontSize=11, leading=14, spaceBefore=10, spaceAfter=4),
        "bullet": dict(leftIndent=10, bulletIndent=0),
        "status": dict(bold=True),
    })


def _grid(data: list[list[Paragraph]], widths: list[float], header: bool) -> Table:
    table = Grid(data, colWidths=widths, repeatRows=1 if header else 0)
    style = ruled(header=False, left=4)
    # The header's ink rule comes after the grey ones, so on the pages a long table continues on
    # it is still drawn over them. A table of labels and values has its labels shaded instead.
    style.append(("LINEBELOW", (0, 0), (-1, 0), 1, INK) if header else ("BACKGROUND", (0, 0), (0, -1), SHADE))
    table.setStyle(TableStyle(style))
    return table


def _section(section: Section, styles: dict[str, ParagraphStyle], width: float) -> list[Any]:
    heading = _p(section.title, styles["section"])
    flow: list[Any] = []
    if section.pairs:
        flow.append(_grid([[_p(k, styles["cell-head"]), _p(v, styles["cell"])] for k, v in section.pairs],
                          [width * 0.3, width * 0.7], header=False))
    if section.head:
        weights = [1.1, 1.0, 1.0, 2.5, 1.8][:len(section.head)] if len(section.head) == 5 else [1.0] * len(section.head)
        data = [[_p(h, styles["cell-head"]) for h in section.head]]
        data += [[_p(c, styles["cell"]) for c in row] for row in section.rows]
        flow.append(_grid(data, [width * w / sum(weights) for w in weights], header=True))
    flow += [_p(text, styles["body"]) for text in section.notes]
    flow += [Paragraph(escape(b), styles["bullet"], bulletText="\u2022") for b in section.bullets]
    if section.after:
        flow += [Spacer(1, 3)] + [_p(text, styles["body"]) for text in section.after]
    # Keep the heading with the start of its content; long tables still split across pages.
    return [KeepTogether([heading, flow[0]])] + flow[1:] if flow else [heading]


def _status(document: EliDocument, styles: dict[str, ParagraphStyle], width: float) -> Table:
    text = ("Completeness check: complete" if document.complete
            else f"Completeness check: incomplete. {document.status}")
    box = Grid([[_p(text, styles["status"])]], colWidths=[width])
    box.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, -1), GOOD_BG if document.complete else BAD_BG),
        ("TEXTCOLOR", (0, 0), (-1, -1), GOOD if document.complete else BAD),
        ("LINEBEFORE", (0, 0), (0, -1), 3, GOOD if document.complete else BAD),
        ("TOPPADDING", (0, 0), (-1, -1), 5), ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
    ]))
    return box


def build_pdf(document: EliDocument) -> bytes:
    """The document as PDF bytes, with its title, author, subject, language and date in the metadata."""
    buffer = io.BytesIO()
    doc = a4_document(buffer, MARGIN, document_info(document.metadata_title, document.author, document.subject),
                      bottom=22 * mm)
    styles = _styles()
    story: list[Any] = [
        _p(" · ".join(document.councils), styles["councils"]),
        _p(document.title, styles["title"]),
        _p(document.person, styles["person"]),
    ]
    story += [_p(text, styles["body"]) for text in document.intro]
    story += [Spacer(1, 6), _status(document, styles, doc.width)]
    for section in document.sections:
        story += _section(section, styles, doc.width)
    doc.build(story, canvasmaker=numbered_canvas(MARGIN, document.footer, dated=document.produced_on))
    return buffer.getvalue()
