"""Issue 19 in a browser: letters read as web pages. The demo employee opens "My letters", follows
"Read the letter (web page)" beside the PDF and reads their statement of protected terms (its
subject the page's heading, its table with column headers); the UNISON rep opens a regulation 13
letter to their union and reads it the same way. The page is in British English; axe-core finds no
serious or critical violation, on a desktop and on a phone (no sideways scrolling).

Records used: one statement of protected terms issued to the demo employee for this test (through
the letters service, as HR would), and the demo's regulation 13 letters to UNISON (read only).
Screenshots: artifacts/screenshots/letter-html-*.png. The employee's pay protection statement page is read
the same way (the whole statement the PDF gives)."""
from __future__ import annotations

from datetime import date

from playwright.sync_api import expect
from sqlalchemy import select

from hrtool.extensions import db

from .axe import assert_accessible, scroll_width, widest_elements
from .helpers import PHONE, USERS

EMPLOYEE = USERS["employee"]


def _employee_letter(app) -> tuple[str, str, str]:
    """A statement of protected terms issued to the demo employee: (reference, subject, their name)."""
    from hrtool.models import ProtectedTerms, User
    from hrtool.services.letters import letters

    with app.app_context():
        own = db.session.scalar(select(User.employee_id).where(User.username == EMPLOYEE))
        snapshot = db.session.scalar(select(ProtectedTerms.id).where(ProtectedTerms.employee_id == own))
        letter = letters.issue_one(letters.Target("protected_terms", snapshot), date.today())
        return letter.reference, letter.subject, letter.addressee.splitlines()[0]


def _protection_letter(app) -> tuple[str, str]:
    """The demo employee's pay protection confirmation (a five-column schedule): (reference, subject)."""
    from hrtool.models import Protection, User
    from hrtool.services.letters import letters

    with app.app_context():
        own = db.session.scalar(select(User.employee_id).where(User.username == EMPLOYEE))
        protection = db.session.scalar(select(Protection.id).where(Protection.employee_id == own))
        letter = letters.issue_one(letters.Target("pay_protection", protection), date.today())
        return letter.reference, letter.subject


def _union_letter(app) -> tuple[int, str]:
    from hrtool.models import Letter, TradeUnion

    with app.app_context():
        unison = db.session.scalar(select(TradeUnion.id).where(TradeUnion.code == "UNISON"))
        letter = db.session.scalars(select(Letter).where(Letter.union_id == unison, Letter.letter_type == "tupe_reg13")
                                    .order_by(Letter.id)).first()
        return letter.id, letter.subject


def _reads_well(page, name: str) -> None:
    expect(page.page.locator("html")).to_have_attribute("lang", "en-GB")
    assert_accessible(page, name)
    page.screenshot(name)
    page.page.set_viewport_size(PHONE)
    assert scroll_width(page) <= PHONE["width"], widest_elements(page)
    assert_accessible(page, f"{name}-phone")
    page.screenshot(f"{name}-phone")


def test_the_employee_reads_their_letter_as_a_web_page(employee_page, live_app):
    page = employee_page
    reference, subject, name = _employee_letter(live_app)
    page.goto("/me/letters/")
    assert_accessible(page, "letter-html-employee-list")  # both links beside each letter: targets apart
    page.page.get_by_role("link", name=f"Read the letter (web page) {reference}").click()
    expect(page.page.get_by_role("heading", level=1)).to_have_text(subject)
    expect(page.page.get_by_role("link", name=f"Download the letter (PDF) {reference}")).to_be_visible()
    letter = page.page.locator("article")
    expect(letter.locator("address")).to_contain_text(name)
    expect(letter.get_by_role("heading", name="Your protected terms")).to_be_visible()
    expect(letter.locator("table th[scope=col]").first).to_be_visible()
    expect(letter).to_contain_text("Yours sincerely")
    _reads_well(page, "letter-html-employee")
    assert not page.console_errors, page.console_errors


def test_a_letter_with_a_wide_table_reads_on_a_phone(employee_page, live_app):
    page = employee_page
    reference, subject = _protection_letter(live_app)
    page.goto("/me/letters/")
    page.page.get_by_role("link", name=f"Read the letter (web page) {reference}").click()
    expect(page.page.get_by_role("heading", level=1)).to_have_text(subject)
    expect(page.page.locator("article").get_by_role("columnheader", name="Paid that month")).to_have_count(1)
    _reads_well(page, "letter-html-protection-letter")
    assert not page.console_errors, page.console_errors


def test_the_union_rep_reads_their_unions_letter_as_a_web_page(union_page, live_app):
    page = union_page
    letter_id, subject = _union_letter(live_app)
    page.goto("/union/letters")
    assert_accessible(page, "letter-html-union-list")
    page.goto(f"/union/letters/{letter_id}")
    page.page.get_by_role("link", name="Read the letter (web page)").click()
    expect(page.page.get_by_role("heading", level=1)).to_have_text(subject)
    letter = page.page.locator("article")
    expect(letter.locator("address")).to_contain_text("The Branch Secretary")
    expect(letter.get_by_role("columnheader", name="Grade")).to_be_visible()
    expect(letter).to_contain_text("Yours sincerely")
    _reads_well(page, "letter-html-union")
    assert not page.console_errors, page.console_errors


def test_the_employee_reads_their_pay_protection_statement_as_a_web_page(employee_page):
    page = employee_page
    page.goto("/me/protection/")
    expect(page.page.get_by_role("link", name="Download your pay protection statement (PDF)")).to_be_visible()
    expect(page.page.get_by_text("Last day of protection").first).to_be_visible()
    expect(page.page.get_by_role("columnheader", name="Paid that month").first).to_be_visible()
    expect(page.page.get_by_role("heading", name="About this statement")).to_be_visible()
    _reads_well(page, "letter-html-protection")
    assert not page.console_errors, page.console_errors
