"""An import through the job queue (issue 17), in the browser: the upload lands on the check's page
(the live server runs jobs at once), which shows what would change; importing lands on the import
job's page, which says what it did and links to the import's record. It adds two made-up people
(person numbers T9xxxxx, used by no other browser test). Screenshots: artifacts/screenshots/import-job-*.png."""
from __future__ import annotations

import csv
import io

from playwright.sync_api import expect

from hrtool.services.people.employee_rows import COLUMNS

from ..spreadsheets import new_person


def _file(tmp_path):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerows([new_person(900001), new_person(900002)])
    path = tmp_path / "new-starters.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def test_an_import_is_checked_then_imported_by_jobs(hr_page, tmp_path):
    page, p = hr_page, hr_page.page
    page.goto("/imports/")
    p.get_by_label("Payroll export").set_input_files(str(_file(tmp_path)))
    p.get_by_role("button", name="Check the file").click()
    p.wait_for_url("**/imports/check/*")
    expect(p.get_by_role("heading", level=1)).to_have_text("Check the changes")
    changes = p.get_by_role("table", name="What would change")
    expect(changes).to_contain_text("T900001 Test Starter900001", use_inner_text=True)
    expect(changes).to_contain_text("T900002 Test Starter900002", use_inner_text=True)
    page.screenshot("import-job-1-checked")

    p.get_by_role("button", name="Import these changes").click()
    p.wait_for_url("**/jobs/*")
    expect(p.locator("#job-outcome")).to_contain_text("Imported new-starters.csv: 2 created, 0 updated, 0 unchanged.")
    expect(p.locator(".govuk-summary-list")).to_contain_text("Harriet Officer")
    page.screenshot("import-job-2-imported")
    p.get_by_role("link", name="See the import").click()
    expect(p.locator("main")).to_contain_text("new-starters.csv")
    assert page.console_errors == []
