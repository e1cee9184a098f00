"""Building import files in tests: the session's employees as exported, new people, and the
same rows written as CSV or XLSX."""
from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook

from hrtool.services.people.employee_io import export_employees
from hrtool.services.people.employee_rows import COLUMNS


def exported(fmt: str = "csv") -> tuple[list[str], list[list[Any]]]:
    """The header and rows of an export of everyone current (call inside an app context)."""
    buffer = io.BytesIO()
    export_employees(buffer, fmt)
    return read(buffer.getvalue(), fmt)


def read(content: bytes, fmt: str) -> tuple[list[str], list[list[Any]]]:
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    else:
        sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    return [str(h) for h in rows[0]], rows[1:]


def new_person(number: int, **values: Any) -> list[Any]:
    """A fictitious new starter in the import's column order; `values` override columns."""
    born = date(1970, 1, 1) + timedelta(days=number * 7 % 12000)
    start = date(2015, 4, 1) + timedelta(days=number % 2000)
    row = {
        "person_number": f"T{number:06d}", "first_name": "Test", "last_name": f"Starter{number}",
        "date_of_birth": born.isoformat(), "sex": "FM"[number % 2], "employer": ("CCDC", "SBC")[number % 2],
        "service": ("Finance", "Licensing")[number % 2], "post_number": f"TP{number:06d}",
        "post_title": f"Test officer {number}", "hours_per_week": ("37", "18.5")[number % 3 == 0],
        "scp": str(5 + number % 20), "continuous_service_date": start.isoformat(), "start_date": start.isoformat(),
        "email": f"starter{number}@example.org", "phone": "01785 000000", "address": f"{number} Test Street",
        "postcode": "ST16 1AA", "effective_date": "", "local_salary": "", "redundancy_service_date": "",
    }
    row.update(values)
    return [row[c] for c in COLUMNS]


def write(path: Path, header: list[str], rows: list[list[Any]], fmt: str, bom: bool = True) -> Path:
    path = path.with_suffix(f".{fmt}")
    if fmt == "csv":
        with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows([["" if v is None else v for v in row] for row in rows])
    else:
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("Sheet1")
        sheet.append(header)
        for row in rows:
            sheet.append(list(row))
        workbook.save(path)
    return path


def line_of(path: Path, fmt: str, person_number: str, header: list[str], rows: list[list[Any]]) -> int:
    """The line (CSV, where an address may span lines) or row (XLSX) a person is on."""
    if fmt == "xlsx":
        return 2 + [str(r[0]) for r in rows].index(person_number)
    for number, text in enumerate(path.read_text(encoding="utf-8-sig").split("\n"), start=1):
        if text.startswith(person_number + ","):
            return number
    raise LookupError(person_number)



def libreoffice(source: Path, fmt: str, tmp_path: Path) -> Path:
    """`source` opened and saved as `fmt` by LibreOffice with its default import options, into a
    folder of its own under `tmp_path` (tests/lo.py: skipped without soffice, failed in CI)."""
    import uuid

    from .lo import convert

    return convert(source, fmt, tmp_path / f"lo-out-{uuid.uuid4().hex[:8]}")
