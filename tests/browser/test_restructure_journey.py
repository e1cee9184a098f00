"""The restructure journey in a browser (issue 6): HR opens the demo senior restructure, sees
both org charts, fills part of the job match grid, runs the joint policy, sees each person's
route with its reasons, overrides one with a reason and records an appointment (on a lower
salary, so pay protection follows). Screenshots: artifacts/screenshots/restructure-*.png."""
from __future__ import annotations

from sqlalchemy import select

from hrtool.extensions import db
from hrtool.models import Restructure

from ..factories import DEMO_PASSWORDS

HR = "hr@hrtool.example"


def _posts(app):
    with app.app_context():
        restructure = db.session.scalar(select(Restructure).where(Restructure.name == "Senior structure 2023"))
        return restructure.id, {(p.side, p.title.split(" (")[0]): p.id for p in restructure.posts}


def test_hr_assimilates_the_senior_structure(page, live_app):
    p = page.page
    _, posts = _posts(live_app)
    page.login(HR, DEMO_PASSWORDS[HR])
    p.wait_for_url("**/hr/")
    p.get_by_role("link", name="Restructures").first.click()
    p.get_by_role("link", name="Senior structure 2023").click()
    p.wait_for_url("**/restructures/*")
    p.get_by_role("heading", name="Overview").wait_for()
    assert "12.0 FTE, £1,328,000.00" in p.content() and "10.0 FTE, £1,240,000.00" in p.content()
    page.screenshot("restructure-1-overview")

    # Both org charts.
    p.get_by_role("link", name="Org charts").click()
    p.wait_for_url("**/charts")
    assert p.locator(".rs-tree").count() == 2
    assert p.locator(".rs-post").count() == 22
    page.screenshot("restructure-2-org-charts")

    # Part of the grid: the Stafford Head of Human Resources against the new Head of Transformation.
    p.get_by_role("link", name="Job matching").click()
    p.wait_for_url("**/matches")
    cell = f"{posts[('current', 'Head of Human Resources')]}_{posts[('proposed', 'Head of Transformation')]}"
    p.locator(f"#m_{cell}").fill("72")
    p.locator(f"#n_{cell}").fill("HR, ICT and performance")
    p.locator(f"#m_{cell}").scroll_into_view_if_needed()
    page.screenshot("restructure-3-match-grid")
    p.get_by_role("button", name="Save job matches").click()
    assert "Job matches saved (1 changed)" in p.locator(".govuk-notification-banner").inner_text()

    # Run the policy: every person's route, with why.
    p.get_by_role("link", name="Routes", exact=True).click()
    p.get_by_role("button", name="Run the policy").click()
    assert "The joint policy was applied" in p.locator(".govuk-notification-banner").inner_text()
    hr_row = p.locator("tr", has_text="Head of Human Resources")
    assert "Assimilation (slot-in)" in hr_row.inner_text()
    assert "match 72% ≥ 70%, salary not lower, only candidate" in hr_row.inner_text()
    ce_row = p.locator("tr", has_text="Chief Executive (Cannock").first
    assert "2 candidates for 1 place (a tie): ring-fenced selection" in ce_row.inner_text()
    p.locator("tr", has_text="Head of Communities").wait_for()
    assert "Suitable alternative employment" in p.content() and "At risk of redundancy" in p.content()
    page.screenshot("restructure-4-routes")

    # Override one: the Stafford Head of Development, at risk, joins a selection for the planning post.
    dev_row = p.locator("tr", has_text="Head of Development")
    assert "At risk of redundancy" in dev_row.inner_text()
    dev_row.get_by_role("link", name="Override").click()
    p.get_by_role("button", name="Save route").click()
    assert "Enter the reason for overriding" in p.locator(".govuk-error-summary").inner_text()
    p.get_by_label("Ring-fenced selection").check()
    p.get_by_label("New post").select_option(label="Head of Economic Development and Planning")
    p.get_by_label("Reason for overriding the policy's route").fill(
        "Agreed at joint consultation: planning work is 60% of the new post, so the postholder competes for it.")
    page.screenshot("restructure-5-override")
    p.get_by_role("button", name="Save route").click()
    dev_row = p.locator("tr", has_text="Head of Development")
    assert "Set by HR" in dev_row.inner_text() and "Agreed at joint consultation" in dev_row.inner_text()

    # An appointment from the ring-fenced pool for Law and Governance, on a lower salary.
    p.get_by_role("link", name="Appointments", exact=True).click()
    p.get_by_label("New post").select_option(label="Head of Law and Governance and Monitoring Officer")
    p.get_by_label("Current postholder").select_option(index=0)
    option = p.locator("#employee_id option", has_text="Head of Law and Administration").get_attribute("value")
    p.get_by_label("Current postholder").select_option(value=option)
    p.get_by_label("Appointed", exact=True).check()
    p.get_by_label("Day", exact=True).fill("1")
    p.get_by_label("Month", exact=True).fill("4")
    p.get_by_label("Year", exact=True).fill("2027")
    p.get_by_label("Full-time annual salary (£)").fill("75000")
    p.get_by_role("button", name="Record").click()
    assert "A pay protection record was created" in p.locator(".govuk-notification-banner").inner_text()
    row = p.locator("tr", has_text="Head of Law and Governance and Monitoring Officer").last
    assert "£75,000.00" in row.inner_text() and "Protected from 1 April 2027" in row.inner_text()
    page.screenshot("restructure-6-appointment")

    # Costing with the arithmetic, and redundancy for those still at risk.
    p.get_by_role("link", name="Costing", exact=True).click()
    p.wait_for_url("**/costing")
    assert "£88,000.00" in p.content() and "6.63%" in p.content()
    page.screenshot("restructure-7-costing")
    p.get_by_role("link", name="Redundancy", exact=True).click()
    p.wait_for_url("**/redundancy")
    assert "at risk" in p.locator("caption").first.inner_text()
    page.screenshot("restructure-8-redundancy")
