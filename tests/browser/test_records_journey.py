"""The HR officer's records journey (issue 3): search, filter, open a person, change their hours
from a future date with a reason, and find the new dated record on the timeline and in the audit
log. Screenshots: artifacts/screenshots/records-*.png."""
from __future__ import annotations

import re
from datetime import date, timedelta
from urllib.parse import quote_plus

from playwright.sync_api import expect

from .helpers import fill_date


def test_change_hours_from_a_future_date(hr_page):
    page, p = hr_page, hr_page.page
    p.get_by_role("link", name="Employees").first.click()

    # Filter: Stafford Borough, full-time, working here.
    p.get_by_label("Employer").select_option(label="Stafford Borough")
    p.get_by_label("Hours").select_option(label="Full-time")
    p.get_by_role("button", name="Apply filters").click()
    p.wait_for_url("**employer=SBC**")
    table = p.get_by_role("table")
    expect(table).to_contain_text("Stafford Borough")
    first_link = table.locator("tbody th a").first
    expect(first_link).to_have_text(re.compile(r"^[^,]+, "))
    name = first_link.inner_text()  # "Last, First"
    last_name = name.split(",")[0]
    page.screenshot("records-1-filtered")

    # Search for that person by name.
    p.get_by_label("Name or person number").fill(last_name)
    p.get_by_role("button", name="Apply filters").click()
    p.wait_for_url(lambda url: "q=" + quote_plus(last_name) in url)
    p.get_by_role("link", name=name).first.click()
    expect(p.get_by_role("heading", level=1)).to_have_text(" ".join(reversed(name.split(", "))))
    page.screenshot("records-2-employee")

    # Change hours from a future date, with a reason.
    p.get_by_role("link", name="Change post, hours or pay from a date").click()
    start = date.today() + timedelta(days=45)
    fill_date(p, start)
    p.get_by_label("Contracted hours a week").fill("29.5")
    p.get_by_label("Reason for the change").fill("Flexible working request agreed by the service manager")
    page.screenshot("records-3-change-form")
    p.get_by_role("button", name="Save change").click()

    # Back on the person's page: a success banner and the new dated record on the timeline.
    expect(p.locator(".govuk-notification-banner")).to_contain_text("Change saved")
    history = p.get_by_role("table", name="History")
    new_row = history.locator("tr", has_text="29.5 hours a week").first
    for text in (f"{start.day} {start:%B %Y}", "Flexible working request", "Harriet Officer"):
        expect(new_row).to_contain_text(text)
    # The record it replaces now ends the day before.
    day_before = start - timedelta(days=1)
    expect(history).to_contain_text(f"{day_before.day} {day_before:%B %Y}")
    page.screenshot("records-4-timeline")

    # And in the audit log.
    p.get_by_role("link", name="Audit log").click()
    log = p.get_by_role("table")
    expect(log).to_contain_text("Flexible working request agreed by the service manager")
    expect(log).to_contain_text(re.compile(r"Hours per week: 29\.50?"))
    page.screenshot("records-5-audit-log")
    assert page.console_errors == []


def test_error_summary_keeps_what_was_typed(hr_page):
    page, p = hr_page, hr_page.page
    page.goto("/employees/")
    p.locator("tbody th a").first.click()
    p.get_by_role("link", name="Change post, hours or pay from a date").click()
    p.get_by_label("Day", exact=True).fill("31")
    p.get_by_label("Month", exact=True).fill("2")
    p.get_by_label("Year", exact=True).fill("2027")
    p.get_by_label("Contracted hours a week").fill("60")
    p.get_by_role("button", name="Save change").click()
    summary = p.locator(".govuk-error-summary")
    for text in ("must be a real date", "Hours a week must be between 0.5 and 48", "Enter the reason for the change"):
        expect(summary).to_contain_text(text)
    expect(p.get_by_label("Contracted hours a week")).to_have_value("60")
    expect(p.get_by_label("Day", exact=True)).to_have_value("31")
    page.screenshot("records-6-errors")
