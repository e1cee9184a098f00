"""Mail that reaches people who are not looking at hrtool.

Two kinds of message, each first written to the outbox (models/mail.py) in the transaction of
the work it is about, then delivered by a worker:

- "letter_waiting": when letters are issued to an employee or a union, one short message per
  recipient per batch saying a letter is waiting, with its reference and a link. Never the
  letter's content: no salary, no address, no name of anyone, not even the letter's type for a
  letter to a person (an "At risk of redundancy" subject line is itself personal). The employee
  is reached through their own login's email address; a union through its representatives'
  logins. Anyone who turned letter notices off gets none.
- "daily_digest": HR's digest (services/letters/digest.py).

`deliver(id)` sends one message through SMTP when a mail server is configured (MAIL_SERVER and
friends, from the app's config or the environment), else keeps it in the outbox for an
administrator to read ("kept_in_outbox", the embedded default). It is idempotent: a message not
"queued" is never sent again, and a worker claims a message before it sends (one committed
UPDATE moves its attempt count on and sets `sending_until`, a lease no other worker takes it
during), so two workers cannot both send it. A worker killed mid-send leaves the lease to run
out, then the message is taken again: at least once, and the same Message-ID each time. A
failure is stored in plain words and raises MailNotSent so the queue tries again; MailGaveUp (a
refusal that will not change, or MAIL_MAX_ATTEMPTS spent) marks it failed."""
from __future__ import annotations

import logging
import os
import smtplib
import socket
import ssl
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formatdate
from typing import Any, cast

from flask import current_app
from sqlalchemy import CursorResult, Select, or_, select, update
from sqlalchemy.orm import joinedload

from ...extensions import db
from ...letters import types as T
from ...models import Letter, OutboxMessage, Role, TradeUnion, User
from ..platform import audit, unit_of_work
from ..platform.unit_of_work import transaction

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "http://127.0.0.1:5000"
DEFAULT_MAX_ATTEMPTS = 4  # the first try and the queue task's 3 retries (hrtool/jobs/tasks.py)
SMTP_POLICY = SMTP.clone(max_line_length=998)
NOTICE_FOOTER = ("This email does not contain the letter: sign in to hrtool to read it. If you did not expect it, "
                 "contact Human Resources.")


class MailNotSent(Exception):
    """A message could not be sent now (the mail server is down, say): its reason, in plain words,
    is stored on the message, which stays queued. The queue's task retries on this."""

    retry = True

    def __init__(self, message_id: int, reason: str):
        super().__init__(reason)
        self.message_id = message_id
        self.reason = reason


class MailGaveUp(MailNotSent):
    """A message marked failed: the mail server refused it for good, or every attempt is spent.
    Retrying does nothing (deliver leaves a failed message alone)."""

    retry = False


# -- settings ------------------------------------------------------------------------------------

def setting(name: str, default: Any = None) -> Any:
    """A mail setting from the app's config, else the environment, else the default."""
    value = current_app.config.get(name)
    if value is None or value == "":
        value = os.environ.get(name)
    return default if value is None or value == "" else value


def _flag(value: Any) -> bool:
    return value if isinstance(value, bool) else str(value).strip().lower() in ("1", "true", "yes", "on")


@dataclass(frozen=True)
class Smtp:
    server: str
    port: int
    username: str
    password: str = field(repr=False)
    use_tls: bool
    use_ssl: bool
    sender: str
    timeout: int  # seconds


def smtp_settings() -> Smtp | None:
    """The mail server to send through, or None when none is configured (mail stays in the outbox)."""
    server = setting("MAIL_SERVER")
    if not server:
        return None
    use_ssl = _flag(setting("MAIL_USE_SSL", False))
    use_tls = _flag(setting("MAIL_USE_TLS", False))
    port = int(setting("MAIL_PORT", 465 if use_ssl else (587 if use_tls else 25)))
    return Smtp(str(server), port, str(setting("MAIL_USERNAME", "")), str(setting("MAIL_PASSWORD", "")), use_tls,
                use_ssl, str(setting("MAIL_FROM", "hrtool@localhost")), int(setting("MAIL_TIMEOUT_SECONDS", 10)))


def base_url() -> str:
    return str(setting("HRTOOL_BASE_URL", DEFAULT_BASE_URL)).rstrip("/")


def link(endpoint: str, **values: Any) -> str:
    """An absolute link into hrtool for a message (no request is needed: a worker makes them)."""
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return base_url() + path


def mail_address(user: User) -> str | None:
    """The address a login's mail goes to: its username when that is an email address."""
    address = (user.username or "").strip()
    local, at, domain = address.rpartition("@")
    if not at or not local or "." not in domain or any(c.isspace() or c in "<>,;\"" for c in address):
        return None
    return address


# -- letter notices ------------------------------------------------------------------------------

@dataclass
class _Notice:
    user: User
    address: str
    union: TradeUnion | None = None
    letters: list[tuple[str, str]] = field(default_factory=list)  # (reference, letter type)


def _recipients(rows: list[Any]) -> list[_Notice]:
    """Who is told of these letters: each employee's own login, each union's representatives."""
    employee_ids = {r.employee_id for r in rows if r.employee_id and not r.union_id}
    union_ids = {r.union_id for r in rows if r.union_id}
    wanted = [User.active.is_(True), User.notify_letters.is_(True)]
    people = list(db.session.scalars(select(User).where(
        User.employee_id.in_(employee_ids), User.role == Role.EMPLOYEE.value, *wanted))) if employee_ids else []
    reps = list(db.session.scalars(select(User).where(
        User.union_id.in_(union_ids), User.role == Role.UNION_REP.value, *wanted).order_by(User.id))) if union_ids else []
    notices: dict[int, _Notice] = {}
    for row in rows:
        if row.union_id:
            users = [u for u in reps if u.union_id == row.union_id]
        else:
            users = [u for u in people if u.employee_id == row.employee_id]
        for user in users:
            address = mail_address(user)
            if address is None:
                continue
            notice = notices.setdefault(user.id, _Notice(user, address, user.union if row.union_id else None))
            notice.letters.append((row.reference, row.letter_type))
    return list(notices.values())


def _letter_notice(notice: _Notice) -> tuple[str, str]:
    """The subject and body of a letter notice: the references and a link, nothing of the letters."""
    count = len(notice.letters)
    shown = notice.letters[:10]
    more = f"\n  … and {count - 10} more" if count > 10 else ""
    if notice.union is not None:
        subject = (f"A letter to {notice.union.name} is waiting in hrtool" if count == 1
                   else f"{count} letters to {notice.union.name} are waiting in hrtool")
        lines = "\n".join(f"  - {ref}: {T.LETTER_TYPES[kind].name if kind in T.LETTER_TYPES else 'letter'}"
                          for ref, kind in shown)
        where = link("unions.letters")
        intro = (f"Human Resources have issued {'a letter' if count == 1 else f'{count} letters'} to "
                 f"{notice.union.name} in hrtool:")
    else:
        subject = "A letter is waiting for you in hrtool" if count == 1 else f"{count} letters are waiting for you in hrtool"
        lines = "\n".join(f"  - reference {ref}" for ref, _ in shown)
        where = link("my_letters.my_letters")
        intro = f"Human Resources have issued {'a letter' if count == 1 else f'{count} letters'} to you in hrtool:"
    body = (f"Hello,\n\n{intro}\n\n{lines}{more}\n\nRead {'it' if count == 1 else 'them'} when you are signed in:\n"
            f"{where}\n\n{NOTICE_FOOTER}\n\n"
            f"You can turn these emails off under \"Email notices\" in hrtool:\n{link('account.notices')}\n")
    return subject, body


@transaction
def notices_for_letters(letter_ids: Iterable[int]) -> list[int]:
    """Queue one "a letter is waiting" message per recipient for these letters (a batch, or one
    letter): to the employee's own login for a letter to a person, to each representative's
    login for a letter to a union; none to anyone who turned letter notices off or whose login
    is not an email address. Called in the transaction that writes the letters, so the messages
    exist exactly when the letters do. Returns the outbox ids to deliver."""
    ids = sorted({int(i) for i in letter_ids})
    rows: list[Any] = []
    for start in range(0, len(ids), 500):
        rows.extend(db.session.execute(
            select(Letter.id, Letter.reference, Letter.letter_type, Letter.employee_id, Letter.union_id)
            .where(Letter.id.in_(ids[start:start + 500])).order_by(Letter.id)).all())
    messages = []
    for notice in _recipients(rows):
        subject, body = _letter_notice(notice)
        messages.append(OutboxMessage(to_address=notice.address, to_user_id=notice.user.id, kind="letter_waiting",
                                      subject=subject, body=body, status="queued", attempts=0, error="",
                                      created_at=datetime.now(UTC)))
    db.session.add_all(messages)
    db.session.flush()
    return [m.id for m in messages]


def notify_issued(letters: Iterable[Letter]) -> list[int]:
    """In the transaction that writes these letters: queue their notices, and once it commits put
    each message on the job queue for delivery (a worker must find its outbox row)."""
    message_ids = notices_for_letters([letter.id for letter in letters])
    if message_ids:
        from ...jobs import tasks
        from ..platform.unit_of_work import after_commit

        after_commit(lambda: [tasks.deliver_mail(i) for i in message_ids])
    return message_ids


# -- delivery ------------------------------------------------------------------------------------

def _email(message_id: int, to: str, subject: str, body: str, smtp: Smtp) -> EmailMessage:
    # Headers unfolded up to the RFC 5322 limit: Python folds some subjects of 78-odd characters
    # right after "Subject:", which some mail clients then show with a leading space.
    email = EmailMessage(policy=SMTP_POLICY)
    email["From"] = smtp.sender
    email["To"] = to
    email["Subject"] = subject
    email["Date"] = formatdate(usegmt=True)
    # The same id whichever attempt sends it: a message sent again after a crash is one message.
    domain = smtp.sender.rpartition("@")[2].strip("> ") or "localhost"
    email["Message-ID"] = f"<hrtool-outbox-{message_id}@{domain}>"
    email["Auto-Submitted"] = "auto-generated"
    email.set_content(body)
    return email


def _send(smtp: Smtp, email: EmailMessage) -> None:
    client = smtplib.SMTP_SSL if smtp.use_ssl else smtplib.SMTP
    with client(smtp.server, smtp.port, timeout=smtp.timeout) as server:
        if smtp.use_tls and not smtp.use_ssl:
            server.starttls(context=ssl.create_default_context())
        if smtp.username:
            server.login(smtp.username, smtp.password)
        server.send_message(email)


def plain_reason(error: BaseException, smtp: Smtp) -> tuple[str, bool]:
    """A send failure in plain words (never the server's raw reply, which may quote the message),
    and whether it is permanent (trying again will not help)."""
    where = f"the mail server {smtp.server}:{smtp.port}"
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return f"{where} refused the user name or password (MAIL_USERNAME, MAIL_PASSWORD).", False
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        permanent = bool(codes) and all(code >= 500 for code in codes)
        return (f"{where} refused the address this message is to"
                + (" for good: check the login's email address." if permanent else " for now.")), permanent
    if isinstance(error, smtplib.SMTPSenderRefused):
        return f"{where} refused the sender address {smtp.sender} (MAIL_FROM).", False
    if isinstance(error, smtplib.SMTPNotSupportedError):
        return f"{where} does not offer what the settings ask for (MAIL_USE_TLS, or a login).", False
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{where} answered with code {error.smtp_code} and did not take the message.", error.smtp_code >= 500
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return f"{where} closed the connection before the message was sent.", False
    if isinstance(error, ssl.SSLError):
        return f"A secure connection to {where} could not be made (MAIL_USE_TLS, MAIL_USE_SSL).", False
    if isinstance(error, ConnectionRefusedError):
        return f"{where} refused the connection: it is not running, or not at that address and port.", False
    if isinstance(error, (socket.timeout, TimeoutError)):
        return f"{where} did not answer in time.", False
    if isinstance(error, socket.gaierror):
        return f"The name of {where} could not be found (MAIL_SERVER).", False
    if isinstance(error, OSError):
        return f"{where} could not be reached ({error.strerror or 'network error'}).", False
    return f"{where} did not take the message.", False


def lease(smtp: Smtp) -> timedelta:
    """How long a worker holds a message it is sending: every step of a send may take the
    timeout (connect, TLS, login, the message), with room to spare; at least two minutes."""
    return max(timedelta(minutes=2), timedelta(seconds=smtp.timeout * 6))


def max_attempts() -> int:
    return int(setting("MAIL_MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS))


def deliver(message_id: int) -> str:
    """Send one outbox message, or keep it in the outbox when no mail server is configured.
    Returns its status. Idempotent: a message already sent, kept or failed is left alone.
    Raises MailNotSent (it stays queued, the reason stored) when the server does not take it,
    MailGaveUp when it is marked failed. Runs on its own, outside any unit of work (a worker
    with the app context pushed; the CLI)."""
    if unit_of_work.in_transaction():
        raise RuntimeError("Mail is delivered on its own, outside any unit of work")
    with unit_of_work.unit_of_work():
        message = db.session.get(OutboxMessage, message_id)
        if message is None:
            raise LookupError(f"No outbox message {message_id}")
        if message.status != "queued":
            return message.status
        smtp = smtp_settings()
        if smtp is None:
            message.status, message.error = "kept_in_outbox", ""
            return message.status
        attempt = message.attempts + 1
        to, subject, body = message.to_address, message.subject, message.body
        # Claim it for the time a send can take: one UPDATE, so of two workers only the one that
        # finds it unclaimed (and the attempt count it read) sends it; the other leaves it be.
        now = datetime.now(UTC)
        claimed = cast(CursorResult[Any], db.session.execute(
            update(OutboxMessage).where(
                OutboxMessage.id == message_id, OutboxMessage.status == "queued",
                OutboxMessage.attempts == message.attempts,
                or_(OutboxMessage.sending_until.is_(None), OutboxMessage.sending_until < now))
            .values(attempts=attempt, sending_until=now + lease(smtp))
            .execution_options(synchronize_session=False))).rowcount
        if claimed != 1:
            db.session.expire(message)
            return message.status
    try:
        _send(smtp, _email(message_id, to, subject, body, smtp))
    except (smtplib.SMTPException, OSError) as error:
        reason, permanent = plain_reason(error, smtp)
        gave_up = permanent or attempt >= max_attempts()
        log.warning("Mail %s not sent (attempt %s): %s", message_id, attempt, reason, exc_info=error)
        with unit_of_work.unit_of_work():
            message = db.session.get(OutboxMessage, message_id)
            assert message is not None, "this worker claimed it above"
            db.session.refresh(message)
            message.error = (f"Attempt {attempt}: {reason} "
                             + ("Not tried again." if gave_up else "It will be tried again."))
            message.sending_until = None
            if gave_up:
                message.status = "failed"
        raise (MailGaveUp if gave_up else MailNotSent)(message_id, message.error) from None
    with unit_of_work.unit_of_work():
        message = db.session.get(OutboxMessage, message_id)
        assert message is not None, "this worker claimed it above"
        db.session.refresh(message)
        message.status, message.sent_at, message.error = "sent", datetime.now(UTC), ""
        message.sending_until = None
    return "sent"


@dataclass
class Delivered:
    sent: int = 0
    kept: int = 0
    not_sent: list[tuple[int, str]] = field(default_factory=list)  # (id, reason): still queued or failed

    def as_json(self) -> dict[str, Any]:
        return {"sent": self.sent, "kept_in_outbox": self.kept,
                "not_sent": [{"id": i, "reason": r} for i, r in self.not_sent]}


def deliver_many(message_ids: Iterable[int]) -> Delivered:
    """Deliver each message in turn; one that fails does not stop the others."""
    done = Delivered()
    for message_id in message_ids:
        try:
            status = deliver(message_id)
        except MailNotSent as error:
            done.not_sent.append((message_id, error.reason))
            continue
        if status == "sent":
            done.sent += 1
        elif status == "kept_in_outbox":
            done.kept += 1
    return done


def outbox_query(status: str) -> Select[OutboxMessage]:
    """The outbox for paging, newest first (created, then id), of one status if given, with each
    message's recipient loaded."""
    query = select(OutboxMessage).options(joinedload(OutboxMessage.to_user))
    if status:
        query = query.where(OutboxMessage.status == status)
    return query.order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())


def queued_ids() -> list[int]:
    return list(db.session.scalars(select(OutboxMessage.id).where(OutboxMessage.status == "queued")
                                   .order_by(OutboxMessage.id)))


@transaction
def send_again(message: OutboxMessage) -> OutboxMessage:
    """An administrator puts a failed or kept message back in the queue (after fixing the mail
    settings or the address); audited. Delivering it is the caller's next step."""
    if message.status not in ("failed", "kept_in_outbox"):
        from ...errors import DomainError

        raise DomainError("Only a message that was not sent can be sent again")
    before = {"status": message.status}
    message.status, message.error = "queued", ""
    audit.record("requeue", "mail_message", message.id, before=before, after={"status": "queued"})
    return message


# -- the user's own notices ----------------------------------------------------------------------

@transaction
def set_notices(user: User, letters: bool, digest: bool) -> bool:
    """Turn the user's email notices on or off (audited). Returns whether anything changed."""
    before = {"notify_letters": user.notify_letters, "notify_digest": user.notify_digest}
    user.notify_letters, user.notify_digest = bool(letters), bool(digest)
    after = {"notify_letters": user.notify_letters, "notify_digest": user.notify_digest}
    if before == after:
        return False
    changed_before, changed_after = audit.changed(before, after)
    audit.record("update", "user_notices", user.id, before=changed_before, after=changed_after,
                 employee_id=user.employee_id)
    return True
