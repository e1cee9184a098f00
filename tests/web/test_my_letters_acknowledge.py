"""Employees acknowledge their own letters from "My letters" (issue 15), as union representatives
already acknowledge theirs: recorded with when, audited against the person, shown to HR in the
register and on the letter; never someone else's letter."""
from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select

from hrtool.extensions import db
from hrtool.models import AuditEvent, Letter, LetterAcknowledgement, ProtectedTerms, Transfer, User
from hrtool.services.letters.letter_consultation import transfer_panel

from ..factories import DEMO_PASSWORDS
from .test_role_matrix import ROLE_USERS


def _login(client, role):
    username = ROLE_USERS[role]
    assert client.post("/login", data={"username": username, "password": DEMO_PASSWORDS[username]}).status_code == 302


def _issue_own_letter(app, client) -> tuple[int, int]:
    """HR issues the demo employee a statement of their protected terms; (letter id, employee id)."""
    with app.app_context():
        own = db.session.scalar(select(User.employee_id).where(User.username == ROLE_USERS["employee"]))
        snapshot = db.session.scalar(select(ProtectedTerms.id).where(ProtectedTerms.employee_id == own))
    _login(client, "hr")
    response = client.post("/letters/issue", data={"letter_type": "protected_terms", "source": str(snapshot),
                                                   "submit": "Issue"})
    assert response.status_code == 302
    letter_id = int(re.search(r"/letters/(\d+)", response.location).group(1))
    client.post("/logout")
    return letter_id, own


def test_an_employee_acknowledges_their_own_letter_and_hr_sees_it(app, client):
    letter_id, own = _issue_own_letter(app, client)
    _login(client, "employee")
    page = client.get("/me/letters/").get_data(as_text=True)
    assert f"/me/letters/{letter_id}/acknowledge" in page and "Acknowledge receipt" in page
    response = client.post(f"/me/letters/{letter_id}/acknowledge", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "you have acknowledged receipt of HR-" in page
    assert f"/me/letters/{letter_id}/acknowledge" not in page and "Acknowledged " in page
    with app.app_context():
        ack = db.session.scalar(select(LetterAcknowledgement).where(LetterAcknowledgement.letter_id == letter_id))
        user_id = db.session.scalar(select(User.id).where(User.username == ROLE_USERS["employee"]))
        assert ack.union_id is None and ack.acknowledged_by_id == user_id and ack.acknowledged_at is not None
        event = db.session.scalar(select(AuditEvent).where(
            AuditEvent.action == "acknowledge", AuditEvent.entity_type == "letter",
            AuditEvent.entity_id == str(letter_id)))
        assert event.employee_id == own and event.actor_id == user_id
        letter = db.session.get(Letter, letter_id)
        reference = letter.reference
        # The transfer's letters panel counts it as acknowledged.
        transfer = db.session.get(Transfer, letter.transfer_id)
        row = next(r for r in transfer_panel(transfer, date.today()) if r.letter_type == "protected_terms")
        assert row.acknowledged == 1
    # A second acknowledgement is refused, and nothing more is recorded.
    page = client.post(f"/me/letters/{letter_id}/acknowledge", follow_redirects=True).get_data(as_text=True)
    assert "already acknowledged" in page
    client.post("/logout")
    _login(client, "hr")
    register = client.get(f"/letters/?q={reference}").get_data(as_text=True)
    assert "by the employee" in register
    letter_page = client.get(f"/letters/{letter_id}").get_data(as_text=True)
    assert "(the employee)" in letter_page


def test_only_their_own_letters(app, client):
    with app.app_context():
        own = db.session.scalar(select(User.employee_id).where(User.username == ROLE_USERS["employee"]))
        someone_elses = db.session.scalar(select(Letter.id).where(Letter.employee_id.is_not(None),
                                                                  Letter.employee_id != own))
        unions = db.session.scalar(select(Letter.id).where(Letter.union_id.is_not(None)))
    _login(client, "employee")
    for letter_id in (someone_elses, unions, 10**9):
        assert client.post(f"/me/letters/{letter_id}/acknowledge").status_code == 404
    with app.app_context():
        assert db.session.scalar(select(LetterAcknowledgement.id).where(
            LetterAcknowledgement.letter_id.in_((someone_elses, unions)))) is None
    client.post("/logout")
    for role in ("hr", "union_rep"):
        _login(client, role)
        assert client.post(f"/me/letters/{someone_elses}/acknowledge").status_code == 403
        client.post("/logout")


def test_unacknowledged_letters_to_people_show_not_yet_in_the_register(app, client):
    letter_id, _ = _issue_own_letter(app, client)
    _login(client, "hr")
    with app.app_context():
        reference = db.session.get(Letter, letter_id).reference
    row = client.get(f"/letters/?q={reference}").get_data(as_text=True)
    assert reference in row and "Not yet" in row


def test_the_service_refuses_anyone_but_the_addressee(app):
    """Belt and braces behind the 404: the service itself refuses a letter to someone else, a
    union's letter, and a second acknowledgement."""
    import pytest

    from hrtool.errors import DomainError
    from hrtool.services.letters.letter_consultation import acknowledge_own

    with app.app_context():
        letter = db.session.scalars(select(Letter).where(Letter.employee_id.is_not(None)).order_by(Letter.id)).first()
        unions = db.session.scalars(select(Letter).where(Letter.union_id.is_not(None)).order_by(Letter.id)).first()
        someone_else = db.session.scalars(select(User).where(User.employee_id.is_not(None),
                                                             User.employee_id != letter.employee_id)).first()
        hr = db.session.scalars(select(User).where(User.username == ROLE_USERS["hr"])).one()
        for user, record in ((someone_else, letter), (hr, letter), (someone_else, unions)):
            with pytest.raises(DomainError, match="Only the person a letter is addressed to"):
                acknowledge_own(record, user)
        addressee = User(username="addressee-test@hrtool.example", display_name="Addressee", role="employee",
                         password_hash="x", employee_id=letter.employee_id)
        db.session.add(addressee)
        db.session.flush()
        acknowledge_own(letter, addressee)
        db.session.refresh(letter)
        with pytest.raises(DomainError, match="already acknowledged"):
            acknowledge_own(letter, addressee)
