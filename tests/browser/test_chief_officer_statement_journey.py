"""A chief officer's pay protection statement (issue 13), in a browser: text, table and PDF agree.

HR builds a senior restructure through the pages: a Cannock Chase head of service on local pay
(£78,400 a year, no spinal column point) in the current structure, a head of service post banded
£75,000 to £85,000 in the proposed one, and appoints the head to it on £75,000 from 1 April next
year. The statement, worked by hand from CCDC's illustrative tapered policy (12 months at 100%,
then 12 at 50% of the difference fixed in cash; DOMAIN.md 3.5):

  difference 78,400 - 75,000 = £3,400 a year: 3,400 / 12 = 283.333 -> £283.33 a month for the
  first 12 months; half, £1,700 a year: 1,700 / 12 = 141.667 -> £141.67 a month for the next 12.
  Local pay takes no spine award, so the new salary stays £75,000 and protection runs 24 months.

The page's words, its table and the downloaded PDF must all say that (before issue 13 the words
said 24 months while the table ended after 12 "because the new salary reaches the old", and the
PDF printed "Grade £78,400 to £75,000 to £85,000").

Screenshots: artifacts/screenshots/protection-chief-*.png, the PDF's first page as
protection-chief-4-statement-1.png."""
from __future__ import annotations

import re
import subprocess
from datetime import date

from playwright.sync_api import expect
from pypdf import PdfReader
from sqlalchemy import select

from hrtool.extensions import db
from hrtool.models import Assignment, Council, Employee, Employment, Post

from .helpers import SCREENSHOTS, fill_date, one_line

RESTRUCTURE = "Senior structure review (chief officer statement test)"


def _chief_officer(app) -> tuple[str, str, str]:
    """A Cannock Chase head of service on £78,400 local pay: name, post number and title."""
    with app.app_context():
        person, post = db.session.execute(
            select(Employee, Post).join(Employment, Employment.employee_id == Employee.id)
            .join(Council, Council.id == Employment.employer_id)
            .join(Assignment, Assignment.employment_id == Employment.id).join(Post, Post.id == Assignment.post_id)
            .where(Council.code == "CCDC", Assignment.local_salary == 78400, Assignment.effective_to.is_(None),
                   Employment.end_date.is_(None), Post.title.like("Head of Housing%"))
            .limit(1)).one()
        return person.full_name, post.post_number, post.title


def test_a_chief_officers_statement_says_the_same_in_words_table_and_pdf(hr_page, live_app, tmp_path):
    page, p = hr_page, hr_page.page
    name, post_number, post_title = _chief_officer(live_app)
    start = date(date.today().year + 1, 4, 1)
    half_from, last_day = date(start.year + 1, 4, 1), date(start.year + 2, 3, 31)
    p.get_by_role("link", name="Restructures").first.click()
    p.get_by_role("link", name="New restructure").click()
    p.get_by_label("Name").fill(RESTRUCTURE)
    p.get_by_label("What is changing and why").fill("A shared head of regulatory services.")
    fill_date(p, start)
    p.get_by_role("button", name="Create restructure").click()
    p.get_by_role("link", name="Org charts").click()
    p.get_by_role("link", name="Add a post").click()
    p.get_by_label("Current", exact=True).check()
    p.get_by_label("Post title").fill(post_title)
    p.get_by_label("Establishment post number").fill(post_number)
    p.get_by_role("button", name="Add post").click()
    expect(p.locator(".govuk-notification-banner")).to_contain_text("added to the current structure")
    p.get_by_role("link", name="Add a post").click()
    p.get_by_label("Proposed", exact=True).check()
    p.get_by_label("Post title").fill("Head of Regulatory Services")
    p.get_by_label("Salary band from (£ a year)").fill("75000")
    p.get_by_label("Salary band to (£ a year)").fill("85000")
    p.get_by_role("button", name="Add post").click()
    p.get_by_role("link", name="Appointments", exact=True).click()
    p.get_by_label("New post").select_option(label="Head of Regulatory Services")
    p.get_by_label("Current postholder").select_option(label=f"{name} ({post_title})")
    p.get_by_label("Appointed", exact=True).check()
    p.get_by_label("Full-time annual salary (£)").fill("75000")
    p.get_by_role("button", name="Record").click()
    expect(p.locator(".govuk-notification-banner")).to_contain_text("A pay protection record was created")
    page.screenshot("protection-chief-1-appointment")
    p.get_by_role("link", name=f"Protected from {start.day} {start:%B %Y}").click()
    p.wait_for_url("**/protection/*")

    # The words.
    words = p.locator(".govuk-inset-text")
    expect(words).to_contain_text(
        f"yours is protected for 24 months, from {start:%-d %B %Y} to {last_day:%-d %B %Y}", use_inner_text=True)
    expect(words).to_contain_text(
        f"from {start:%-d %B %Y} to {date(start.year + 1, 3, 31):%-d %B %Y}, the whole of it (£3,400.00 a year); "
        f"then from {half_from:%-d %B %Y} to {last_day:%-d %B %Y}, half of it (£1,700.00 a year)", use_inner_text=True)
    expect(words).to_contain_text(f"Your last day of protection is {last_day:%-d %B %Y}", use_inner_text=True)
    expect(words).to_contain_text("not on the national pay spine", use_inner_text=True)
    expect(words).not_to_contain_text("reaches your old salary", use_inner_text=True)
    # The facts.
    summary = p.locator(".govuk-summary-list")
    for fact in ("Protected for 24 months", f"Last day of protection {last_day:%-d %B %Y}",
                 "Local pay (not on the pay spine), band £75,000 to £85,000: £75,000.00 a year full-time"):
        expect(summary).to_contain_text(fact, use_inner_text=True)
    expect(summary).not_to_contain_text("Grade £", use_inner_text=True)
    # The table: 24 months, £75,000 new salary throughout, £283.33 then £141.67.
    rows = p.get_by_role("table", name="Schedule month by month").locator("tbody tr")
    months = [date(start.year + (start.month - 1 + n) // 12, (start.month - 1 + n) % 12 + 1, 1) for n in range(24)]
    assert months[12] == half_from and months[-1] == date(last_day.year, 3, 1)
    expect(rows).to_have_text([re.compile(rf"^\s*{month:%B %Y}[\s\S]*£75,000\.00[\s\S]*{re.escape(paid)}\s*$")
                               for month, paid in zip(months, ["£283.33"] * 12 + ["£141.67"] * 12)],
                              use_inner_text=True)
    page.screenshot("protection-chief-2-statement-page")

    # The PDF says the same.
    with p.expect_download() as download:
        p.get_by_role("link", name="Download the statement (PDF)").click()
    pdf = tmp_path / "statement.pdf"
    download.value.save_as(pdf)
    text = one_line(" ".join(page_.extract_text() for page_ in PdfReader(str(pdf)).pages))
    section = text[text.index(f"Protection from {start:%-d %B %Y}"):]
    for phrase in (f"yours is protected for 24 months, from {start:%-d %B %Y} to {last_day:%-d %B %Y}",
                   "the whole of it (£3,400.00 a year)", f"then from {half_from:%-d %B %Y}",
                   "half of it (£1,700.00 a year)", f"Your last day of protection is {last_day:%-d %B %Y}",
                   "Local pay (not on the pay spine), band £75,000 to £85,000"):
        assert phrase in section, phrase
    table_part = section[section.index("Paid that month"):]
    assert table_part.count("£283.33") == 12 and table_part.count("£141.67") == 12
    assert "Grade £78,400" not in text and "reaches your old salary" not in section
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(SCREENSHOTS / "protection-chief-4-statement")],
                   check=True)
    assert page.console_errors == []
