"""Big pages paginate (issue 17), in the browser: the arrears run shows its summary and a page
of people, and "Next" shows the next people. It changes nothing but adds an arrears run (a job).
Screenshots: artifacts/screenshots/big-pages-*.png."""
from __future__ import annotations

import re

from playwright.sync_api import expect


def test_the_arrears_run_pages_through_the_people(hr_page):
    page, p = hr_page, hr_page.page
    p.get_by_role("link", name="Pay and grading").first.click()
    p.get_by_role("link", name="Pay awards").first.click()
    p.get_by_role("link", name="Arrears").first.click()
    p.get_by_label("Day", exact=True).fill("1")
    p.get_by_label("Month", exact=True).fill("11")
    p.get_by_label("Year", exact=True).fill("2024")
    p.get_by_role("button", name="Work out arrears").click()
    # Working them out is a job (issue 17): its page says what it found and links to the run.
    p.wait_for_url("**/jobs/*")
    expect(p.locator("#job-outcome")).to_contain_text(
        "Arrears for the 2024/25 pay award, first paid on 1 November 2024")
    page.screenshot("big-pages-arrears-job")
    p.get_by_role("link", name="See the arrears").click()
    p.wait_for_url("**/arrears?*")
    p.goto(p.url + "&per_page=25")
    people = p.get_by_role("table", name="Arrears by person")
    expect(people.locator("tbody tr")).to_have_count(25)
    expect(people.locator("caption")).to_contain_text("page 1 of")
    expect(p.locator("main")).to_contain_text("Arrears are owed for 7 months: April 2024 to October 2024")
    first = people.locator("tbody tr").first.inner_text()  # to tell page 2's first row from it
    page.screenshot("big-pages-arrears-page-1")
    p.get_by_role("navigation", name="Pagination").get_by_role("link", name="Next").click()
    people = p.get_by_role("table", name="Arrears by person")
    expect(people.locator("caption")).to_contain_text("page 2 of")
    expect(people.locator("tbody tr").nth(25)).to_have_count(0)  # 25 at most
    expect(people.locator("tbody tr").first).not_to_have_text(first, use_inner_text=True)
    expect(p).to_have_url(re.compile(r"per_page=25"))
    expect(p).to_have_url(re.compile(r"first_paid_on=11"))
    page.screenshot("big-pages-arrears-page-2")
