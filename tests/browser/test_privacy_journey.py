"""Data protection in a browser (issue 10): HR opens a record and sees who viewed it; the
Retention page; an employee downloads everything held about them. Screenshots:
artifacts/screenshots/privacy-*.png."""
from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from playwright.sync_api import expect
from sqlalchemy import select

from hrtool.extensions import db
from hrtool.models import Employee, User

from .helpers import USERS


def test_hr_sees_who_viewed_a_record_and_the_retention_page(hr_page, live_app):
    page, p = hr_page, hr_page.page
    with live_app.app_context():
        person = db.session.scalar(select(Employee).order_by(Employee.id).offset(3).limit(1))
        person_id, name = person.id, person.full_name
    page.goto(f"/employees/{person_id}")
    page.goto(f"/employees/{person_id}")
    expect(p.get_by_role("heading", name="Who viewed this record")).to_be_visible()
    p.get_by_role("link", name="Every view of this record").click()
    p.wait_for_url(f"**/employees/{person_id}/views")
    expect(p.get_by_role("heading", name="Who viewed this record")).to_be_visible()
    expect(p.get_by_text("Employee record").first).to_be_visible()
    page.screenshot("privacy-1-who-viewed")
    p.get_by_role("link", name=f"Back to {name}").click()
    p.get_by_role("link", name=f"Export everything held about {name} (subject access request)").click()
    expect(p.get_by_role("heading", name="Export everything held about this person")).to_be_visible()
    page.screenshot("privacy-2-hr-subject-access")
    p.get_by_role("link", name="Employees").first.click()
    p.get_by_role("link", name="Leavers' records due for deletion").click()
    expect(p.get_by_role("heading", name="Leavers' records due for deletion")).to_be_visible()
    page.screenshot("privacy-3-retention")
    assert page.console_errors == []


def test_an_employee_downloads_their_data(employee_page, live_app, tmp_path):
    page, p = employee_page, employee_page.page
    p.get_by_role("link", name="Download everything HR holds about you").click()
    expect(p.get_by_role("heading", name="Download everything HR holds about you")).to_be_visible()
    page.screenshot("privacy-4-my-data")
    with p.expect_download() as download:
        p.get_by_text("Download my data (ZIP)").click()
    assert page.console_errors == []
    archive = zipfile.ZipFile(io.BytesIO(Path(download.value.path()).read_bytes()))
    data = json.loads(archive.read("data.json"))
    with live_app.app_context():
        own = db.session.scalar(select(User.employee_id).where(User.username == USERS["employee"]))
    assert data["sections"]["employees"][0]["id"] == own
    # The readable index, opened from disk as the person would (outside the app and its CSP).
    index = tmp_path / "index.html"
    index.write_bytes(archive.read("index.html"))
    p.goto(index.as_uri())
    expect(p.get_by_role("heading", name="Your employments").or_(p.get_by_text("Your employments")).first).to_be_visible()
    page.screenshot("privacy-5-export-index")
