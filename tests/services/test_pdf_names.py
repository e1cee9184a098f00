"""Every name in every PDF, and PDFs that say what they are (issue 19).

Each kind of PDF hrtool writes (every letter type, through the letters service; one person's
employee liability information; the pay protection statement; the harmonisation summary for the
unions) is rendered for people named "Siân O'Connor-Łukasz", "Dafydd Łoś" and "Zoë Ó Briain",
read back with pypdf and checked: the names come back exactly as written, every font is the
embedded DejaVu Sans (Helvetica, Latin-1 only, printed "Ł" as a black box), the metadata gives
the language (en-GB), the title and the document's own date, and two builds are byte-identical.
The first page of each that shows a name is rendered to artifacts/screenshots/pdf-names-*.png
for a person to look at.
"""
from __future__ import annotations

import io
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from hrtool.extensions import db
from hrtool.letters import types as T
from hrtool.models import Employee, Protection, TradeUnion, Transfer
from hrtool.reports import eli_pdf, pdf_pages
from hrtool.services.harmonisation import harmonisation, harmonisation_union
from hrtool.services.letters import letters
from hrtool.services.letters.letters import Target
from hrtool.services.protection import protection_statements
from hrtool.services.tupe import eli, transfer_changes

from .test_eli import TODAY as ELI_PRODUCED_ON
from .test_eli import cohort  # noqa: F401  (a fixture, asked for by name)
from .test_harmonisation import ON as MODEL_AS_OF
from .test_harmonisation import model, workforce  # noqa: F401  (fixtures, asked for by name)
from .test_letter_register import restructure  # noqa: F401  (a fixture, asked for by name)

pytestmark = pytest.mark.usefixtures("ctx")
ON = date(2026, 11, 23)
NAMES = [("Siân", "O'Connor-Łukasz"), ("Dafydd", "Łoś"), ("Zoë", "Ó Briain")]
FULL = [f"{first} {last}" for first, last in NAMES]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
# What a font without the glyph leaves: ReportLab's black box, the replacement character, and
# the missing-glyph boxes a viewer draws.
BOXES = ("\u25a0", "\ufffd", "\u25a1", "\u2610")


def words(text: str) -> str:
    return " ".join(text.split())


def read(pdf: bytes) -> tuple[str, PdfReader]:
    reader = PdfReader(io.BytesIO(pdf))
    return words(" ".join(page.extract_text() for page in reader.pages)), reader


def fonts_of(reader: PdfReader) -> set[tuple[str, bool]]:
    """Every font the pages use: its name without the subset tag, and whether it is embedded."""
    found = set()
    for page in reader.pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            descriptor = font.get("/FontDescriptor")
            embedded = descriptor is not None and "/FontFile2" in descriptor.get_object()
            found.add((str(font["/BaseFont"]).lstrip("/").split("+")[-1], embedded))
    return found


def check(pdf: bytes, names: list[str], title: str, dated: date, shot: str) -> str:
    """The names read back exactly, in embedded DejaVu Sans only; the metadata true; the first page
    showing a name rendered to a PNG."""
    text, reader = read(pdf)
    for name in names:
        assert name in text, (name, text[:400])
    assert not any(box in text for box in BOXES)
    used = fonts_of(reader)
    assert ("DejaVuSans", True) in used and used <= {("DejaVuSans", True), ("DejaVuSans-Bold", True)}, used
    meta = reader.metadata
    assert str(reader.trailer["/Root"]["/Lang"]) == "en-GB"
    assert meta.title == title
    assert meta.creation_date_raw == f"D:{dated:%Y%m%d}" and meta.creation_date.date() == dated
    assert meta.modification_date.date() == dated
    # The first page that shows a name (a union letter's is the signature, on its last page).
    shown = next(n for n, page in enumerate(reader.pages, 1) if any(name in words(page.extract_text()) for name in names))
    snapshot(pdf, shot, shown)
    return text


def snapshot(pdf: bytes, shot: str, page: int) -> None:
    if shutil.which("pdftoppm") is None:
        return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    source = SCREENSHOTS / f"pdf-names-{shot}.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", str(page), "-l", str(page), "-singlefile", str(source),
                    str(SCREENSHOTS / f"pdf-names-{shot}")], check=True, timeout=60)
    source.unlink()


def rename(employee: Employee, which: int) -> str:
    employee.first_name, employee.last_name = NAMES[which]
    db.session.flush()
    return FULL[which]


def _union(code: str) -> TradeUnion:
    return db.session.scalars(select(TradeUnion).where(TradeUnion.code == code)).one()


def _planned_transfer() -> Transfer:
    return db.session.scalars(select(Transfer).where(Transfer.status == "planned").order_by(Transfer.id).limit(1)).one()


def _target(key: str, request: pytest.FixtureRequest) -> Target:
    """A record this letter type can be filled from: the demo data's, or a fixture's where the
    demo data holds none (a restructure with enough redundancies; a withdrawn transfer)."""
    if key == "collective_redundancy":
        r, _, _ = request.getfixturevalue("restructure")
        return Target(key, r.id, _union("UNISON").id)
    if key == "transfer_withdrawn":
        transfer = _planned_transfer()
        transfer_changes.withdraw(transfer, "The councils have decided not to share the service.", ON)
        return Target(key, transfer.id, _union("UNISON").id)
    token, _label = letters.candidates(key, ON)[0]
    return Target.parse(key, token)


@pytest.mark.parametrize("key", list(T.LETTER_TYPES))
def test_every_letter_type_prints_every_name(key, request):
    index = list(T.LETTER_TYPES).index(key)
    target = _target(key, request)
    version = letters.latest(letters.template_by_key(key))
    signatory = FULL[(index + 1) % 3]
    prepared = letters.prepare(target, version, ON, "HR-2026-900001", (signatory, "Human Resources"))
    names = [signatory]
    if prepared.filled.employee_id is not None:  # a letter to one person: it names them as they are named
        names.append(rename(db.session.get(Employee, prepared.filled.employee_id), index % 3))
        db.session.expire_all()
        prepared = letters.prepare(target, version, ON, "HR-2026-900001", (signatory, "Human Resources"))
        assert f"Dear {names[1]}" in read(prepared.pdf)[0]
    check(prepared.pdf, names, prepared.subject, ON, f"letter-{key}")
    again = letters.prepare(target, version, ON, "HR-2026-900001", (signatory, "Human Resources"))
    assert again.pdf == prepared.pdf


def test_the_eli_pack_prints_every_name(cohort):  # noqa: F811
    transfer, people = cohort
    for which, person in enumerate([people["Able"], people["Baker"], people["Dunn"]]):
        name = rename(person, which)
        member = next(m for m in transfer.members if m.employee_id == person.id)
        pdf, _ = eli.export_pdf(transfer, member.id, ELI_PRODUCED_ON)
        text = check(pdf, [name], f"Employee liability information: {name}", ELI_PRODUCED_ON, f"eli-{which + 1}")
        # In the heading and the footer (every page), and the identity table.
        pages = len(PdfReader(io.BytesIO(pdf)).pages)
        assert text.count(f"{name} ({person.person_number})") == 1 + pages and f"Name {name}" in text
        again, _ = eli.export_pdf(transfer, member.id, ELI_PRODUCED_ON)
        assert again == pdf


def test_the_pay_protection_statement_prints_every_name():
    record = db.session.scalars(select(Protection).order_by(Protection.id).limit(1)).one()
    employee = db.session.get(Employee, record.employee_id)
    for which in range(3):
        name = rename(employee, which)
        db.session.expire_all()
        pdf = protection_statements.statement_pdf(record.employee_id, ON)
        text = check(pdf, [name], f"Pay protection statement: {name}", ON, f"protection-{which + 1}")
        assert f"{name}, person number {employee.person_number}. Produced on 23 November 2026." in text
        assert protection_statements.statement_pdf(record.employee_id, ON) == pdf


def test_the_union_harmonisation_summary_prints_every_name(model):  # noqa: F811
    # The summary names no employee: the names here are the model's author, in its name and
    # description, which print in the title, the footer of every page and the introduction.
    produced_on = date(2030, 4, 2)
    model.name = f"Proposal by {FULL[0]}"
    model.description = f"Drafted by {FULL[1]} with {FULL[2]}; Ł, ś, ô and ŵ as typed."
    db.session.flush()
    results = harmonisation.run_model(model)
    pdf = harmonisation_union.summary_pdf(model, results, produced_on)
    text = check(pdf, FULL + ["Ł, ś, ô and ŵ"], f"Harmonisation model: Proposal by {FULL[0]}", produced_on,
                 "harmonisation")
    assert "Workforce as at 1 April 2030. Produced on 2 April 2030." in text and MODEL_AS_OF == date(2030, 4, 1)
    assert f"Harmonisation model: Proposal by {FULL[0]}: aggregate figures, no names or individual salaries" in text
    assert harmonisation_union.summary_pdf(model, results, produced_on) == pdf


def test_a_missing_font_stops_the_build_with_a_clear_message(tmp_path, monkeypatch):
    """No silent fallback to a Latin-1 font: a broken installation says what is missing."""
    monkeypatch.setattr(pdf_pages, "FONT_DIR", tmp_path)
    monkeypatch.setattr(pdf_pages, "REGULAR", "NotRegisteredSans")
    monkeypatch.setattr(pdf_pages, "BOLD", "NotRegisteredSans-Bold")
    document = eli_pdf.EliDocument(
        councils=["Stafford Borough Council"], title="Employee liability information", person=FULL[1],
        metadata_title=FULL[1], subject="TUPE", author="Stafford Borough Council", intro=[], status="", complete=True,
        sections=[], footer=FULL[1], produced_on=ON)
    with pytest.raises(pdf_pages.FontMissing, match=r"NotRegisteredSans\.ttf and .*NotRegisteredSans-Bold\.ttf are missing.*reinstall"):
        eli_pdf.build_pdf(document)


def test_the_date_is_the_documents_own_and_changes_nothing_else():
    """Two builds a day apart differ only in the dates written: the same document, re-dated."""
    def build(day: date) -> bytes:
        return eli_pdf.build_pdf(eli_pdf.EliDocument(
            councils=["Stafford Borough Council"], title="Employee liability information", person=FULL[2],
            metadata_title=f"Employee liability information: {FULL[2]}", subject="TUPE", author="SBC",
            intro=["Intro"], status="", complete=True, sections=[], footer=FULL[2], produced_on=day))

    first, second = build(date(2026, 3, 31)), build(date(2026, 4, 1))
    assert PdfReader(io.BytesIO(first)).metadata.creation_date_raw == "D:20260331"
    assert first.replace(b"D:20260331", b"D:20260401") == second
