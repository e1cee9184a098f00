"""Re-authentication that keeps the work, in a browser (issue 15). An employee on protected terms
(a person no other browser test uses, given a login of their own here) records an election after
the password confirmation has lapsed: the password prompt appears in place, and once it is given
the form comes back filled (with the form's own error) or the choice is recorded. Then an HR
officer (also a login made here) countersigns after their confirmation has lapsed: the prompt
appears, the password is given, and the election is countersigned, back on the register, never a
404 on the POST-only countersign address."""
from __future__ import annotations

import re
from datetime import date, timedelta

from playwright.sync_api import expect

from .axe import assert_accessible
from .helpers import Page, add_user, fill_date, first_sign_in, make_confirmation_stale

ELECTOR = "journey.elector@example.org"
COUNTERSIGNER = "journey.countersigner@example.org"
ELECTOR_OWN = "elector own long passphrase"
COUNTERSIGNER_OWN = "countersigner own long passphrase"
PROMPT = "Confirm your password to finish"


def _protected_person(app) -> tuple[str, str, str]:
    """A person of its own for this journey, on protected terms: a markets officer at Stafford
    transferred to Cannock Chase 30 days ago by a transfer made here (the session's demo data has
    only the demo employee on protected terms, whom the transfer journey uses). Returns (person
    number, first name, last name)."""
    from hrtool.extensions import db
    from hrtool.models import Service
    from hrtool.services.tupe import transfers

    from ..factories import assign, council, employ, make_employee, make_post, own_terms, service

    today = date.today()
    start = date(2013, 9, 2)
    with app.app_context():
        db.session.add(Service(name="Reauth Journey Markets", area="Operations"))
        db.session.flush()
        post = make_post("SBC", "Reauth Journey Markets", post_number="RJ-POST-1", title="Markets Officer",
                         je_score=330)
        person = make_employee(person_number="RJ000001", first_name="Rhiannon", last_name="Journey-Elector",
                               continuous_service_date=start)
        employment = employ(person, "SBC", start)
        assign(employment, post, start, None, scp=15, hours="37")
        own_terms(employment, start)
        transfer = transfers.create_transfer({
            "service_id": service("Reauth Journey Markets").id, "transferor_id": council("SBC").id,
            "transferee_id": council("CCDC").id, "transfer_date": today - timedelta(days=30), "legal_basis": "tupe",
            "reasons": "Shared service", "transferor_measures_none": True, "transferee_measures_none": True},
            today - timedelta(days=60))
        transfers.propose_cohort(transfer)
        transfers.confirm_cohort(transfer)
        transfers.complete(transfer, today, reason="Browser journey set-up: its legal steps are not its subject")
        return person.person_number, person.first_name, person.last_name


def _give_password(tab: Page, password: str) -> None:
    p = tab.page
    expect(p.get_by_role("heading", level=1)).to_have_text(PROMPT)
    p.get_by_label("Password", exact=True).fill(password)
    p.get_by_role("button", name="Confirm and continue").click()


def test_an_election_and_its_countersignature_survive_the_password_prompt(admin_page, new_tab, live_app):
    start = date.today() + timedelta(days=40)
    number, first, last = _protected_person(live_app)
    add_user(admin_page, ELECTOR, f"{first} {last}", "Employee", person_number=number)
    add_user(admin_page, COUNTERSIGNER, "Cass Countersigner", "HR officer")

    me, hr = new_tab(), new_tab()
    first_sign_in(me, ELECTOR, ELECTOR_OWN)
    p = me.page
    me.goto("/me/terms")

    # 1. Lapsed confirmation and a date in the past: the prompt, then the form back, filled.
    make_confirmation_stale(p.context, live_app)
    past = date.today() - timedelta(days=2)
    fill_date(p, past)
    p.get_by_label("I understand that this choice cannot be undone").check()
    p.get_by_role("button", name="Record my choice").click()
    expect(p.get_by_role("heading", level=1)).to_contain_text(PROMPT)
    expect(p).to_have_url(re.compile(r"/me/terms$"))
    me.screenshot("reauth-1-employee-prompt")
    assert_accessible(me, "reauth-prompt")
    _give_password(me, ELECTOR_OWN)
    expect(p.locator(".govuk-error-summary")).to_contain_text("The date cannot be in the past")
    expect(p.get_by_label("Day", exact=True)).to_have_value(str(past.day))
    expect(p.get_by_label("Year", exact=True)).to_have_value(str(past.year))
    expect(p.get_by_label("I understand that this choice cannot be undone")).to_be_checked()
    me.screenshot("reauth-2-election-form-back-filled")

    # 2. Lapsed again, a good date, a wrong password first: nothing lost, then recorded.
    make_confirmation_stale(p.context, live_app)
    fill_date(p, start)
    p.get_by_role("button", name="Record my choice").click()
    _give_password(me, "not my password at all")
    expect(p.locator(".govuk-error-summary")).to_contain_text("The password is not right")
    me.screenshot("reauth-3-wrong-password-work-kept")
    assert_accessible(me, "reauth-prompt-error")
    _give_password(me, ELECTOR_OWN)
    expect(p.locator(".govuk-notification-banner--success")).to_contain_text("HR will countersign it")
    expect(p).to_have_url(re.compile(r"/me/terms$"))
    me.screenshot("reauth-4-election-recorded")

    # 3. The HR officer countersigns after their confirmation has lapsed.
    first_sign_in(hr, COUNTERSIGNER, COUNTERSIGNER_OWN)
    h = hr.page
    hr.goto("/protected-terms/")
    make_confirmation_stale(h.context, live_app)
    pending = h.get_by_role("table", name="Elections to countersign")
    expect(pending).to_contain_text(f"{last}, {first}")
    expect(pending).to_contain_text(number)
    h.get_by_role("button", name=f"Countersign the election of {first} {last}").click()
    expect(h.get_by_role("heading", level=1)).to_contain_text(PROMPT)
    hr.screenshot("reauth-5-countersign-prompt")
    _give_password(hr, COUNTERSIGNER_OWN)
    h.wait_for_url("**/protected-terms/")
    expect(h.locator(".govuk-notification-banner--success")).to_contain_text("Election countersigned")
    expect(h.get_by_role("button", name=f"Countersign the election of {first} {last}")).to_have_count(0)
    hr.screenshot("reauth-6-countersigned")

    # The employee now sees the move taking effect, and no second choice is offered.
    me.goto("/me/terms")
    expect(p.get_by_role("heading", level=1)).to_be_visible()
    expect(p.locator("html")).not_to_contain_text("Record my choice")
    expect(p.get_by_role("button", name="Record my choice")).to_have_count(0)
    assert me.console_errors == [] and hr.console_errors == []
