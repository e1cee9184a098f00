"""Dates within sense on the pages (issue 13).

A transfer dated 1 January 1900, put straight into the database (as one entered before dates had
a plausible window would be), is shown by every page that shows a transfer, to every role that
may see it, with a warning and never an error page; the HR dashboard sets its steps apart as
needing a correction instead of listing them overdue for ever; HR corrects its date. Forms given
an absurd date re-render with the error on the field and what was typed still in it."""
from __future__ import annotations

import html
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from hrtool.extensions import db
from hrtool.models import ChecklistItem, Employee, Letter, TradeUnion, Transfer, TransferMember
from hrtool.services.tupe.transfers import steps_for

from ..factories import DEMO_PASSWORDS

HR, ADMIN, REP = "hr@hrtool.example", "admin@hrtool.example", "unison@hrtool.example"
WARNING = "This transfer's date, 1 January 1900, is outside the plausible window (on or after 1 April 1974"


def _login(client, username):
    client.post("/logout")
    assert client.post("/login", data={"username": username, "password": DEMO_PASSWORDS[username]}).status_code == 302


def _text(response) -> str:
    return " ".join(html.unescape(response.get_data(as_text=True)).split())


@pytest.fixture
def transfer_1900(app):
    """A planned transfer dated 1 January 1900 with its checklist (steps due in 1899) and three of
    the demo transfer's cohort, written without the service (which would refuse it)."""
    with app.app_context():
        demo = db.session.scalars(select(Transfer).where(Transfer.status == "planned").order_by(Transfer.id)).first()
        record = Transfer(reference="TR-1900-0900", status="planned", service_id=demo.service_id,
                          transferor_id=demo.transferor_id, transferee_id=demo.transferee_id,
                          transfer_date=date(1900, 1, 1), legal_basis="tupe", reasons="Entered with a typo")
        db.session.add(record)
        db.session.flush()
        for step in steps_for(record.transfer_date, date.today()):
            record.checklist.append(ChecklistItem(key=step.key, title=step.title, due_on=step.due_on))
        for member in [m for m in demo.members if m.status in ("proposed", "confirmed")][:3]:
            record.members.append(TransferMember(employee_id=member.employee_id, employment_id=member.employment_id,
                                                 status="proposed"))
        db.session.flush()
        # UNISON was written to about it: a rep sees only what their union was consulted on (issue 16).
        sent = db.session.scalars(select(Letter).where(Letter.letter_type == "tupe_reg13").order_by(Letter.id)).first()
        unison = db.session.scalar(select(TradeUnion.id).where(TradeUnion.code == "UNISON"))
        db.session.add(Letter(reference="HR-1900-000900", template_version_id=sent.template_version_id,
                              letter_type="tupe_reg13", union_id=unison, transfer_id=record.id, subject=sent.subject,
                              addressee=sent.addressee, fields=sent.fields, pdf=sent.pdf, sha256=sent.sha256))
        db.session.flush()
        ids = record.id, record.members[0].id, [i.due_on for i in record.checklist]
        db.session.commit()
    assert all(due.year == 1899 for due in ids[2])
    return ids[0], ids[1]


def test_every_page_showing_a_1900_transfer_answers_with_a_warning(client, transfer_1900):
    transfer_id, member_id = transfer_1900
    base = f"/transfers/{transfer_id}"
    for user in (HR, ADMIN):
        _login(client, user)
        pages = {url: client.get(url) for url in (
            "/hr/" if user == HR else "/transfers/", "/transfers/", base, f"{base}/completion", f"{base}/eli/",
            f"{base}/eli/pack.xlsx", f"{base}/eli/pack.zip", f"{base}/eli/members/{member_id}.pdf",
            f"{base}/members/{member_id}/objection", f"{base}/members/{member_id}/remove",
            f"/letters/batch/transfer/{transfer_id}", f"{base}/date")}
        assert {url: r.status_code for url, r in pages.items()} == dict.fromkeys(pages, 200), user
        for url in (base, f"{base}/completion", f"{base}/eli/", f"{base}/date"):
            assert WARNING in _text(pages[url]), url
        page = _text(pages[base])
        assert "Correct the transfer date" in page and "Date needs correction" in page and "Overdue" not in page
        assert "Due date needs correction" in page  # the letters panel: not overdue for ever either
        assert "TR-1900-0900" in _text(pages["/transfers/"]) and "Date needs correction" in _text(pages["/transfers/"])
        assert "Complete the transfer" not in _text(pages[f"{base}/completion"])
    _login(client, REP)
    pages = {url: client.get(url) for url in ("/union/", "/union/transfers", f"/union/transfers/{transfer_id}",
                                              "/union/consultations")}
    assert {url: r.status_code for url, r in pages.items()} == dict.fromkeys(pages, 200)
    assert "Date to be corrected" in _text(pages["/union/transfers"])
    union_page = _text(pages[f"/union/transfers/{transfer_id}"])
    assert WARNING in union_page and "HR have been asked to correct it" in union_page
    _login(client, "employee@hrtool.example")
    assert client.get(base).status_code == 403 and client.get(f"/union/transfers/{transfer_id}").status_code == 403


def test_the_dashboard_sets_1899_steps_apart_as_needing_a_correction(client, transfer_1900):
    transfer_id, _ = transfer_1900
    _login(client, HR)
    page = _text(client.get("/hr/"))
    assert "Transfer dates needing a correction" in page
    apart = page[page.index("Transfer dates needing a correction"):]
    assert "TR-1900-0900" in apart and "dated 1 January 1900" in apart and f'href="/transfers/{transfer_id}"' in apart
    overdue = page[page.index("Transfer steps overdue"):page.index("Transfer dates needing")] \
        if "Transfer steps overdue" in page else ""
    assert "TR-1900-0900" not in overdue and "1899" not in overdue


def test_hr_corrects_the_date_and_the_checklist_follows(app, client, transfer_1900):
    transfer_id, _ = transfer_1900
    _login(client, HR)
    url = f"/transfers/{transfer_id}/date"
    refused = client.post(url, data={"transfer_date": ["1", "1", "1901"], "reason": "Typo"})
    assert refused.status_code == 400
    body = _text(refused)
    assert "The transfer date must be on or after 1 April 1974" in body
    assert 'value="1901"' in body and "Typo" in body  # what was typed is still there
    new_date = date.today() + timedelta(days=200)
    done = client.post(url, data={"transfer_date": [str(new_date.day), str(new_date.month), str(new_date.year)],
                                  "reason": "The year was typed wrongly"})
    assert done.status_code == 302
    page = _text(client.get(f"/transfers/{transfer_id}"))
    assert WARNING not in page and "Date needs correction" not in page
    with app.app_context():
        record = db.session.get(Transfer, transfer_id)
        assert record.transfer_date == new_date
        due = {item.key: item.due_on for item in record.checklist}
        assert due["eli_sent"] == new_date - timedelta(days=29)  # TUPE reg. 11(6): 28 clear days before the corrected date
    assert "TR-1900-0900" not in _text(client.get("/hr/"))


def _form_error(body: str, field: str) -> str:
    found = re.search(rf'id="{field}-error"[^>]*>\s*<span class="govuk-visually-hidden">Error:</span>(.*?)</p>', body, re.S)
    return " ".join(found.group(1).split()) if found else ""


def test_a_new_transfer_dated_1900_is_refused_on_its_field_keeping_what_was_typed(app, client):
    _login(client, HR)
    with app.app_context():
        demo = db.session.scalars(select(Transfer).order_by(Transfer.id)).first()
        values = {"service_id": demo.service_id, "transferor_id": demo.transferor_id,
                  "transferee_id": demo.transferee_id}
    response = client.post("/transfers/new", data={
        **values, "transfer_date": ["01", "01", "1900"], "legal_basis": "tupe", "reasons": "Sharing the service",
        "transferor_measures_none": "y", "transferee_measures_none": "y"})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert _form_error(body, "transfer_date").startswith("The transfer date must be on or after 1 April 1974 and "
                                                         "no more than 5 years ahead")
    assert 'value="01"' in body and 'value="1900"' in body and "Sharing the service" in body
    with app.app_context():
        assert db.session.scalar(select(Transfer.id).where(Transfer.transfer_date == date(1900, 1, 1))) is None


def test_other_forms_refuse_absurd_dates_on_the_field(app, client):
    _login(client, HR)
    with app.app_context():
        employee = db.session.scalars(select(Employee).order_by(Employee.id)).first()
        member = db.session.scalars(select(TransferMember).join(Transfer).where(
            Transfer.status == "planned", TransferMember.status.in_(("proposed", "confirmed")))).first()
        employee_id, version, transfer_id, member_id = employee.id, employee.version, member.transfer_id, member.id
    details = client.post(f"/employees/{employee_id}/details", data={
        "first_name": "Ann", "last_name": "Other", "date_of_birth": ["3", "4", "1910"], "sex": "F",
        "continuous_service_date": ["1", "1", "2010"], "trade_union_id": "", "reason": "Typo", "version": version})
    body = details.get_data(as_text=True)
    assert _form_error(body, "date_of_birth").startswith("The date of birth must be no more than 100 years ago")
    assert 'value="1910"' in body
    objection = client.post(f"/transfers/{transfer_id}/members/{member_id}/objection", data={
        "objected_on": ["1", "1", "2030"], "understood": "y", "note": "Letter"})
    body = objection.get_data(as_text=True)
    assert "The date of the objection must be" in _form_error(body, "objected_on")
    assert 'value="2030"' in body
    _login(client, ADMIN)  # pay awards are the administrator's
    award = client.post("/pay/awards/new", data={
        "pay_year_from": ["1", "4", "2026"], "kind": "flat_gbp", "amount": "500", "scp_from": "2", "scp_to": "43",
        "status": "agreed", "agreed_on": ["1", "1", "2030"], "reason": "Agreed"})
    body = award.get_data(as_text=True)
    assert _form_error(body, "agreed_on").startswith("The date the award was agreed must be")
    assert 'value="2030"' in body


def test_an_award_held_as_agreed_in_2030_shows_its_arrears_page_with_a_warning(app, client):
    """Held before the rule: the page answers, and says the date agreed is outside its window."""
    from sqlalchemy import text

    with app.app_context():
        award_id = db.session.execute(text("SELECT id FROM pay_awards ORDER BY pay_year_from LIMIT 1")).scalar_one()
        db.session.execute(text("UPDATE pay_awards SET agreed_on = '2030-01-01' WHERE id = :id"), {"id": award_id})
        db.session.commit()
    _login(client, HR)
    page = client.get(f"/pay/awards/{award_id}/arrears")
    assert page.status_code == 200
    assert "This award's date agreed, 1 January 2030, is outside" in _text(page)
