"""The outbox and the email notices settings (issue 17).

Without a mail server the messages are kept in the outbox, where only an administrator reads
them (newest first, a page at a time, filtered by status); employees, union representatives and
HR officers get 403. Each user turns their own notices off and on (audited), and a notice turned
off is not sent. An administrator sends a failed message again once the mail server is back."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from hrtool.extensions import db
from hrtool.models import AuditEvent, Letter, OutboxMessage, User
from hrtool.services.letters import letters, mail
from hrtool.services.letters.letters import Target
from hrtool.services.platform.unit_of_work import unit_of_work

from ..conftest import Auth
from ..services.test_mail import ON, _member_with_login, configure, free_port, smtp_server

USERS = {"admin": "admin@hrtool.example", "hr": "hr@hrtool.example", "employee": "employee@hrtool.example",
         "union_rep": "unison@hrtool.example"}


def _client(app, role: str):
    client = app.test_client()
    assert Auth(client).as_role(role).status_code == 302
    return client


def _message(status: str = "kept_in_outbox", subject: str = "A letter is waiting for you in hrtool",
             made: datetime | None = None, **extra) -> int:
    with unit_of_work():
        message = OutboxMessage(to_address="someone@example.gov.uk", kind="letter_waiting", subject=subject,
                                body="Hello,\n\nA letter is waiting.\nhttps://hr.example/me/letters/\n",
                                status=status, attempts=extra.pop("attempts", 0), error=extra.pop("error", ""),
                                created_at=made or datetime.now(UTC), **extra)
        db.session.add(message)
    return message.id


@pytest.fixture
def no_mail_server(app, monkeypatch):
    configure(app, monkeypatch, None)


def test_without_a_mail_server_an_issued_letters_notice_is_kept_for_the_administrator(app, no_mail_server):
    with app.app_context():
        member, _user = _member_with_login()
        letter = letters.issue_one(Target("transfer_notice", member.id), ON)
        with unit_of_work():
            [message_id] = mail.notices_for_letters([letter.id])
        assert mail.deliver(message_id) == "kept_in_outbox"
        reference = letter.reference
    admin = _client(app, "admin")
    page = admin.get("/admin/outbox/").get_data(as_text=True)
    assert "No mail server is configured" in page and "pat.member@staff.example.gov.uk" in page
    assert "Kept in the outbox (no mail server)" in page
    shown = admin.get(f"/admin/outbox/{message_id}")
    assert shown.status_code == 200
    text = shown.get_data(as_text=True)
    assert reference in text and "https://hr.example.gov.uk/hrtool/me/letters/" in text  # HRTOOL_BASE_URL
    assert "Send again" in text


@pytest.mark.parametrize("role", ["employee", "union_rep", "hr"])
def test_only_administrators_reach_the_outbox(app, role, no_mail_server):
    with app.app_context():
        message_id = _message()
    client = _client(app, role)
    assert client.get("/admin/outbox/").status_code == 403
    assert client.get(f"/admin/outbox/{message_id}").status_code == 403
    assert client.post(f"/admin/outbox/{message_id}/send-again").status_code == 403
    assert client.get("/account/notices").status_code == 200  # but everyone has their own settings


def test_the_outbox_is_newest_first_paginated_and_filtered_by_status(app, no_mail_server):
    start = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    with app.app_context():
        for n in range(55):
            _message(subject=f"Message number {n:02d}", made=start + timedelta(minutes=n))
        _message(status="failed", subject="The one that failed", made=start - timedelta(days=1),
                 attempts=4, error="Attempt 4: the mail server refused the connection. Not tried again.")
    admin = _client(app, "admin")
    first = admin.get("/admin/outbox/").get_data(as_text=True)
    assert first.index("Message number 54") < first.index("Message number 53")  # newest first
    assert "Message number 04" not in first and "The one that failed" not in first  # on page 2 (50 a page)
    second = admin.get("/admin/outbox/?page=2").get_data(as_text=True)
    assert "Message number 04" in second and "The one that failed" in second
    failed = admin.get("/admin/outbox/?status=failed").get_data(as_text=True)
    assert "The one that failed" in failed and "Message number" not in failed and "4 attempts" in failed
    assert "No message has this status" in admin.get("/admin/outbox/?status=sent").get_data(as_text=True)
    assert admin.get("/admin/outbox/?status=nonsense").status_code == 200  # an unknown status filters nothing
    assert admin.get("/admin/outbox/999999").status_code == 404


def test_a_user_turns_letter_notices_off_and_on_audited(app, no_mail_server):
    client = _client(app, "employee")
    page = client.get("/account/notices").get_data(as_text=True)
    assert "Email me when a letter is waiting" in page and "Email me each morning" not in page  # HR's only
    assert "employee@hrtool.example" in page
    response = client.post("/account/notices", data={})  # the box unticked
    assert response.status_code == 302
    with app.app_context():
        user = db.session.scalars(select(User).where(User.username == USERS["employee"])).one()
        assert user.notify_letters is False and user.notify_digest is True
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.entity_type == "user_notices")
                                   .order_by(AuditEvent.id.desc())).first()
        assert event.entity_id == str(user.id) and event.before == {"notify_letters": True}
        assert event.after == {"notify_letters": False}
        # Turned off: a letter to them now sends nothing.
        letter_id = db.session.scalar(select(Letter.id).where(Letter.employee_id == user.employee_id).limit(1))
        if letter_id is None:
            from hrtool.models import ProtectedTerms

            terms = db.session.scalars(select(ProtectedTerms).where(
                ProtectedTerms.employee_id == user.employee_id)).first()
            letter_id = letters.issue_one(Target("protected_terms", terms.id), ON).id
        with unit_of_work():
            assert mail.notices_for_letters([letter_id]) == []
    assert client.post("/account/notices", data={"letters": "y"}).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(User.notify_letters).where(User.username == USERS["employee"])) is True
        with unit_of_work():
            assert len(mail.notices_for_letters([letter_id])) == 1


def test_hr_see_the_digest_setting_and_saving_unchanged_changes_nothing(app, no_mail_server):
    client = _client(app, "hr")
    page = client.get("/account/notices").get_data(as_text=True)
    assert "Email me each morning" in page and "Email me when a letter is waiting" not in page
    with app.app_context():
        before = db.session.scalar(select(func.count()).select_from(AuditEvent)
                                   .where(AuditEvent.entity_type == "user_notices"))
    response = client.post("/account/notices", data={"digest": "y"}, follow_redirects=True)
    assert "Nothing changed." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                                 .where(AuditEvent.entity_type == "user_notices")) == before


def test_an_administrator_sends_a_failed_message_again(app, monkeypatch):
    with smtp_server() as (inbox, port):
        configure(app, monkeypatch, port)
        with app.app_context():
            message_id = _message(status="failed", attempts=4, error="Attempt 4: the mail server did not answer.")
            sent_already = _message(status="sent")
        admin = _client(app, "admin")
        response = admin.post(f"/admin/outbox/{message_id}/send-again", follow_redirects=True)
        assert "Sent." in response.get_data(as_text=True)
        assert len(inbox.received) == 1
        # Only a message that was not sent can be sent again.
        response = admin.post(f"/admin/outbox/{sent_already}/send-again", follow_redirects=True)
        assert "Only a message that was not sent" in response.get_data(as_text=True)
        assert len(inbox.received) == 1
    with app.app_context():
        held = db.session.get(OutboxMessage, message_id)
        assert held.status == "sent" and held.error == ""


def test_send_again_with_the_server_down_says_why_in_plain_words(app, monkeypatch):
    port = free_port()
    configure(app, monkeypatch, port)
    with app.app_context():
        message_id = _message(status="kept_in_outbox")
    admin = _client(app, "admin")
    page = admin.post(f"/admin/outbox/{message_id}/send-again", follow_redirects=True).get_data(as_text=True)
    assert f"Not sent: Attempt 1: the mail server 127.0.0.1:{port} refused the connection" in page
    assert "Traceback" not in page and "Errno" not in page
