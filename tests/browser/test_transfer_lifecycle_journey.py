"""Transfers through their whole life in a browser (issue 15). HR tries to issue the regulation
13 letters for a transfer planned without its agency workers' text: the batch is refused before
it starts, naming the field, with a link to edit the transfer; HR edits it (with a reason), the
batch issues; HR marks the cohort's records checked in bulk and writes to everyone not yet
written to; a second edit makes issued letters out of date and HR is shown which; then HR
withdraws the transfer. On a second transfer, past its date with its legal steps unmet, the
completion guard lists them; completing needs a reason, which is recorded and shown to HR and to
the union. Screenshots: artifacts/screenshots/transfer-life-*.png; axe-core runs on the new pages
(no serious or critical violation).

Each test makes its own transfers of made-up services, used by no other browser test."""
from __future__ import annotations

from datetime import date, timedelta

from playwright.sync_api import expect
from sqlalchemy import select

from hrtool.extensions import db
from hrtool.models import Letter, Service, Transfer
from hrtool.services.tupe import transfers

from ..factories import assign, council, employ, make_employee, make_post, own_terms, service
from .axe import assert_accessible
from .helpers import sign_in, unexpected


def _transfer(app, name: str, on: date, confirm: bool = False) -> tuple[int, str]:
    """A planned transfer of SBC's made-up service `name` (three people) to CCDC, its agency
    workers left blank, as transfers planned before the field was required were."""
    with app.app_context():
        db.session.add(Service(name=name, area="Operations"))
        db.session.flush()
        post = make_post("SBC", name, title="Attendant", je_score=300)
        for last in ("Hale", "Irwin", "Jones"):
            person = make_employee(last_name=f"{last}-{name.split()[-1]}")
            employment = employ(person, "SBC", date(2016, 4, 4))
            assign(employment, post, date(2016, 4, 4), None, scp=12)
            own_terms(employment, date(2016, 4, 4))
        transfer = transfers.create_transfer({
            "service_id": service(name).id, "transferor_id": council("SBC").id, "transferee_id": council("CCDC").id,
            "transfer_date": on, "legal_basis": "tupe", "reasons": "Sharing the service under the lead authority model.",
            "implications": "The employer changes; terms and continuity of service are protected.",
            "agency_workers": "", "transferor_measures_none": True, "transferee_measures_none": True}, date.today())
        transfers.propose_cohort(transfer)
        if confirm:
            transfers.confirm_cohort(transfer)
        db.session.commit()
        return transfer.id, transfer.reference


def test_a_refused_batch_the_edit_that_fixes_it_and_a_withdrawal(hr_page, live_app):
    page, p = hr_page, hr_page.page
    transfer_id, reference = _transfer(live_app, "Test Lidos", date.today() + timedelta(days=150))
    page.goto(f"/transfers/{transfer_id}")
    expect(p.locator("#blank-for-letters")).to_contain_text("cannot be issued until it holds")
    page.screenshot("transfer-life-1-transfer-needs-agency-workers")

    # The batch is refused before it starts: the field named, not "Line 19".
    p.get_by_role("link", name="Issue letters to a group").click()
    p.get_by_label("Letter type").select_option(label="TUPE regulation 13 information and consultation letter")
    p.get_by_role("button", name="Issue the letters").click()
    missing = p.locator("#missing-fields")
    expect(missing).to_contain_text("{{ transfer.agency_workers }}")
    expect(p.locator("html")).not_to_contain_text("Line 19")
    page.screenshot("transfer-life-2-batch-refused")

    # Edit the transfer from the refusal: the field, and why.
    missing.get_by_role("link", name="Edit the transfer to give it").click()
    p.get_by_label("Agency workers (numbers, roles)").fill("Two agency lifeguards, May to September.")
    p.get_by_label("Reason for the change").fill("The agency workers were left out when the transfer was planned.")
    page.screenshot("transfer-life-3-edit")
    assert_accessible(page, "transfer-life-edit")
    p.get_by_role("button", name="Save changes").click()
    expect(p.locator(".govuk-notification-banner")).to_contain_text("Agency workers")
    expect(p.locator("#blank-for-letters")).to_have_count(0)

    # The batch now issues.
    p.get_by_role("link", name="Issue letters to a group").click()
    p.get_by_label("Letter type").select_option(label="TUPE regulation 13 information and consultation letter")
    p.get_by_role("button", name="Issue the letters").click()
    p.wait_for_url("**/letters/jobs/**")
    expect(p.locator("#letter-job-message")).to_contain_text("are issued and in the register")
    page.screenshot("transfer-life-4-batch-issued")

    # Bulk actions on the cohort: records checked for the employee liability information, and a
    # notice to everyone not yet written to.
    page.goto(f"/transfers/{transfer_id}")
    p.get_by_role("link", name="Mark many people's records as checked").click()
    expect(p.locator("input[name=members]:checked")).to_have_count(3)  # those not yet checked, ticked
    page.screenshot("transfer-life-4b-eli-checked-in-bulk")
    assert_accessible(page, "transfer-life-eli-checked")
    p.get_by_role("button", name="Mark as checked").click()
    expect(p.locator(".govuk-notification-banner")).to_contain_text("3 people marked as checked")
    p.get_by_role("link", name="Write to everyone not yet written to").click()
    expect(p.locator("main")).to_contain_text("3 people in the cohort have no notice of transfer yet.")
    p.get_by_label("Notice of transfer, to each person in the cohort not yet written to").check()
    page.screenshot("transfer-life-4c-write-to-those-not-yet-written-to")
    p.get_by_role("button", name="Issue the letters").click()
    p.wait_for_url("**/letters/jobs/**")
    expect(p.locator("#letter-job-message")).to_contain_text("are issued and in the register")

    # A change to what the issued letters said: HR is shown which letters, and offered a correction.
    page.goto(f"/transfers/{transfer_id}/edit")
    p.get_by_label("Agency workers (numbers, roles)").fill("Three agency lifeguards, May to September.")
    p.get_by_label("Reason for the change").fill("Miscounted: there are three.")
    p.get_by_role("button", name="Save changes").click()
    p.wait_for_url(f"**/transfers/{transfer_id}/letters/affected")
    table = p.get_by_role("table")
    expect(table).to_contain_text("Two agency lifeguards")
    expect(table).to_contain_text("Three agency lifeguards")
    expect(p.get_by_role("link", name="Issue a correction").first).to_be_visible()
    page.screenshot("transfer-life-5-letters-to-correct")

    # Withdraw it.
    page.goto(f"/transfers/{transfer_id}")
    p.get_by_role("link", name="Withdraw the transfer").click()
    p.get_by_role("button", name="Withdraw the transfer").click()  # nothing ticked: refused, nothing lost
    expect(p.locator(".govuk-error-summary")).to_contain_text("Enter why the transfer is withdrawn")
    p.get_by_label("Why the transfer is withdrawn").fill("The councils decided to keep the lidos separate.")
    p.get_by_label("I understand the cohort is released").check()
    page.screenshot("transfer-life-6-withdraw")
    p.get_by_role("button", name="Withdraw the transfer").click()
    banner = p.locator("#withdrawn")
    expect(banner).to_contain_text("withdrawn on")
    expect(banner).to_contain_text("keep the lidos separate")
    expect(p.get_by_role("link", name="Change the transfer")).to_have_count(0)
    expect(p.locator("table", has_text="Person number")).to_contain_text("Released (withdrawn)")
    page.screenshot("transfer-life-7-withdrawn")
    assert_accessible(page, "transfer-life-withdrawn")
    page.goto("/transfers/")
    expect(p.locator("tr", has_text=reference)).to_contain_text("Withdrawn")
    with live_app.app_context():
        sent = db.session.scalars(select(Letter).where(Letter.transfer_id == transfer_id,
                                                       Letter.letter_type == "transfer_withdrawn")).all()
        assert sent and all(letter.union_id for letter in sent)
    assert unexpected(page.console_errors) == []


def test_the_completion_guard_lists_unmet_steps_and_records_the_reason(hr_page, live_app, new_tab):
    page, p = hr_page, hr_page.page
    transfer_id, reference = _transfer(live_app, "Test Boathouses", date.today() - timedelta(days=2), confirm=True)
    page.goto(f"/transfers/{transfer_id}")
    p.get_by_role("link", name="Check completion (dry run)").click()
    guard = p.locator("#guard")
    for text in ("Employee liability information given in time (reg. 11(6))", "Unmet",
                 "Letters issued to every person transferring and every recognised union"):
        expect(guard).to_contain_text(text)
    page.screenshot("transfer-life-8-completion-guard")
    assert_accessible(page, "transfer-life-completion-guard")
    p.get_by_role("button", name="Complete the transfer").click()  # no reason: refused, nothing changes
    expect(p.locator(".govuk-error-summary")).to_contain_text("give the reason for completing")
    with live_app.app_context():
        assert db.session.get(Transfer, transfer_id).status == "planned"
    p.get_by_label("Reason for completing with steps not met").fill(
        "The councils moved the service on this date; consultation was held in meetings not recorded here.")
    p.get_by_role("button", name="Complete the transfer").click()
    expect(p.locator(".govuk-notification-banner")).to_contain_text("not met, recorded with your reason")
    recorded = p.locator("#completed-unmet")
    expect(recorded).to_contain_text("legal steps not met")
    expect(recorded).to_contain_text("consultation was held in meetings")
    page.screenshot("transfer-life-9-completed-with-reason")
    page.goto("/transfers/")
    expect(p.locator("tr", has_text=reference)).to_contain_text("steps not met")

    rep = sign_in(new_tab(), "union_rep")
    rep.goto(f"/union/transfers/{transfer_id}")
    seen = rep.page.locator("#completed-unmet")
    expect(seen).to_contain_text("legal steps not met")
    expect(seen).to_contain_text("consultation was held in meetings")
    # The union sees the steps, never the people (not in the page's text nor in its markup).
    expect(rep.page.locator("html")).not_to_contain_text("Hale-Boathouses")
    expect(rep.page.locator("[href*='Hale-Boathouses' i], [value*='Hale-Boathouses' i], "
                            "[aria-label*='Hale-Boathouses' i], [title*='Hale-Boathouses' i]")).to_have_count(0)
    rep.screenshot("transfer-life-10-union-sees-the-reason")
    assert unexpected(page.console_errors) == [] and rep.console_errors == []
