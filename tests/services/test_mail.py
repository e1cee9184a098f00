"""Mail that reaches people (issue 17): a real SMTP server runs in the test process (aiosmtpd, on
127.0.0.1 and a free port) and the tests read what arrived.

- an issued letter tells its employee (their login's address) and its union (each rep's login)
  that a letter is waiting, with a link, and nothing of the letter's personal content; one
  message per recipient however many letters;
- HR's daily digest lists the TUPE steps due within 14 days and the protections ending within
  the notice window, worked out by hand below;
- without a mail server the message is kept in the outbox; a user who turned notices off gets
  none; a mail server that is down leaves the message queued with a plain reason and raises so
  the queue tries again; a message is never sent twice."""
from __future__ import annotations

import email
import email.policy
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from hrtool.extensions import db
from hrtool.models import Employee, Letter, OutboxMessage, Protection, TradeUnion, Transfer, TransferMember, User
from hrtool.services.letters import digest, letters, mail
from hrtool.services.letters.letters import Target
from hrtool.services.platform.unit_of_work import unit_of_work
from hrtool.services.tupe import transfers

from ..factories import council, service

ON = date(2026, 12, 3)
BASE = "https://hr.example.gov.uk/hrtool"


class Inbox:
    """An aiosmtpd handler keeping every message it is given."""

    def __init__(self) -> None:
        self.received: list[tuple[list[str], email.message.EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd calls it by this name
        self.received.append((list(envelope.rcpt_tos),
                              email.message_from_bytes(envelope.content, policy=email.policy.default)))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[email.message.EmailMessage]:
        return [m for rcpt, m in self.received if address in rcpt]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def smtp_server(port: int | None = None) -> Iterator[tuple[Inbox, int]]:
    """A real SMTP server on 127.0.0.1, in this process, for as long as the block runs."""
    inbox, port = Inbox(), port or free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def configure(app, monkeypatch, port: int | None) -> None:
    """The app's mail settings: a server on this port, or none at all (the outbox default)."""
    for name in ("MAIL_SERVER", "MAIL_PORT", "MAIL_USE_TLS", "MAIL_USE_SSL", "MAIL_USERNAME", "MAIL_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setitem(app.config, "HRTOOL_BASE_URL", BASE)
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1" if port else "")
    monkeypatch.setitem(app.config, "MAIL_PORT", port or "")
    monkeypatch.setitem(app.config, "MAIL_FROM", "hrtool@hr.example.gov.uk")
    monkeypatch.setitem(app.config, "MAIL_TIMEOUT_SECONDS", 5)


@pytest.fixture
def inbox(app, monkeypatch) -> Iterator[Inbox]:
    with smtp_server() as (received, port):
        configure(app, monkeypatch, port)
        yield received


@pytest.fixture
def no_mail_server(app, monkeypatch) -> None:
    configure(app, monkeypatch, None)


def _planned_transfer() -> Transfer:
    return db.session.scalars(select(Transfer).join(Letter, Letter.transfer_id == Transfer.id)
                              .where(Transfer.status == "planned", Letter.letter_type == "tupe_reg13")
                              .order_by(Transfer.id).limit(1)).one()


def _member_with_login(address: str = "pat.member@staff.example.gov.uk") -> tuple[TransferMember, User]:
    """A member of the planned transfer's cohort, given a login of their own."""
    transfer = _planned_transfer()
    member = db.session.scalars(select(TransferMember).where(
        TransferMember.transfer_id == transfer.id, TransferMember.status.in_(("proposed", "confirmed")))
        .order_by(TransferMember.id).limit(1)).one()
    user = User(username=address, display_name="Pat Member", password_hash="-", role="employee",
                employee_id=member.employee_id)
    db.session.add(user)
    db.session.flush()
    return member, user


def _unison() -> TradeUnion:
    return db.session.scalars(select(TradeUnion).where(TradeUnion.code == "UNISON")).one()


def _notify(letter_ids: list[int]) -> list[int]:
    with unit_of_work():  # as the batch job does: in the transaction that writes the letters
        return mail.notices_for_letters(letter_ids)


def _text(message: email.message.EmailMessage) -> str:
    return message.get_content().replace("\r\n", "\n")


# -- letters -------------------------------------------------------------------------------------

def test_an_issued_letter_reaches_its_employee_with_a_link_and_nothing_of_the_letter(app, ctx, inbox):
    """Issuing the letter queues its notice in the same transaction, and the queue delivers it
    once that commits (at once here: the test app runs jobs in the caller)."""
    member, user = _member_with_login()
    letter = letters.issue_one(Target("transfer_notice", member.id), ON)
    person = db.session.get(Employee, member.employee_id)
    ids = list(db.session.scalars(select(OutboxMessage.id).where(OutboxMessage.to_user_id == user.id)))
    assert len(ids) == 1
    [arrived] = inbox.to("pat.member@staff.example.gov.uk")
    body = _text(arrived)
    assert arrived["Subject"] == "A letter is waiting for you in hrtool"
    assert arrived["From"] == "hrtool@hr.example.gov.uk"
    assert f"{BASE}/me/letters/" in body and letter.reference in body
    # Nothing of the letter itself: not the person's name, their address or postcode, any pay,
    # nor even the letter's type (its subject line would say what is happening to them).
    addressee = [line for line in letter.addressee.splitlines() if line.strip()]
    assert addressee and person.last_name in letter.addressee
    for private in [person.first_name, person.last_name, person.person_number, *addressee, person.postcode,
                    letter.subject, "Notice of transfer", "£"]:
        if private:
            assert private not in body and private not in arrived["Subject"], private
    held = db.session.get(OutboxMessage, ids[0])
    assert held.status == "sent" and held.sent_at is not None and held.attempts == 1 and held.error == ""
    assert held.to_user_id == user.id and held.kind == "letter_waiting"


def test_one_message_per_recipient_however_many_letters(app, ctx, inbox):
    """Two letters to UNISON in one batch: one message to each of its representatives (the demo
    rep, and a second one added here), listing both references; none to another union's rep."""
    unison = _unison()
    second = User(username="second.rep@unison.example.org", display_name="Second Rep", password_hash="-",
                  role="union_rep", union_id=unison.id)
    db.session.add(second)
    transfers_written = db.session.scalars(select(Transfer).where(Transfer.status == "planned")
                                           .order_by(Transfer.id).limit(2)).all()
    issued = [letters.issue_one(Target("tupe_reg13", t.id, unison.id), ON) for t in transfers_written]
    inbox.received.clear()  # each letter's own notice, as issued one by one; now both as one batch
    ids = _notify([letter.id for letter in issued])
    assert len(ids) == 2  # the two reps, not one per letter
    assert mail.deliver_many(ids).sent == 2
    for address in ("unison@hrtool.example", "second.rep@unison.example.org"):
        [arrived] = inbox.to(address)
        body = _text(arrived)
        expected = "2 letters to UNISON are waiting in hrtool" if len(issued) == 2 else \
            "A letter to UNISON is waiting in hrtool"
        assert arrived["Subject"] == expected
        assert all(letter.reference in body for letter in issued)
        assert f"{BASE}/union/letters" in body and "£" not in body
    assert len(inbox.received) == 2


def test_a_user_who_turned_letter_notices_off_gets_none(app, ctx, no_mail_server):
    member, user = _member_with_login()
    assert mail.set_notices(user, letters=False, digest=True) is True
    letter = letters.issue_one(Target("transfer_notice", member.id), ON)
    assert _notify([letter.id]) == []
    mail.set_notices(user, letters=True, digest=True)
    assert len(_notify([letter.id])) == 1  # on again: notified


def test_a_login_that_is_not_an_email_address_gets_nothing(app, ctx, no_mail_server):
    member, _user = _member_with_login("pmember")
    letter = letters.issue_one(Target("transfer_notice", member.id), ON)
    assert _notify([letter.id]) == []


# -- delivery ------------------------------------------------------------------------------------

def _queued(address: str = "someone@example.gov.uk") -> int:
    with unit_of_work():
        message = OutboxMessage(to_address=address, kind="letter_waiting", subject="A letter is waiting",
                                body="Hello", status="queued", attempts=0, error="")
        db.session.add(message)
    return message.id


def test_without_a_mail_server_the_message_is_kept_in_the_outbox(app, ctx, no_mail_server):
    message_id = _queued()
    assert mail.deliver(message_id) == "kept_in_outbox"
    held = db.session.get(OutboxMessage, message_id)
    assert held.status == "kept_in_outbox" and held.sent_at is None and held.attempts == 0
    assert mail.deliver(message_id) == "kept_in_outbox"  # idempotent


def test_a_message_is_never_sent_twice(app, ctx, inbox):
    message_id = _queued()
    assert mail.deliver(message_id) == "sent"
    assert mail.deliver(message_id) == "sent"  # the queue retried after a lost acknowledgement
    assert len(inbox.received) == 1
    assert inbox.received[0][1]["Message-ID"] == f"<hrtool-outbox-{message_id}@hr.example.gov.uk>"


def test_a_second_worker_leaves_a_message_another_is_sending(app, ctx, inbox, monkeypatch):
    """Two workers given the same message (the queue delivered the task twice): while the first
    is talking to the mail server, the second finds it claimed and sends nothing."""
    message_id = _queued()
    real_send, second = mail._send, []

    def first_worker_sending(smtp, message):
        second.append(mail.deliver(message_id))  # the other worker, meanwhile
        real_send(smtp, message)

    monkeypatch.setattr(mail, "_send", first_worker_sending)
    assert mail.deliver(message_id) == "sent"
    assert second == ["queued"] and len(inbox.received) == 1
    held = db.session.get(OutboxMessage, message_id)
    db.session.refresh(held)
    assert held.attempts == 1 and held.sending_until is None


def test_a_mail_server_that_is_down_leaves_the_message_queued_and_raises_for_a_retry(app, ctx, monkeypatch):
    port = free_port()  # nothing listens here
    configure(app, monkeypatch, port)
    message_id = _queued()
    with pytest.raises(mail.MailNotSent) as raised:
        mail.deliver(message_id)
    assert raised.value.retry is True
    held = db.session.get(OutboxMessage, message_id)
    db.session.refresh(held)
    assert held.status == "queued" and held.attempts == 1
    assert held.error == (f"Attempt 1: the mail server 127.0.0.1:{port} refused the connection: it is not running, "
                          "or not at that address and port. It will be tried again.")
    # The server comes up: the retry sends it.
    with smtp_server(port) as (received, _):
        assert mail.deliver(message_id) == "sent"
    assert len(received.received) == 1
    db.session.refresh(held)
    assert held.status == "sent" and held.attempts == 2 and held.error == ""


def test_after_the_last_attempt_the_message_is_failed_and_not_tried_again(app, ctx, monkeypatch):
    configure(app, monkeypatch, free_port())
    monkeypatch.setitem(app.config, "MAIL_MAX_ATTEMPTS", 2)
    message_id = _queued()
    with pytest.raises(mail.MailNotSent):
        mail.deliver(message_id)
    with pytest.raises(mail.MailGaveUp) as raised:
        mail.deliver(message_id)
    assert raised.value.retry is False
    held = db.session.get(OutboxMessage, message_id)
    db.session.refresh(held)
    assert held.status == "failed" and held.attempts == 2 and held.error.endswith("Not tried again.")
    assert mail.deliver(message_id) == "failed"  # a retry after giving up does nothing


def test_deliver_refuses_to_run_inside_a_unit_of_work(app, ctx, no_mail_server):
    message_id = _queued()
    with pytest.raises(RuntimeError), unit_of_work():
        mail.deliver(message_id)


# -- the daily digest ----------------------------------------------------------------------------

def _new_transfer(transfer_date: date, today: date) -> Transfer:
    with unit_of_work():
        return transfers.create_transfer({
            "service_id": service("Licensing").id, "transferor_id": council("SBC").id,
            "transferee_id": council("CCDC").id, "transfer_date": transfer_date, "legal_basis": "tupe",
            "reasons": "Shared service"}, today)


def _section(body: str, title_start: str) -> str:
    """The lines of the digest section whose title starts so ('' if it has none)."""
    for part in body.split("\n\n"):
        if part.startswith(title_start):
            return part
    return ""


def test_the_daily_digest_reaches_hr_with_the_steps_due_worked_out_by_hand(app, ctx, inbox):
    # A transfer on Tuesday 12 January 2027, planned on Thursday 3 December 2026 (the digest's day).
    # The checklist policy's lead times (reference data) and the statutory ELI period give:
    #   measures_letter         74 days before: 30 October 2026   -> overdue
    #   inform_representatives  60 days before: 13 November 2026  -> overdue
    #   consultation_started    45 days before: 28 November 2026  -> overdue
    #   eli_sent                28 clear days, so the transfer date minus 29 days: Monday 14 December
    #                           2026 -> due within 14 days (3 to 17 December)
    #   individual_letters      21 days before: 22 December 2026  -> 19 days ahead: not in the digest
    transfer = _new_transfer(date(2027, 1, 12), ON)
    ids = digest.daily_digest(ON)
    hr_users = set(db.session.scalars(select(User.username).where(User.role.in_(("hr", "admin")))))
    assert {db.session.get(OutboxMessage, i).to_address for i in ids} == hr_users
    assert mail.deliver_many(ids).sent == len(ids)
    [arrived] = inbox.to("hr@hrtool.example")
    body = _text(arrived)
    assert arrived["Subject"].startswith("hrtool digest for 3 December 2026: ")
    due = _section(body, "TUPE steps due in the next 14 days, to 17 December 2026")
    overdue = _section(body, "TUPE steps overdue")
    mine = [line for line in due.splitlines() if transfer.reference in line]
    assert mine == [f"  - 14 December 2026: Employee liability information sent to the transferee (reg. 11(6)) - "
                    f"transfer {transfer.reference}, Licensing"]
    assert f"{BASE}/transfers/{transfer.id}" in due
    assert [line.split(":")[0] for line in overdue.splitlines() if transfer.reference in line] == [
        "  - 30 October 2026", "  - 13 November 2026", "  - 28 November 2026"]
    # Four of its five steps, each once; the individual letters (22 December) are not yet due.
    assert len([line for line in body.splitlines() if transfer.reference in line]) == 4
    assert "Letters to each transferring employee - transfer " + transfer.reference not in body
    assert f"{BASE}/account/notices" in body
    # Made once a day: a second run (a retry, a second scheduler) adds nothing.
    assert digest.daily_digest(ON) == []


def test_the_digest_lists_a_protection_within_its_notice_window_and_not_before(app, ctx, no_mail_server):
    # The notice window is 90 days (rule setting protection_expiry_warning_days; neither council's
    # illustrative protection policy sets its own). A protection whose first day without protection
    # is E is listed from E - 90 days (E is then within 90 days), not on E - 91.
    record = next(p for p in db.session.scalars(select(Protection).where(Protection.ends_on.is_not(None))
                                                .order_by(Protection.id))
                  if p.start_date <= p.ends_on - timedelta(days=91))
    person = db.session.get(Employee, record.employee_id)
    line = f"{person.first_name} {person.last_name} ({person.person_number})"
    inside = record.ends_on - timedelta(days=90)
    [first, *_] = digest.daily_digest(inside)
    body = db.session.get(OutboxMessage, first).body
    listed = _section(body, "Pay protections ending within the notice window")
    last_day = record.ends_on - timedelta(days=1)
    assert f"{line}, " in listed and f"last day protected {last_day.day} {last_day:%B %Y}" in listed
    assert f"{BASE}/protection/{record.id}" in listed
    outside = record.ends_on - timedelta(days=91)
    made = digest.daily_digest(outside)
    bodies = [db.session.get(OutboxMessage, i).body for i in made]
    assert all(line not in b for b in bodies)


def test_nothing_to_say_no_digest(app, ctx, no_mail_server):
    # 3 January 2011: no planned transfer has a step due by 17 January 2011, no protection runs.
    assert digest.daily_digest(date(2011, 1, 3)) == []


def test_hr_who_turned_the_digest_off_get_none(app, ctx, no_mail_server):
    hr = db.session.scalars(select(User).where(User.username == "hr@hrtool.example")).one()
    mail.set_notices(hr, letters=True, digest=False)
    _new_transfer(date(2027, 1, 12), ON)
    ids = digest.daily_digest(ON)
    assert ids and "hr@hrtool.example" not in {db.session.get(OutboxMessage, i).to_address for i in ids}


# -- the commands --------------------------------------------------------------------------------

def test_mail_digest_and_deliver_commands(app, inbox):
    import json

    with app.app_context():
        _new_transfer(date(2027, 1, 12), ON)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["mail", "digest", "--date", "2026-12-03"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["sent"] == len(out["queued"]) >= 2 and out["not_sent"] == []
    assert inbox.to("admin@hrtool.example") and inbox.to("hr@hrtool.example")
    again = json.loads(runner.invoke(args=["mail", "digest", "--date", "2026-12-03"]).output)
    assert again["queued"] == []  # once per person per day
    with app.app_context():
        _queued("late@example.gov.uk")
    result = runner.invoke(args=["mail", "deliver", "--all-queued"])
    assert result.exit_code == 0 and json.loads(result.output)["sent"] == 1
    assert inbox.to("late@example.gov.uk")
    result = runner.invoke(args=["mail", "digest", "--date", "3/12/2026"])
    assert result.exit_code == 2 and "YYYY-MM-DD" in result.output
