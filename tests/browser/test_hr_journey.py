"""Journeys a person takes, in a real headless Chromium. Screenshots go to artifacts/screenshots/."""
from __future__ import annotations

from ..factories import DEMO_PASSWORDS


def test_hr_officer_signs_in_and_sees_the_dashboard(page):
    page.login("hr@hrtool.example", DEMO_PASSWORDS["hr@hrtool.example"])
    page.page.wait_for_url("**/hr/")
    heading = page.page.get_by_role("heading", level=1)
    assert heading.inner_text() == "HR dashboard"
    table = page.page.get_by_role("table", name="Headcount by service and employer")
    assert table.get_by_role("row").count() > 10
    assert page.page.get_by_text("Revenues and Benefits").first.is_visible()
    shot = page.screenshot("hr-dashboard")
    assert shot.stat().st_size > 10_000
    # The Content Security Policy blocks nothing the page needs, and no script fails.
    assert page.console_errors == []
    # JavaScript from GOV.UK Frontend ran (it adds this class to <body>).
    assert "govuk-frontend-supported" in page.page.locator("body").get_attribute("class")


def test_wrong_password_shows_an_error_summary(page):
    page.login("hr@hrtool.example", "definitely-wrong")
    summary = page.page.locator(".govuk-error-summary")
    assert summary.is_visible()
    assert "The email address or password is not right" in summary.inner_text()
    assert page.page.title().startswith("Error: ")
    page.screenshot("login-error")
    assert page.console_errors == []


def test_employee_sees_only_their_own_record(page):
    page.login("employee@hrtool.example", DEMO_PASSWORDS["employee@hrtool.example"])
    page.page.wait_for_url("**/me/")
    assert page.page.get_by_role("heading", level=1).inner_text() == "My record"
    page.screenshot("employee-my-record")
    terms = page.page.locator(".govuk-summary-list__row", has_text="Terms").first
    assert "Protected" in terms.inner_text()
    response = page.goto("/employees/")
    assert response.status == 403
    assert page.console_errors == [] or all("403" in e for e in page.console_errors)


def test_union_rep_sees_aggregates_only(page):
    page.login("unison@hrtool.example", DEMO_PASSWORDS["unison@hrtool.example"])
    page.page.wait_for_url("**/union/")
    body = page.page.locator("main").inner_text()
    assert "Workforce overview" in body and "£" not in body
    page.screenshot("union-overview")
