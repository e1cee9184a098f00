"""ODS in and out: the writer's cells as LibreOffice reads them, the reader's values, the
format told from XLSX, and files opened and saved by LibreOffice imported again unchanged."""
from __future__ import annotations

import io
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from sqlalchemy import func, select

from hrtool.extensions import db
from hrtool.models import Employee, Post
from hrtool.services.people.employee_io import export_employees, import_employees
from hrtool.services.people.employee_rows import COLUMNS
from hrtool.services.platform import ods, tabular

from ..lo import convert
from ..spreadsheets import new_person, write

COLUMNS_OF_EVERY_KIND = [("person_number", "text"), ("address", "text"), ("born", "date"), ("hours", "number"),
                         ("salary", "money")]
ROWS = [["0012345", "1 High Street\nCannock  (rear)\tflat", date(1990, 4, 3), Decimal("18.50"), Decimal("1234.5")],
        ["0000007", "Dafydd Łoś, Zoë Ó Briain", None, 37, None]]


def _ods_bytes(columns=COLUMNS_OF_EVERY_KIND, rows=ROWS) -> bytes:
    out = io.BytesIO()
    assert tabular.write_table(out, "ods", columns, rows, sheet="People") == len(rows)
    return out.getvalue()


def _cells(content: bytes) -> list[list[ElementTree.Element]]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert archive.namelist()[0] == "mimetype"  # first, so the file is known by its opening bytes
        assert archive.read("mimetype") == ods.MIMETYPE.encode()
        root = ElementTree.fromstring(archive.read("content.xml"))
    return [list(row.iter(f"{ods.TABLE}table-cell")) for row in root.iter(f"{ods.TABLE}table-row")]


def test_the_writer_types_each_cell_by_its_column_kind():
    rows = _cells(_ods_bytes())
    value_type = f"{ods.OFFICE}value-type"
    header, first, second = rows
    assert [(c.get(value_type), ods.cell_value(c)) for c in header] == [("string", n) for n, _ in COLUMNS_OF_EVERY_KIND]
    # A person number is a string cell: a spreadsheet keeps its leading zeros.
    assert (first[0].get(value_type), first[0].get(f"{ods.OFFICE}string-value")) == ("string", "0012345")
    assert (first[2].get(value_type), first[2].get(f"{ods.OFFICE}date-value")) == ("date", "1990-04-03")
    assert (first[3].get(value_type), first[3].get(f"{ods.OFFICE}value")) == ("float", "18.5")
    assert (first[4].get(value_type), first[4].get(f"{ods.OFFICE}value")) == ("float", "1234.50")
    assert (second[3].get(f"{ods.OFFICE}value"), second[2].get(value_type)) == ("37", None)


def test_what_the_writer_writes_the_reader_reads_back(tmp_path):
    path = tmp_path / "people.ods"
    path.write_bytes(_ods_bytes())
    assert tabular.detect_format(path) == "ods"
    with tabular.open_table(path, limits=tabular.Limits()) as table:
        assert table.format == "ods" and table.headers == ["person_number", "address", "born", "hours", "salary"]
        assert list(table.rows) == [
            (2, {"person_number": "0012345", "address": "1 High Street\nCannock  (rear)\tflat",
                 "born": date(1990, 4, 3), "hours": Decimal("18.5"), "salary": Decimal("1234.50")}),
            # A row ends at its last value, as an XLSX row does.
            (3, {"person_number": "0000007", "address": "Dafydd Łoś, Zoë Ó Briain", "born": None, "hours": 37})]


def test_an_ods_is_told_from_an_xlsx_and_a_misnamed_file_is_refused(tmp_path):
    xlsx = tmp_path / "people.xlsx"
    with xlsx.open("wb") as out:
        tabular.write_table(out, "xlsx", COLUMNS_OF_EVERY_KIND, ROWS)
    assert tabular.detect_format(xlsx) == "xlsx"
    with pytest.raises(tabular.FileProblem, match="not a valid ODS spreadsheet: save it again"):
        tabular.detect_format(xlsx, "people.ods")
    text = tmp_path / "people.ods"
    text.write_text("person_number\n1\n")
    with pytest.raises(tabular.FileProblem, match="not a valid ODS spreadsheet"):
        tabular.detect_format(text)
    pdf = tmp_path / "letter.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    with pytest.raises(tabular.FileProblem, match="must be a CSV, XLSX or ODS file"):
        tabular.detect_format(pdf)


def test_spans_strings_and_merged_cells_read_as_a_spreadsheet_shows_them(tmp_path):
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>'
               '<table:table table:name="First"><table:table-row>'
               '<table:table-cell office:value-type="string"><text:p>Name</text:p></table:table-cell>'
               '<table:table-cell office:value-type="string" table:number-columns-spanned="2">'
               '<text:p>Address</text:p></table:table-cell><table:covered-table-cell/></table:table-row>'
               '<table:table-row><table:table-cell office:value-type="string"><text:p>Siân <text:span>'
               "O'Connor</text:span>-Łukasz</text:p></table:table-cell>"
               '<table:table-cell office:value-type="string"><text:p>1<text:s text:c="2"/>Mill Lane</text:p>'
               '<text:p>Rugeley</text:p></table:table-cell>'
               '<table:covered-table-cell office:value-type="string"><text:p>Cannock</text:p></table:covered-table-cell>'
               '</table:table-row></table:table>'
               '<table:table table:name="Second"><table:table-row><table:table-cell office:value-type="string">'
               '<text:p>not read</text:p></table:table-cell></table:table-row></table:table>'
               '</office:spreadsheet></office:body></office:document-content>')
    path = tmp_path / "merged.ods"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", ods.MIMETYPE)
        archive.writestr("content.xml", content)
    info = tabular.SheetInfo()
    closing, rows = ods.open_rows(path, tabular.Limits(), info)
    try:
        # The covered cell's value is read (so a merge hiding data can be reported); only the first sheet.
        assert list(rows) == [(1, ("Name", "Address")), (2, ("Siân O'Connor-Łukasz", "1  Mill Lane\nRugeley", "Cannock"))]
    finally:
        closing.close()
    assert info.merged == ["B1:C1"]


def _people(tmp_path: Path) -> None:
    """Someone whose identifiers a spreadsheet would read as numbers, beside the demo staff."""
    path = write(tmp_path / "start", COLUMNS, [new_person(1, person_number="0012345", post_number="0009001",
                                                          phone="01785 000000", postcode="ST16 1AA")], "csv")
    assert import_employees(path).ok


def _counts() -> tuple[int, int]:
    return (db.session.scalar(select(func.count()).select_from(Employee)),
            db.session.scalar(select(func.count()).select_from(Post)))


@pytest.mark.usefixtures("ctx")
@pytest.mark.parametrize("route", [["ods"], ["xlsx", "ods"]], ids=["ods-resaved", "ods-xlsx-ods"])
def test_an_ods_round_trip_through_libreoffice_is_a_no_op(tmp_path, route):
    _people(tmp_path)
    source = tmp_path / "employees.ods"
    with source.open("wb") as out:
        export_employees(out, "ods")
    resaved = source
    for step, fmt in enumerate(route):
        resaved = convert(resaved, fmt, tmp_path / f"lo{step}")
    with tabular.open_table(resaved) as table:
        mine = next(row for _, row in table.rows if row["last_name"] == "Starter1")
    # Still text as LibreOffice saved it: nothing for the import to repair.
    assert (mine["person_number"], mine["post_number"], mine["phone"]) == ("0012345", "0009001", "01785 000000")
    before = _counts()
    report = import_employees(resaved)
    assert report.ok, report.errors[:3]
    assert (report.created, report.updated, report.repairs) == (0, 0, []), report.changes[:3]
    assert _counts() == before
    person = db.session.scalars(select(Employee).where(Employee.person_number == "0012345")).one()
    assert (person.phone, person.postcode) == ("01785 000000", "ST16 1AA")


@pytest.mark.usefixtures("ctx")
def test_a_leading_zero_written_by_our_xlsx_survives_a_libreoffice_resave_as_text(tmp_path):
    _people(tmp_path)
    source = tmp_path / "employees.xlsx"
    with source.open("wb") as out:
        export_employees(out, "xlsx")
    ours = load_workbook(source).worksheets[0]
    mine = next(r for r in ours.iter_rows(min_row=2) if r[0].value == "0012345")
    assert {mine[COLUMNS.index(c)].number_format for c in ("person_number", "post_number", "phone", "postcode")} == {"@"}
    resaved = convert(source, "xlsx", tmp_path / "lo")
    sheet = load_workbook(resaved).worksheets[0]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "0012345")
    for name, value in (("person_number", "0012345"), ("post_number", "0009001"), ("phone", "01785 000000")):
        cell = row[COLUMNS.index(name)]
        assert (cell.value, cell.data_type, cell.number_format) == (value, "s", "@"), name
    before = _counts()
    report = import_employees(resaved)
    assert report.ok and (report.created, report.updated, report.repairs) == (0, 0, []), report.changes[:3]
    assert _counts() == before


ATTRIBUTES = st.sampled_from([
    'table:number-columns-repeated="{n}"', 'table:number-rows-repeated="{n}"', 'table:number-columns-spanned="{n}"',
    'office:value-type="float" office:value="{n}"', 'office:value-type="date" office:date-value="{n}"',
    'office:value-type="percentage" office:value="{n}"', 'office:value-type="boolean" office:boolean-value="{n}"',
    'office:value-type="string"', 'office:value-type="time" office:time-value="{n}"', 'table:visibility="{n}"'])
NUMBERS = st.sampled_from(["0", "-1", "1", "3", "16384", "1048576", "99999999999", "1E+999999999", "NaN", "x",
                           "2026-02-30", "2026-04-01T10:00:00", "true", "collapse", ""])


@settings(max_examples=150, deadline=None)
@given(cells=st.lists(st.tuples(ATTRIBUTES, NUMBERS, st.sampled_from(["", "<text:p>a<text:s text:c=\"{n}\"/>b</text:p>"])),
                      min_size=1, max_size=8),
       rows=st.integers(min_value=1, max_value=3))
def test_any_cell_attributes_give_rows_or_a_file_problem(tmp_path_factory, cells, rows):
    """Whatever repeats, spans and values a sheet claims, the reader gives rows within the
    limits or a FileProblem: never another exception, never a row past the limits."""
    body = "".join(f"<table:table-cell {a.format(n=n)}>{t.format(n=n)}</table:table-cell>" for a, n, t in cells)
    row = f"<table:table-row>{body}</table:table-row>"
    columns = "".join(f"<table:table-column {a.format(n=n)}/>" for a, n, _ in cells if "visibility" in a)
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>'
               f'<table:table table:name="S">{columns}{row * rows}</table:table></office:spreadsheet></office:body>'
               "</office:document-content>")
    path = tmp_path_factory.mktemp("fuzz") / "fuzz.ods"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", ods.MIMETYPE)
        archive.writestr("content.xml", content)
    limits = tabular.Limits(max_rows=1000, max_columns=200)
    info = tabular.SheetInfo()
    closing, read = ods.open_rows(path, limits, info)
    try:
        for number, values in read:
            assert number <= limits.max_rows + 1 and len(values) <= limits.max_columns
            assert all(len(v) <= ods.MAX_TEXT for v in values if isinstance(v, str))
    except tabular.FileProblem:
        pass
    finally:
        closing.close()
    assert max(info.hidden, default=0) <= limits.max_columns


def test_a_hidden_ods_column_is_said_as_a_hidden_xlsx_column_is(tmp_path):
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>'
               '<table:table table:name="S"><table:table-column/><table:table-column table:visibility="collapse"/>'
               '<table:table-row><table:table-cell office:value-type="string"><text:p>Person number</text:p>'
               '</table:table-cell><table:table-cell office:value-type="string"><text:p>Phone</text:p>'
               '</table:table-cell></table:table-row><table:table-row><table:table-cell office:value-type="string">'
               '<text:p>P1</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>01785</text:p>'
               '</table:table-cell></table:table-row></table:table></office:spreadsheet></office:body>'
               '</office:document-content>')
    path = tmp_path / "hidden.ods"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", ods.MIMETYPE)
        archive.writestr("content.xml", content)
    with tabular.open_table(path, limits=tabular.Limits(), required=("person_number",)) as table:
        assert list(table.rows) == [(2, {"person_number": "P1", "phone": "01785"})]
    assert any("Column B" in note and "phone" in note and "hidden" in note for note in table.notes), table.notes
