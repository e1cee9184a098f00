"""Big pages paginate (issue 17), in the browser: the arrears run shows its summary and a page
of people, and "Next" shows the next people. It changes nothing but adds an arrears run (a job).
Screenshots: artifacts/screenshots/big-pages-*.png."""
from __future__ import annotations

from ..factories import DEMO_PASSWORDS


def test_the_arrears_run_pages_through_the_people(page):
    p = page.page
    page.login("hr@hrtool.example", DEMO_PASSWORDS["hr@hrtool.example"])
    p.wait_for_url("**/hr/")
    p.get_by_role("link", name="Pay and grading").first.click()
    p.get_by_role("link", name="Pay awards").first.click()
    p.get_by_role("link", name="Arrears").first.click()
    p.get_by_label("Day", exact=True).fill("1")
    p.get_by_label("Month", exact=True).fill("11")
    p.get_by_label("Year", exact=True).fill("2024")
    p.get_by_role("button", name="Work out arrears").click()
    # Working them out is a job (issue 17): its page says what it found and links to the run.
    p.wait_for_url("**/jobs/*")
    assert "Arrears for the 2024/25 pay award, first paid on 1 November 2024" in p.locator("#job-outcome").inner_text()
    page.screenshot("big-pages-arrears-job")
    p.get_by_role("link", name="See the arrears").click()
    p.wait_for_url("**/arrears?*")
    p.goto(p.url + "&per_page=25")
    people = p.get_by_role("table", name="Arrears by person")
    assert people.locator("tbody tr").count() == 25
    assert "page 1 of" in people.locator("caption").inner_text()
    assert "Arrears are owed for 7 months: April 2024 to October 2024" in p.locator("main").inner_text()
    first = people.locator("tbody tr").first.inner_text()
    page.screenshot("big-pages-arrears-page-1")
    p.get_by_role("navigation", name="Pagination").get_by_role("link", name="Next").click()
    people = p.get_by_role("table", name="Arrears by person")
    assert "page 2 of" in people.locator("caption").inner_text()
    assert people.locator("tbody tr").count() <= 25 and people.locator("tbody tr").first.inner_text() != first
    assert "per_page=25" in p.url and "first_paid_on=11" in p.url
    page.screenshot("big-pages-arrears-page-2")
