"""Pay protection in a browser (issue 7).

1. HR builds a small restructure through the pages (the demo employee's post in the current
   structure, a lower-banded post in the proposed one) and records the employee's appointment to
   the new post on a lower salary: the protection is created by the appointment, shows on the pay
   protection dashboard, and the employee sees it under "My pay protection".
2. HR records a protection by hand with a reason, reads its schedule and uses the calculator; the
   employee downloads the PDF statement.

Screenshots: artifacts/screenshots/protection-*.png, the statement's first page as
protection-5-statement-1.png."""
from __future__ import annotations

import re
import subprocess
from datetime import date

from playwright.sync_api import expect
from sqlalchemy import select

from hrtool.extensions import db
from hrtool.models import Employee, Post, User
from hrtool.services.people.employees import current_assignment
from hrtool.services.people.records import spine_on

from .helpers import SCREENSHOTS, USERS, fill_date, sign_in, sign_out

EMPLOYEE = USERS["employee"]


def _demo_person(app):
    start = date.today().replace(day=1)
    with app.app_context():
        employee_id = db.session.scalar(select(User.employee_id).where(User.username == EMPLOYEE))
        person = db.session.get(Employee, employee_id)
        assignment = current_assignment(employee_id, start)
        _, spine = spine_on(start)
        new = spine[assignment.scp]
        old = spine[assignment.scp + 3]
        return person.person_number, person.full_name, start, old, new, assignment.hours_per_week


def _demo_post(app) -> tuple[str, str]:
    with app.app_context():
        employee_id = db.session.scalar(select(User.employee_id).where(User.username == EMPLOYEE))
        assignment = current_assignment(employee_id, date.today())
        post = db.session.get(Post, assignment.post_id)
        return post.post_number, post.title


def test_a_restructure_appointment_protects_pay_on_the_dashboard_and_for_the_employee(hr_page, live_app):
    page, p = hr_page, hr_page.page
    _number, name, start, _old, new, _hours = _demo_person(live_app)
    post_number, post_title = _demo_post(live_app)
    start = date(start.year + 1, 4, 1)  # the new structure starts next April
    salary = (new - 1000).quantize(1)
    p.get_by_role("link", name="Restructures").first.click()
    p.get_by_role("link", name="New restructure").click()
    p.get_by_label("Name").fill("Team review (browser test)")
    p.get_by_label("What is changing and why").fill("Two posts merge into one at a lower grade.")
    fill_date(p, start)
    p.get_by_role("button", name="Create restructure").click()
    expect(p.locator(".govuk-notification-banner")).to_contain_text("Add the posts of both structures next")

    # The current structure: the employee's establishment post, so its holder comes with it.
    p.get_by_role("link", name="Org charts").click()
    p.get_by_role("link", name="Add a post").click()
    p.get_by_label("Current", exact=True).check()
    p.get_by_label("Post title").fill(post_title)
    p.get_by_label("Establishment post number").fill(post_number)
    p.get_by_role("button", name="Add post").click()
    expect(p.locator(".govuk-notification-banner")).to_contain_text("added to the current structure")
    # The proposed structure: one post on a lower band.
    p.get_by_role("link", name="Add a post").click()
    p.get_by_label("Proposed", exact=True).check()
    p.get_by_label("Post title").fill("Team Coordinator")
    p.get_by_label("Salary band from (£ a year)").fill(str(salary - 2000))
    p.get_by_label("Salary band to (£ a year)").fill(str(salary + 2000))
    p.get_by_role("button", name="Add post").click()
    expect(p.locator(".govuk-notification-banner")).to_contain_text("Team Coordinator added to the proposed structure")
    page.screenshot("protection-0a-restructure-charts")

    # The appointment on a lower salary creates the protection.
    p.get_by_role("link", name="Appointments", exact=True).click()
    p.get_by_label("New post").select_option(label="Team Coordinator")
    p.get_by_label("Current postholder").select_option(label=f"{name} ({post_title})")
    p.get_by_label("Appointed", exact=True).check()
    p.get_by_label("Full-time annual salary (£)").fill(str(salary))
    p.get_by_role("button", name="Record").click()
    expect(p.locator(".govuk-notification-banner")).to_contain_text("A pay protection record was created")
    row = p.locator("tr", has_text="Team Coordinator").last
    expect(row).to_contain_text(name)
    expect(row).to_contain_text(f"Protected from {start.day} {start:%B %Y}")
    page.screenshot("protection-0b-appointment")

    # On the pay protection dashboard, from the restructure.
    p.get_by_role("link", name="Pay protection").first.click()
    p.wait_for_url("**/protection/")
    later = p.get_by_role("table", name="Protections starting later")
    ours = later.locator("tr", has_text="Team review (browser test)")
    expect(ours).to_have_count(1)
    expect(ours).to_contain_text(name)
    expect(ours).to_contain_text(f"{start.day} {start:%B %Y}")
    page.screenshot("protection-0c-dashboard")

    # And in the employee's own view.
    sign_out(page)
    sign_in(page, "employee")
    p.get_by_role("link", name="My pay protection").click()
    p.wait_for_url("**/me/protection/")
    heading = p.get_by_role("heading", name=f"protection from {start.day} {start:%B %Y}")
    expect(heading).to_have_count(1)
    expect(p.locator("main")).to_contain_text(re.compile("Team Coordinator|Team review"), use_inner_text=True)
    page.screenshot("protection-0d-my-protection")
    assert page.console_errors == []


def test_a_protection_recorded_by_hand_shows_on_the_dashboard_and_to_the_employee(hr_page, live_app, tmp_path):
    page, p = hr_page, hr_page.page
    number, name, start, old, new, hours = _demo_person(live_app)
    p.get_by_role("link", name="Pay protection").first.click()
    p.get_by_role("link", name="Record a protection by hand").click()
    p.get_by_label("Person number").fill(number)
    p.get_by_label("Restructure", exact=True).check()
    fill_date(p, start)
    p.get_by_label("Old salary, full-time, a year (£)").fill(str(old))
    p.get_by_label("New salary, full-time, a year (£)").fill(str(new))
    p.get_by_label("Contractual hours a week").fill(str(hours))
    p.get_by_label("Reason", exact=True).fill("Restructure appointment: Planning and Regeneration Officer in the new structure")
    page.screenshot("protection-1-record")
    p.get_by_role("button", name="Record the protection").click()

    expect(p.locator(".govuk-notification-banner")).to_contain_text(f"Pay protection recorded for {name}")
    expect(p.locator("body")).to_contain_text("Schedule month by month")
    difference = old - new
    expect(p.locator(".govuk-inset-text")).to_contain_text(f"£{difference:,.2f}")
    page.screenshot("protection-2-record-schedule")

    p.get_by_role("link", name="Pay protection").first.click()
    p.wait_for_url("**/protection/")
    everyone = p.get_by_role("table", name="Everyone protected today")
    expect(everyone).to_contain_text(name)
    expect(everyone).to_contain_text("Restructure")
    expect(p.locator("body")).to_contain_text("Cost by council and financial year")
    page.screenshot("protection-3-dashboard")

    p.get_by_role("link", name="Protection calculator").click()
    p.get_by_label("Council").select_option(label="Cannock Chase District Council")
    p.get_by_label("Spinal column point before the move").fill("25")
    p.get_by_label("Spinal column point after the move").fill("20")
    p.get_by_label("Day", exact=True).fill("1")
    p.get_by_label("Month", exact=True).fill("10")
    p.get_by_label("Year", exact=True).fill("2024")
    p.get_by_role("button", name="Calculate").click()
    p.wait_for_url("**/calculator?*")
    # CCDC tapered: £35,235 - £31,586 = £3,649 a year for 12 months (£304.08 a month), then half.
    expect(p.locator("main")).to_contain_text("1 October 2026")
    expect(p.locator("body")).to_contain_text("£304.08")
    page.screenshot("protection-6-calculator")
    assert page.console_errors == []

    sign_out(page)
    sign_in(page, "employee")
    p.get_by_role("link", name="My pay protection").click()
    p.wait_for_url("**/me/protection/")
    heading = p.get_by_role("heading", name=f"protection from {start.day} {start:%B %Y}")
    expect(heading).to_have_count(1)
    body = p.locator("main")
    for text in ("restructure", "Your pay is protected until", f"£{difference:,.2f}"):
        expect(body).to_contain_text(text, use_inner_text=True)
    page.screenshot("protection-4-my-protection")
    with p.expect_download() as download:
        p.get_by_role("link", name="Download your pay protection statement (PDF)").click()
    pdf = tmp_path / "statement.pdf"
    download.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf),
                    str(SCREENSHOTS / "protection-5-statement")], check=True)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    assert "Your pay protection statement" in text and name in text and "Page 1 of" in text
    assert page.console_errors == []
