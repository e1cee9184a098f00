"""Reading and writing spreadsheets as streams of rows: CSV (UTF-8) and XLSX (first sheet).

Readers never hold the whole file: rows come one at a time with the line (CSV) or row (XLSX)
number a person would see in their editor, the header being line 1. Writers stream too (XLSX
through openpyxl's write-only mode). Text cells are neutralised against spreadsheet formula
injection (OWASP "CSV injection") on the way out and restored on the way in, so a round trip
is exact.
"""
from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, BinaryIO

from ..errors import DomainError

FORMATS = ("csv", "xlsx")
# Characters that make a spreadsheet treat a cell as a formula (or that Excel strips before one).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NOT_UTF8 = "The file is not UTF-8: save it as 'CSV UTF-8' and try again"

Cell = str | int | float | Decimal | date | datetime | bool | None


class FileProblem(DomainError):
    """The file as a whole cannot be read: wrong type, empty, not UTF-8, a broken header."""


def neutralise(text: str) -> str:
    """A leading apostrophe on text a spreadsheet would run as a formula; Excel hides it."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def restore(text: str) -> str:
    """Undo `neutralise`: drop one leading apostrophe only where it guards a formula character,
    so an ordinary value that starts with an apostrophe keeps it. (A value that itself starts
    with an apostrophe and a formula character cannot be told from a guarded one and loses the
    apostrophe: no real name, address or number looks like that.)"""
    return text[1:] if text.startswith("'") and text[1:2] and text[1] in FORMULA_STARTS else text


def normalise_header(name: str) -> str:
    """'Person Number', ' person_number ' and 'PERSON-NUMBER' all become 'person_number'."""
    return re.sub(r"[\s\-_]+", "_", name.replace("\ufeff", "").strip().lower()).strip("_")


def detect_format(path: Path, name: str | None = None) -> str:
    """csv or xlsx, from the name's extension and the first bytes: XLSX is a zip, so starts
    with PK. A file that is neither is refused here, before anything parses it."""
    suffix = Path(name or path.name).suffix.lower()
    if suffix not in (".csv", ".xlsx", ".txt", ""):
        raise FileProblem("The file must be a CSV or XLSX file")
    with path.open("rb") as handle:
        head = handle.read(4096)
    if not head:
        raise FileProblem("The file is empty")
    if head.startswith(b"PK"):
        return "xlsx"
    if suffix == ".xlsx":
        raise FileProblem("The file is not a valid XLSX workbook: save it again from your spreadsheet as .xlsx")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16, as Excel's "Unicode text" saves
        raise FileProblem(NOT_UTF8)
    if b"\x00" in head:
        raise FileProblem("The file must be a CSV or XLSX file")
    return "csv"


@dataclass
class Table:
    """An open file: its normalised headers, and its data rows as (line, cells by header)."""

    format: str
    headers: list[str]
    rows: Iterator[tuple[int, dict[str, Cell]]]


def _blank(values: Iterable[Cell]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def _headers(raw: Iterable[Cell]) -> list[str]:
    headers = [normalise_header(str(h)) if h is not None else "" for h in raw]
    seen: set[str] = set()
    for h in headers:
        if h and h in seen:
            raise FileProblem(f"The column {h} appears more than once in the header (line 1)")
        seen.add(h)
    return headers


def _record(headers: list[str], values: Iterable[Cell]) -> dict[str, Cell]:
    return {h: v for h, v in zip(headers, values) if h}


def _csv_rows(handle: IO[str]) -> Iterator[tuple[int, list[str]]]:
    """CSV records with the line each starts on (a quoted field may span lines)."""
    reader = csv.reader(handle)
    start = 1
    try:
        for values in reader:
            yield start, values
            start = reader.line_num + 1
    except UnicodeDecodeError:
        raise FileProblem(NOT_UTF8) from None
    except csv.Error as error:
        raise FileProblem(f"Line {reader.line_num} cannot be read as CSV: {error}") from None


def _xlsx_rows(path: Path) -> tuple[Any, Iterator[tuple[int, tuple[Cell, ...]]]]:
    from openpyxl import load_workbook

    try:
        # read_only streams the sheet; data_only gives a formula's last computed value, never its text.
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:
        raise FileProblem("The file is not a readable XLSX workbook: save it again from your spreadsheet "
                          f"as .xlsx ({type(error).__name__})") from None
    if not workbook.worksheets:
        workbook.close()
        raise FileProblem("The workbook has no sheets")
    sheet = workbook.worksheets[0]
    # Some tools write wrong dimensions; without them every row in the sheet is read.
    sheet.reset_dimensions()

    def rows() -> Iterator[tuple[int, tuple[Cell, ...]]]:
        number = 0
        try:
            for number, values in enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1):
                yield number, values
        except Exception as error:
            raise FileProblem(f"Row {number + 1} of the workbook cannot be read ({type(error).__name__})") from None

    return workbook, rows()


@contextmanager
def open_table(path: Path, name: str | None = None) -> Iterator[Table]:
    """Open a CSV or XLSX file for streaming. Blank rows are skipped; FileProblem for a file
    that cannot be read, is empty, or has no header."""
    fmt = detect_format(path, name)
    if fmt == "csv":
        with path.open(encoding="utf-8-sig", newline="") as handle:
            records: Iterator[tuple[int, Any]] = _csv_rows(handle)
            yield _table(fmt, records)
        return
    workbook, cells = _xlsx_rows(path)
    try:
        yield _table(fmt, cells)
    finally:
        workbook.close()


def _table(fmt: str, records: Iterator[tuple[int, Any]]) -> Table:
    for _line, values in records:
        if _blank(values):
            continue
        headers = _headers(values)
        return Table(fmt, headers, (
            (n, _record(headers, v)) for n, v in records if not _blank(v)))
    raise FileProblem("The file is empty")


# -- writing -----------------------------------------------------------------------------------
# Column kinds: text, date, number (no trailing zeros: 37, 18.5), money (two places: 1234.50).

def _csv_value(kind: str, value: Any) -> str:
    if value is None:
        return ""
    if kind == "date":
        return value.isoformat()
    if kind == "number":
        text = f"{Decimal(value):f}"
        return text.rstrip("0").rstrip(".") if "." in text else text
    if kind == "money":
        return f"{Decimal(value):.2f}"
    return neutralise(str(value))


def write_table(out: BinaryIO, fmt: str, columns: list[tuple[str, str]], rows: Iterable[list[Any]]) -> int:
    """Write a header of column names and the rows, streaming. Returns the number of rows."""
    if fmt == "csv":
        return _write_csv(out, columns, rows)
    if fmt == "xlsx":
        return _write_xlsx(out, columns, rows)
    raise ValueError(f"unknown format {fmt!r}")


def _write_csv(out: BinaryIO, columns: list[tuple[str, str]], rows: Iterable[list[Any]]) -> int:
    import io

    # A BOM so Excel opens the file as UTF-8 (names with accents, the pound sign); the import accepts it.
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=True)
    try:
        writer = csv.writer(text)
        writer.writerow([name for name, _ in columns])
        count = 0
        for row in rows:
            writer.writerow([_csv_value(kind, v) for (_, kind), v in zip(columns, row)])
            count += 1
        text.flush()
        return count
    finally:
        text.detach()  # leave the caller's stream open


def _write_xlsx(out: BinaryIO, columns: list[tuple[str, str]], rows: Iterable[list[Any]]) -> int:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Employees")
    for index, (name, _) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(12, len(name) + 2)
    sheet.append([name for name, _ in columns])

    def cell(kind: str, value: Any) -> Any:
        if value is None:
            return None
        if kind == "text":
            return neutralise(str(value))
        if kind == "date":
            styled = WriteOnlyCell(sheet, value=value)
            styled.number_format = "yyyy-mm-dd"
            return styled
        if kind == "money":
            styled = WriteOnlyCell(sheet, value=Decimal(value))
            styled.number_format = "0.00"
            return styled
        number = Decimal(value).normalize()
        return int(number) if number == number.to_integral_value() else number

    count = 0
    for row in rows:
        sheet.append([cell(kind, v) for (_, kind), v in zip(columns, row)])
        count += 1
    workbook.save(out)
    return count
