"""Exports through the pages cannot run a formula. A CSV has no cell types, so a text cell
starting with =, +, -, @ (or a tab or carriage return) is written with a leading apostrophe; an
XLSX or ODS cell holding such text is a string cell (never a formula), written as is, with no
apostrophe for the spreadsheet to show."""
from __future__ import annotations

import csv
import io
import re
import zipfile
from xml.etree import ElementTree

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from hrtool.extensions import db
from hrtool.models import Employee, Employment
from hrtool.services.platform import ods

from ..conftest import Auth

HOSTILE = {"first_name": "=HYPERLINK(\"http://evil.example\",\"Click\")", "last_name": "+SUM(A1:A9)",
           "address": "-2+3+cmd|' /C calc'!A0", "phone": "@SUM(1)", "email": None, "postcode": "\tST16 3AQ"}


@pytest.fixture
def hostile_person(app):
    with app.app_context():
        person = db.session.scalars(select(Employee).join(Employment).where(Employment.end_date.is_(None))
                                    .order_by(Employee.id)).first()
        for field, value in HOSTILE.items():
            if value is not None:
                setattr(person, field, value)
        db.session.commit()
        return person.person_number


def test_the_csv_export_guards_formulas_with_an_apostrophe(app, client, hostile_person):
    Auth(client).as_role("hr")
    response = client.get("/employees/export.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"), newline="")))
    header, body = rows[0], rows[1:]
    row = dict(zip(header, next(r for r in body if r[0] == hostile_person)))
    for field, value in HOSTILE.items():
        if value is not None:
            assert row[field] == "'" + value, field
    for value in row.values():
        assert not value.startswith(("=", "+", "@")), value


def test_the_xlsx_export_writes_formula_like_text_as_string_cells(app, client, hostile_person):
    Auth(client).as_role("hr")
    response = client.get("/employees/export.xlsx")
    assert response.status_code == 200
    content = response.get_data()
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheets = [archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
    # Not one formula in the workbook: no <f> element, no cell typed as a formula or error.
    assert sheets and not any(re.search(r"<(\w+:)?f[ >]", xml) for xml in sheets)
    assert not any(re.search(r'\bt="(e|str)"', xml) for xml in sheets)
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    cells = list(sheet.iter_rows())
    header = [c.value for c in cells[0]]
    found = dict(zip(header, next(r for r in cells[1:] if r[0].value == hostile_person)))
    for field, value in HOSTILE.items():
        if value is not None:
            cell = found[field]
            # The text as typed (no guard apostrophe to show), in a string cell formatted as text.
            assert (cell.value, cell.data_type, cell.number_format) == (value, "s", "@"), field


def test_the_ods_export_writes_formula_like_text_as_string_cells(app, client, hostile_person, tmp_path):
    Auth(client).as_role("hr")
    response = client.get("/employees/export.ods")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.oasis.opendocument.spreadsheet"
    with zipfile.ZipFile(io.BytesIO(response.get_data())) as archive:
        content = archive.read("content.xml").decode()
    cells = list(ElementTree.fromstring(content).iter(f"{ods.TABLE}table-cell"))
    assert cells and not any(c.get(f"{ods.TABLE}formula") for c in cells)  # not one formula in the document
    typed = {c.get(f"{ods.OFFICE}string-value"): c.get(f"{ods.OFFICE}value-type") for c in cells}
    for value in HOSTILE.values():
        if value is not None:
            assert typed.get(value) == "string", value  # as typed, in a string cell
    path = tmp_path / "export.ods"
    path.write_bytes(response.get_data())
    from hrtool.services.platform import tabular

    with app.app_context(), tabular.open_table(path, "export.ods") as table:
        row = next(r for _, r in table.rows if r["person_number"] == hostile_person)
    for field, value in HOSTILE.items():
        if value is not None:
            assert row[field] == value, field
    assert ods.MIMETYPE == response.mimetype


def test_an_xlsx_written_with_the_old_guard_still_imports_as_typed(app, tmp_path):
    """Earlier versions put the guard apostrophe in XLSX cells too: such a file, re-imported,
    still gives the text without it (the reader restores a guard in every format)."""
    from openpyxl import Workbook

    from hrtool.services.people.employee_io import import_employees
    from hrtool.services.people.employee_rows import COLUMNS

    from ..spreadsheets import new_person

    row = new_person(901, first_name="'=HYPERLINK(\"http://x\")", last_name="'-Smith", phone="'+44 1785 000000",
                     address="'@home")
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Employees")
    sheet.append(COLUMNS)
    sheet.append(row)
    path = tmp_path / "old.xlsx"
    workbook.save(path)
    with app.app_context():
        report = import_employees(path)
        assert report.ok and report.created == 1, report.errors[:3]
        person = db.session.scalars(select(Employee).where(Employee.person_number == "T000901")).one()
        assert (person.first_name, person.last_name, person.phone, person.address) == (
            "=HYPERLINK(\"http://x\")", "-Smith", "+44 1785 000000", "@home")
