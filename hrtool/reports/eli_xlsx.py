"""The employee liability information pack as an XLSX workbook (openpyxl, write-only), or as
the same sheets in an OpenDocument spreadsheet (`build_ods`).

Plain data in, workbook bytes out, no queries. Text is written as string cells with the text
number format ("@"), so a summary that starts with "=" stays text and shows no guard apostrophe
(a string cell is never run as a formula), and a person number keeps its leading zeros."""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

# Column kinds: text, long (wrapped, several lines), date, number, money (two places), any
# (decided by each value's type).
WIDTHS = {"long": 60, "date": 12, "number": 10, "money": 12}


@dataclass(frozen=True)
class Sheet:
    name: str  # at most 31 characters (Excel)
    columns: list[tuple[str, str]]  # (heading, kind)
    rows: list[list[Any]]


def build_workbook(sheets: list[Sheet]) -> bytes:
    """A workbook with a bold, frozen header row on each sheet."""
    workbook = Workbook(write_only=True)
    for spec in sheets:
        sheet = workbook.create_sheet(spec.name[:31])
        for index, (heading, kind) in enumerate(spec.columns, start=1):
            width = WIDTHS.get(kind, max(14, min(40, len(heading) + 2)))
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.freeze_panes = "A2"
        bold = Font(bold=True)
        header = []
        for heading, _ in spec.columns:
            cell = _text(sheet, heading)
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        for row in spec.rows:
            sheet.append([_cell(sheet, kind, value) for (_, kind), value in zip(spec.columns, row)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _cell(sheet: Any, kind: str, value: Any) -> Any:
    if value is None or value == "":
        return None
    if kind == "any":
        kind = ("date" if isinstance(value, (date, datetime)) else
                "number" if isinstance(value, (int, Decimal)) and not isinstance(value, bool) else "text")
    if kind in ("text", "long"):
        cell = _text(sheet, str(value))
        if kind == "long":
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        return cell
    if kind == "date":
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "yyyy-mm-dd"
        return cell
    if kind == "money":
        cell = WriteOnlyCell(sheet, value=Decimal(value))
        cell.number_format = "#,##0.00"
        return cell
    number = Decimal(value).normalize()
    return int(number) if number == number.to_integral_value() else number


def _text(sheet: Any, text: str) -> Any:
    """A string cell: openpyxl would make text starting "=" a formula, and "#N/A" an error."""
    cell = WriteOnlyCell(sheet)
    cell._value = cell.check_string(text)
    cell.data_type = "s"
    cell.number_format = "@"
    return cell


def build_ods(sheets: list[Sheet]) -> bytes:
    """The same sheets as an ODS: text as string cells (long text keeps its line breaks), dates
    as dates, numbers and money as numbers. (Widths, bold and frozen headers are XLSX's only:
    the ODS writer streams plain cells.)"""
    from ..services.platform.tabular import write_ods_sheets

    buffer = io.BytesIO()
    write_ods_sheets(buffer, [(spec.name[:31], [(h, "text" if kind == "long" else kind) for h, kind in spec.columns],
                               [[None if value == "" else value for value in row] for row in spec.rows])
                              for spec in sheets])
    return buffer.getvalue()
