"""A person's pay protection statement as an A4 PDF (ReportLab Platypus): title, council, the
protection in plain words and the schedule month by month, with page numbers "Page N of M".

Plain data in (text already written out), PDF bytes out. Its metadata carries a title, author,
language and the statement's date, so screen readers and document managers name it properly.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, TableStyle

from .pdf_pages import INK, SHADE, Grid, a4_document, document_info, numbered_canvas, paragraph_styles, ruled

MARGIN = 18 * mm
HEAD = ["Month", "Phase", "New salary a year", "Protection a year", "Paid that month", ""]


@dataclass(frozen=True)
class StatementSection:
    heading: str  # e.g. "Protection from 1 October 2025"
    facts: list[tuple[str, str]]  # label, value (already written out)
    words: list[str]  # paragraphs in plain words
    rows: list[list[str]]  # month, phase, new salary, protection, payment, "Projected" or ""


@dataclass(frozen=True)
class Statement:
    council: str
    name: str
    person_number: str
    produced_on: str
    sections: list[StatementSection]
    notes: list[str]
    dated: date  # the day it was produced (produced_on written out): the PDF's creation date


def _styles() -> dict[str, ParagraphStyle]:
    return paragraph_styles("statement", dict(fontSize=10, leading=13), cells=(9, 11), variants={
        "title": dict(bold=True, fontSize=18, leading=22, spaceAfter=4),
        "council": dict(fontSize=12, leading=15, spaceAfter=8),
        "heading": dict(bold=True, fontSize=13, leading=16, spaceBefore=10, spaceAfter=4),
        "note": dict(fontSize=9, leading=12),
    })


def render(statement: Statement) -> bytes:
    styles = _styles()
    buffer = io.BytesIO()
    doc = a4_document(buffer, MARGIN, document_info(f"Pay protection statement: {statement.name}", statement.council,
                                                    "Pay protection statement"))
    width = A4[0] - 2 * MARGIN
    story: list[Any] = [
        Paragraph("Your pay protection statement", styles["title"]),
        Paragraph(escape(statement.council), styles["council"]),
        Paragraph(escape(f"{statement.name}, person number {statement.person_number}. "
                         f"Produced on {statement.produced_on}."), styles["body"]),
    ]
    for section in statement.sections:
        story.append(Paragraph(escape(section.heading), styles["heading"]))
        facts = Grid([[Paragraph(escape(label), styles["cell-head"]), Paragraph(escape(value), styles["cell"])]
                      for label, value in section.facts], colWidths=[width * 0.35, width * 0.65])
        facts.setStyle(TableStyle(ruled(header=False, rule=0.4, pad=(3, 4))))
        story += [facts, Spacer(1, 6)]
        story += [Paragraph(escape(text), styles["body"]) for text in section.words]
        story.append(Spacer(1, 6))
        numeric = {2, 3, 4}
        data = [[Paragraph(h, styles["cell-head-right" if i in numeric else "cell-head"]) for i, h in enumerate(HEAD)]]
        data += [[Paragraph(escape(v), styles["cell-right" if i in numeric else "cell"]) for i, v in enumerate(row)]
                 for row in section.rows]
        table = Grid(data, colWidths=[w * width for w in (0.17, 0.09, 0.2, 0.2, 0.18, 0.16)], repeatRows=1)
        # The statement's schedule marks its header by shading, not by an ink rule.
        table.setStyle(TableStyle(ruled(header=False, rule=0.4, pad=(2, 2)) + [("BACKGROUND", (0, 0), (-1, 0), SHADE)]))
        story.append(table)
    if statement.notes:
        story.append(Paragraph("About this statement", styles["heading"]))
        story += [Paragraph(escape(note), styles["note"]) for note in statement.notes]
    doc.build(story, canvasmaker=numbered_canvas(MARGIN, size=8.5, colour=INK, rule=False, dated=statement.dated))
    return buffer.getvalue()
