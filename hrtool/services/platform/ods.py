"""OpenDocument spreadsheets (ODS): the first sheet's rows, streamed, and a streamed writer.

Reading is done here, on the standard library's zip reader and defusedxml's streaming XML
parser (the same guard against entity expansion and external entities as the XLSX reader),
rather than through a library: `stream-read-ods` materialises every repeated cell (an empty
cell "repeated 16,384 times", which Excel writes at the end of each row, is 16,384 values in
memory, and refusing them refuses real files) and ignores `number-rows-repeated` (so the row
numbers in messages drift after repeated blank rows, as LibreOffice writes them); odfpy holds
the whole document in memory. Here a repeat of empty cells or rows is a number added to a
position, never a list, and a repeat of values counts against the limits before it is made.

Writing goes through `stream-write-ods` (Department for Business and Trade), which streams the
archive: `tabular.write_table(out, "ods", ...)` is the way in.
"""
from __future__ import annotations

import zipfile
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from .tabular import FileProblem, Limits, SheetInfo, _too_many_columns, _too_many_rows, check_archive, column_letter

MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"

TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
CELLS = (f"{TABLE}table-cell", f"{TABLE}covered-table-cell")
HIDDEN = ("collapse", "filter")
MAX_TEXT = 32_767  # characters in a cell, as Excel allows: `text:s text:c="1000000000"` asks for a gigabyte


# What zipfile raises for a file that is not a zip we can read: KeyError for a missing member,
# RuntimeError for an encrypted one, NotImplementedError for a compression method it lacks.
UNREADABLE_ZIP = (KeyError, zipfile.BadZipFile, OSError, ValueError, RuntimeError, NotImplementedError)


def _unreadable(error: BaseException) -> FileProblem:
    return FileProblem("The file is not a readable ODS spreadsheet: save it again from your spreadsheet "
                       f"as .ods ({type(error).__name__})")


def is_ods(path: Path) -> bool:
    """True for a zip whose `mimetype` member names an OpenDocument spreadsheet (XLSX has none)."""
    try:
        with zipfile.ZipFile(path) as archive:
            member = archive.getinfo("mimetype")
            if member.file_size > 200:
                return False
            return archive.read(member).strip() == MIMETYPE.encode()
    except UNREADABLE_ZIP:
        return False


def _count(element: Any, attribute: str) -> int:
    text = element.get(f"{TABLE}{attribute}", "1")
    try:
        count = int(text)
    except ValueError:
        raise ValueError(f"{attribute} {text[:20]!r} is not a number") from None
    if count < 1:
        raise ValueError(f"{attribute} {count} is not a count")
    return count


def _text(cell: Any) -> str:
    """A string cell's text as a spreadsheet shows it: paragraphs on lines of their own, the
    `text:s` (spaces), `text:tab` and `text:line-break` elements as the characters they stand
    for, spans and links read through."""
    paragraphs: list[str] = []
    length = 0

    def add(parts: list[str], text: str) -> None:
        nonlocal length
        length += len(text)
        if length > MAX_TEXT:
            raise ValueError(f"a cell holds more than {MAX_TEXT:,} characters")
        parts.append(text)

    def walk(node: Any, parts: list[str]) -> None:
        if node.text:
            add(parts, node.text)
        for child in node:
            tag = child.tag
            if tag == f"{TEXT}s":
                count = int(child.get(f"{TEXT}c", "1") or 1)
                add(parts, " " * min(max(count, 1), MAX_TEXT + 1))
            elif tag == f"{TEXT}tab":
                add(parts, "\t")
            elif tag == f"{TEXT}line-break":
                add(parts, "\n")
            elif tag != f"{OFFICE}annotation":  # a comment is not the cell's value
                walk(child, parts)
            if child.tail:
                add(parts, child.tail)

    for child in cell:
        if child.tag in (f"{TEXT}p", f"{TEXT}h"):
            parts: list[str] = []
            walk(child, parts)
            paragraphs.append("".join(parts))
    return "\n".join(paragraphs)


def _number(text: str) -> int | Decimal:
    value = Decimal(text)
    # No spreadsheet holds a number past 1E+308; int() of 1E+999999999 would build a billion digits.
    if not value.is_finite() or value.adjusted() > 308:
        raise ValueError(f"{text[:20]!r} is not a number a spreadsheet holds")
    return int(value) if value == value.to_integral_value() and "e" not in text.lower() else value


def _date(text: str) -> date | datetime:
    moment = datetime.fromisoformat(text)
    if len(text) <= 10 or (moment.hour, moment.minute, moment.second, moment.microsecond) == (0, 0, 0, 0):
        return moment.date()
    return moment


def cell_value(cell: Any) -> Any:
    """The value of a table:table-cell: None for an empty one; int or Decimal for numbers,
    percentages and currency; date (datetime if it has a time); bool; str for text."""
    kind = cell.get(f"{OFFICE}value-type")
    if kind is None:
        return None
    try:
        if kind in ("float", "percentage", "currency"):
            return _number(cell.get(f"{OFFICE}value", ""))
        if kind == "date":
            return _date(cell.get(f"{OFFICE}date-value", ""))
        if kind == "boolean":
            return cell.get(f"{OFFICE}boolean-value", "").lower() == "true"
    except (InvalidOperation, ValueError):
        raw = cell.get(f"{OFFICE}date-value" if kind == "date" else f"{OFFICE}value", "")
        raise ValueError(f"a {kind} cell holds {raw[:20]!r}") from None
    if kind == "string" and cell.get(f"{OFFICE}string-value") is not None:
        return cell.get(f"{OFFICE}string-value")
    return _text(cell)  # string, and time (kept as the text shown: no import has a time column)


def rows(source: Any, limits: Limits, info: SheetInfo) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """The first sheet's non-blank rows from a content.xml stream, as (row number, values),
    the values running to the row's last filled cell. Hidden columns (1-based) are added to
    `info.hidden` before the first row; merged ranges ('E1:F1') to `info.merged` as met.

    Each element is dropped once read (a cell as soon as it ends, so a row of a million cells
    holds one at a time; styles and shapes as they end), except what a cell holds until the
    cell ends."""
    from defusedxml.ElementTree import iterparse

    stack: list[Any] = []
    in_table = False  # inside the first sheet
    in_cell = 0  # depth of cells open (a cell may hold a sub-table, read as the cell's text)
    column = 0  # columns declared so far, for the hidden ones
    number = 0  # the row number of the last row read
    values: list[Any] = []
    position = 0  # the 0-based column the next cell of the row is in
    for event, node in iterparse(source, events=("start", "end")):
        tag = node.tag
        if event == "start":
            stack.append(node)
            if tag in CELLS:
                in_cell += 1
            elif in_cell:
                pass
            elif tag == f"{TABLE}table":
                in_table = True
            elif tag == f"{TABLE}table-row":
                values, position = [], 0
            continue
        stack.pop()
        parent = stack[-1] if stack else None
        if tag in CELLS:
            in_cell -= 1
        if in_cell:
            continue  # part of a cell: read when the cell ends
        if not in_table:
            pass
        elif tag in CELLS:
            if parent is not None and parent.tag == f"{TABLE}table-row":
                position = _read_cell(node, values, position, number, limits, info)
        elif tag == f"{TABLE}table-column":
            column = _declare_columns(node, column, limits, info)
        elif tag == f"{TABLE}table-row":
            repeat = _count(node, "number-rows-repeated")
            if values:
                yield from _repeated_row(tuple(values), number, repeat, limits)
            number += repeat
        elif tag == f"{TABLE}table":
            return
        node.clear()
        if parent is not None:
            parent.remove(node)


def _read_cell(node: Any, values: list[Any], position: int, number: int, limits: Limits, info: SheetInfo) -> int:
    """Add a cell (repeated across as it says) to the row's `values`, noting a merged range; returns
    the position of the next cell."""
    across = _count(node, "number-columns-repeated")
    value = cell_value(node)
    if node.tag == f"{TABLE}table-cell":
        wide, tall = _count(node, "number-columns-spanned"), _count(node, "number-rows-spanned")
        if (wide > 1 or tall > 1) and len(info.merged) < 10_000:
            info.merged.append(f"{column_letter(position + 1)}{number + 1}:"
                               f"{column_letter(position + wide)}{number + tall}")
    if value is not None and value != "":
        if position + across > limits.max_columns:
            raise _too_many_columns(number + 1, limits, column_letter(min(position + across, 16_384)))
        values.extend([None] * (position - len(values)))
        values.extend([value] * across)
    return position + across  # empty cells, however many, move the position only


def _declare_columns(node: Any, column: int, limits: Limits, info: SheetInfo) -> int:
    """Note the hidden ones of the columns a column element declares; returns the columns declared so far."""
    repeat = _count(node, "number-columns-repeated")
    if node.get(f"{TABLE}visibility") in HIDDEN:
        # A hidden repeat may run to the sheet's edge: only the columns a row may use matter.
        info.hidden.update(range(column + 1, min(column + repeat, limits.max_columns) + 1))
    return column + repeat


def _repeated_row(row: tuple[Any, ...], number: int, repeat: int, limits: Limits) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """A row repeated `repeat` times after row `number`, refused once past the row limit."""
    for _ in range(repeat):
        number += 1
        if number > limits.max_rows + 1:
            raise _too_many_rows(limits)
        yield number, row


def open_rows(path: Path, limits: Limits, info: SheetInfo) -> tuple[Any, Iterator[tuple[int, tuple[Any, ...]]]]:
    """The archive (to close) and the first sheet's rows, numbered as the spreadsheet shows
    them; FileProblem for an archive past the limits or a sheet that cannot be read."""
    check_archive(path, limits, "ODS")
    try:
        archive = zipfile.ZipFile(path)
    except UNREADABLE_ZIP as error:
        raise _unreadable(error) from None
    try:
        source = archive.open("content.xml")
    except UNREADABLE_ZIP as error:
        archive.close()
        raise _unreadable(error) from None

    def guarded() -> Iterator[tuple[int, tuple[Any, ...]]]:
        number = 0
        try:
            for number, values in rows(source, limits, info):
                yield number, values
        except FileProblem:
            raise
        except Exception as error:  # broken XML, a DTD or entity refused by defusedxml, a bad value
            raise FileProblem(f"Row {number + 1} of the spreadsheet cannot be read ({type(error).__name__}"
                              f"{': ' + str(error)[:80] if type(error) is ValueError else ''})") from None

    return _Closing(source, archive), guarded()


class _Closing:
    """Closes the sheet's stream, then the archive (a stream left open keeps the file open)."""

    def __init__(self, *things: Any):
        self.things = things

    def close(self) -> None:
        for thing in self.things:
            thing.close()
