"""Reading and writing spreadsheets as streams of rows: CSV (UTF-8) and XLSX (first sheet).

Readers never hold the whole file: rows come one at a time with the line (CSV) or row (XLSX)
number a person would see in their editor, the header being line 1. Writers stream too (XLSX
through openpyxl's write-only mode). Text cells are neutralised against spreadsheet formula
injection (OWASP "CSV injection") on the way out and restored on the way in, so a round trip
is exact.

Uploads are checked before they are parsed (issue 16): an XLSX is a zip archive whose parts
can unpack to hundreds of times their size (a "decompression bomb"), so each part's unpacked
size and compression ratio are checked from the archive's directory before openpyxl opens it
(Python's zipfile never unpacks more than a part's declared size, so the directory cannot lie
about it); rows and columns are counted as they stream, and the file is refused past the limits
(`Limits`, from the app's config) with a message that names the limit. openpyxl parses XML with
defusedxml (installed beside it), so entity expansion and external entities are refused too.
"""
from __future__ import annotations

import csv
import re
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields
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


@dataclass(frozen=True)
class Limits:
    """How much an uploaded file may hold. The defaults fit an import of the largest council's
    payroll twice over: openpyxl writes the import's 20 columns as about 1 KB of sheet XML a row
    (measured: 20,000 rows, 21.4 MB, packed 11.6 to 1), so 200,000 rows are a 214 MB part;
    Excel's shared strings make it smaller. config.py can change each (IMPORT_MAX_ROWS ...)."""

    max_rows: int = 200_000  # data rows, header excluded
    max_columns: int = 200
    xlsx_max_part_bytes: int = 300 * 1024 * 1024  # one part of the archive, unpacked
    xlsx_max_total_bytes: int = 400 * 1024 * 1024  # all parts together, unpacked
    # Text cells are held in one "shared strings" part that a reader must keep in memory whole.
    xlsx_max_shared_strings_bytes: int = 50 * 1024 * 1024
    xlsx_max_ratio: int = 100  # unpacked size / packed size, for parts over RATIO_FLOOR unpacked

    CONFIG = {"max_rows": "IMPORT_MAX_ROWS", "max_columns": "IMPORT_MAX_COLUMNS",
              "xlsx_max_part_bytes": "XLSX_MAX_PART_BYTES", "xlsx_max_total_bytes": "XLSX_MAX_TOTAL_BYTES",
              "xlsx_max_shared_strings_bytes": "XLSX_MAX_SHARED_STRINGS_BYTES", "xlsx_max_ratio": "XLSX_MAX_RATIO"}

    @classmethod
    def from_config(cls, config: Any = None) -> Limits:
        """The app's limits (the defaults outside an app context, or for a setting left out)."""
        if config is None:
            from flask import current_app, has_app_context

            config = current_app.config if has_app_context() else {}
        return cls(**{f.name: int(config[cls.CONFIG[f.name]]) for f in fields(cls) if cls.CONFIG[f.name] in config})


RATIO_FLOOR = 1024 * 1024  # small parts (styles, themes) are all repetition: their ratio says nothing


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):,.0f} MB"


def check_xlsx_archive(path: Path, limits: Limits) -> None:
    """Refuse an XLSX whose parts would unpack too large, or too large for their packed size,
    from the zip's directory alone: nothing is unpacked here."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise FileProblem("The file is not a readable XLSX workbook: save it again from your spreadsheet as .xlsx") from None
    if len(members) > 10_000:
        raise FileProblem("The workbook has more than 10,000 parts, which no spreadsheet of employees needs")
    total = 0
    for member in members:
        total += member.file_size
        name = member.filename
        if member.file_size > limits.xlsx_max_part_bytes:
            raise FileProblem(f"The workbook is too large to read: its part {name[:80]} unpacks to "
                              f"{megabytes(member.file_size)}, over the limit of {megabytes(limits.xlsx_max_part_bytes)}")
        if name.lower().endswith("sharedstrings.xml") and member.file_size > limits.xlsx_max_shared_strings_bytes:
            raise FileProblem(f"The workbook holds too much text to read: its shared strings unpack to "
                              f"{megabytes(member.file_size)}, over the limit of "
                              f"{megabytes(limits.xlsx_max_shared_strings_bytes)}")
        if member.file_size > RATIO_FLOOR and member.file_size > limits.xlsx_max_ratio * max(member.compress_size, 1):
            raise FileProblem(f"The workbook looks like a decompression bomb: its part {name[:80]} unpacks to "
                              f"{member.file_size // max(member.compress_size, 1):,} times its packed size, over the "
                              f"limit of {limits.xlsx_max_ratio} times")
    if total > limits.xlsx_max_total_bytes:
        raise FileProblem(f"The workbook is too large to read: it unpacks to {megabytes(total)}, over the limit of "
                          f"{megabytes(limits.xlsx_max_total_bytes)}")


def _too_many_rows(limits: Limits) -> FileProblem:
    return FileProblem(f"The file has more than {limits.max_rows:,} rows of data, the limit for one import: "
                       "split it into smaller files")


def _too_many_columns(line: int, limits: Limits, column: str | None = None) -> FileProblem:
    where = f" (a cell in column {column})" if column else ""
    return FileProblem(f"Line {line} has more than {limits.max_columns} columns{where}, the limit for an import: "
                       "delete the columns that are not needed")


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


def _csv_rows(handle: IO[str], limits: Limits) -> Iterator[tuple[int, list[str]]]:
    """CSV records with the line each starts on (a quoted field may span lines), counted as
    they stream: past the limit of rows or columns the file is refused."""
    reader = csv.reader(handle)
    start = 1
    count = 0
    try:
        for values in reader:
            count += 1
            if count > limits.max_rows + 1:  # the header is a row too
                raise _too_many_rows(limits)
            if len(values) > limits.max_columns:
                raise _too_many_columns(start, limits)
            yield start, values
            start = reader.line_num + 1
    except UnicodeDecodeError:
        raise FileProblem(NOT_UTF8) from None
    except csv.Error as error:
        raise FileProblem(f"Line {reader.line_num} cannot be read as CSV: {error}") from None


def _shared_strings(source: IO[bytes]) -> list[str]:
    """The workbook's shared strings, as openpyxl reads them (`read_string_table`) but keeping
    memory to the strings themselves: each entry's element is dropped once read (openpyxl keeps
    an emptied element per entry, about 80 bytes each), and equal strings are held once."""
    from openpyxl.cell.text import Text
    from openpyxl.xml.constants import SHEET_MAIN_NS
    from openpyxl.xml.functions import iterparse

    entry = f"{{{SHEET_MAIN_NS}}}si"
    strings: list[str] = []
    held: dict[str, str] = {}
    root = None
    for event, node in iterparse(source, events=("start", "end")):
        if root is None:
            root = node
        elif event == "end" and node.tag == entry:
            text = Text.from_tree(node).content.replace("x005F_", "")
            strings.append(held.setdefault(text, text))
            root.clear()
    return strings


def _xlsx_rows(path: Path, limits: Limits) -> tuple[Any, Iterator[tuple[int, tuple[Cell, ...]]]]:
    """The first sheet's rows. The workbook is opened with openpyxl's reader step by step rather
    than `load_workbook`, whose read-only sheets scan the whole sheet for its size when it is
    not written at the top (2 million empty rows: 170 MB and 4 s before the first row is read):
    the manifest, the shared strings, the workbook and its styles (for dates), then the sheet
    streams."""
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.styles.stylesheet import apply_stylesheet
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet._reader import WorkSheetParser
    from openpyxl.xml.constants import SHARED_STRINGS

    check_xlsx_archive(path, limits)
    reader = None
    try:
        reader = ExcelReader(str(path), read_only=True, data_only=True)
        reader.read_manifest()
        strings_part = reader.package.find(SHARED_STRINGS)
        if strings_part is not None:
            with reader.archive.open(strings_part.PartName[1:]) as source:
                reader.shared_strings = _shared_strings(source)
        reader.read_workbook()
        apply_stylesheet(reader.archive, reader.wb)
        sheets = [rel.target for _sheet, rel in reader.parser.find_sheets()
                  if rel.target in reader.valid_files and "chartsheet" not in rel.Type]
    except Exception as error:
        if reader is not None:
            reader.archive.close()
        raise FileProblem("The file is not a readable XLSX workbook: save it again from your spreadsheet "
                          f"as .xlsx ({type(error).__name__})") from None
    if not sheets:
        reader.archive.close()
        raise FileProblem("The workbook has no sheets")
    workbook = reader.wb

    def rows() -> Iterator[tuple[int, tuple[Cell, ...]]]:
        """Each row as written in the sheet, numbered as the spreadsheet shows it. openpyxl's
        iter_rows pads every row out to the sheet's widest (16,384 values for one cell in
        column XFD) and yields an empty row for every missing one (a million for one cell in
        row 1,048,576), so the sheet's own cells are read with openpyxl's streaming parser and
        the limits are checked on the row and column numbers before any padding. (This uses
        openpyxl's reader and sheet parser as its read-only worksheet does: openpyxl is pinned
        in setup.cfg, and the bomb tests would fail on an upgrade that changed them.)"""
        number = 0
        try:
            with reader.archive.open(sheets[0]) as source:
                parser = WorkSheetParser(source, reader.shared_strings, data_only=True, epoch=workbook.epoch,
                                         date_formats=workbook._date_formats,
                                         timedelta_formats=workbook._timedelta_formats)
                for number, cells in parser.parse():
                    if number > limits.max_rows + 1:
                        raise _too_many_rows(limits)
                    # A cell with a style but no value (Excel writes them for formatted cells) is blank.
                    filled = [cell for cell in cells if cell["value"] is not None]
                    if not filled:
                        continue
                    width = max(cell["column"] for cell in filled)
                    if width > limits.max_columns:
                        raise _too_many_columns(number, limits, get_column_letter(width))
                    values: list[Cell] = [None] * width
                    for cell in filled:
                        values[cell["column"] - 1] = cell["value"]
                    yield number, tuple(values)
        except FileProblem:
            raise
        except Exception as error:
            raise FileProblem(f"Row {number + 1} of the workbook cannot be read ({type(error).__name__})") from None

    return reader.archive, rows()


@contextmanager
def open_table(path: Path, name: str | None = None, limits: Limits | None = None) -> Iterator[Table]:
    """Open a CSV or XLSX file for streaming. Blank rows are skipped; FileProblem for a file
    that cannot be read, is empty, has no header, or is past the limits (default: the app's)."""
    limits = limits or Limits.from_config()
    fmt = detect_format(path, name)
    if fmt == "csv":
        with path.open(encoding="utf-8-sig", newline="") as handle:
            records: Iterator[tuple[int, Any]] = _csv_rows(handle, limits)
            yield _table(fmt, records)
        return
    workbook, cells = _xlsx_rows(path, limits)
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


def write_table(out: BinaryIO, fmt: str, columns: list[tuple[str, str]], rows: Iterable[list[Any]], *,
                sheet: str = "Employees") -> int:
    """Write a header of column names and the rows, streaming (an XLSX's one sheet named `sheet`).
    Returns the number of rows."""
    if fmt == "csv":
        return _write_csv(out, columns, rows)
    if fmt == "xlsx":
        return _write_xlsx(out, columns, rows, sheet)
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


def _write_xlsx(out: BinaryIO, columns: list[tuple[str, str]], rows: Iterable[list[Any]], title: str) -> int:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
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
