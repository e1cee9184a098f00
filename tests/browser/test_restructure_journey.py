"""The restructure journey in a browser (issue 6): HR opens the demo senior restructure, sees
both org charts, fills part of the job match grid, runs the joint policy, sees each person's
route with its reasons, overrides one with a reason and records an appointment (on a lower
salary, so pay protection follows). Screenshots: artifacts/screenshots/restructure-*.png."""
from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from hrtool.extensions import db
from hrtool.models import Restructure


def _posts(app):
    with app.app_context():
        restructure = db.session.scalar(select(Restructure).where(Restructure.name == "Senior structure 2023"))
        return restructure.id, {(p.side, p.title.split(" (")[0]): p.id for p in restructure.posts}


def test_hr_assimilates_the_senior_structure(hr_page, live_app):
    page, p = hr_page, hr_page.page
    _, posts = _posts(live_app)
    body = p.locator("body")
    p.get_by_role("link", name="Restructures").first.click()
    p.get_by_role("link", name="Senior structure 2023").click()
    p.wait_for_url("**/restructures/*")
    expect(p.get_by_role("heading", name="Overview")).to_be_visible()
    expect(body).to_contain_text("12.0 FTE, £1,328,000.00")
    expect(body).to_contain_text("10.0 FTE, £1,240,000.00")
    page.screenshot("restructure-1-overview")

    # Both org charts.
    p.get_by_role("link", name="Org charts").click()
    p.wait_for_url("**/charts")
    expect(p.locator(".rs-tree")).to_have_count(2)
    expect(p.locator(".rs-post")).to_have_count(22)
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
    expect(p.locator(".govuk-notification-banner")).to_contain_text("Job matches saved (1 changed)")

    # Run the policy: every person's route, with why.
    p.get_by_role("link", name="Routes", exact=True).click()
    p.get_by_role("button", name="Run the policy").click()
    expect(p.locator(".govuk-notification-banner")).to_contain_text("The joint policy was applied")
    hr_row = p.locator("tr", has_text="Head of Human Resources")
    expect(hr_row).to_contain_text("Assimilation (slot-in)")
    expect(hr_row).to_contain_text("match 72% ≥ 70%, salary not lower, only candidate")
    ce_row = p.locator("tr", has_text="Chief Executive (Cannock").first
    expect(ce_row).to_contain_text("2 candidates for 1 place (a tie): ring-fenced selection")
    expect(p.locator("tr", has_text="Head of Communities")).to_be_visible()
    expect(body).to_contain_text("Suitable alternative employment")
    expect(body).to_contain_text("At risk of redundancy")
    page.screenshot("restructure-4-routes")

    # Override one: the Stafford Head of Development, at risk, joins a selection for the planning post.
    dev_row = p.locator("tr", has_text="Head of Development")
    expect(dev_row).to_contain_text("At risk of redundancy")
    dev_row.get_by_role("link", name="Override").click()
    p.get_by_role("button", name="Save route").click()
    expect(p.locator(".govuk-error-summary")).to_contain_text("Enter the reason for overriding")
    p.get_by_label("Ring-fenced selection").check()
    p.get_by_label("New post").select_option(label="Head of Economic Development and Planning")
    p.get_by_label("Reason for overriding the policy's route").fill(
        "Agreed at joint consultation: planning work is 60% of the new post, so the postholder competes for it.")
    page.screenshot("restructure-5-override")
    p.get_by_role("button", name="Save route").click()
    dev_row = p.locator("tr", has_text="Head of Development")
    expect(dev_row).to_contain_text("Set by HR")
    expect(dev_row).to_contain_text("Agreed at joint consultation")

    # An appointment from the ring-fenced pool for Law and Governance, on a lower salary.
    p.get_by_role("link", name="Appointments", exact=True).click()
    p.get_by_label("New post").select_option(label="Head of Law and Governance and Monitoring Officer")
    p.get_by_label("Current postholder").select_option(index=0)
    option = p.locator("#employee_id option", has_text="Head of Law and Administration")
    expect(option).to_be_attached()
    p.get_by_label("Current postholder").select_option(value=option.get_attribute("value"))
    p.get_by_label("Appointed", exact=True).check()
    p.get_by_label("Day", exact=True).fill("1")
    p.get_by_label("Month", exact=True).fill("4")
    p.get_by_label("Year", exact=True).fill("2027")
    p.get_by_label("Full-time annual salary (£)").fill("75000")
    p.get_by_role("button", name="Record").click()
    expect(p.locator(".govuk-notification-banner")).to_contain_text("A pay protection record was created")
    row = p.locator("tr", has_text="Head of Law and Governance and Monitoring Officer").last
    expect(row).to_contain_text("£75,000.00")
    expect(row).to_contain_text("Protected from 1 April 2027")
    page.screenshot("restructure-6-appointment")

    # Costing with the arithmetic, and redundancy for those still at risk.
    p.get_by_role("link", name="Costing", exact=True).click()
    p.wait_for_url("**/costing")
    expect(body).to_contain_text("£88,000.00")
    expect(body).to_contain_text("6.63%")
    page.screenshot("restructure-7-costing")
    p.get_by_role("link", name="Redundancy", exact=True).click()
    p.wait_for_url("**/redundancy")
    expect(p.locator("caption").first).to_contain_text("at risk")
    page.screenshot("restructure-8-redundancy")
