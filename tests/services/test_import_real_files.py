"""Importing employees from files as spreadsheets really write them (issue 19): exports opened
and saved again by LibreOffice with its default options, title and totals rows, merged headings,
hidden columns and two-digit years. Each file gives its one clear message, and a spreadsheet's
stripped leading zeros never make a second person or post."""
from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from hrtool.extensions import db
from hrtool.models import Employee, Post
from hrtool.services.people.employee_io import apply_import, export_employees, import_employees
from hrtool.services.people.employee_rows import COLUMNS
from hrtool.services.platform.tabular import normalise_header

from ..factories import assign, employ, make_employee, make_post, own_terms
from ..spreadsheets import libreoffice, new_person, read, write

pytestmark = pytest.mark.usefixtures("ctx")

PHONE = "01785000000"  # all digits: a spreadsheet reading the CSV takes it for a number


def _people() -> list[Employee]:
    """Two people whose person numbers, post number and phone begin with zeros."""
    post = make_post("SBC", "Licensing", post_number="0009001", title="Licensing officer")
    people = []
    for number in ("0012345", "0012346"):
        employee = make_employee(person_number=number, phone=PHONE, postcode="ST16 1AA")
        employment = employ(employee, "SBC", date(2015, 4, 1))
        assign(employment, post, date(2015, 4, 1), scp=12)
        own_terms(employment, date(2015, 4, 1))
        people.append(employee)
    return people


def _export(tmp_path: Path, fmt: str, people: list[Employee]) -> Path:
    out = io.BytesIO()
    export_employees(out, fmt, person_ids=select(Employee.id).where(Employee.id.in_([p.id for p in people])))
    path = tmp_path / f"employees.{fmt}"
    path.write_bytes(out.getvalue())
    return path


def _totals() -> tuple[int, int]:
    return (db.session.scalar(select(func.count()).select_from(Employee)),
            db.session.scalar(select(func.count()).select_from(Post)))


@pytest.mark.parametrize("exported_as, saved_as", [("csv", "xlsx"), ("csv", "csv"), ("xlsx", "xlsx"),
                                                   ("xlsx", "csv")])
def test_an_export_saved_again_by_libreoffice_makes_no_duplicate(tmp_path, exported_as, saved_as):
    people = _people()
    saved = libreoffice(_export(tmp_path, exported_as, people), saved_as, tmp_path)
    header, rows = read(saved.read_bytes(), saved_as)
    in_file = [str(r[[normalise_header(h) for h in header].index("person_number")]) for r in rows]
    stripped = [n for n in in_file if not n.startswith("0")]
    # LibreOffice reads an all-digit CSV value as a number; the XLSX export's text cells stay text.
    assert bool(stripped) == (exported_as == "csv"), in_file
    before = _totals()

    report = import_employees(saved, dry_run=True)
    assert report.ok, report.errors
    assert (report.created, report.updated, report.unchanged, report.posts_created) == (0, 0, 2, 0)
    if stripped:
        assert report.repairs == [
            "line 2: person_number 0012345 read as 12345 by a spreadsheet: matched",
            "line 2: post_number 0009001 read as 9001 by a spreadsheet: matched",
            "line 3: person_number 0012346 read as 12346 by a spreadsheet: matched",
            "line 3: post_number 0009001 read as 9001 by a spreadsheet: matched",
            "line 2: phone 01785000000 read as 1785000000 by a spreadsheet: kept as held",
            "line 3: phone 01785000000 read as 1785000000 by a spreadsheet: kept as held"]
    else:
        assert report.repairs == []

    apply_import(saved)  # nothing to change: no one and no post is created, no phone rewritten
    assert _totals() == before
    assert [p.phone for p in people] == [PHONE, PHONE]


def test_a_number_two_held_numbers_pad_to_is_refused_naming_both(tmp_path):
    people = _people()
    other = make_employee(person_number="012345")
    employ(other, "SBC", date(2015, 4, 1))
    header, rows = read(_export(tmp_path, "csv", people).read_bytes(), "csv")
    rows[0][0] = "12345"
    report = import_employees(write(tmp_path / "both", header, rows, "csv"), dry_run=True)
    assert [(e.line, e.column, e.message) for e in report.errors] == [
        (2, "person_number", "12345 could be 0012345 or 012345 with its leading zeros lost by a spreadsheet: give "
                             "the person_number in full, as text")]


def test_the_dry_run_command_lists_every_repair(app, tmp_path):
    with app.app_context():
        people = _people()
        header, rows = read(_export(tmp_path, "csv", people).read_bytes(), "csv")
        db.session.commit()
    for row in rows:
        row[0] = row[0].lstrip("0")
    path = write(tmp_path / "stripped", header, rows, "csv")
    result = app.test_cli_runner().invoke(args=["import-employees", str(path), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "line 2: person_number 0012345 read as 12345 by a spreadsheet: matched" in result.output
    assert "line 3: person_number 0012346 read as 12346 by a spreadsheet: matched" in result.output
    assert "0 created" in result.output


def _workbook(header: list[str], rows: list[list], above: list[list] = ()) -> Workbook:
    workbook = Workbook()
    sheet = workbook.active
    for row in above:
        sheet.append(row)
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    return workbook


def _new_rows(count: int) -> list[list]:
    rows = [new_person(n) for n in range(1, count + 1)]
    for row in rows:  # numbers as a spreadsheet holds them
        for name in ("hours_per_week", "scp"):
            row[COLUMNS.index(name)] = float(row[COLUMNS.index(name)])
    return rows


@pytest.mark.parametrize("label", ["Total", ""])
def test_a_title_above_and_a_totals_row_below_are_each_said_once(tmp_path, label):
    rows = _new_rows(3)
    workbook = _workbook(COLUMNS, rows, above=[["Payroll export March"], []])
    sheet = workbook.active
    hours, scp = (COLUMNS.index(n) + 1 for n in ("hours_per_week", "scp"))
    totals = [None] * len(COLUMNS)
    totals[0] = label or None
    for index in (hours, scp):
        letter = sheet.cell(row=1, column=index).column_letter
        totals[index - 1] = f"=SUM({letter}4:{letter}6)"  # LibreOffice saves the sum it works out
    sheet.append(totals)
    source = tmp_path / "payroll.xlsx"
    workbook.save(source)
    saved = libreoffice(source, "xlsx", tmp_path)

    report = import_employees(saved, dry_run=True)
    assert report.ok, report.errors
    assert report.created == 3 and report.header_line == 3
    assert report.notes == ["Rows 1-2 above the header (row 3) were skipped (a title: 'Payroll export March')",
                            "Row 7 is a totals row and was skipped"]


def test_total_is_never_a_person_number(tmp_path):
    rows = [new_person(1), new_person(2), ["Total"] + [""] * (len(COLUMNS) - 1)]
    report = import_employees(write(tmp_path / "total", COLUMNS, rows, "csv"), dry_run=True)
    assert report.ok and report.created == 2
    assert report.notes == ["Row 4 is a totals row and was skipped"]


def test_a_heading_merged_over_two_columns_is_refused_once(tmp_path):
    at = COLUMNS.index("address") + 1
    header = COLUMNS[:at] + [""] + COLUMNS[at:]
    rows = [row[:at] + ["Cannock"] + row[at:] for row in _new_rows(3)]
    workbook = _workbook(header, rows)
    workbook.active.merge_cells(start_row=1, start_column=at, end_row=1, end_column=at + 1)
    source = tmp_path / "merged.xlsx"
    workbook.save(source)
    saved = libreoffice(source, "xlsx", tmp_path)

    report = import_employees(saved, dry_run=True)
    assert [(e.line, e.message) for e in report.errors] == [(None, (
        "Column Q has values but no heading (for example 'Cannock' on line 2): it is part of the heading "
        "'address' merged over P1:Q1: unmerge the heading and give each column its own name, or delete the "
        "column; nothing has been imported"))]


def test_the_same_gap_in_a_csv_is_refused_once(tmp_path):
    at = COLUMNS.index("address") + 1
    header = COLUMNS[:at] + [""] + COLUMNS[at:]
    rows = [row[:at] + ["Cannock"] + row[at:] for row in [new_person(1), new_person(2)]]
    report = import_employees(write(tmp_path / "gap", header, rows, "csv"), dry_run=True)
    assert [e.message for e in report.errors] == [
        "Column Q has values but no heading (for example 'Cannock' on line 2): it may be part of the merged "
        "heading 'address' in P: unmerge the heading and give each column its own name, or delete the column; "
        "nothing has been imported"]


def test_a_hidden_column_is_imported_with_a_warning(tmp_path):
    workbook = _workbook(COLUMNS, _new_rows(2))
    workbook.active.column_dimensions["O"].hidden = True  # phone
    source = tmp_path / "hidden.xlsx"
    workbook.save(source)
    saved = libreoffice(source, "xlsx", tmp_path)

    report = import_employees(saved, dry_run=True)
    assert report.ok and report.created == 2
    assert report.notes == ["Column O 'phone' is hidden in the spreadsheet and was imported"]


def test_two_digit_years_are_one_message_for_the_file(tmp_path):
    # As the issue saw LibreOffice's en-GB "Save as CSV" write them. (LibreOffice 7.4's own
    # --convert-to csv writes four-digit years even for a DD/MM/YY column, so this file is
    # written here.)
    rows = [new_person(n, date_of_birth="03/04/90", start_date="01/06/15", continuous_service_date="01/06/15")
            for n in range(1, 4)]
    report = import_employees(write(tmp_path / "short", COLUMNS, rows, "csv"), dry_run=True)
    assert [(e.line, e.message) for e in report.errors] == [(None, (
        "This file has two-digit years, as LibreOffice's CSV export writes them: save as XLSX or ODS, or format the "
        "dates as DD/MM/YYYY (the first is on line 2: '03/04/90')"))]


def test_no_row_holding_the_header_is_one_message(tmp_path):
    path = tmp_path / "notes.csv"
    path.write_text("Payroll export\nperson number,surname\n1,Smith\n", encoding="utf-8")
    report = import_employees(path, dry_run=True)
    assert [e.message for e in report.errors] == [
        "The header was not found: none of the first 20 rows has every required column. The nearest, row 2, has "
        "no first_name, last_name, date_of_birth, sex, employer, service, post_number, post_title, "
        "hours_per_week, scp, continuous_service_date, start_date columns: add them to the header"]


def test_a_row_is_a_totals_row_only_when_its_numbers_are_the_sums(tmp_path):
    people = [new_person(1, hours_per_week="37", scp="10"), new_person(2, hours_per_week="18.5", scp="12")]
    sums = [""] * len(COLUMNS)
    sums[COLUMNS.index("hours_per_week")], sums[COLUMNS.index("scp")] = "55.5", "22"  # 37 + 18.5, 10 + 12
    report = import_employees(write(tmp_path / "sums", COLUMNS, people + [sums], "csv"), dry_run=True)
    assert report.ok and report.created == 2 and report.notes == ["Row 4 is a totals row and was skipped"]
    # A person whose number was left out is not a totals row: it is an error, never skipped unsaid.
    missing = new_person(3, person_number="", hours_per_week="30", scp="22")  # scp is the sum, hours not
    report = import_employees(write(tmp_path / "missing", COLUMNS, people + [missing], "csv"), dry_run=True)
    assert [(e.line, e.column) for e in report.errors] == [(4, "person_number")] and report.notes == []
