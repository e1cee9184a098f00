"""Employee liability information in a browser (issue 5, TUPE 2006 regulation 11): from a
planned transfer's checklist HR opens the pack, sees who is incomplete and why, records a
grievance for one person, records that their disciplinary, grievance and claims records were
checked, and downloads the workbook and a PDF. Screenshots: artifacts/screenshots/eli-*.png."""
from __future__ import annotations

import re

from playwright.sync_api import expect
from sqlalchemy import func, select

from hrtool.extensions import db
from hrtool.models import Transfer, TransferMember


def _planned_transfer(app) -> int:
    """The demo's planned transfer with the most people still transferring."""
    with app.app_context():
        return db.session.execute(
            select(Transfer.id).join(TransferMember).where(Transfer.status == "planned",
                                                           TransferMember.status.in_(("proposed", "confirmed")))
            .group_by(Transfer.id).order_by(func.count().desc(), Transfer.id).limit(1)).scalar_one()


def test_hr_prepares_the_employee_liability_information(hr_page, live_app):
    page, p = hr_page, hr_page.page
    transfer_id = _planned_transfer(live_app)
    page.goto(f"/transfers/{transfer_id}")
    p.get_by_role("link", name="Prepare the pack: completeness, XLSX and PDFs").click()
    expect(p.get_by_role("heading", level=1)).to_have_text("Employee liability information")
    people = p.get_by_role("table", name="People transferring")
    expect(people).to_contain_text("Missing: disciplinary, grievance and claims not yet checked")
    page.screenshot("eli-1-pack")

    # Record a grievance for the first person, from the check page's link to their cases.
    p.get_by_role("link", name="Record the check").first.click()
    heading = p.get_by_role("heading", level=1)
    expect(heading).to_have_text(re.compile(r"^Check .+'s disciplinary"))
    person = heading.inner_text().removeprefix("Check ").split("'s disciplinary")[0]
    p.get_by_role("link", name="Record it on their cases page").click()
    p.get_by_role("link", name="Record a case").click()
    p.get_by_label("Grievance").check()
    p.locator("#opened_on-day").fill("3")
    p.locator("#opened_on-month").fill("3")
    p.locator("#opened_on-year").fill("2025")
    p.get_by_label("Summary").fill("Grievance about rota changes; ACAS code followed")
    p.get_by_label("Outcome").fill("Partly upheld; rota revised")
    page.screenshot("eli-2-record-a-case")
    p.get_by_role("button", name="Save").click()
    expect(p.locator(".govuk-notification-banner")).to_contain_text("Case recorded")
    expect(p.get_by_role("table")).to_contain_text("Grievance about rota changes")

    # Back to the pack: record the check (the date is filled in with today).
    page.goto(f"/transfers/{transfer_id}/eli/")
    row = p.get_by_role("table", name="People transferring").locator("tr", has_text=person.split(" ")[-1])
    row.get_by_role("link", name="Record the check").click()
    expect(p.get_by_role("table")).to_contain_text("Grievance about rota changes")
    p.get_by_label("I have checked this person's disciplinary, grievance and claims records").check()
    page.screenshot("eli-3-record-the-check")
    p.get_by_role("button", name="Record the check").click()
    expect(p.locator(".govuk-notification-banner")).to_contain_text(f"Check recorded for {person}")
    page.screenshot("eli-4-pack-after-the-check")

    with p.expect_download() as workbook:
        p.get_by_role("link", name="Excel (XLSX), one row per person").click()
    assert workbook.value.suggested_filename.endswith(".xlsx")
    with p.expect_download() as pdf:
        p.get_by_role("table", name="People transferring").get_by_role("link", name="PDF for").first.click()
    assert pdf.value.suggested_filename.endswith(".pdf")
    assert page.console_errors == []
