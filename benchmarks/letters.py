"""Letters benchmark: individual letters through the real letter engine against a plain ReportLab
Platypus loop that builds the same text, in the same run (issue 9, budget 1.5x).

The engine's side is what issuing costs apart from writing the register: for each letter, fill
the template from the records (queries), check and render it, and build the PDF (letterhead,
styles, tables, bookmarks, "Page n of m", metadata). The baseline gets the filled text for free
(computed before the clock starts) and lays it out as plain paragraphs in the same embedded font,
so the ratio is the engine's overhead over the least any PDF of that letter could cost.
"""
from __future__ import annotations

import io
import time
from datetime import date
from itertools import cycle
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph, SimpleDocTemplate
from sqlalchemy import select

from hrtool.extensions import db
from hrtool.formatting import uk_date
from hrtool.letters.template import plain
from hrtool.models import LetterTemplateVersion, TransferMember
from hrtool.reports.pdf_pages import fonts
from hrtool.services.letters import letters as engine

LETTER_TYPE = "transfer_notice"
SIGNED_BY = ("Human Resources", "Shared HR service")


def _members() -> list[int]:
    ids = list(db.session.scalars(select(TransferMember.id).where(
        TransferMember.status.in_(("proposed", "confirmed"))).order_by(TransferMember.id)))
    if not ids:
        raise RuntimeError("the benchmark workforce has no transfer cohort to write to")
    return ids


def _template() -> LetterTemplateVersion:
    # Loaded with the reference data, as in the app.
    return engine.latest(engine.template_by_key(LETTER_TYPE))


def _plain_pdf(lines: list[str], style: ParagraphStyle) -> bytes:
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4)
    doc.build([Paragraph(escape(line), style) for line in lines])
    return buffer.getvalue()


ROUNDS = 10  # engine and plain letters measured in turns, so both meet the same load on a shared machine


def measure_letters(count: int) -> tuple[float, float]:
    """Seconds for `count` letters through the engine, and for the plain loop. Call inside an app
    and request context. Writes nothing to the register.

    The two are measured in turns (a tenth of the engine's letters, then a tenth of the plain
    loop's, ten times), so a burst of load from another process on a shared machine falls on
    both sides alike instead of on whichever ran at the time."""
    version = _template()
    issued_on = date.today()
    targets = [engine.Target(LETTER_TYPE, member_id) for member_id, _ in zip(cycle(_members()), range(count))]
    regular, _ = fonts()
    style = ParagraphStyle("plain", fontName=regular, fontSize=10.5, leading=14.5)

    def words(p: engine.Prepared) -> list[str]:
        # The same words the letter carried: letterhead, address, date, subject, body, signature.
        f = p.filled
        lines = [*f.councils, f.letterhead_note, *f.addressee, uk_date(issued_on), p.reference, p.subject,
                 *plain(p.blocks).split("\n"), *SIGNED_BY]
        return [line for line in lines if line]

    # The plain loop's text comes for free: worked out (by the engine, untimed) before its turn.
    size = -(-count // ROUNDS)
    engine_seconds = plain_seconds = 0.0
    pdf = b""
    for start in range(0, count, size):
        turn = list(enumerate(targets[start:start + size], start=start + 1))
        started = time.perf_counter()
        prepared = [engine.prepare(target, version, issued_on, f"BENCH/{number:05d}", SIGNED_BY)
                    for number, target in turn]
        engine_seconds += time.perf_counter() - started
        if not all(p.pdf.startswith(b"%PDF") for p in prepared):
            raise RuntimeError("the letter engine did not make a PDF")
        documents = [words(p) for p in prepared]
        started = time.perf_counter()
        for lines in documents:
            pdf = _plain_pdf(lines, style)
        plain_seconds += time.perf_counter() - started
    if not pdf.startswith(b"%PDF"):
        raise RuntimeError("the plain loop did not make a PDF")
    db.session.rollback()
    return engine_seconds, plain_seconds
