"""Self-service pages read on a phone, and long text never widens a page (issue 15).

An employee reads their record, terms, pay protection and letters on a 390 px wide phone, and a
union rep reads their pages there, without scrolling sideways: `document.documentElement
.scrollWidth` (the width the page can scroll to) is at most the viewport's 390 px. Wide tables
become small lists, one per row, each value under its column's heading. A 10,000-character note
with no space in it (a union rep's pasted text) wraps: the letter's page stays 390 px wide on a
phone and 1,280 px on a desktop, for the rep and for HR. The job-matching grid, wider than any
screen, scrolls inside its own box: the page stays 1,280 px.

Records used: the demo employee (read only); a login of this test's own for a person who has a
letter; a note on the UNISON letter of the last completed transfer (other tests use planned ones);
the senior restructure's matching grid (read only).

Screenshots: artifacts/screenshots/phone-*.png, wide-*.png."""
from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect
from sqlalchemy import select

from hrtool.extensions import db

from .axe import assert_accessible, scroll_width, widest_elements
from .helpers import DESKTOP, PHONE, USERS, Page, sign_in

READER = "phone-reader@hrtool.example"
READER_PASSWORD = "a long phone reader passphrase 15"
NOTE = ("UNISON" + "".join(f"{n:04d}" for n in range(2500)))[:10_000]  # 10,000 characters, not one space


def assert_fits(page: Page, width: int, what: str) -> None:
    page.page.wait_for_load_state("load")
    assert page.page.evaluate("() => document.documentElement.clientWidth") == width
    measured = scroll_width(page)
    assert measured <= width, f"{what} is {measured} px wide on a {width} px screen: {widest_elements(page)}"


def _visit(page: Page, path: str) -> None:
    response = page.goto(path)
    assert response is not None and response.status == 200, path


def _stacked(page: Page, table: str) -> bool:
    """Whether the first body row of `table` shows its cells one under another (a phone's list)."""
    return page.page.evaluate("""(selector) => {
      const row = document.querySelector(selector + ' tbody tr');
      const cells = [...row.children].map((c) => c.getBoundingClientRect());
      return cells.every((r, i) => i === 0 || (r.top >= cells[i - 1].bottom - 1 && Math.abs(r.left - cells[0].left) < 2));
    }""", table)


def test_the_employee_reads_their_record_terms_and_protection_on_a_phone(phone):
    sign_in(phone, "employee")
    _visit(phone, "/me/")
    main = phone.page.locator("main")
    expect(main).to_contain_text("Current position")
    expect(main).to_contain_text("History")
    assert_fits(phone, 390, "My record")
    assert _stacked(phone, "table.hr-table--stack")  # the history: one small list per record
    phone.screenshot("phone-1-my-record")
    # The record links to the salary history by pay year.
    phone.page.get_by_role("link", name="Pay by pay year").click()
    expect(phone.page.get_by_role("heading", level=1)).to_have_text("My pay by pay year")
    assert_fits(phone, 390, "My pay by pay year")
    phone.screenshot("phone-1b-my-pay-by-year")

    _visit(phone, "/me/terms")
    assert_fits(phone, 390, "My terms")
    phone.screenshot("phone-2-my-terms")

    _visit(phone, "/me/protection/")
    assert_fits(phone, 390, "My pay protection")
    schedule = "table.hr-schedule"
    # The demo employee's protection has a schedule.
    expect(phone.page.locator(schedule).first).to_be_visible()
    assert _stacked(phone, schedule)
    first_month = phone.page.locator(f"{schedule} tbody tr").first
    # Each value is read under its heading: the heading is the cell's label, the value its text.
    cell = first_month.locator("td[data-label='Paid that month']")
    assert cell.evaluate("(td) => getComputedStyle(td, '::before').content") == '"Paid that month"'
    expect(cell).to_have_text(re.compile(r"^\s*£"), use_inner_text=True)
    phone.screenshot("phone-3-my-protection")
    assert_accessible(phone, "phone-my-protection")

    # On a desktop the same schedule is an ordinary table again, a month to a row.
    phone.page.set_viewport_size(DESKTOP)
    assert not _stacked(phone, schedule)
    assert phone.page.locator(f"{schedule} thead").bounding_box()["width"] > 600

    phone.page.set_viewport_size(PHONE)
    _visit(phone, "/me/letters/")
    assert_fits(phone, 390, "My letters")
    assert phone.console_errors == []


def _reader_with_a_letter(app: Any) -> tuple[str, str]:
    """A login of this test's own, linked to a person who has been sent a letter."""
    from hrtool.models import Employee, Letter, User
    from hrtool.services.accounts import accounts

    with app.app_context():
        demo = db.session.scalar(select(User.employee_id).where(User.username == USERS["employee"]))
        letter = db.session.scalars(select(Letter).where(Letter.employee_id.is_not(None), Letter.employee_id != demo)
                                    .order_by(Letter.id.desc())).first()
        assert letter is not None, "the demo data sends letters to people"
        person = db.session.get(Employee, letter.employee_id)
        if db.session.scalar(select(User.id).where(User.username == READER)) is None:
            accounts.create_user(READER, person.full_name, READER_PASSWORD, "employee", employee_id=person.id)
        return letter.subject, letter.reference


def test_an_employee_reads_their_letters_on_a_phone(phone, live_app):
    subject, reference = _reader_with_a_letter(live_app)
    phone.login(READER, READER_PASSWORD)
    _visit(phone, "/me/letters/")
    assert_fits(phone, 390, "My letters with a letter")
    expect(phone.page.locator("main tbody tr", has_text=reference)).to_contain_text(subject)
    assert _stacked(phone, "main table.hr-table--stack")
    phone.screenshot("phone-4-my-letters")
    assert_accessible(phone, "phone-my-letters")
    assert phone.console_errors == []


def _union_pages(app: Any) -> tuple[list[str], int]:
    from hrtool.models import Letter, TradeUnion, Transfer

    with app.app_context():
        unison = db.session.scalar(select(TradeUnion.id).where(TradeUnion.code == "UNISON"))
        letter = db.session.scalars(select(Letter).join(Transfer, Transfer.id == Letter.transfer_id).where(
            Letter.union_id == unison, Transfer.status == "completed").order_by(Letter.id.desc())).first()
        # A rep sees only restructures their union was written to about (issue 16).
        restructure = db.session.scalar(select(Letter.restructure_id).where(
            Letter.union_id == unison, Letter.restructure_id.is_not(None)).order_by(Letter.id))
        assert letter is not None
        pages = ["/union/", "/union/transfers", "/union/letters", "/union/consultations",
                 f"/union/transfers/{letter.transfer_id}", f"/union/letters/{letter.id}"]
        pages += [f"/union/restructures/{restructure}"] if restructure else []
        return pages, letter.id


def test_the_union_rep_reads_their_pages_on_a_phone(phone, live_app):
    pages, _letter = _union_pages(live_app)
    sign_in(phone, "union_rep")
    for n, path in enumerate(pages, 1):
        _visit(phone, path)
        assert_fits(phone, 390, path)
        phone.screenshot(f"phone-union-{n}-{path.strip('/').replace('/', '-')}")
    assert phone.console_errors == []


def test_a_ten_thousand_character_note_wraps_for_the_rep_and_for_hr(phone, page, live_app):
    _pages, letter_id = _union_pages(live_app)
    assert len(NOTE) == 10_000 and " " not in NOTE
    sign_in(phone, "union_rep")
    _visit(phone, f"/union/letters/{letter_id}")
    phone.page.get_by_label("Notes of a meeting").check()
    phone.page.get_by_label("Response or notes").fill(NOTE)
    phone.page.get_by_role("button", name="Record").click()
    expect(phone.page.locator(".govuk-notification-banner")).to_contain_text("Recorded")
    note = phone.page.locator("main .govuk-inset-text", has_text=NOTE[:40])
    # All of it (text content: no line breaks from the wrapping to remove).
    expect(note.first).to_contain_text(NOTE)
    assert_fits(phone, 390, "the letter's page with a 10,000-character note")
    # The note wraps into many lines within the page, not one line 100,000 px long.
    box = note.first.bounding_box()
    assert box["width"] <= 390 and box["height"] > 20 * 30
    phone.screenshot("phone-union-long-note")
    transfer = phone.page.get_by_role("link", name="The transfer: figures and deadlines")
    with phone.page.expect_navigation():
        transfer.click()
    assert_fits(phone, 390, "the transfer's page with the note")

    phone.page.set_viewport_size(DESKTOP)
    _visit(phone, f"/union/letters/{letter_id}")
    assert_fits(phone, 1280, "the letter's page on a desktop")

    # HR reads the same letter, with the rep's note, on a desktop.
    sign_in(page, "hr")
    _visit(page, f"/letters/{letter_id}")
    expect(page.page.locator("main")).to_contain_text(NOTE[:40])
    assert_fits(page, 1280, "HR's letter page with the note")
    page.screenshot("wide-hr-letter-long-note")
    assert phone.console_errors == [] and page.console_errors == []


def test_the_job_matching_grid_scrolls_inside_its_own_box_at_1280(hr_page, live_app):
    from hrtool.models import Restructure

    page = hr_page
    with live_app.app_context():
        senior = db.session.scalar(select(Restructure.id).order_by(Restructure.id))
    assert senior is not None, "the demo data has the senior restructure"
    _visit(page, f"/restructures/{senior}/matches")
    assert_fits(page, 1280, "the job-matching grid")
    grid = page.page.locator(".rs-grid-wrap")
    sizes = grid.evaluate("(el) => [el.scrollWidth, el.clientWidth]")
    # The grid is wider than the page's column, so it scrolls inside its own box ...
    assert sizes[0] > sizes[1], sizes
    # ... which a keyboard user can reach and scroll, and a screen reader names.
    expect(grid).to_have_attribute("tabindex", "0")
    expect(grid).to_have_attribute("aria-label", re.compile(r"\S"))
    grid.focus()
    for _ in range(3):
        page.page.keyboard.press("ArrowRight")
    page.page.wait_for_function("() => document.querySelector('.rs-grid-wrap').scrollLeft > 0")
    grid.evaluate("(el) => { el.scrollLeft = el.scrollWidth; }")
    assert_fits(page, 1280, "the job-matching grid scrolled to its end")
    page.screenshot("wide-job-matching-grid")

    # On a phone too the page keeps to the screen; only the grid scrolls.
    page.page.set_viewport_size(PHONE)
    assert_fits(page, 390, "the job-matching grid on a phone")
    assert page.console_errors == []


def test_a_long_unbroken_reason_in_a_table_wraps_without_squeezing_its_neighbours(phone):
    """Free text typed into a record (a reason, a note) can be one 10,000-character string: in
    the history table it wraps in its own column, on a phone and on a desktop, and the dates
    beside it stay readable. (The reason is put into the page as HR's text would be: the cell's
    text, so nothing in the database changes.)"""
    sign_in(phone, "employee")
    _visit(phone, "/me/")
    reason = "table.hr-table--stack tbody tr:first-child td[data-label='Reason']"
    expect(phone.page.locator(reason)).to_have_count(1)
    phone.page.locator(reason).evaluate("(td, text) => { td.textContent = text; }", NOTE)
    assert_fits(phone, 390, "My record with a 10,000-character reason")
    phone.page.set_viewport_size(DESKTOP)
    assert_fits(phone, 1280, "My record on a desktop with a 10,000-character reason")
    widths = phone.page.evaluate("""() => {
      const row = document.querySelector('table.hr-table--stack tbody tr');
      return [...row.children].map((c) => [c.dataset.label || 'From', Math.round(c.getBoundingClientRect().width)]);
    }""")
    # Every column keeps room for a date ("30 September 2025" in two lines is about 80 px).
    assert all(width >= 70 for _label, width in widths), widths
    phone.screenshot("wide-my-record-long-reason")


def test_long_free_text_in_hr_tables_wraps_at_1280(hr_page, live_app):
    """The audit log, a person's audit trail and their history: a reason or a change typed as one
    10,000-character string wraps in its column (put into the page's cells, nothing saved)."""
    from hrtool.models import AuditEvent

    page = hr_page
    with live_app.app_context():
        employee = db.session.scalar(select(AuditEvent.employee_id).where(AuditEvent.employee_id.is_not(None))
                                     .order_by(AuditEvent.id))
    assert employee is not None
    for path in ("/audit/", f"/employees/{employee}"):
        _visit(page, path)
        expect(page.page.locator("main td.hr-break-words").first).to_be_attached()
        cells = page.page.evaluate("""(text) => {
          const cells = [...document.querySelectorAll('main td.hr-break-words')];
          cells.forEach((td) => { td.textContent = text; });
          return cells.length;
        }""", NOTE)
        assert cells >= 1, f"{path} has cells of free text"
        assert_fits(page, 1280, f"{path} with 10,000-character text in {cells} cells")
    page.screenshot("wide-employee-long-audit-text")
