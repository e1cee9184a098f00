"""Rules as data in a browser: an administrator adds next year's redundancy week's pay cap from
a date, first with a mistake (kept, with the error shown), then correctly, and finds both values
in its history; then opens a new version of the joint assimilation policy, whose form is made from
the policy's own values. Screenshots: artifacts/screenshots/rules-*.png."""
from __future__ import annotations

from playwright.sync_api import expect

from ..factories import DEMO_PASSWORDS

ADMIN = "admin@hrtool.example"


def test_an_administrator_adds_a_dated_limit_and_opens_a_policy_version(page):
    p = page.page
    page.login(ADMIN, DEMO_PASSWORDS[ADMIN])
    p.get_by_role("link", name="Pay and grading").first.click()
    p.get_by_role("link", name="Reference data").click()
    p.get_by_role("link", name="Add a new value of statutory redundancy week pay cap").click()

    p.get_by_label("Day", exact=True).fill("6")
    p.get_by_label("Month", exact=True).fill("4")
    p.get_by_label("Year", exact=True).fill("2028")
    p.get_by_label("New value (£)").fill("eight hundred")
    p.get_by_label("Reason for the change").fill("Employment Rights (Increase of Limits) Order 2028")
    p.get_by_role("button", name="Save").click()
    expect(p.locator(".govuk-error-summary")).to_be_visible()
    assert p.get_by_label("Reason for the change").input_value() == "Employment Rights (Increase of Limits) Order 2028"
    page.screenshot("rules-1-limit-error")
    # The refused form answers 400, which Chromium logs as a failed load: expected here.
    page.console_errors[:] = [e for e in page.console_errors if "400 (BAD REQUEST)" not in e]

    p.get_by_label("New value (£)").fill("800.00")
    p.get_by_role("button", name="Save").click()
    assert "£800.00 saved from 06/04/2028" in p.locator(".govuk-notification-banner").inner_text()
    history = p.locator("main").inner_text()
    assert "6 April 2028" in history and "Employment Rights (Increase of Limits) Order 2028" in history
    page.screenshot("rules-2-limit-history")

    # Straight to the reference page: its back link is also named "Reference data", so clicking
    # through Pay and grading raced the click against the navigation (flaky under load).
    page.goto("/admin/reference")
    with p.expect_navigation():  # count() below does not wait: look only once the form's page is loaded
        p.locator("tr", has_text="ssimilation").get_by_role("link", name="New version").first.click()
    p.get_by_label("Reason for the change").wait_for()
    form = p.locator("main form")
    assert form.locator("input[type=text]").count() >= 3  # one box per value of the policy
    assert p.get_by_label("Reason for the change").is_visible()
    page.screenshot("rules-3-policy-form")
    assert page.console_errors == []
