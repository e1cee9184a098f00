"""Journeys a person takes, in a real headless Chromium. Screenshots go to artifacts/screenshots/."""
from __future__ import annotations

import re

from playwright.sync_api import expect


def test_hr_officer_signs_in_and_sees_the_dashboard(hr_page):
    page, p = hr_page, hr_page.page
    expect(p.get_by_role("heading", level=1)).to_have_text("HR dashboard")
    table = p.get_by_role("table", name="Headcount by service and employer")
    expect(table.get_by_role("row").nth(10)).to_be_attached()  # more than 10 rows
    expect(p.get_by_text("Revenues and Benefits").first).to_be_visible()
    shot = page.screenshot("hr-dashboard")
    assert shot.stat().st_size > 10_000
    # The Content Security Policy blocks nothing the page needs, and no script fails.
    assert page.console_errors == []
    # JavaScript from GOV.UK Frontend ran (it adds this class to <body>).
    expect(p.locator("body")).to_have_class(re.compile(r"(^|\s)govuk-frontend-supported(\s|$)"))


def test_wrong_password_shows_an_error_summary(page):
    page.login("hr@hrtool.example", "definitely-wrong")
    summary = page.page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("The email address or password is not right")
    expect(page.page).to_have_title(re.compile(r"^Error: "))
    page.screenshot("login-error")
    assert page.console_errors == []


def test_employee_sees_only_their_own_record(employee_page):
    page, p = employee_page, employee_page.page
    expect(p.get_by_role("heading", level=1)).to_have_text("My record")
    page.screenshot("employee-my-record")
    terms = p.locator(".govuk-summary-list__row", has_text="Terms").first
    expect(terms).to_contain_text("Protected")
    response = page.goto("/employees/")
    assert response.status == 403
    assert page.console_errors == [] or all("403" in e for e in page.console_errors)


def test_union_rep_sees_aggregates_only(union_page):
    page, p = union_page, union_page.page
    body = p.locator("main")
    expect(body).to_contain_text("Workforce overview")
    expect(body).not_to_contain_text("£", use_inner_text=True)
    page.screenshot("union-overview")
