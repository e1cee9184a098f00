"""Exports through the pages neutralise spreadsheet formulas: a text cell starting with =, +, -
or @ (or a tab or carriage return) is written with a leading apostrophe, in CSV and in XLSX,
where it stays a text cell (never a formula)."""
from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from hrtool.extensions import db
from hrtool.models import Employee, Employment

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


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_employees_export_neutralises_formulas(app, client, hostile_person, fmt):
    Auth(client).as_role("hr")
    response = client.get(f"/employees/export.{fmt}")
    assert response.status_code == 200
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"), newline="")))
        header, body = rows[0], rows[1:]
        row = dict(zip(header, next(r for r in body if r[0] == hostile_person)))
    else:
        sheet = load_workbook(io.BytesIO(response.get_data())).worksheets[0]
        cells = list(sheet.iter_rows())
        header = [c.value for c in cells[0]]
        found = next(r for r in cells[1:] if r[0].value == hostile_person)
        assert all(c.data_type != "f" for r in cells for c in r)  # not one formula in the workbook
        row = {h: c.value for h, c in zip(header, found)}
    for field, value in HOSTILE.items():
        if value is not None:
            assert row[field] == "'" + value, field
    for value in (v for r in ([row] if fmt == "csv" else []) for v in r.values()):
        assert not value.startswith(("=", "+", "@")), value
