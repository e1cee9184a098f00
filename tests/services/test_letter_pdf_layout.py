"""The sign-off of a letter is never alone on a page (issue 15).

A letter whose body just fills page 1 used to put "Yours sincerely" and the signature alone on
page 2. Now the closing, the signature and the end of the body (the last paragraph, the last
rows of a closing table, the last items of a closing list) are kept on one page. These tests
grow a body a paragraph (or row, or item) at a time across the page boundary and read each PDF
page by page with pypdf: whichever page the closing lands on also holds the end of the body.
"""
from __future__ import annotations

import io
from datetime import date

import pytest
from pypdf import PdfReader

from hrtool.letters.template import Bullets, Heading, Paragraph, Table
from hrtool.reports.letter_pdf import LetterDocument, build_pdf

FILLER = ("This paragraph stands in for the body of a long letter: it says what the council proposes, why, "
          "and what it means for the person it is addressed to, in plain words over several lines.")
LAST = "Please contact Human Resources if you have any questions about this letter (the last paragraph)."
CLOSING = "Yours sincerely"
SIGNATORY = "Jo Bloggs"


def document(blocks: list) -> LetterDocument:
    return LetterDocument(
        councils=["Cannock Chase District Council", "Stafford Borough Council"],
        letterhead_note="Shared service: Electoral Services · lead authority Stafford Borough Council",
        addressee=["Sam Taylor", "1 High Street", "Stafford", "ST16 1AA"], date_text="3 December 2026",
        issued_on=date(2026, 12, 3), reference="HR-2026-000123", subject="Your transfer to Stafford Borough Council on 1 April 2027",
        blocks=blocks + [Paragraph(CLOSING)], signatory_name=SIGNATORY, signatory_role="Human Resources",
        title="Your transfer", author="Stafford Borough Council", description="Notice of transfer and measures")


def pages(blocks: list) -> list[str]:
    reader = PdfReader(io.BytesIO(build_pdf(document(blocks))))
    return [" ".join((page.extract_text() or "").split()) for page in reader.pages]


def page_of(texts: list[str], needle: str) -> int:
    found = [i for i, text in enumerate(texts) if needle in text]
    assert len(found) == 1, (needle, found)
    return found[0]


def test_a_body_that_just_fills_page_one_takes_its_last_paragraph_over_with_the_closing():
    spilled = []
    for n in range(8, 22):
        blocks = [Paragraph(f"{i}. {FILLER}") for i in range(1, n + 1)] + [Paragraph(LAST)]
        texts = pages(blocks)
        closing = page_of(texts, CLOSING)
        assert page_of(texts, SIGNATORY + " Human Resources") == closing
        assert page_of(texts, LAST) == closing, f"{n} paragraphs: the closing is apart from the last paragraph"
        # The last paragraph is a short courtesy line, so the paragraph before it comes too.
        assert f"{n}. This paragraph" in texts[closing]
        if len(texts) == 2:
            # The page holding the closing holds more than the closing and the signature.
            body_on_page = texts[closing].split(CLOSING)[0]
            assert LAST in body_on_page
            spilled.append(n)
    # The range crosses the boundary: some bodies fit on one page, and longer ones go over.
    assert spilled and spilled[0] > 8, "the test never crossed from one page to two"


def test_the_sign_off_goes_over_with_the_last_rows_of_a_closing_table():
    for n in range(20, 40, 2):
        rows = [[f"Month {i}", "£1,403.92", "£116.99"] for i in range(1, n + 1)]
        blocks = [Paragraph(FILLER), Paragraph(FILLER), Heading("Your schedule"),
                  Table(["Month", "Protection (a year)", "Paid that month"], rows, numeric=[1, 2])]
        texts = pages(blocks)
        closing = page_of(texts, CLOSING)
        assert f"Month {n} £1,403.92 £116.99" in texts[closing], f"{n} rows: the last row is apart from the closing"
        assert f"Month {n - 1} " in texts[closing]
        assert page_of(texts, "Month 1 ") == page_of(texts, "Your schedule")  # the heading stays with its table


def test_the_sign_off_goes_over_with_the_last_items_of_a_closing_list():
    for n in range(24, 44, 2):
        blocks = [Paragraph(FILLER), Bullets([f"Item {i}: {FILLER[:60]}" for i in range(1, n + 1)])]
        texts = pages(blocks)
        closing = page_of(texts, CLOSING)
        assert f"Item {n}:" in texts[closing] and f"Item {n - 1}:" in texts[closing]


def test_a_heading_directly_before_the_last_paragraph_goes_with_it():
    for n in range(10, 20):
        blocks = [Paragraph(f"{i}. {FILLER}") for i in range(1, n + 1)] + [Heading("What happens next"),
                                                                             Paragraph(LAST)]
        texts = pages(blocks)
        assert page_of(texts, "What happens next") == page_of(texts, LAST) == page_of(texts, CLOSING)


@pytest.mark.parametrize("n", [1, 3])
def test_a_short_letter_is_one_page(n):
    texts = pages([Paragraph(FILLER)] * n + [Paragraph(LAST)])
    assert len(texts) == 1 and CLOSING in texts[0] and "Page 1 of 1" in texts[0]


def test_a_real_pay_protection_letter_keeps_its_last_schedule_rows_with_the_sign_off(app):
    """The shipped pay protection template through the whole service (fill, template, PDF): the
    schedule grows a month at a time over the page boundary, and the closing paragraph, "Yours
    sincerely" and the signature always share a page with the schedule's last months."""
    from datetime import date
    from decimal import Decimal

    from sqlalchemy import select

    from hrtool.extensions import db
    from hrtool.models import Council, Employee, Policy, Protection, ProtectionMonthRow
    from hrtool.services.letters import letters
    from hrtool.services.letters.letters import Target

    with app.app_context():
        person = db.session.scalars(select(Employee).order_by(Employee.id.desc()).limit(1)).one()
        ccdc = db.session.scalars(select(Council).where(Council.code == "CCDC")).one()
        policy = db.session.scalars(select(Policy).where(Policy.kind == "pay_protection",
                                                         Policy.council_id == ccdc.id)).first()
        protection = Protection(employee_id=person.id, council_id=ccdc.id, policy_id=policy.id, source="restructure",
                                reason="post re-graded in the restructure", start_date=date(2026, 4, 1),
                                old_grade="Grade 7", new_grade="Grade 6", old_salary=Decimal("30000.00"),
                                new_salary=Decimal("27000.00"), hours_per_week=Decimal(37), ends_on=date(2031, 4, 1))
        db.session.add(protection)
        db.session.flush()
        version = letters.latest(letters.template_by_key("pay_protection"))
        pages_seen = set()
        for month in range(60):
            on = date(2026 + (3 + month) // 12, (3 + month) % 12 + 1, 1)
            db.session.add(ProtectionMonthRow(protection_id=protection.id, month=on, phase=1,
                                              new_salary=Decimal("27000.00"), protection=Decimal("3000.00"),
                                              payment=Decimal("250.00")))
            db.session.flush()
            db.session.expire(protection)
            if month < 8:
                continue
            prepared = letters.prepare(Target("pay_protection", protection.id), version, date(2026, 12, 3),
                                       "HR-2026-TEST02", ("Jo Bloggs", "Human Resources"))
            reader = PdfReader(io.BytesIO(prepared.pdf))
            texts = [" ".join((page.extract_text() or "").split()) for page in reader.pages]
            closing = page_of(texts, CLOSING)
            last = f"{on:%B %Y} 1 £27,000.00 £3,000.00 £250.00"
            assert last in texts[closing], f"{month + 1} months: the last month is apart from the sign-off"
            assert "If you have any questions about your protection" in texts[closing]
            pages_seen.add(len(texts))
        assert {2, 3} <= pages_seen  # the schedule crossed from page 1 to 2 and from 2 to 3
