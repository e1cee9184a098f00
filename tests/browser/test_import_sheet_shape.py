"""The check of an import file says, once, what it did about the sheet's shape: a title above
the header skipped, a totals row skipped. Nothing is imported (the check only). Screenshot:
artifacts/screenshots/import-sheet-shape.png."""
from __future__ import annotations

import csv
import io

from playwright.sync_api import expect

from hrtool.services.people.employee_rows import COLUMNS

from ..spreadsheets import new_person


def test_the_check_says_what_was_done_about_the_sheet(hr_page, tmp_path):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerows([["Payroll export March"], []])
    writer.writerow(COLUMNS)
    writer.writerows([new_person(900011), new_person(900012)])
    writer.writerow(["Total"] + [""] * (len(COLUMNS) - 1))
    path = tmp_path / "payroll-march.csv"
    path.write_text(out.getvalue(), encoding="utf-8")

    page, p = hr_page, hr_page.page
    page.goto("/imports/")
    p.get_by_label("Payroll export").set_input_files(str(path))
    p.get_by_role("button", name="Check the file").click()
    p.wait_for_url("**/imports/check/*")
    expect(p.get_by_role("heading", level=1)).to_have_text("Check the changes")
    notes = p.locator(".govuk-inset-text")
    expect(notes).to_contain_text("Rows 1-2 above the header (row 3) were skipped (a title: 'Payroll export March')")
    expect(notes).to_contain_text("Row 6 is a totals row and was skipped")
    page.screenshot("import-sheet-shape")
    assert page.console_errors == []
