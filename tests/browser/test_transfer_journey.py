"""The TUPE journey in a browser (issue 5): HR creates a transfer, sees the timeline with the
employee liability information due 28 clear days before (issue 14: the transfer date minus 29;
on a planned transfer whose last day is a Sunday after New Year's Day, the working day to plan
by), records an objection, runs the dry run and
completes it; the people transferred show the new employer, the same continuous service date
and protected terms equal to what they had the day before. Then an employee on protected terms
elects onto the lead authority's terms and HR countersigns. Screenshots: artifacts/screenshots/tupe-*.png."""
from __future__ import annotations

import re
from datetime import date, timedelta

from playwright.sync_api import expect
from sqlalchemy import func, select

from hrtool.extensions import db
from hrtool.models import Assignment, Council, Employment, Post, Service, ServiceLead, Transfer

from .helpers import fill_date, sign_in


def _service_with_two_staff(app):
    """A phase-2 service whose staff at the non-lead council number at least two today."""
    today = date.today()
    with app.app_context():
        rows = db.session.execute(
            select(Service.name, Council.name, Employment.employer_id, ServiceLead.lead_council_id, func.count())
            .select_from(Assignment).join(Employment).join(Post).join(Service)
            .join(ServiceLead, ServiceLead.service_id == Service.id).join(Council, Council.id == Employment.employer_id)
            .where(ServiceLead.status == "proposed", Employment.employer_id != ServiceLead.lead_council_id,
                   Assignment.effective_from <= today, Assignment.effective_to.is_(None), Employment.end_date.is_(None))
            .group_by(Service.name, Council.name, Employment.employer_id, ServiceLead.lead_council_id)
            .having(func.count() >= 2).order_by(Service.name)).first()
        lead = db.session.get(Council, rows[3]).name
    return rows[0], rows[1], lead


def test_hr_runs_a_transfer_to_completion(hr_page, live_app):
    page, p = hr_page, hr_page.page
    service, transferor, transferee = _service_with_two_staff(live_app)
    p.get_by_role("link", name="Transfers").first.click()
    p.get_by_role("link", name="Plan a transfer").click()
    p.get_by_label("Service").select_option(label=service)
    p.get_by_label("Transferor (the council the staff leave)").select_option(label=transferor)
    p.get_by_label("Transferee (the lead authority)").select_option(label=transferee)
    today = date.today()
    fill_date(p, today)
    p.get_by_label("TUPE 2006").check()
    p.get_by_label("Reasons for the transfer").fill("Sharing the service under the lead authority model.")
    # Required because the transfer's letters use them (issue 15).
    p.get_by_label("Legal, economic and social implications").fill("The employer changes; terms are protected.")
    p.get_by_label("Agency workers (numbers, roles)").fill("There are no agency workers in the service.")
    p.get_by_label("The transferor envisages no measures").check()
    p.get_by_label("The transferee envisages no measures").check()
    page.screenshot("tupe-1-new-transfer")
    p.get_by_role("button", name="Create transfer").click()

    # The timeline: employee liability information by the last day leaving 28 clear days before
    # the transfer date, the transfer date minus 29 days (TUPE reg. 11(6)).
    expect(p.locator(".govuk-notification-banner")).to_contain_text("created")
    eli_due = today - timedelta(days=29)
    eli_row = p.locator("#checklist ~ table tr", has_text="Employee liability information")
    expect(eli_row).to_contain_text(f"{eli_due.day} {eli_due:%B %Y}")
    expect(eli_row).to_contain_text("Overdue")
    page.screenshot("tupe-2-transfer-timeline")
    transfer_url = p.url

    # A demo transfer planned for Monday 1 February 2027: its employee liability information is due
    # by Sunday 3 January 2027 (1 February - 29 days); Saturday 2 January and New Year's Day (Friday
    # 1 January, a bank holiday) come before it, so it is planned for Thursday 31 December 2026.
    with live_app.app_context():
        planned = db.session.scalars(select(Transfer.id).where(
            Transfer.status == "planned", Transfer.transfer_date == date(2027, 2, 1))).first()
    page.goto(f"/transfers/{planned}")
    eli_row = p.locator("#checklist ~ table tr", has_text="Employee liability information")
    expect(eli_row).to_contain_text(
        "Due by Sunday 3 January 2027; plan for Thursday 31 December 2026: Friday 1 January is a bank holiday")
    # Before the regulation 13 letter (reg. 13(4)).
    expect(p.locator("#checklist ~ table tbody tr").first).to_have_text(re.compile(r"^\s*Transferee's measures"),
                                                                     use_inner_text=True)
    page.screenshot("tupe-2b-plan-by-a-working-day")
    p.goto(transfer_url)

    # Record an objection for the first person, after seeing the consequence.
    p.get_by_role("link", name="Record objection").first.click()
    expect(p.locator(".govuk-warning-text")).to_contain_text("not a dismissal")
    heading = p.get_by_role("heading", level=1)
    expect(heading).to_contain_text(" objects to transferring")
    objector = heading.inner_text().replace(" objects to transferring", "")
    fill_date(p, today)
    p.get_by_label("I have explained the consequence").check()
    page.screenshot("tupe-3-objection")
    p.get_by_role("button", name="Record objection").click()
    expect(p.locator(".govuk-notification-banner")).to_contain_text(f"Objection recorded for {objector}")

    p.get_by_role("button", name="Confirm the cohort").click()
    p.get_by_role("link", name="Check completion (dry run)").click()
    plan = p.get_by_role("table", name="people")  # beside it, the legal steps (issue 15)
    for text in ("employment ends (objected)", "transfers", "continuous service date stays"):
        expect(plan).to_contain_text(text)
    page.screenshot("tupe-4-dry-run")
    # Planned today, its legal steps cannot have been met in time: completing needs a reason (issue 15).
    p.get_by_label("Reason for completing with steps not met").fill("Test journey: the steps are not its subject.")
    p.get_by_role("button", name="Complete the transfer").click()
    expect(p.locator(".govuk-notification-banner")).to_contain_text("completed")

    # A transferred person: new employer, same continuous service date, protected terms.
    cohort = p.locator("table", has_text="Transferred")
    person = cohort.locator("tr", has_text="Transferred").first.locator("th a")
    person.click()
    record = p.locator(".govuk-summary-list").first
    for text in (transferee, "Protected", transferor.replace(" District Council", "").replace(" Council", "")):
        expect(record).to_contain_text(text)
    page.screenshot("tupe-5-transferred-person")
    assert page.console_errors == []


def test_employee_elects_and_hr_countersigns(employee_page, new_tab):
    me = employee_page
    me.page.get_by_role("link", name="My terms").click()
    table = me.page.get_by_role("table", name="Protected terms and the lead authority's terms")
    expect(table).to_contain_text("Annual leave")
    me.screenshot("tupe-6-my-terms-side-by-side")
    start = date.today() + timedelta(days=30)
    fill_date(me.page, start)
    me.page.get_by_label("I understand that this choice cannot be undone").check()
    me.page.get_by_role("button", name="Record my choice").click()
    expect(me.page.locator(".govuk-notification-banner")).to_contain_text("HR will countersign it")
    expect(me.page.get_by_role("button", name="Record my choice")).to_have_count(0)  # no second election offered
    me.screenshot("tupe-7-election-recorded")

    hr = sign_in(new_tab(), "hr")
    hr.page.get_by_role("link", name="Protected terms").first.click()
    hr.page.get_by_role("button", name="Countersign").first.click()
    expect(hr.page.locator(".govuk-notification-banner")).to_contain_text("Election countersigned")
    hr.screenshot("tupe-8-countersigned")

    me.page.get_by_role("link", name="My record").click()
    history = me.page.get_by_role("table", name="History")
    expect(history).to_contain_text(f"{start.day} {start:%B %Y}")
    expect(history).to_contain_text("Own terms")
    me.screenshot("tupe-9-timeline-after-election")
    # Now on the lead authority's terms: nothing left to elect.
    me.page.get_by_role("link", name="My terms").click()
    expect(me.page.get_by_role("heading", level=1)).to_have_text("My terms and conditions")
    expect(me.page.get_by_role("button", name="Record my choice")).to_have_count(0)
