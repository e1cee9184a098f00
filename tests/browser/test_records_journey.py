"""The HR officer's records journey (issue 3): search, filter, open a person, change their hours
from a future date with a reason, and find the new dated record on the timeline and in the audit
log. Screenshots: artifacts/screenshots/records-*.png."""
from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import quote_plus

from playwright.sync_api import expect

from ..factories import DEMO_PASSWORDS


def test_change_hours_from_a_future_date(page):
    p = page.page
    page.login("hr@hrtool.example", DEMO_PASSWORDS["hr@hrtool.example"])
    p.wait_for_url("**/hr/")
    p.get_by_role("link", name="Employees").first.click()

    # Filter: Stafford Borough, full-time, working here.
    p.get_by_label("Employer").select_option(label="Stafford Borough")
    p.get_by_label("Hours").select_option(label="Full-time")
    p.get_by_role("button", name="Apply filters").click()
    # Wait for the filtered page itself: reading the table straight after the click can catch
    # the old page, or the new one half-parsed.
    p.wait_for_url("**employer=SBC**")
    p.wait_for_load_state()
    table = p.get_by_role("table")
    expect(table).to_contain_text("Stafford Borough")
    first_link = table.locator("tbody th a").first
    name = first_link.inner_text()  # "Last, First"
    last_name = name.split(",")[0]
    page.screenshot("records-1-filtered")

    # Search for that person by name.
    p.get_by_label("Name or person number").fill(last_name)
    p.get_by_role("button", name="Apply filters").click()
    p.wait_for_url(lambda url: "q=" + quote_plus(last_name) in url)
    p.get_by_role("link", name=name).first.click()
    heading = p.get_by_role("heading", level=1).inner_text()
    assert heading == " ".join(reversed(name.split(", ")))
    page.screenshot("records-2-employee")

    # Change hours from a future date, with a reason.
    p.get_by_role("link", name="Change post, hours or pay from a date").click()
    start = date.today() + timedelta(days=45)
    p.get_by_label("Day", exact=True).fill(str(start.day))
    p.get_by_label("Month", exact=True).fill(str(start.month))
    p.get_by_label("Year", exact=True).fill(str(start.year))
    p.get_by_label("Contracted hours a week").fill("29.5")
    p.get_by_label("Reason for the change").fill("Flexible working request agreed by the service manager")
    page.screenshot("records-3-change-form")
    p.get_by_role("button", name="Save change").click()

    # Back on the person's page: a success banner and the new dated record on the timeline.
    assert "Change saved" in p.locator(".govuk-notification-banner").inner_text()
    history = p.get_by_role("table", name="History")
    new_row = history.locator("tr", has_text="29.5 hours a week").first
    assert f"{start.day} {start:%B %Y}" in new_row.inner_text()
    assert "Flexible working request" in new_row.inner_text()
    assert "Harriet Officer" in new_row.inner_text()
    # The record it replaces now ends the day before.
    day_before = start - timedelta(days=1)
    assert f"{day_before.day} {day_before:%B %Y}" in history.inner_text()
    page.screenshot("records-4-timeline")

    # And in the audit log.
    p.get_by_role("link", name="Audit log").click()
    log = p.get_by_role("table").inner_text()
    assert "Flexible working request agreed by the service manager" in log
    assert "Hours per week: 29.50" in log or "Hours per week: 29.5" in log
    page.screenshot("records-5-audit-log")
    assert page.console_errors == []


def test_error_summary_keeps_what_was_typed(page):
    p = page.page
    page.login("hr@hrtool.example", DEMO_PASSWORDS["hr@hrtool.example"])
    p.wait_for_url("**/hr/")
    page.goto("/employees/")
    p.locator("tbody th a").first.click()
    p.get_by_role("link", name="Change post, hours or pay from a date").click()
    p.get_by_label("Day", exact=True).fill("31")
    p.get_by_label("Month", exact=True).fill("2")
    p.get_by_label("Year", exact=True).fill("2027")
    p.get_by_label("Contracted hours a week").fill("60")
    p.get_by_role("button", name="Save change").click()
    summary = p.locator(".govuk-error-summary").inner_text()
    assert "must be a real date" in summary
    assert "Hours a week must be between 0.5 and 48" in summary
    assert "Enter the reason for the change" in summary
    assert p.get_by_label("Contracted hours a week").input_value() == "60"
    assert p.get_by_label("Day", exact=True).input_value() == "31"
    page.screenshot("records-6-errors")
