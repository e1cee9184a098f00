"""A formal letter as an A4 PDF (ReportLab Platypus): plain data in, PDF bytes out, no queries.

The letterhead names the sending council, or both councils for a shared service; then the
addressee, the date and reference, the subject, the body (headings, paragraphs, bullets and
tables from the template language), and the signature block. Every page carries the reference
and "Page n of m". The document's title, author, subject and language (en-GB) are set in its
metadata, its title is shown in the viewer's title bar, and the headings become bookmarks.
ReportLab cannot write a tagged (structure-tree) PDF; the text is real text in reading order.

Output is deterministic (ReportLab's `invariant` mode: no clock or random document id; the
creation date written is the letter's issue date), so the same letter renders to the same bytes;
the register keeps the bytes anyway.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date
from typing import Any, cast
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    TableStyle,
)

from ..letters.template import Block, Bullets, Heading
from ..letters.template import Paragraph as TextParagraph
from ..letters.template import Table as BodyTable
from .pdf_pages import (
    INK,
    SECONDARY,
    SHADE,
    Grid,
    a4_document,
    document_info,
    numbered_canvas,
    paragraph_styles,
    ruled,
)
from .pdf_pages import text_paragraph as _p

NOTICE = colors.HexColor("#1d70b8")
MARGIN = 20 * mm


@dataclass(frozen=True)
class LetterDocument:
    councils: list[str]  # the sending council, or both for a shared service
    letterhead_note: str  # e.g. "Shared service: Revenues and Benefits (lead authority: ...)"
    addressee: list[str]  # lines of the address block
    date_text: str  # already written out: "30 October 2026"
    issued_on: date  # the same date: the PDF's creation date
    reference: str
    subject: str
    blocks: list[Block]
    signatory_name: str
    signatory_role: str
    title: str  # metadata title
    author: str  # metadata author: the sending council(s)
    description: str  # metadata subject: the letter type
    notice: str = ""  # shown boxed above the subject, e.g. "This letter corrects ..."
    keywords: list[str] = field(default_factory=list)


def _styles() -> dict[str, ParagraphStyle]:
    # Unlike the reports, a letter's paragraphs are spaced after them, not before.
    body = dict(fontSize=10.5, leading=14.5, spaceBefore=0, spaceAfter=7)
    return paragraph_styles("letter", body, cells=(9.5, 12), variants={
        "councils": dict(bold=True, fontSize=12.5, leading=16, alignment=TA_RIGHT, spaceAfter=0),
        "note": dict(fontSize=9, leading=12, textColor=SECONDARY, alignment=TA_RIGHT, spaceAfter=0),
        "address": dict(spaceAfter=0),
        "meta": dict(fontSize=10, leading=14, spaceAfter=0),
        "subject": dict(bold=True, fontSize=12, leading=16, spaceBefore=6, spaceAfter=10),
        "heading": dict(bold=True, fontSize=11.5, leading=15, spaceBefore=8, spaceAfter=4),
        "bullet": dict(leftIndent=14, bulletIndent=3, spaceAfter=3),
        "caption": dict(bold=True, fontSize=10, spaceAfter=3),
        "signature": dict(spaceAfter=0),
        "notice": dict(bold=True, spaceAfter=0),
    })


class _Continued(Bullets):
    """The first items of a list whose last items go over the page with the sign-off: no space
    after them, so the list reads as one."""


class _Heading(Paragraph):
    """A heading paragraph: becomes a bookmark in the PDF's outline."""


def _table(table: BodyTable, styles: dict[str, ParagraphStyle], width: float, continued: bool = False) -> list[Any]:
    """A body table; `continued` is its last rows split off to stay with the sign-off: no caption
    or header row, the same columns, so on the same page it reads as one table."""
    columns = len(table.head)
    numeric = set(table.numeric)
    first = 2.0 if columns > 1 else 1.0
    widths = [width * (first if i == 0 else 1.0) / (first + columns - 1) for i in range(columns)]
    data = [] if continued else [
        [_p(h, styles["cell-head-right" if i in numeric else "cell-head"]) for i, h in enumerate(table.head)]]
    data += [[_p(c, styles["cell-right" if i in numeric else "cell"]) for i, c in enumerate(row)] for row in table.rows]
    grid = Grid(data, colWidths=widths, repeatRows=0 if continued else 1, hAlign="LEFT")
    grid.setStyle(TableStyle(ruled(header=not continued, left=4, right=4)))
    flow: list[Any] = [_p(table.caption, styles["caption"])] if table.caption and not continued else []
    return flow + [grid, Spacer(1, 8)]


def _block(block: Block, styles: dict[str, ParagraphStyle], width: float) -> list[Any]:
    if isinstance(block, Heading):
        return [_Heading(escape(block.text), styles["heading"])]
    if isinstance(block, Bullets):
        items = [Paragraph(escape(item), styles["bullet"], bulletText="\u2022") for item in block.items]
        return items if isinstance(block, _Continued) else items + [Spacer(1, 4)]
    if isinstance(block, BodyTable):
        return _table(block, styles, width)
    return [_p(block.text, styles["body"])]


def _body(blocks: list[Block], styles: dict[str, ParagraphStyle], width: float) -> list[Any]:
    flow: list[Any] = []
    pending: list[Any] = []  # a heading waiting to be kept with the start of what follows it
    for block in blocks:
        parts = _block(block, styles, width)
        if isinstance(block, Heading):
            flow += pending
            pending = parts
            continue
        if pending:
            flow.append(KeepTogether(pending + parts[:1]))
            parts, pending = parts[1:], []
        flow += parts
    return flow + pending


def _letterhead(document: LetterDocument, styles: dict[str, ParagraphStyle], width: float) -> list[Any]:
    flow: list[Any] = [_p(name, styles["councils"]) for name in document.councils]
    if document.letterhead_note:
        flow.append(_p(document.letterhead_note, styles["note"]))
    rule = Grid([[""]], colWidths=[width], rowHeights=[4])
    rule.setStyle(TableStyle([("LINEBELOW", (0, 0), (-1, -1), 1.5, INK)]))
    flow += [rule, Spacer(1, 12)]
    address = [_p(line, styles["address"]) for line in document.addressee]
    meta = Grid([[_p("Date", styles["meta"]), _p(document.date_text, styles["meta"])],
                 [_p("Our reference", styles["meta"]), _p(document.reference, styles["meta"])]],
                colWidths=[32 * mm, 48 * mm])
    meta.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 0),
                              ("BOTTOMPADDING", (0, 0), (-1, -1), 2), ("TEXTCOLOR", (0, 0), (0, -1), SECONDARY)]))
    block = Grid([[address, meta]], colWidths=[width - 82 * mm, 82 * mm])
    block.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    flow += [block, Spacer(1, 14)]
    if document.notice:
        box = Grid([[_p(document.notice, styles["notice"])]], colWidths=[width])
        box.setStyle(TableStyle([("LINEBEFORE", (0, 0), (0, -1), 4, NOTICE), ("BACKGROUND", (0, 0), (-1, -1), SHADE),
                                 ("TOPPADDING", (0, 0), (-1, -1), 6), ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
                                 ("LEFTPADDING", (0, 0), (-1, -1), 8)]))
        flow += [box, Spacer(1, 8)]
    flow.append(_p(document.subject, styles["subject"]))
    return flow


def _signature(document: LetterDocument, styles: dict[str, ParagraphStyle], closing: list[Any]) -> list[Any]:
    lines = closing + [Spacer(1, 18), _p(document.signatory_name, styles["signature"]),
             _p(document.signatory_role, styles["signature"])]
    lines += [_p(name, styles["signature"]) for name in document.councils]
    return [KeepTogether(lines)]


# How much of the end of a long table or list goes over the page with the sign-off.
TAIL_ROWS = 2
# A last paragraph this short (a line or two: "Please contact Human Resources ...") takes the end
# of the block before it over the page too, so the last page never holds only a courtesy line
# and the sign-off.
SHORT_PARAGRAPH = 160


def _ending(blocks: list[Block], styles: dict[str, ParagraphStyle], width: float,
            first: bool = True) -> tuple[list[Block], list[Any]]:
    """The body split into what flows freely and its ending, which is kept on one page with the
    closing and signature: the last paragraph (with its heading, if it follows one directly), or
    the last rows of a table or last items of a list; after a short last paragraph, the end of
    the block before it as well. So no page ever holds only "Yours sincerely" and the name.
    """
    if not blocks:
        return [], []
    *rest, last = blocks
    if isinstance(last, BodyTable) and len(last.rows) > TAIL_ROWS:
        head = BodyTable(last.head, last.rows[:-TAIL_ROWS], last.numeric, last.caption)
        tail = BodyTable(last.head, last.rows[-TAIL_ROWS:], last.numeric, last.caption)
        return [*rest, head], _table(tail, styles, width, continued=True)
    if isinstance(last, Bullets) and len(last.items) > TAIL_ROWS:
        return [*rest, _Continued(last.items[:-TAIL_ROWS])], _block(Bullets(last.items[-TAIL_ROWS:]), styles, width)
    if rest and isinstance(rest[-1], Heading):
        return rest[:-1], _block(rest[-1], styles, width) + _block(last, styles, width)
    if first and rest and isinstance(last, TextParagraph) and len(last.text) <= SHORT_PARAGRAPH:
        flowing, before = _ending(rest, styles, width, first=False)
        return flowing, before + _block(last, styles, width)
    return rest, _block(last, styles, width)


class _LetterTemplate(SimpleDocTemplate):
    def afterFlowable(self, flowable: Any) -> None:  # ReportLab's hook
        if isinstance(flowable, _Heading):
            text = flowable.getPlainText()
            key = f"h{self.seq.nextf('letter-heading')}"
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(text, key, level=0, closed=False)


def build_pdf(document: LetterDocument) -> bytes:
    buffer = io.BytesIO()
    doc = a4_document(buffer, MARGIN, document_info(document.title, document.author, document.description,
                                                    document.keywords),
                      top=16 * mm, bottom=22 * mm, template=_LetterTemplate)
    styles = _styles()
    width = doc.width - 12  # the frame's own padding, 6 points each side
    blocks = list(document.blocks)
    # The closing ("Yours sincerely") stays with the signature, and both with the end of the body.
    closing = [_p(cast(TextParagraph, blocks.pop()).text, styles["body"])] if blocks and isinstance(blocks[-1], TextParagraph) else []
    flowing, ending = _ending(blocks, styles, width)
    story = (_letterhead(document, styles, width) + _body(flowing, styles, width)
             + _signature(document, styles, ending + closing))
    footer = f"Our reference {document.reference}"
    doc.build(story, canvasmaker=numbered_canvas(MARGIN, footer, dated=document.issued_on))
    return buffer.getvalue()
