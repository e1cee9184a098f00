"""Importing and exporting employees (issue 3): all or nothing with line and column, upserts
that change nothing the second time, exact round trips, for CSV and XLSX."""
from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from hrtool.extensions import db
from hrtool.models import Assignment, AuditEvent, Employee, Employment, Post
from hrtool.services.people.employee_io import export_employees, import_employees
from hrtool.services.people.employee_rows import COLUMNS, REQUIRED
from hrtool.services.people.employees import latest_assignment
from hrtool.services.platform import tabular

from ..spreadsheets import exported, line_of, new_person, write

FORMATS = ["csv", "xlsx"]


def counts() -> tuple[int, int, int, int]:
    return tuple(db.session.scalar(select(func.count()).select_from(model))  # type: ignore[return-value]
                 for model in (Employee, Employment, Assignment, AuditEvent))


def column(name: str) -> int:
    return COLUMNS.index(name)


def person(number: str) -> Employee:
    return db.session.scalars(select(Employee).where(Employee.person_number == number)).one()


@pytest.mark.usefixtures("ctx")
@pytest.mark.parametrize("fmt", FORMATS)
def test_a_thousand_rows_all_or_nothing_then_idempotent_then_round_trip(tmp_path, fmt):
    header, rows = exported(fmt)
    assert header == COLUMNS and len(rows) > 100
    rows += [new_person(n) for n in range(1, 1001 - len(rows))]
    assert len(rows) == 1000
    bad = list(rows[700])
    bad[column("hours_per_week")] = "60"
    invalid = write(tmp_path / "invalid", header, rows[:700] + [bad] + rows[701:], fmt)
    before = counts()

    report = import_employees(invalid)

    assert not report.ok and report.error_count == 1
    error = report.errors[0]
    assert (error.line, error.column) == (line_of(invalid, fmt, bad[0], header, rows), "hours_per_week")
    assert "at most 48" in error.message
    assert counts() == before  # nothing written, not even an audit event

    corrected = write(tmp_path / "corrected", header, rows, fmt)
    report = import_employees(corrected)
    assert report.ok and report.applied and report.rows == 1000
    new = sum(1 for r in rows if str(r[0]).startswith("T"))
    assert (report.created, report.updated, report.unchanged) == (new, 0, 1000 - new)
    after = counts()
    assert after[0] == before[0] + new and after[2] == before[2] + new

    again = import_employees(corrected)
    assert (again.created, again.updated, again.unchanged, again.posts_created) == (0, 0, 1000, 0)
    assert counts()[:3] == after[:3]
    assert counts()[3] == after[3] + 1  # only the import's own summary event

    buffer = io.BytesIO()
    assert export_employees(buffer, fmt) == 1000
    round_trip = tmp_path / f"round-trip.{fmt}"
    round_trip.write_bytes(buffer.getvalue())
    report = import_employees(round_trip)
    assert (report.created, report.updated, report.posts_created, report.posts_retitled) == (0, 0, 0, 0)


@pytest.mark.usefixtures("ctx")
def test_every_invalid_row_is_reported_with_line_and_column(tmp_path):
    rows = [new_person(1), new_person(2, date_of_birth="31/02/1980", sex="X"), new_person(3, employer="XYZ"),
            new_person(4, service="Basket Weaving"), new_person(5, scp="99"), new_person(1),
            new_person(6, hours_per_week="0"), new_person(7, continuous_service_date="2030-01-01"),
            new_person(8, date_of_birth="2010-01-01")]
    path = write(tmp_path / "bad", COLUMNS, rows, "csv")
    report = import_employees(path)
    found = {(e.line, e.column) for e in report.errors}
    assert found == {(3, "date_of_birth"), (3, "sex"), (4, "employer"), (5, "service"), (6, "scp"),
                     (7, "person_number"), (8, "hours_per_week"), (9, "continuous_service_date"), (10, "start_date")}
    assert "already appears on line 2" in next(e.message for e in report.errors if e.line == 7)
    assert not report.applied


@pytest.mark.usefixtures("ctx")
def test_headers_match_whatever_their_case_spaces_and_hyphens(tmp_path):
    header = [f"  {c.replace('_', ' ').upper()} " if i % 3 == 0 else c.replace("_", "-").title()
              for i, c in enumerate(COLUMNS)]
    path = write(tmp_path / "headers", header, [new_person(1)], "csv")
    report = import_employees(path, dry_run=True)
    assert report.ok and report.created == 1


@pytest.mark.usefixtures("ctx")
def test_a_missing_required_column_is_one_error_naming_it(tmp_path):
    header = [c for c in COLUMNS if c != "post_title"]
    row = [v for c, v in zip(COLUMNS, new_person(1)) if c != "post_title"]
    report = import_employees(write(tmp_path / "missing", header, [row], "csv"))
    assert [e.message for e in report.errors] == [
        "The header was not found: none of the first 20 rows has every required column. The nearest, row 1, has "
        "no post_title column: add it to the header"]


@pytest.mark.usefixtures("ctx")
def test_uk_dates_money_with_pound_and_commas_and_no_bom(tmp_path):
    rows = [new_person(1, date_of_birth="14/03/1988", continuous_service_date="1/6/2015", start_date="01/06/2015",
                       scp="", local_salary="£101,234.50", service="Senior Management")]
    path = write(tmp_path / "uk", COLUMNS, rows, "csv", bom=False)
    assert import_employees(path).created == 1
    employee = person("T000001")
    assert employee.date_of_birth == date(1988, 3, 14) and employee.continuous_service_date == date(2015, 6, 1)
    assignment = latest_assignment(employee.id)
    assert assignment.local_salary == Decimal("101234.50") and assignment.scp is None
    assert assignment.effective_from == date(2015, 6, 1)


@pytest.mark.usefixtures("ctx")
def test_xlsx_date_and_number_cells(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(REQUIRED + ["local_salary"])
    values = dict(zip(COLUMNS, new_person(1)))
    values.update(date_of_birth=datetime(1985, 7, 4), continuous_service_date=datetime(2016, 9, 1),
                  start_date=date(2016, 9, 1), hours_per_week=22.5, scp=12, phone=1785000000)
    sheet.append([values[c] for c in REQUIRED] + [None])
    sheet.append([])  # blank rows are skipped
    path = tmp_path / "cells.xlsx"
    workbook.save(path)
    report = import_employees(path)
    assert report.ok and report.created == 1, report.errors
    employee = person("T000001")
    assert employee.date_of_birth == date(1985, 7, 4)
    assignment = latest_assignment(employee.id)
    assert (assignment.hours_per_week, assignment.scp, assignment.effective_from) == (
        Decimal("22.5"), 12, date(2016, 9, 1))


@pytest.mark.usefixtures("ctx")
@pytest.mark.parametrize("fmt", FORMATS)
def test_formula_cells_are_neutralised_and_round_trip_exactly(tmp_path, fmt):
    path = write(tmp_path / "start", COLUMNS, [new_person(1)], "csv")
    import_employees(path)
    employee = person("T000001")
    employee.first_name, employee.last_name = "=HYPERLINK(\"http://x\")", "-Smith"
    employee.phone, employee.address = "+44 1785 000000", "@home"
    db.session.flush()
    buffer = io.BytesIO()
    export_employees(buffer, fmt)
    if fmt == "csv":
        text = buffer.getvalue().decode("utf-8-sig")
        assert "'=HYPERLINK" in text and ",'-Smith," in text and "'+44 1785" in text and "'@home" in text
    out = tmp_path / f"out.{fmt}"
    out.write_bytes(buffer.getvalue())
    report = import_employees(out)
    assert (report.created, report.updated) == (0, 0), report.changes
    db.session.expire_all()
    employee = person("T000001")
    assert (employee.first_name, employee.last_name, employee.phone, employee.address) == (
        "=HYPERLINK(\"http://x\")", "-Smith", "+44 1785 000000", "@home")


def test_neutralise_and_restore_are_inverse():
    for text in ["=1+2", "+44", "-x", "@a", "\tx", "\rx", "plain", "'quoted"]:
        assert tabular.restore(tabular.neutralise(text)) == text
    assert tabular.restore("'plain") == "'plain"
    # The one ambiguity of the scheme: a value that itself starts with an apostrophe and a formula
    # character reads back as if guarded.
    assert tabular.restore(tabular.neutralise("'=x")) == "=x"


@pytest.mark.usefixtures("ctx")
def test_changing_employer_is_refused_as_a_transfer(tmp_path):
    header, rows = exported("csv")
    row = list(rows[0])
    old = row[column("employer")]
    row[column("employer")] = "SBC" if old == "CCDC" else "CCDC"
    report = import_employees(write(tmp_path / "move", header, [row], "csv"))
    assert [(e.line, e.column) for e in report.errors] == [(2, "employer")]
    assert f"current employer ({old})" in report.errors[0].message
    assert "TUPE transfer" in report.errors[0].message


@pytest.mark.usefixtures("ctx")
def test_a_changed_start_date_is_refused(tmp_path):
    header, rows = exported("csv")
    row = list(rows[0])
    row[column("start_date")] = (date.fromisoformat(row[column("start_date")]) + timedelta(days=1)).isoformat()
    report = import_employees(write(tmp_path / "start", header, [row], "csv"))
    assert [(e.column, "employee page" in e.message) for e in report.errors] == [("start_date", True)]


@pytest.mark.usefixtures("ctx")
def test_an_assignment_change_starts_a_new_dated_record_from_the_effective_date(tmp_path):
    header, rows = exported("csv")
    row = next(list(r) for r in rows if r[column("local_salary")] == "" and r[column("hours_per_week")] == "37")
    employee = person(row[0])
    old = latest_assignment(employee.id)
    old_id, old_from = old.id, old.effective_from
    row[column("hours_per_week")] = "18.5"
    row[column("last_name")] = "Changed"
    starts = date.today() + timedelta(days=30)
    report = import_employees(write(tmp_path / "hours", header, [row], "csv"), effective_on=starts)
    assert (report.created, report.updated) == (0, 1)
    assert "hours 37 to 18.5" in "; ".join(report.changes[0].changes)
    db.session.expire_all()
    closed = db.session.get(Assignment, old_id)
    assert (closed.effective_from, closed.effective_to) == (old_from, starts - timedelta(days=1))
    new = latest_assignment(employee.id)
    assert (new.effective_from, new.effective_to, new.hours_per_week) == (starts, None, Decimal("18.5"))
    assert new.reason == "Import of hours.csv"
    events = db.session.execute(select(AuditEvent.action, AuditEvent.entity_type).where(
        AuditEvent.employee_id == employee.id)).all()
    assert {("update", "assignment"), ("create", "assignment"), ("update", "employee")} <= set(events)
    detail = db.session.scalars(select(AuditEvent).where(AuditEvent.employee_id == employee.id,
                                                         AuditEvent.entity_type == "employee")).one()
    assert list(detail.after) == ["last_name"] and detail.after["last_name"] == "Changed"
    # The same file again changes nothing: the new record already says 18.5 hours.
    again = import_employees(write(tmp_path / "hours", header, [row], "csv"), effective_on=starts)
    assert (again.updated, again.unchanged) == (0, 1)


@pytest.mark.usefixtures("ctx")
def test_an_effective_date_not_after_the_latest_assignment_is_a_row_error(tmp_path):
    header, rows = exported("csv")
    row = list(rows[0])
    row[column("hours_per_week")] = "20"
    row[column("effective_date")] = "2000-01-01"
    report = import_employees(write(tmp_path / "early", header, [row], "csv"))
    assert [(e.line, e.column) for e in report.errors] == [(2, "effective_date")]


@pytest.mark.usefixtures("ctx")
def test_posts_are_created_checked_and_retitled(tmp_path):
    header, rows = exported("csv")
    known = db.session.scalars(select(Post).where(Post.post_number == rows[0][column("post_number")])).one()
    retitle = list(rows[0])
    retitle[column("post_title")] = "Renamed by payroll"
    other = db.session.scalars(select(Post).where(Post.post_number == rows[1][column("post_number")])).one()
    wrong_council = new_person(1, post_number=other.post_number, employer="SBC" if other.council.code == "CCDC" else "CCDC")
    first, clash = new_person(2, post_number="NEWPOST1"), new_person(4, post_number="NEWPOST1", post_title="Other")
    rows = [retitle, wrong_council, first, clash]
    path = write(tmp_path / "posts", header, rows, "csv")
    report = import_employees(path)
    assert {(e.line, e.column) for e in report.errors} == {
        (line_of(path, "csv", wrong_council[0], header, rows), "post_number"),
        (line_of(path, "csv", clash[0], header, rows), "post_title")}
    assert "belongs to" in next(e.message for e in report.errors if e.column == "post_number")
    report = import_employees(write(tmp_path / "posts", header, [retitle, first], "csv"))
    assert (report.posts_created, report.posts_retitled, report.created) == (1, 1, 1)
    db.session.expire_all()
    assert db.session.get(Post, known.id).title == "Renamed by payroll"
    created = db.session.scalars(select(Post).where(Post.post_number == "NEWPOST1")).one()
    assert created.established_on == date.fromisoformat(first[column("start_date")])


@pytest.mark.usefixtures("ctx")
def test_a_dry_run_writes_nothing_and_says_what_would_change(tmp_path):
    header, rows = exported("csv")
    changed = list(rows[1])
    changed[column("email")] = "new.address@example.org"
    path = write(tmp_path / "dry", header, [rows[0], changed, new_person(1)], "csv")
    before = counts()
    seen = []
    report = import_employees(path, dry_run=True, on_change=seen.append)
    assert counts() == before
    assert (report.created, report.updated, report.unchanged) == (1, 1, 1)
    assert [c.line for c in seen] == [c.line for c in report.changes] and len(seen) == 2
    assert "new.address@example.org" in str(seen[0])


@pytest.mark.usefixtures("ctx")
@pytest.mark.parametrize("content, name, message", [
    (b"", "empty.csv", "empty"),
    (b"person_number\xff,first_name\n", "latin1.csv", "not UTF-8"),
    (b"%PDF-1.4 binary", "letter.pdf", "CSV, XLSX or ODS"),
    (b"not a zip", "book.xlsx", "not a valid XLSX"),
    (b"PK\x03\x04 broken zip", "book.xlsx", "not a readable XLSX"),
    (",".join(COLUMNS).encode() + b"\n", "header-only.csv", "no rows"),
])
def test_unreadable_files_are_one_clear_error(tmp_path, content, name, message):
    path = tmp_path / name
    path.write_bytes(content)
    report = import_employees(path)
    assert not report.ok and message in report.errors[0].message


def test_the_cli_exit_codes(app, tmp_path):
    runner = app.test_cli_runner()
    good = write(tmp_path / "good", COLUMNS, [new_person(1)], "csv")
    bad = write(tmp_path / "bad", COLUMNS, [new_person(2, sex="Q")], "csv")
    result = runner.invoke(args=["import-employees", str(good), "--dry-run"])
    assert result.exit_code == 0 and "1 created" in result.output and "line 2: T000001" in result.output
    result = runner.invoke(args=["import-employees", str(bad)])
    assert result.exit_code == 1 and "line 2, sex" in result.output and "nothing has been imported" in result.output
    assert runner.invoke(args=["import-employees", str(tmp_path / "missing.csv")]).exit_code == 2
    assert runner.invoke(args=["import-employees", str(good), "--effective-date", "1/4/2026"]).exit_code == 2
    result = runner.invoke(args=["import-employees", str(good), "--effective-date", "2026-04-01"])
    assert result.exit_code == 0 and "Imported good.csv" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Employee).where(Employee.person_number == "T000001")) == 1
    out = tmp_path / "export.xlsx"
    result = runner.invoke(args=["export-employees", str(out)])
    assert result.exit_code == 0 and out.read_bytes().startswith(b"PK")
    assert runner.invoke(args=["export-employees", str(tmp_path / "x.txt")]).exit_code == 2


@pytest.mark.usefixtures("ctx")
def test_the_example_file_imports_cleanly():
    from hrtool import ROOT

    report = import_employees(ROOT / "examples" / "employees-import-example.csv")
    assert report.ok and report.created == 10, report.errors
    part_timers = [c for c in report.changes if "18.5 hours" in " ".join(c.changes)]
    chief = [c for c in report.changes if "local salary" in " ".join(c.changes)]
    assert part_timers and chief


@pytest.mark.usefixtures("ctx")
def test_export_audits_who_and_how_many():
    buffer = io.BytesIO()
    count = export_employees(buffer, "csv")
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.entity_type == "employee_export")
                               .order_by(AuditEvent.id.desc())).first()
    assert (event.action, event.after["count"], event.after["format"]) == ("export", count, "csv")
