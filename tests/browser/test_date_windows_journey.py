"""Dates within sense in a browser (issue 13): an HR officer plans a transfer dated 01/01/1900 and
is refused with a clear message naming the field and its plausible window; everything they typed
is still there to correct. Nothing is saved. Screenshot: artifacts/screenshots/date-windows-*.png."""
from __future__ import annotations

import re
from datetime import date

from playwright.sync_api import expect
from sqlalchemy import func, select

from hrtool.domain.date_windows import years_from
from hrtool.extensions import db
from hrtool.models import Service, Transfer


def _transfers(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Transfer))


def test_hr_is_refused_a_transfer_dated_1900_and_keeps_what_they_typed(hr_page, live_app):
    page, p = hr_page, hr_page.page
    with live_app.app_context():
        service = db.session.scalars(select(Service.name).order_by(Service.name)).first()
    before = _transfers(live_app)
    p.get_by_role("link", name="Transfers").first.click()
    p.get_by_role("link", name="Plan a transfer").click()
    p.get_by_label("Service").select_option(label=service)
    p.get_by_label("Transferor (the council the staff leave)").select_option(label="Stafford Borough Council")
    p.get_by_label("Transferee (the lead authority)").select_option(label="Cannock Chase District Council")
    p.get_by_label("Day", exact=True).fill("01")
    p.get_by_label("Month", exact=True).fill("01")
    p.get_by_label("Year", exact=True).fill("1900")
    p.get_by_label("TUPE 2006").check()
    p.get_by_label("Reasons for the transfer").fill("Sharing the service under the lead authority model.")
    p.get_by_label("The transferor envisages no measures").check()
    p.get_by_label("The transferee envisages no measures").check()
    p.get_by_role("button", name="Create transfer").click()

    # Refused: the error summary and the field itself say which date and what window.
    last = years_from(date.today(), 5, leap_day_to_march=False)
    message = ("The transfer date must be on or after 1 April 1974 and no more than 5 years ahead "
               f"(by {last.day} {last:%B %Y})")
    summary = p.locator(".govuk-error-summary")
    expect(summary).to_contain_text(message)
    expect(p.locator("#transfer_date-error")).to_contain_text(message)
    # The summary's link takes the officer to the field.
    expect(summary.get_by_role("link", name=message)).to_have_attribute("href", re.compile(r"^#transfer_date"))
    # What they typed is still there.
    expect(p.get_by_label("Day", exact=True)).to_have_value("01")
    expect(p.get_by_label("Month", exact=True)).to_have_value("01")
    expect(p.get_by_label("Year", exact=True)).to_have_value("1900")
    expect(p.get_by_label("Reasons for the transfer")).to_have_value("Sharing the service under the lead authority model.")
    expect(p.get_by_label("Service").locator("option:checked")).to_have_text(service)
    expect(p.get_by_label("The transferor envisages no measures")).to_be_checked()
    page.screenshot("date-windows-1-transfer-1900-refused")
    assert _transfers(live_app) == before  # nothing saved
    assert page.console_errors == []
