"""The employee liability information pack as an XLSX workbook (openpyxl, write-only), or as
the same sheets in an OpenDocument spreadsheet (`build_ods`).

Plain data in, workbook bytes out, no queries. Text is written as string cells with the text
number format ("@"), so a summary that starts with "=" stays text and shows no guard apostrophe
(a string cell is never run as a formula), and a person number keeps its leading zeros."""
from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from ..services.platform.tabular import text_cell, write_ods_sheets, xlsx_cell

# Column kinds: text, long (wrapped, several lines), date, number, money (two places), any
# (decided by each value's type).
WIDTHS = {"long": 60, "date": 12, "number": 10, "money": 12}
# The pack is read by people, not imported again: money with thousands separated (the exports'
# format has none, so they read back exactly).
MONEY_FORMAT = "#,##0.00"


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
            cell = text_cell(sheet, heading)
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        texts = [_text(sheet, kind) for _, kind in spec.columns]
        for row in spec.rows:
            # An empty string is an empty cell, as in the ODS.
            sheet.append([xlsx_cell(sheet, kind, None if value == "" else value, text, money_format=MONEY_FORMAT)
                          for (_, kind), value, text in zip(spec.columns, row, texts)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _text(sheet: Any, kind: str) -> Callable[[str], Any]:
    """A column's string cells: long text wrapped, at the top of its cell."""
    if kind != "long":
        return partial(text_cell, sheet)
    wrapped = Alignment(wrap_text=True, vertical="top")

    def long(text: str) -> Any:
        cell = text_cell(sheet, text)
        cell.alignment = wrapped
        return cell

    return long


def build_ods(sheets: list[Sheet]) -> bytes:
    """The same sheets as an ODS: text as string cells (long text keeps its line breaks), dates
    as dates, numbers and money as numbers. (Widths, bold and frozen headers are XLSX's only:
    the ODS writer streams plain cells.)"""
    buffer = io.BytesIO()
    write_ods_sheets(buffer, [(spec.name[:31], [(h, "text" if kind == "long" else kind) for h, kind in spec.columns],
                               [[None if value == "" else value for value in row] for row in spec.rows])
                              for spec in sheets])
    return buffer.getvalue()
