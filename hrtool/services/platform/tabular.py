"""Reading and writing spreadsheets as streams of rows: CSV (UTF-8), XLSX and ODS (first sheet).

Readers never hold the whole file: rows come one at a time with the line (CSV) or row (XLSX,
ODS) number a person would see in their editor, the header being line 1. Writers stream too
(XLSX through openpyxl's write-only mode, ODS through stream-write-ods; the ODS reader is
`ods.py`). CSV text cells are neutralised against spreadsheet formula injection (OWASP "CSV
injection") on the way out and restored on the way in, so a round trip is exact; XLSX and ODS
write text as string cells, which a spreadsheet never runs, so they need no guard (the reader
still restores one, from files written by earlier versions).

Uploads are checked before they are parsed: an XLSX is a zip archive whose parts
can unpack to hundreds of times their size (a "decompression bomb"), so each part's unpacked
size and compression ratio are checked from the archive's directory before openpyxl opens it
(Python's zipfile never unpacks more than a part's declared size, so the directory cannot lie
about it); rows and columns are counted as they stream, and the file is refused past the limits
(`Limits`, from the app's config) with a message that names the limit. openpyxl parses XML with
defusedxml (installed beside it), so entity expansion and external entities are refused too.
"""
from __future__ import annotations

import csv
import math
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import IO, Any, BinaryIO, TypedDict, cast

from ...domain.money import NotAnAmount, parse_amount
from ...errors import DomainError

FORMATS = ("csv", "xlsx", "ods")
# What a download of each format is sent as: every download offering XLSX offers ODS too.
MEDIA_TYPES = {"csv": "text/csv", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
               "ods": "application/vnd.oasis.opendocument.spreadsheet"}
FILE_TYPES = "The file must be a CSV, XLSX or ODS file"
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


def check_archive(path: Path, limits: Limits, kind: str = "XLSX") -> None:
    """Refuse a zipped spreadsheet (XLSX or ODS) whose parts would unpack too large, or too
    large for their packed size, from the zip's directory alone: nothing is unpacked here.
    (An ODS has no shared strings: its content.xml streams, and only the part limits apply.)"""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        what = "XLSX workbook" if kind == "XLSX" else "ODS spreadsheet"
        raise FileProblem(f"The file is not a readable {what}: save it again from your spreadsheet "
                          f"as .{kind.lower()}") from None
    if len(members) > 10_000:
        raise FileProblem("The workbook has more than 10,000 parts, which no spreadsheet of employees needs")
    total = 0
    for member in members:
        total += member.file_size
        name = member.filename
        if member.file_size > limits.xlsx_max_part_bytes:
            raise FileProblem(f"The workbook is too large to read: its part {name[:80]} unpacks to "
                              f"{megabytes(member.file_size)}, over the limit of {megabytes(limits.xlsx_max_part_bytes)}")
        if kind == "XLSX" and name.lower().endswith("sharedstrings.xml") and member.file_size > limits.xlsx_max_shared_strings_bytes:
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


check_xlsx_archive = check_archive  # the name the XLSX reader and older callers use


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
    """'Person Number', ' person_number ' and 'PERSON-NUMBER' all become 'person_number'. A byte
    order mark is dropped, and so is one a spreadsheet read as Windows-1252 text ('ï»¿') and saved
    as part of the first heading (LibreOffice opening a UTF-8 CSV with its default options)."""
    name = name.replace("\ufeff", "").removeprefix("ï»¿")
    return re.sub(r"[\s\-_]+", "_", name.strip().lower()).strip("_")


def detect_format(path: Path, name: str | None = None) -> str:
    """csv, xlsx or ods, from the name's extension and the first bytes: XLSX and ODS are zips,
    so start with PK, and an ODS's first member says it is one (`mimetype`). A file that is
    none of them is refused here, before anything parses it."""
    from .ods import is_ods

    suffix = Path(name or path.name).suffix.lower()
    if suffix not in (".csv", ".xlsx", ".ods", ".txt", ""):
        raise FileProblem(FILE_TYPES)
    with path.open("rb") as handle:
        head = handle.read(4096)
    if not head:
        raise FileProblem("The file is empty")
    if head.startswith(b"PK"):
        if is_ods(path):
            return "ods"
        if suffix == ".ods":
            raise FileProblem("The file is not a valid ODS spreadsheet: save it again from your spreadsheet as .ods")
        return "xlsx"
    if suffix in (".xlsx", ".ods"):
        kind = "XLSX workbook" if suffix == ".xlsx" else "ODS spreadsheet"
        raise FileProblem(f"The file is not a valid {kind}: save it again from your spreadsheet as {suffix}")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16, as Excel's "Unicode text" saves
        raise FileProblem(NOT_UTF8)
    if b"\x00" in head:
        raise FileProblem(FILE_TYPES)
    return "csv"


@dataclass
class SheetInfo:
    """What a reader learns about a sheet besides its cells, for the messages about it: the
    hidden columns (1-based; an XLSX lists them before its rows) and the merged ranges ('E1:F1';
    an XLSX lists them after its rows, so they are complete only once every row is read). A
    CSV has neither; an ODS reader may fill both."""

    hidden: set[int] = field(default_factory=set)
    merged: list[str] = field(default_factory=list)


@dataclass
class Table:
    """An open file: its normalised headers, and its data rows as (line, cells by header).

    `notes` are what was done about the sheet's shape, each said once (rows above the header
    skipped, hidden columns read, totals rows skipped): those about the rows are complete once
    `rows` is exhausted."""

    format: str
    headers: list[str]
    rows: Iterator[tuple[int, dict[str, Cell]]]
    header_line: int = 1
    notes: list[str] = field(default_factory=list)


HEADER_SEARCH_ROWS = 20  # a title, a date and a blank line or two above the header; never a page of them
TOTAL_WORDS = {"total", "totals", "grand total", "sub total", "subtotal", "sub-total"}


def column_letter(index: int) -> str:
    """1 -> A, 27 -> AA."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _blank(values: Iterable[Cell]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def _headers(raw: Iterable[Cell], line: int = 1) -> list[str]:
    headers = [normalise_header(str(h)) if h is not None else "" for h in raw]
    seen: set[str] = set()
    for h in headers:
        if h and h in seen:
            raise FileProblem(f"The column {h} appears more than once in the header (line {line})")
        seen.add(h)
    return headers


def _record(headers: list[str], values: Iterable[Cell]) -> dict[str, Cell]:
    return {h: v for h, v in zip(headers, values) if h}


def _shown(value: Cell, width: int = 60) -> str:
    text = " ".join(str(value).split())
    return repr(text if len(text) <= width else text[:width - 1] + "…")


def _span(lines: list[int]) -> str:
    return f"Row {lines[0]}" if len(lines) == 1 else f"Rows {lines[0]}-{lines[-1]}"


def _find_header(records: Iterator[tuple[int, Any]], required: tuple[str, ...]
                 ) -> tuple[int, Any, list[tuple[int, Any]]]:
    """The header: the first row holding every required column name (any row that is not blank
    if none are given), within the first HEADER_SEARCH_ROWS rows; and the rows above it."""
    above: list[tuple[int, Any]] = []
    nearest: tuple[int, int, list[str]] | None = None  # (how many required it has, line, which it lacks)
    for count, (line, values) in enumerate(records, start=1):
        if count > HEADER_SEARCH_ROWS:
            break
        if _blank(values):
            above.append((line, values))
            continue
        names = {normalise_header(str(v)) for v in values if v is not None}
        lacking = [c for c in required if c not in names]
        if not lacking:
            return line, values, above
        if nearest is None or len(required) - len(lacking) > nearest[0]:
            nearest = (len(required) - len(lacking), line, lacking)
        above.append((line, values))
    if not above:
        raise FileProblem("The file is empty")
    if nearest is None or nearest[0] == 0:
        raise FileProblem(f"The header was not found: none of the first {HEADER_SEARCH_ROWS} rows has the columns "
                          f"{', '.join(required)}, which are required")
    _, line, lacking = nearest
    raise FileProblem(f"The header was not found: none of the first {HEADER_SEARCH_ROWS} rows has every required "
                      f"column. The nearest, row {line}, has no {', '.join(lacking)} "
                      f"{'column' if len(lacking) == 1 else 'columns'}: add "
                      f"{'it' if len(lacking) == 1 else 'them'} to the header")


def _number(value: Cell) -> Decimal | None:
    """A cell as a number for the totals check, or None: spreadsheet numbers, and text such as
    '37', '£1,234.50'."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, Decimal)):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(str(value)) if math.isfinite(value) else None  # a sheet's NaN or infinity is no total
    if isinstance(value, str):
        try:
            number = parse_amount(value)
        except NotAnAmount:
            return None
        return number if sum(c.isdigit() for c in value) < 20 else None
    return None


class _Layout(TypedDict):
    """How open_table's caller describes a table: _table's keyword arguments."""

    required: tuple[str, ...]
    identifier: str | None
    summed: tuple[str, ...]


class _Shape:
    """What the rows of a table say about the sheet, gathered as they stream: totals rows
    skipped, and columns with values but no heading (refused when the rows end, with the merged
    ranges an XLSX lists after its rows)."""

    def __init__(self, headers: list[str], identifier: str | None, summed: tuple[str, ...]):
        self.headers = headers
        self.identifier = headers.index(identifier) if identifier in headers else None
        self.summed = [headers.index(c) for c in summed if c in headers]
        self.sums = [Decimal(0)] * len(self.summed)
        self.summed_rows = 0
        self.totals: list[int] = []
        self.unheaded: dict[int, tuple[int, Cell]] = {}  # column index -> (first line, value)
        self.unnamed = [i for i, h in enumerate(headers) if not h]  # columns under an empty heading

    def is_totals(self, values: Any) -> bool:
        """A row saying Total (or Totals, Grand total) in its first filled cell, or blank in the
        identifier column with its numbers the sums of the columns above."""
        first = next((v for v in values if not _blank((v,))), None)
        if isinstance(first, str) and " ".join(first.lower().split()).rstrip(":") in TOTAL_WORDS:
            return True
        if self.identifier is None or not self.summed or self.summed_rows < 2:
            return False
        if self.identifier < len(values) and not _blank((values[self.identifier],)):
            return False
        found = [(_number(values[i]) if i < len(values) else None, total) for i, total in zip(self.summed, self.sums)]
        given = [(n, total) for n, total in found if n is not None]
        return bool(given) and all(abs(n - total) < Decimal("0.005") for n, total in given)

    def add(self, line: int, values: Any) -> None:
        """A data row: its numbers into the sums, its cells outside the headed columns noted."""
        if self.summed:
            self.summed_rows += 1
            for position, index in enumerate(self.summed):
                if index < len(values):
                    number = _number(values[index])
                    if number is not None:
                        self.sums[position] += number
        width = len(self.headers)
        for index in self.unnamed:
            if index < len(values) and index not in self.unheaded and not _blank((values[index],)):
                self.unheaded[index] = (line, values[index])
        for index in range(width, len(values)):
            if index not in self.unheaded and not _blank((values[index],)):
                self.unheaded[index] = (line, values[index])

    def refusal(self, raw_header: Any, header_line: int, info: SheetInfo) -> FileProblem | None:
        """One message for the columns with values but no heading, naming the first."""
        if not self.unheaded:
            return None
        index = min(self.unheaded)
        line, value = self.unheaded[index]
        letter = column_letter(index + 1)
        left = next((i for i in range(min(index, len(raw_header)) - 1, -1, -1) if not _blank((raw_header[i],))), None)
        others = sorted(self.unheaded)[1:]
        more = (f" (and {', '.join(column_letter(i + 1) for i in others)} likewise)" if others else "")
        where = f"{letter}{header_line}"
        merge = next((m for m in info.merged if _in_range(where, m)), None)
        if left is not None:
            heading, left_letter = str(raw_header[left]).strip(), column_letter(left + 1)
            if merge:
                cause = f"it is part of the heading {_shown(heading)} merged over {merge}"
            else:
                cause = f"it may be part of the merged heading {_shown(heading)} in {left_letter}"
            fix = "unmerge the heading and give each column its own name, or delete the column"
        else:
            cause, fix = "no column to its left has a heading either", "give it a heading, or delete the column"
        return FileProblem(f"Column {letter} has values but no heading (for example {_shown(value)} on line {line})"
                           f"{more}: {cause}: {fix}; nothing has been imported")


def _in_range(cell: str, merged: str) -> bool:
    """Whether a cell such as 'F1' lies in a merged range such as 'E1:F1'."""
    match = re.fullmatch(r"([A-Z]+)(\d+)", cell)
    bounds = re.fullmatch(r"([A-Z]+)(\d+):([A-Z]+)(\d+)", merged)
    if not match or not bounds:
        return False

    def index(letters: str) -> int:
        n = 0
        for ch in letters:
            n = n * 26 + ord(ch) - 64
        return n

    column, row = index(match[1]), int(match[2])
    return index(bounds[1]) <= column <= index(bounds[3]) and int(bounds[2]) <= row <= int(bounds[4])


def _table(fmt: str, records: Iterator[tuple[int, Any]], required: tuple[str, ...] = (),
           identifier: str | None = None, summed: tuple[str, ...] = (), info: SheetInfo | None = None) -> Table:
    """The table a reader's rows make: the header found, the rows above it and the hidden
    columns noted, totals rows skipped and noted, and a column with values but no heading
    refused when the rows end (the caller's pass then gives that one message)."""
    info = info or SheetInfo()
    header_line, raw_header, above = _find_header(records, required)
    raw_header = list(raw_header)
    headers = _headers(raw_header, header_line)
    table = Table(fmt, headers, iter(()), header_line)
    skipped = [values for _, values in above if not _blank(values)]
    if skipped:
        first = next(v for v in skipped[0] if not _blank((v,)))
        what = "a title" if len(skipped) == 1 else "the first"
        lines = [above[0][0], header_line - 1] if above[0][0] < header_line - 1 else [above[0][0]]
        table.notes.append(f"{_span(lines)} above the header (row {header_line}) "
                           f"{'was' if len(lines) == 1 else 'were'} skipped ({what}: {_shown(first)})")
    for index in sorted(i for i in info.hidden if i <= len(headers) and headers[i - 1]):
        table.notes.append(f"Column {column_letter(index)} {headers[index - 1]!r} is hidden in the spreadsheet and "
                           "was imported")
    shape = _Shape(headers, identifier, summed)

    def rows() -> Iterator[tuple[int, dict[str, Cell]]]:
        for line, values in records:
            if _blank(values):
                continue
            if shape.is_totals(values):
                shape.totals.append(line)
                continue
            shape.add(line, values)
            yield line, _record(headers, values)
        refused = shape.refusal(raw_header, header_line, info)
        if refused is not None:
            raise refused
        if shape.totals:
            lines = shape.totals
            table.notes.append(f"Row {lines[0]} is a totals row and was skipped" if len(lines) == 1 else
                               f"Rows {', '.join(map(str, lines))} are totals rows and were skipped")

    table.rows = rows()
    return table


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


def _xlsx_hidden(dimensions: dict[str, dict[str, str]], limits: Limits) -> set[int]:
    """The hidden columns from the sheet's <cols> (each entry spans min to max), within the
    column limit (a hidden span may run to column XFD)."""
    hidden: set[int] = set()
    for attrs in dimensions.values():
        if attrs.get("hidden") in ("1", "true"):
            low = int(attrs.get("min", 0))
            hidden.update(range(low, min(int(attrs.get("max", low)), limits.max_columns) + 1))
    return hidden


def _xlsx_rows(path: Path, limits: Limits, info: SheetInfo | None = None
               ) -> tuple[Any, Iterator[tuple[int, tuple[Cell, ...]]]]:
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
        columns_read = False
        try:
            with reader.archive.open(sheets[0]) as source:
                parser = WorkSheetParser(source, reader.shared_strings, data_only=True, epoch=workbook.epoch,
                                         date_formats=workbook._date_formats,
                                         timedelta_formats=workbook._timedelta_formats)
                for number, cells in parser.parse():
                    if info is not None and not columns_read:
                        # <cols> comes before the rows, so it is read by the first row.
                        info.hidden, columns_read = _xlsx_hidden(parser.column_dimensions, limits), True
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
                if info is not None and parser.merged_cells is not None:
                    # <mergeCells> comes after the rows: known only now, at the end of the sheet.
                    info.merged = [m.ref for m in parser.merged_cells.mergeCell[:1000]]
        except FileProblem:
            raise
        except Exception as error:
            raise FileProblem(f"Row {number + 1} of the workbook cannot be read ({type(error).__name__})") from None

    return reader.archive, rows()


@contextmanager
def open_table(path: Path, name: str | None = None, limits: Limits | None = None, *,
               required: Iterable[str] = (), identifier: str | None = None,
               summed: Iterable[str] = ()) -> Iterator[Table]:
    """Open a CSV, XLSX or ODS file for streaming. Blank rows are skipped; FileProblem for a file
    that cannot be read, is empty, has no header, or is past the limits (default: the app's).

    The header is the first row holding every `required` column (within HEADER_SEARCH_ROWS
    rows); a row saying Total, or blank in the `identifier` column with the sums of the
    `summed` columns above, is a totals row, skipped and noted."""
    limits = limits or Limits.from_config()
    fmt = detect_format(path, name)
    shape: _Layout = {"required": tuple(required), "identifier": identifier, "summed": tuple(summed)}
    if fmt == "csv":
        with path.open(encoding="utf-8-sig", newline="") as handle:
            records: Iterator[tuple[int, Any]] = _csv_rows(handle, limits)
            yield _table(fmt, records, **shape)
        return
    info = SheetInfo()
    if fmt == "ods":
        from .ods import open_rows

        workbook, cells = open_rows(path, limits, info)
    else:
        workbook, cells = _xlsx_rows(path, limits, info)
    try:
        yield _table(fmt, cells, info=info, **shape)
    finally:
        workbook.close()


# -- writing -----------------------------------------------------------------------------------
# Column kinds: text, date, number (no trailing zeros: 37, 18.5), money (two places: 1234.50).
# Text is written as text in every format: person, post and phone numbers and postcodes are
# text columns, so a spreadsheet keeps their leading zeros (an XLSX cell also carries the text
# number format, "@", which keeps them text when the cell is edited). Only a CSV needs the guard
# apostrophe against formulas: an XLSX or ODS string cell is never run, so it holds the text as is.

def _csv_value(kind: str, value: Any) -> str:
    if value is None:
        return ""
    if kind == "date":
        return cast(date, value).isoformat()
    if kind == "number":
        text = f"{Decimal(value):f}"
        return text.rstrip("0").rstrip(".") if "." in text else text
    if kind == "money":
        return f"{Decimal(value):.2f}"
    return neutralise(str(value))


def write_table(out: BinaryIO, fmt: str, columns: list[tuple[str, str]], rows: Iterable[list[Any]], *,
                sheet: str = "Employees") -> int:
    """Write a header of column names and the rows, streaming (an XLSX's or ODS's one sheet
    named `sheet`). Returns the number of rows."""
    if fmt == "csv":
        return _write_csv(out, columns, rows)
    if fmt == "xlsx":
        return _write_xlsx(out, columns, rows, sheet)
    if fmt == "ods":
        return _write_ods(out, columns, rows, sheet)
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
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    for index, (name, _) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(12, len(name) + 2)
    sheet.append([name for name, _ in columns])
    # One styled cell per text column, refilled for each row (a write-only sheet writes a row
    # as it is appended): a new cell object for every text value would double the export's time.
    texts = [_refilled_text(sheet) if kind == "text" else partial(text_cell, sheet) for _, kind in columns]
    count = 0
    for row in rows:
        sheet.append([xlsx_cell(sheet, kind, v, text) for (_, kind), v, text in zip(columns, row, texts)])
        count += 1
    workbook.save(out)
    return count


def _refilled_text(sheet: Any) -> Callable[[str], Any]:
    """A text column's cell-maker for `xlsx_cell`: the one cell, refilled with each value."""
    styled = text_cell(sheet, "")
    return lambda text: _set_text(styled, text)


def text_cell(sheet: Any, text: str) -> Any:
    """A write-only string cell with the text number format ("@")."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet)
    cell.number_format = "@"
    return _set_text(cell, text)


def _set_text(cell: Any, text: str) -> Any:
    """`cell` holding `text` as a string: openpyxl would make text starting "=" a formula, and
    "#N/A" an error."""
    cell._value = cell.check_string(text)
    cell.data_type = "s"
    return cell


def _kind_of(kind: str, value: Any) -> str:
    """A column's kind for one value: `any` (a sheet of items and values) is decided by the
    value's type; every other kind is the column's."""
    if kind != "any":
        return kind
    return ("date" if isinstance(value, date) else
            "number" if isinstance(value, (int, Decimal)) and not isinstance(value, bool) else "text")


def _plain_number(value: Any) -> int | Decimal:
    """A number without trailing zeros after the point; a whole one as an int."""
    figure = Decimal(value).normalize()
    return int(figure) if figure == figure.to_integral_value() else figure


MONEY_FORMAT = "0.00"  # exports: figures as the import reads them back, with no separators


def xlsx_cell(sheet: Any, kind: str, value: Any, text: Callable[[str], Any], money_format: str = MONEY_FORMAT) -> Any:
    """One value of a row of a write-only XLSX sheet, by its column's kind: None is an empty
    cell; text (and long text) the string cell `text` makes; dates shown yyyy-mm-dd; money a
    Decimal shown with `money_format`; numbers as `_plain_number`."""
    if value is None:
        return None
    kind = _kind_of(kind, value)
    if kind in ("text", "long"):
        return text(str(value))
    if kind in ("date", "money"):
        from openpyxl.cell import WriteOnlyCell

        styled = WriteOnlyCell(sheet, value=value if kind == "date" else Decimal(value))
        styled.number_format = "yyyy-mm-dd" if kind == "date" else money_format
        return styled
    return _plain_number(value)


# Characters XML 1.0 cannot hold at all (an ODS is XML): dropped, as no name or address needs them.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class _Money(Decimal):
    """A money value, so the ODS writer shows it with two places."""


def _write_ods(out: BinaryIO, columns: list[tuple[str, str]], rows: Iterable[list[Any]], title: str) -> int:
    return write_ods_sheets(out, [(title, columns, rows)])[0]


def _ods_cell(kind: str, value: Any) -> Any:
    if value is None:
        return None
    kind = _kind_of(kind, value)
    if kind == "date":
        return value
    if kind == "money":
        return _Money(value)
    if kind == "number":
        return _plain_number(value)
    return NOT_XML.sub("", str(value))


def write_ods_sheets(out: BinaryIO, sheets: list[tuple[str, list[tuple[str, str]], Iterable[list[Any]]]]) -> list[int]:
    """Sheets of (title, columns, rows) as one ODS, through stream-write-ods, which streams the
    archive; returns each sheet's number of rows. Text is given as the cell's office:string-value
    too, so line breaks, tabs and runs of spaces survive (in the text itself a reader collapses
    them). Kinds as `write_table`'s, and `any` (by each value's type)."""
    from stream_write_ods import stream_write_ods

    def number(value: Decimal) -> str:
        return f"{value.normalize():f}" if value == value.to_integral_value() else f"{value:f}"

    encoders = (
        (bool, ("boolean", "office:boolean-value", None, lambda v: str(v).lower())),
        (date, ("date", "office:date-value", "date", lambda v: v.isoformat())),
        (datetime, ("date", "office:date-value", None, lambda v: v.isoformat())),
        (int, ("float", "office:value", None, str)),
        (Decimal, ("float", "office:value", None, number)),
        (_Money, ("float", "office:value", None, lambda v: f"{v:.2f}")),
        (str, ("string", "office:string-value", None, str)),
        (type(None), (None, None, None, lambda _: None)),
    )
    counts = [0] * len(sheets)

    def lines(index: int, columns: list[tuple[str, str]], rows: Iterable[list[Any]]) -> Iterator[list[Any]]:
        for row in rows:
            yield [_ods_cell(kind, v) for (_, kind), v in zip(columns, row)]
            counts[index] += 1

    for chunk in stream_write_ods([(NOT_XML.sub("", title), [NOT_XML.sub("", name) for name, _ in columns],
                                    lines(index, columns, rows))
                                   for index, (title, columns, rows) in enumerate(sheets)], encoders=encoders):
        out.write(chunk)
    return counts
