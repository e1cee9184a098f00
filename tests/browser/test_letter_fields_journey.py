"""Letters that read right, checked in a browser (issue 15): before a batch, HR previews what a
transfer's notices will say field by field for a person they choose, with where each value comes
from; an employee on a 390 px phone acknowledges a letter from "My letters"; HR sees the
acknowledgement in the register. Screenshots: artifacts/screenshots/letter-fields-*.png.

Data: a login of this test's own, linked to the person who was sent the demo's first notice of
transfer (the phone layout test's reader is the person sent the latest letter); nothing else is
changed but that letter's acknowledgement."""
from __future__ import annotations

from typing import Any

from playwright.sync_api import expect
from sqlalchemy import select

from hrtool.extensions import db

from .axe import assert_accessible, scroll_width
from .helpers import Page

ACKNOWLEDGER = "letter-acknowledger@hrtool.example"
ACKNOWLEDGER_PASSWORD = "a long letter acknowledger passphrase 15"


def _first_notice(app: Any) -> dict[str, Any]:
    from hrtool.models import Employee, Letter, User
    from hrtool.services.accounts import accounts
    from hrtool.services.platform.unit_of_work import unit_of_work

    with app.app_context():
        letter = db.session.scalars(select(Letter).where(Letter.letter_type == "transfer_notice")
                                    .order_by(Letter.id)).first()
        assert letter is not None, "the demo data sends notices of transfer"
        person = db.session.get(Employee, letter.employee_id)
        if db.session.scalar(select(User.id).where(User.username == ACKNOWLEDGER)) is None:
            with unit_of_work():
                accounts.create_user(ACKNOWLEDGER, person.full_name, ACKNOWLEDGER_PASSWORD, "employee",
                                     employee_id=person.id)
        return {"reference": letter.reference, "transfer_id": letter.transfer_id, "name": person.full_name,
                "number": person.person_number}


def test_hr_previews_the_fields_then_an_employee_acknowledges_on_a_phone(hr_page: Page, phone: Page,
                                                                         live_app: Any):
    notice = _first_notice(live_app)
    page, p = hr_page, hr_page.page
    page.goto(f"/letters/batch/transfer/{notice['transfer_id']}")
    p.get_by_role("link", name="Preview the fields").click()
    p.get_by_label("Letter", exact=True).select_option(label="Notice of transfer and measures")
    p.get_by_role("button", name="Show the fields").click()
    p.get_by_label("Show the letter to").select_option(label=f"{notice['name']} ({notice['number']})")
    p.get_by_role("button", name="Show the fields").click()
    main = p.locator("main")
    for text in (f"Notice of transfer and measures to {notice['name']} ({notice['number']})",
                 f"the employee record of {notice['name']} ({notice['number']})", "transfer.service_phrase",
                 "none missing"):
        expect(main).to_contain_text(text, use_inner_text=True)
    page.screenshot("letter-fields-1-preview")
    assert_accessible(page, "letter-fields-preview")
    assert page.console_errors == []

    phone.login(ACKNOWLEDGER, ACKNOWLEDGER_PASSWORD)
    phone.goto("/me/letters/")
    row = phone.page.locator("main tbody tr", has_text=notice["reference"])
    expect(row.get_by_role("button", name="Acknowledge receipt")).to_be_visible()
    assert scroll_width(phone) <= 390
    assert_accessible(phone, "letter-fields-my-letters")  # with the acknowledge button
    phone.screenshot("letter-fields-2a-my-letters-on-a-phone")
    row.get_by_role("button", name="Acknowledge receipt").click()
    expect(phone.page.locator("main")).to_contain_text(f"you have acknowledged receipt of {notice['reference']}")
    expect(row).to_contain_text("Acknowledged")
    expect(row.get_by_role("button")).to_have_count(0)
    assert scroll_width(phone) <= 390
    phone.screenshot("letter-fields-2b-acknowledged-on-a-phone")
    assert_accessible(phone, "letter-fields-acknowledged")
    assert phone.console_errors == []

    page.goto(f"/letters/?q={notice['reference']}")
    register = p.locator("main table")
    expect(register).to_contain_text(notice["reference"])
    expect(register).to_contain_text("by the employee")
    page.screenshot("letter-fields-3-register")
