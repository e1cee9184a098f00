"""Issue 16, finding 2 and 11b: uploads are checked before they are parsed.

The attack files are built here as the issue describes them: an XLSX whose shared-strings part
holds 5 million entries (over 200 MB of XML in well under 1 MB of zip), and one of 20,000 rows
each with a cell in column XFD (which openpyxl's iter_rows pads to 16,384 values a row). Each is
refused having read no more than the limit, and well under 100 MB, with a message that names the limit; so are a
sheet with a cell in its last row (1,048,576) and CSV files past the row and column limits. An
upload over MAX_CONTENT_LENGTH is a 413 that says the limit."""
from __future__ import annotations

import io
import tracemalloc
import zipfile
from pathlib import Path
from unittest import mock

import openpyxl
import pytest

from hrtool.services.people.employee_io import import_employees
from hrtool.services.people.employee_rows import COLUMNS
from hrtool.services.platform import tabular

from ..conftest import Auth

HR = "hr@hrtool.example"

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    '</Types>')
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>')
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
    'Target="sharedStrings.xml"/></Relationships>')
SHEET_START = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
               '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
SHEET_END = "</sheetData></worksheet>"


def _header_row() -> str:
    cells = "".join(f'<c r="{openpyxl.utils.get_column_letter(i)}1" t="inlineStr"><is><t>{name}</t></is></c>'
                    for i, name in enumerate(COLUMNS, start=1))
    return f'<row r="1">{cells}</row>'


def _xlsx(path: Path, sheet_rows: list[str] | None = None, shared_strings: int = 0,
          sheet_text: str | None = None, strings_xml: bytes | None = None) -> Path:
    """A minimal workbook written part by part (as an attacker would, not through openpyxl)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml",
                         sheet_text or SHEET_START + _header_row() + "".join(sheet_rows or []) + SHEET_END)
        if strings_xml is not None:
            archive.writestr("xl/sharedStrings.xml", strings_xml)
            return path
        with archive.open("xl/sharedStrings.xml", "w") as part:
            part.write(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                       b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
            entry = b'<si><t xml:space="preserve">aaaaaaaaaaaaaaaaaaaa</t></si>'  # 28 + 20 + 9 = 57 bytes
            block = entry * 100_000
            for _ in range(shared_strings // 100_000):
                part.write(block)
            part.write(b"</sst>")
    return path


def _refused_quickly(app, path: Path) -> str:
    """Run the import's preview on `path`: it must be refused having read at most a row past the
    row limit and no shared strings past the archive check (the work is counted, not timed: a
    timed assertion failed on a loaded CI machine), and within 100 MB of Python allocations
    (measured on a second run, under tracemalloc); returns the message."""
    from openpyxl.worksheet._reader import WorkSheetParser

    counted = {"rows": 0, "strings": 0}
    parse, shared_strings = WorkSheetParser.parse, tabular._shared_strings

    def counting_parse(self):
        for row in parse(self):
            counted["rows"] += 1
            yield row

    def counting_strings(source):
        strings = shared_strings(source)
        counted["strings"] += len(strings)
        return strings

    with app.app_context(), mock.patch.object(WorkSheetParser, "parse", counting_parse), \
            mock.patch.object(tabular, "_shared_strings", counting_strings):
        report = import_employees(path, dry_run=True)
        work = dict(counted)
        tracemalloc.start()
        try:
            again = import_employees(path, dry_run=True)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert not report.ok and report.rows == 0
    assert work["rows"] <= app.config["IMPORT_MAX_ROWS"] + 2, f"read {work['rows']:,} rows"
    assert work["strings"] <= 10, f"read {work['strings']:,} shared strings"
    assert again.errors[0].message == report.errors[0].message
    assert peak < 100 * 1024 * 1024, f"peak {peak / 1e6:.0f} MB"
    return report.errors[0].message


def test_openpyxl_parses_with_defusedxml():
    from openpyxl.xml import functions

    assert openpyxl.DEFUSEDXML is True
    assert functions.iterparse.__module__.startswith("defusedxml")


def test_a_shared_strings_bomb_is_refused_before_it_is_parsed(app, tmp_path):
    # 5,000,000 entries of 57 bytes: 285,000,000 bytes of XML (/ 1,048,576 = 271.8, shown as 272 MB),
    # which deflates to well under 1 MB.
    bomb = _xlsx(tmp_path / "bomb.xlsx", shared_strings=5_000_000)
    assert bomb.stat().st_size < 1024 * 1024
    message = _refused_quickly(app, bomb)
    # 272 MB is under the 300 MB part limit but over the 50 MB limit on shared strings.
    assert "shared strings unpack to 272 MB, over the limit of 50 MB" in message


def test_a_part_that_unpacks_hundreds_of_times_its_size_is_refused(app, tmp_path):
    # 400,000 entries of 57 bytes = 22,800,000 bytes: under the shared-strings limit, but packed
    # hundreds to 1 (every entry the same).
    bomb = _xlsx(tmp_path / "ratio.xlsx", shared_strings=400_000)
    message = _refused_quickly(app, bomb)
    assert "decompression bomb" in message and "over the limit of 100 times" in message


def test_a_cell_in_column_xfd_on_every_row_is_refused_without_padding(app, tmp_path):
    rows = [f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>T{n:06d}</t></is></c><c r="XFD{n}"><v>1</v></c></row>'
            for n in range(2, 20_002)]
    wide = _xlsx(tmp_path / "xfd.xlsx", rows)
    assert wide.stat().st_size < 300 * 1024
    message = _refused_quickly(app, wide)
    assert message == ("Line 2 has more than 200 columns (a cell in column XFD), the limit for an import: "
                       "delete the columns that are not needed")


def test_a_cell_in_the_last_row_of_a_sheet_is_refused_without_a_million_empty_rows(app, tmp_path):
    far = _xlsx(tmp_path / "far.xlsx", ['<row r="1048576"><c r="A1048576"><v>1</v></c></row>'])
    message = _refused_quickly(app, far)
    assert message == "The file has more than 200,000 rows of data, the limit for one import: split it into smaller files"


def test_a_sheet_of_empty_rows_is_refused_without_scanning_it_whole(app, tmp_path, monkeypatch):
    # openpyxl's load_workbook scans a read-only sheet to its end for its size when no
    # <dimension> is written: 2 million empty rows cost 170 MB and 4 s before the first row was
    # read. With a limit of 10,000 rows, this file of 600,000 is refused at row 10,002.
    monkeypatch.setitem(app.config, "IMPORT_MAX_ROWS", 10_000)
    sheet = SHEET_START + "".join(f'<row r="{n}"/>' for n in range(1, 600_001)) + SHEET_END
    message = _refused_quickly(app, _xlsx(tmp_path / "empty_rows.xlsx", sheet_text=sheet))
    assert message.startswith("The file has more than 10,000 rows of data")


def test_shared_strings_and_dates_still_read_as_excel_writes_them(tmp_path):
    """The step-by-step reader gives what load_workbook gave: text from shared strings (plain
    and rich), dates as dates, numbers as numbers."""
    from datetime import datetime

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Person Number", "Start date", "Hours"])
    sheet.append(["P1", datetime(2026, 4, 1), 37])
    sheet.append(["P1", None, 18.5])
    path = tmp_path / "excel.xlsx"
    workbook.save(path)
    with tabular.open_table(path) as table:
        assert table.headers == ["person_number", "start_date", "hours"]
        assert list(table.rows) == [(2, {"person_number": "P1", "start_date": datetime(2026, 4, 1), "hours": 37}),
                                    (3, {"person_number": "P1", "start_date": None, "hours": 18.5})]
    # Excel puts text in sharedStrings.xml (openpyxl writes it inline): plain and rich entries.
    rich = (SHEET_START + '<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2" t="s"><v>1</v></c></row>'
            + SHEET_END)
    strings = (b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>Name</t></si>'
               b"<si><r><t>Ann </t></r><r><rPr><b/></rPr><t>Smith</t></r></si></sst>")
    with tabular.open_table(_xlsx(tmp_path / "rich.xlsx", sheet_text=rich, strings_xml=strings)) as table:
        assert table.headers == ["name"] and list(table.rows) == [(2, {"name": "Ann Smith"})]


def test_formatted_empty_cells_far_out_are_blank_not_refused(tmp_path):
    """Excel writes a cell with a style and no value for a formatted cell: it is not data."""
    sheet = (SHEET_START + '<row r="1"><c r="A1" t="inlineStr"><is><t>Person Number</t></is></c>'
             '<c r="XFD1" s="1"/></row><row r="2"><c r="A2" t="inlineStr"><is><t>P1</t></is></c><c r="XFD2" s="1"/></row>'
             '<row r="3"><c r="XFD3" s="1"/></row><row r="5"><c r="A5"><v>7</v></c></row>' + SHEET_END)
    with tabular.open_table(_xlsx(tmp_path / "styled.xlsx", sheet_text=sheet)) as table:
        assert table.headers == ["person_number"]
        assert list(table.rows) == [(2, {"person_number": "P1"}), (5, {"person_number": 7})]


def test_entity_expansion_in_a_sheet_is_refused(app, tmp_path):
    laughs = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
              '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
              '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
              '<row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row></sheetData></worksheet>')
    message = _refused_quickly(app, _xlsx(tmp_path / "laughs.xlsx", sheet_text=laughs))
    assert message == "Row 1 of the workbook cannot be read (EntitiesForbidden)"  # defusedxml's


def test_csv_rows_and_columns_are_counted_as_they_stream(tmp_path):
    limits = tabular.Limits(max_rows=3, max_columns=5)
    long = tmp_path / "long.csv"
    long.write_text("a,b\n" + "1,2\n" * 10)
    with pytest.raises(tabular.FileProblem, match="more than 3 rows of data"), tabular.open_table(long, limits=limits) as table:
        list(table.rows)
    wide = tmp_path / "wide.csv"
    wide.write_text("a,b\n1,2\n" + "," * 16_383 + "\n")
    with pytest.raises(tabular.FileProblem, match="Line 3 has more than 5 columns"), tabular.open_table(wide, limits=limits) as t:
        list(t.rows)
    exact = tmp_path / "exact.csv"
    exact.write_text("a,b,c,d,e\n" + "1,2,3,4,5\n" * 3)  # at the limits: read whole
    with tabular.open_table(exact, limits=limits) as table:
        assert [line for line, _ in table.rows] == [2, 3, 4]


def test_the_limits_come_from_the_config(app):
    with app.app_context():
        limits = tabular.Limits.from_config()
    assert (limits.max_rows, limits.max_columns, limits.xlsx_max_ratio) == (200_000, 200, 100)
    assert tabular.Limits.from_config({"IMPORT_MAX_ROWS": "7"}).max_rows == 7


def test_the_upload_page_shows_the_bombs_message(app, tmp_path):
    client = app.test_client()
    assert Auth(client).login(HR).status_code == 302
    wide = _xlsx(tmp_path / "xfd.xlsx", ['<row r="2"><c r="XFD2"><v>1</v></c></row>'])
    response = client.post("/imports/", data={"file": (io.BytesIO(wide.read_bytes()), "payroll.xlsx")},
                           content_type="multipart/form-data")
    assert response.status_code == 302  # the check is a job (issue 17): its page has the report
    page = client.get(response.location).get_data(as_text=True)
    assert "The file has problems" in page and "more than 200 columns (a cell in column XFD)" in page


def test_an_upload_over_the_limit_is_413_with_the_limit_named(app, monkeypatch):
    client = app.test_client()
    assert Auth(client).login(HR).status_code == 302
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1024 * 1024)
    # The multipart body built by hand, as bytes: 1.6 MB against a limit of 1 MB.
    body = (b"--b0undary\r\nContent-Disposition: form-data; name=\"file\"; filename=\"payroll.csv\"\r\n"
            b"Content-Type: text/csv\r\n\r\nperson_number\n" + b"P000001\n" * 200_000 + b"\r\n--b0undary--\r\n")
    response = client.post("/imports/", data=body, content_type="multipart/form-data; boundary=b0undary")
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "The file is too large" in page and "the limit of 1 MB" in page
    assert "problem with your request" not in page


# -- ODS: the same limits. An ODS says "this cell, repeated N times" (number-columns-repeated,
# number-rows-repeated), so a few bytes can ask for a whole sheet of 16,384 x 1,048,576 cells.

ODS_START = ('<?xml version="1.0" encoding="UTF-8"?>'
             '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
             'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
             'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
             '<office:body><office:spreadsheet><table:table table:name="Sheet1">')
ODS_END = "</table:table></office:spreadsheet></office:body></office:document-content>"


def _ods_header_row() -> str:
    cells = "".join(f'<table:table-cell office:value-type="string"><text:p>{name}</text:p></table:table-cell>'
                    for name in COLUMNS)
    return f"<table:table-row>{cells}</table:table-row>"


def _ods(path: Path, rows: list[str] | None = None, content: str | bytes | None = None) -> Path:
    """A minimal ODS written part by part (as an attacker would)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("META-INF/manifest.xml", '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                         'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>')
        archive.writestr("content.xml", content or ODS_START + _ods_header_row() + "".join(rows or []) + ODS_END)
    return path


def _ods_refused_quickly(app, path: Path) -> str:
    """The ODS twin of `_refused_quickly`: refused having built at most a row past the row limit,
    no row wider than the column limit, within 100 MB of Python allocations."""
    from hrtool.services.platform import ods

    counted = {"rows": 0, "widest": 0}
    rows = ods.rows

    def counting_rows(source, limits, info):
        for number, values in rows(source, limits, info):
            counted["rows"] += 1
            counted["widest"] = max(counted["widest"], len(values))
            yield number, values

    with app.app_context(), mock.patch.object(ods, "rows", counting_rows):
        report = import_employees(path, dry_run=True)
        work = dict(counted)
        tracemalloc.start()
        try:
            again = import_employees(path, dry_run=True)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert not report.ok and report.rows == 0
    assert work["rows"] <= app.config["IMPORT_MAX_ROWS"] + 2, f"read {work['rows']:,} rows"
    assert work["widest"] <= app.config["IMPORT_MAX_COLUMNS"], f"built a row of {work['widest']:,} cells"
    assert again.errors[0].message == report.errors[0].message
    assert peak < 100 * 1024 * 1024, f"peak {peak / 1e6:.0f} MB"
    return report.errors[0].message


def test_an_ods_cell_repeated_across_every_column_is_refused_without_building_the_row(app, tmp_path):
    row = ('<table:table-row><table:table-cell office:value-type="string"><text:p>T000001</text:p></table:table-cell>'
           '<table:table-cell office:value-type="float" office:value="1" table:number-columns-repeated="16383"/>'
           '</table:table-row>')
    # 4,000 rows (under 1 MB of XML, so the archive's ratio check passes it) asking for 65 million cells.
    bomb = _ods(tmp_path / "wide.ods", [row] * 4_000)
    assert bomb.stat().st_size < 20 * 1024
    message = _ods_refused_quickly(app, bomb)
    assert message == ("Line 2 has more than 200 columns (a cell in column XFD), the limit for an import: "
                       "delete the columns that are not needed")


def test_an_ods_row_repeated_down_the_sheet_is_refused_at_the_row_limit(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_MAX_ROWS", 10_000)
    row = ('<table:table-row table:number-rows-repeated="1048575"><table:table-cell office:value-type="string">'
           '<text:p>T000001</text:p></table:table-cell></table:table-row>')
    read = 0
    with app.app_context(), pytest.raises(tabular.FileProblem) as refused, \
            tabular.open_table(_ods(tmp_path / "tall.ods", [row]), "tall.ods") as table:
        for _ in table.rows:
            read += 1
    assert str(refused.value).startswith("The file has more than 10,000 rows of data")
    assert read == 10_000  # every row up to the limit, and not one past it


def test_an_ods_value_in_its_last_row_is_refused_without_a_million_empty_rows(app, tmp_path):
    rows = ['<table:table-row table:number-rows-repeated="1048574"><table:table-cell '
            'table:number-columns-repeated="16384"/></table:table-row>',
            '<table:table-row><table:table-cell office:value-type="float" office:value="1"/></table:table-row>']
    message = _ods_refused_quickly(app, _ods(tmp_path / "far.ods", rows))
    assert message == "The file has more than 200,000 rows of data, the limit for one import: split it into smaller files"


def test_a_huge_ods_content_part_is_refused_from_the_archive_directory(app, tmp_path):
    # 25,000,000 bytes of the same row: packed hundreds to 1, refused before a row is read.
    row = ('<table:table-row><table:table-cell office:value-type="string"><text:p>T000001</text:p>'
           '</table:table-cell></table:table-row>')
    content = ODS_START + _ods_header_row() + row * (25_000_000 // len(row)) + ODS_END
    bomb = _ods(tmp_path / "ratio.ods", content=content)
    assert bomb.stat().st_size < 1024 * 1024
    message = _ods_refused_quickly(app, bomb)
    assert "decompression bomb" in message and "content.xml" in message and "over the limit of 100 times" in message
    # And a part over the size limit, whatever its ratio.
    monkeypatch = pytest.MonkeyPatch()
    try:
        monkeypatch.setitem(app.config, "XLSX_MAX_PART_BYTES", 10 * 1024 * 1024)
        message = _ods_refused_quickly(app, bomb)
    finally:
        monkeypatch.undo()
    assert message.startswith("The workbook is too large to read: its part content.xml unpacks to 24 MB")


def test_entity_expansion_in_an_ods_is_refused(app, tmp_path):
    laughs = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
              '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
              + ODS_START[ODS_START.index("<office:document-content"):]
              + '<table:table-row><table:table-cell office:value-type="string"><text:p>&lol2;</text:p>'
              '</table:table-cell></table:table-row>' + ODS_END)
    message = _ods_refused_quickly(app, _ods(tmp_path / "laughs.ods", content=laughs))
    assert message == "Row 1 of the spreadsheet cannot be read (EntitiesForbidden)"  # defusedxml's


def test_an_ods_as_excel_writes_it_reads_without_its_empty_repeats(tmp_path):
    """Excel ends each row of an ODS with an empty cell repeated to column XFD, and LibreOffice
    writes blank rows as one repeated row: neither is data, and the row numbers stay true."""
    content = (ODS_START
               + '<table:table-column table:number-columns-repeated="2"/>'
               + '<table:table-column table:visibility="collapse" table:number-columns-repeated="1048576"/>'
               + '<table:table-row><table:table-cell office:value-type="string"><text:p>Person Number</text:p>'
               '</table:table-cell><table:table-cell office:value-type="string"><text:p>Hours</text:p>'
               '</table:table-cell><table:table-cell table:number-columns-repeated="16382"/></table:table-row>'
               + '<table:table-row table:number-rows-repeated="3"><table:table-cell '
               'table:number-columns-repeated="16384"/></table:table-row>'
               + '<table:table-row><table:table-cell office:value-type="string"><text:p>P1</text:p>'
               '</table:table-cell><table:table-cell office:value-type="float" office:value="18.5"/>'
               '<table:table-cell table:number-columns-repeated="16382"/></table:table-row>'
               + ODS_END)
    info = tabular.SheetInfo()
    from hrtool.services.platform import ods

    path = _ods(tmp_path / "excel.ods", content=content)
    closing, rows = ods.open_rows(path, tabular.Limits(), info)
    try:
        assert list(rows) == [(1, ("Person Number", "Hours")), (5, ("P1", 18.5))]
    finally:
        closing.close()
    # Hidden columns from the third to the column limit, never a million of them.
    assert info.hidden == set(range(3, 201))
