"""Letters in a browser (issue 8): HR issues the notice of transfer to a whole transfer cohort,
watches the progress page (polled by static/js/job-progress.js under the strict CSP), and
downloads the ZIP, which holds one correct PDF per person; then the UNISON rep acknowledges the
regulation 13 letter. Screenshots: artifacts/screenshots/letters-*.png; the first PDF is
rendered to artifacts/screenshots/letters-pdf-*.png."""
from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from pathlib import Path

from playwright.sync_api import expect
from pypdf import PdfReader
from sqlalchemy import select

from hrtool.extensions import db
from hrtool.models import Letter, Transfer, TransferMember

from .helpers import SCREENSHOTS


def _cohort(app):
    with app.app_context():
        transfer = db.session.scalars(select(Transfer).join(Letter, Letter.transfer_id == Transfer.id)
                                      .where(Transfer.status == "planned").order_by(Transfer.id).limit(1)).one()
        names = sorted(m.employee.full_name for m in db.session.scalars(select(TransferMember).where(
            TransferMember.transfer_id == transfer.id, TransferMember.status.in_(("proposed", "confirmed")))))
        return transfer.id, transfer.reference, names


def test_hr_issues_a_batch_for_a_transfer_cohort_with_progress_and_a_zip(hr_page, live_app):
    page, p = hr_page, hr_page.page
    transfer_id, _, names = _cohort(live_app)
    assert names
    page.goto(f"/transfers/{transfer_id}")
    expect(p.locator("#letters ~ table").first).to_contain_text("Notice of transfer and measures")
    page.screenshot("letters-1-transfer-panel")
    p.get_by_role("link", name="Issue letters to a group").click()
    p.get_by_label("Letter type").select_option(label="Notice of transfer and measures")
    page.screenshot("letters-2-batch-form")
    p.get_by_role("button", name="Issue the letters").click()
    p.wait_for_url("**/letters/jobs/*")
    expect(p.locator("#letter-job-progress")).to_have_count(1)
    page.screenshot("letters-3-progress")
    zip_link = p.get_by_role("link", name=f"Download all {len(names)} letters (ZIP)")
    expect(zip_link).to_be_visible(timeout=30000)
    expect(p.locator("#letter-job-message")).to_contain_text("issued and in the register")
    page.screenshot("letters-4-done")
    with p.expect_download() as download:
        zip_link.click()
    data = Path(download.value.path()).read_bytes()
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert len(archive.namelist()) == len(names)
    found = []
    for name in archive.namelist():
        text = PdfReader(io.BytesIO(archive.read(name))).pages[0].extract_text()
        assert "Page 1 of" in text and name.startswith("HR-")
        found.append(next(n for n in names if n in text))
    assert sorted(found) == names
    first = SCREENSHOTS / "letters-pdf-notice.pdf"
    first.write_bytes(archive.read(archive.namelist()[0]))
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "60", str(first), str(SCREENSHOTS / "letters-pdf-notice")], check=True)
    assert page.console_errors == []


def test_the_rep_acknowledges_the_reg13_letter(union_page, live_app):
    page, p = union_page, union_page.page
    page.goto("/union/letters")
    page.screenshot("letters-5-union-letters")
    p.get_by_role("link", name="regulation 13").first.click()
    p.wait_for_url("**/union/letters/*")
    # Another journey may have acknowledged it already: wait for the letter's page to say one or
    # the other before deciding.
    acknowledge = p.get_by_role("button", name="Acknowledge receipt")
    acknowledged = p.locator("main").get_by_text("Acknowledged on")
    expect(acknowledge.or_(acknowledged).first).to_be_visible()
    if acknowledge.is_visible():
        acknowledge.click()
    expect(p.locator("main")).to_contain_text("Acknowledged on")
    p.get_by_label("Our response to the consultation").check()
    p.get_by_label("Response or notes").fill("UNISON would like a meeting about the measures.")
    p.get_by_role("button", name="Record").click()
    expect(p.locator("main")).to_contain_text("UNISON would like a meeting")
    page.screenshot("letters-6-union-letter")
    assert page.console_errors == []
