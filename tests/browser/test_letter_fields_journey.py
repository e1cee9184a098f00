"""Letters that read right, checked in a browser (issue 15): before a batch, HR previews what a
transfer's notices will say field by field for a person they choose, with where each value comes
from; an employee on a 390 px phone acknowledges a letter from "My letters"; HR sees the
acknowledgement in the register. Screenshots: artifacts/screenshots/letter-fields-*.png.

Data: a login of this test's own, linked to the person who was sent the demo's first notice of
transfer (the phone layout test's reader is the person sent the latest letter); nothing else is
changed but that letter's acknowledgement."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from hrtool.extensions import db

from ..factories import DEMO_PASSWORDS
from .axe import assert_accessible, scroll_width
from .conftest import Page

HR = "hr@hrtool.example"
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


def test_hr_previews_the_fields_then_an_employee_acknowledges_on_a_phone(page: Page, browser: Any,
                                                                         live_server: str, live_app: Any):
    notice = _first_notice(live_app)
    p = page.page
    page.login(HR, DEMO_PASSWORDS[HR])
    page.goto(f"/letters/batch/transfer/{notice['transfer_id']}")
    p.get_by_role("link", name="Preview the fields").click()
    p.get_by_label("Letter", exact=True).select_option(label="Notice of transfer and measures")
    p.get_by_role("button", name="Show the fields").click()
    p.get_by_label("Show the letter to").select_option(label=f"{notice['name']} ({notice['number']})")
    p.get_by_role("button", name="Show the fields").click()
    main = p.locator("main").inner_text()
    assert f"Notice of transfer and measures to {notice['name']} ({notice['number']})" in main
    assert f"the employee record of {notice['name']} ({notice['number']})" in main
    assert "transfer.service_phrase" in main and "none missing" in main
    page.screenshot("letter-fields-1-preview")
    assert_accessible(page, "letter-fields-preview")
    assert page.console_errors == []

    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    phone = Page(context.new_page(), live_server)
    try:
        phone.login(ACKNOWLEDGER, ACKNOWLEDGER_PASSWORD)
        phone.goto("/me/letters/")
        assert scroll_width(phone) <= 390
        assert_accessible(phone, "letter-fields-my-letters")  # with the acknowledge button
        phone.screenshot("letter-fields-2a-my-letters-on-a-phone")
        row = phone.page.locator("main tbody tr", has_text=notice["reference"])
        row.get_by_role("button", name="Acknowledge receipt").click()
        phone.page.wait_for_load_state("load")
        assert f"you have acknowledged receipt of {notice['reference']}" in phone.page.locator("main").inner_text()
        row = phone.page.locator("main tbody tr", has_text=notice["reference"])
        assert "Acknowledged" in row.inner_text() and row.get_by_role("button").count() == 0
        assert scroll_width(phone) <= 390
        phone.screenshot("letter-fields-2b-acknowledged-on-a-phone")
        assert_accessible(phone, "letter-fields-acknowledged")
        assert phone.console_errors == []
    finally:
        context.close()

    page.goto(f"/letters/?q={notice['reference']}")
    register = p.locator("main table").inner_text()
    assert notice["reference"] in register and "by the employee" in register
    page.screenshot("letter-fields-3-register")
