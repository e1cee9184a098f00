"""Grading in the browser: the same job under both councils' bands, and an increment dry run.
Screenshots: artifacts/screenshots/grading-*.png."""
from __future__ import annotations

from playwright.sync_api import expect


def test_increment_dry_run_and_comparison(hr_page):
    page, p = hr_page, hr_page.page
    p.get_by_role("link", name="Pay and grading").first.click()
    p.get_by_role("link", name="Same job, different pay").click()
    expect(p.get_by_role("heading", level=1)).to_have_text("Same job, different pay")
    expect(p.get_by_role("table", name="Totals by the post's council")).to_be_visible()
    page.screenshot("grading-same-job-different-pay")

    p.get_by_role("link", name="Increment runs").click()
    p.get_by_label("Employer").select_option(label="Cannock Chase District Council")
    p.get_by_label("Day", exact=True).fill("1")
    p.get_by_label("Month", exact=True).fill("4")
    p.get_by_label("Year", exact=True).fill("2027")
    p.get_by_role("button", name="Preview").click()
    expect(p.get_by_role("heading", level=2).first).to_contain_text("run for 1 April 2027 (1 April rule)")
    movers = p.get_by_role("table", name="Would move")
    stays = p.get_by_role("table", name="Would not move")
    expect(movers.locator("tbody tr").first).to_be_visible()  # one at least
    expect(stays).to_contain_text("at the top of")
    page.screenshot("grading-increment-dry-run")
    expect(p.get_by_role("button", name="Apply increments")).to_be_visible()
    assert page.console_errors == []
