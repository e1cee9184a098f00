"""Employee liability information in a browser (issue 5, TUPE 2006 regulation 11): from a
planned transfer's checklist HR opens the pack, sees who is incomplete and why, records a
grievance for one person, records that their disciplinary, grievance and claims records were
checked, and downloads the workbook and a PDF. Screenshots: artifacts/screenshots/eli-*.png."""
from __future__ import annotations

from sqlalchemy import func, select

from hrtool.extensions import db
from hrtool.models import Transfer, TransferMember

from ..factories import DEMO_PASSWORDS

HR = "hr@hrtool.example"


def _planned_transfer(app) -> int:
    """The demo's planned transfer with the most people still transferring."""
    with app.app_context():
        return db.session.execute(
            select(Transfer.id).join(TransferMember).where(Transfer.status == "planned",
                                                           TransferMember.status.in_(("proposed", "confirmed")))
            .group_by(Transfer.id).order_by(func.count().desc(), Transfer.id).limit(1)).scalar_one()


def test_hr_prepares_the_employee_liability_information(page, live_app):
    p = page.page
    transfer_id = _planned_transfer(live_app)
    page.login(HR, DEMO_PASSWORDS[HR])
    p.wait_for_url("**/hr/")
    page.goto(f"/transfers/{transfer_id}")
    p.get_by_role("link", name="Prepare the pack: completeness, XLSX and PDFs").click()
    assert p.get_by_role("heading", level=1).inner_text() == "Employee liability information"
    people = p.get_by_role("table", name="People transferring")
    assert "Missing: disciplinary, grievance and claims not yet checked" in people.inner_text()
    page.screenshot("eli-1-pack")

    # Record a grievance for the first person, from the check page's link to their cases.
    p.get_by_role("link", name="Record the check").first.click()
    person = p.get_by_role("heading", level=1).inner_text().removeprefix("Check ").split("'s disciplinary")[0]
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
    assert "Case recorded" in p.locator(".govuk-notification-banner").inner_text()
    assert "Grievance about rota changes" in p.get_by_role("table").inner_text()

    # Back to the pack: record the check (the date is filled in with today).
    page.goto(f"/transfers/{transfer_id}/eli/")
    row = p.get_by_role("table", name="People transferring").locator("tr", has_text=person.split(" ")[-1])
    row.get_by_role("link", name="Record the check").click()
    assert "Grievance about rota changes" in p.get_by_role("table").inner_text()
    p.get_by_label("I have checked this person's disciplinary, grievance and claims records").check()
    page.screenshot("eli-3-record-the-check")
    p.get_by_role("button", name="Record the check").click()
    assert f"Check recorded for {person}" in p.locator(".govuk-notification-banner").inner_text()
    page.screenshot("eli-4-pack-after-the-check")

    with p.expect_download() as workbook:
        p.get_by_role("link", name="Excel (XLSX), one row per person").click()
    assert workbook.value.suggested_filename.endswith(".xlsx")
    with p.expect_download() as pdf:
        p.get_by_role("table", name="People transferring").get_by_role("link", name="PDF for").first.click()
    assert pdf.value.suggested_filename.endswith(".pdf")
    assert page.console_errors == []
