"""Property-based fuzzing of the employee import (hypothesis): random bytes, CSV with hostile,
huge and wrongly encoded cells, XLSX with random cells, through the service and the upload page.
Every file gives a report (never an exception, never a 500); a file with problems names each by
line and column where it can and writes nothing at all (all or nothing)."""
from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from sqlalchemy import inspect, text

from hrtool.extensions import db
from hrtool.services.people.employee_io import import_employees
from hrtool.services.people.employee_rows import COLUMNS

from ..factories import DEMO_PASSWORDS
from ..spreadsheets import new_person
from .test_fuzz_forms import HOSTILE

FUZZ = settings(max_examples=25, deadline=None, database=None, derandomize=True,
                suppress_health_check=list(HealthCheck))
CELL = st.one_of(st.sampled_from(HOSTILE), st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=60),
                 st.integers(-10**6, 10**9).map(str), st.just("x" * 40_000))
ENCODINGS = ["utf-8", "utf-8-sig", "latin-1", "utf-16", "cp1252"]


def every_table() -> dict[str, int]:
    names = [t for t in inspect(db.session.connection()).get_table_names() if t != "alembic_version"]
    return {t: db.session.scalar(text(f'SELECT COUNT(*) FROM "{t}"')) for t in names}


def check(path: Path, name: str | None = None) -> None:
    before = every_table()
    report = import_employees(path, file_name=name)
    if not report.ok:
        assert report.errors and all(e.message for e in report.errors)
        assert all(e.line is None or e.line >= 1 for e in report.errors)
        db.session.rollback()
        assert every_table() == before
    else:
        db.session.rollback()


@st.composite
def csv_files(draw) -> tuple[bytes, str]:
    """A header (the real columns, some missing or doubled) and rows mixing valid people with
    hostile cells, saved in an encoding that may not be UTF-8."""
    header = draw(st.lists(st.sampled_from(COLUMNS), min_size=1, max_size=len(COLUMNS) + 2))
    if draw(st.booleans()):
        header = list(COLUMNS)
    rows = []
    for n in range(draw(st.integers(0, 6))):
        row = dict(zip(COLUMNS, new_person(500000 + n)))
        for column in draw(st.lists(st.sampled_from(COLUMNS), max_size=4)):
            row[column] = draw(CELL)
        rows.append([row.get(h, "") for h in header])
    out = io.StringIO()
    csv.writer(out).writerows([header, *rows])
    encoding = draw(st.sampled_from(ENCODINGS))
    return out.getvalue().encode(encoding, errors="replace"), draw(st.sampled_from(["csv", "txt", "CSV"]))


@pytest.mark.usefixtures("ctx")
@FUZZ
@given(content=csv_files())
def test_any_csv_gives_a_report_and_writes_nothing_when_refused(tmp_path_factory, content):
    data, suffix = content
    path = tmp_path_factory.mktemp("fuzz") / f"employees.{suffix}"
    path.write_bytes(data)
    check(path)


@pytest.mark.usefixtures("ctx")
@FUZZ
@given(data=st.binary(max_size=5000), suffix=st.sampled_from(["csv", "xlsx", "txt"]),
       prefix=st.sampled_from([b"", b"PK\x03\x04", b"\xff\xfe", b"\xef\xbb\xbfperson_number,", b"\x00\x00"]))
def test_any_bytes_give_a_report_and_write_nothing(tmp_path_factory, data, suffix, prefix):
    path = tmp_path_factory.mktemp("fuzz") / f"employees.{suffix}"
    path.write_bytes(prefix + data)
    check(path)


def _xlsx(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


XLSX_CELL = st.one_of(CELL.map(lambda s: "".join(c for c in s if c >= " " or c in "\t\n\r")),
                      st.floats(allow_nan=False), st.integers(-10**15, 10**15), st.dates(), st.datetimes(), st.none(),
                      st.booleans())


@pytest.mark.usefixtures("ctx")
@FUZZ
@given(cells=st.lists(st.lists(XLSX_CELL, max_size=len(COLUMNS) + 2), max_size=5), keep=st.integers(0, 4))
def test_any_xlsx_gives_a_report_and_writes_nothing_when_refused(tmp_path_factory, cells, keep):
    rows = [list(COLUMNS)] + [new_person(600000 + n) for n in range(keep)] + cells
    path = tmp_path_factory.mktemp("fuzz") / "employees.xlsx"
    path.write_bytes(_xlsx(rows))
    check(path)


@settings(max_examples=15, deadline=None, database=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(content=csv_files(), name=st.sampled_from(["a.csv", "b.xlsx", "../../etc/passwd", "x" * 300 + ".csv",
                                                  "émployés.csv", "nul\x00.csv", ""]))
def test_the_upload_page_never_fails(app, content, name):
    client = app.test_client()
    client.post("/login", data={"username": "hr@hrtool.example", "password": DEMO_PASSWORDS["hr@hrtool.example"]})
    response = client.post("/imports/", data={"file": (io.BytesIO(content[0]), name)},
                           content_type="multipart/form-data", follow_redirects=True)  # the check is a job (issue 17)
    assert response.status_code < 500
    assert response.status_code in (200, 400)


@pytest.mark.usefixtures("ctx")
@pytest.mark.parametrize("column, value", [("hours_per_week", float("inf")), ("hours_per_week", 1.7976931348623157e308),
                                           ("hours_per_week", "9" * 40), ("local_salary", "9" * 40),
                                           ("scp", float("inf")), ("first_name", float("inf"))])
def test_infinite_and_huge_numbers_are_row_errors_not_crashes(tmp_path, column, value):
    """Found by the fuzzer: an XLSX number cell of 1E+309 (infinity) or a 40-digit number made the
    import raise (OverflowError, InvalidOperation) instead of naming the cell."""
    row = new_person(610001)
    row[COLUMNS.index(column)] = value
    path = tmp_path / "huge.xlsx"
    path.write_bytes(_xlsx([list(COLUMNS), row]))
    report = import_employees(path)
    assert not report.ok and (report.errors[0].line, report.errors[0].column) == (2, column)
    db.session.rollback()
