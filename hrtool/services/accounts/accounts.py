"""Signing in and out: argon2 password hashes, sign-in throttling by account and client address
held in the database (services/accounts/throttling.py), and server-side sessions that logout and
timeouts end."""
from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from sqlalchemy import select, update

from ...extensions import db
from ...models import Employee, LoginAttempt, User, UserSession
from ..platform import audit, unit_of_work
from ..platform.unit_of_work import transaction
from . import passwords, throttling

_hasher = PasswordHasher()
# Verifying against this when the username is unknown keeps the timing the same either way.
_DUMMY_HASH = _hasher.hash("not a real password, only for timing")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; everything stored is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class SignInResult:
    user: User | None
    session_id: str | None = None
    locked: bool = False  # throttled: refused without checking the password, until `wait_until`
    disabled: bool = False  # the password was right but an administrator has disabled the login
    wait_until: datetime | None = None

    def wait_minutes(self, now: datetime | None = None) -> int:
        """Whole minutes left to wait, rounded up (at least 1 while throttled)."""
        if self.wait_until is None:
            return 0
        seconds = (self.wait_until - (now or _now())).total_seconds()
        return max(1, -(-int(seconds) // 60))


@transaction
def create_user(username: str, display_name: str, password: str, role: str, *,
                employee_id: int | None = None, union_id: int | None = None, temporary: bool = False) -> User:
    """Add an account. The password must meet the rule (`passwords.check`, WeakPassword if not).
    `temporary`: an administrator chose it, so the user must change it when they first sign in."""
    passwords.check(password, username=username)
    user = User(username=username.strip().lower(), display_name=display_name, role=role,
                password_hash=hash_password(password), employee_id=employee_id, union_id=union_id,
                must_change_password=temporary)
    db.session.add(user)
    db.session.flush()
    employee = db.session.get(Employee, employee_id) if employee_id else None
    audit.record("create", "user", user.id, after={
        "username": user.username, "role": role, "display_name": display_name, "employee_id": employee_id,
        "employee": f"{employee.full_name} ({employee.person_number})" if employee else None,
        "union_id": union_id, "must_change_password": temporary})
    return user


def _address(remote_addr: str) -> str:
    return (remote_addr or "")[:64]


def sign_in(username: str, password: str, remote_addr: str = "") -> SignInResult:
    """Check a password, throttled by account and client address (services/accounts/throttling.py): while
    this address must wait for this account the attempt is refused (`locked`, until
    `wait_until`) without checking the password, and the refusal lengthens nobody's wait.

    Two steps: the read, ended before the deliberately slow hash check so no transaction (on
    SQLite, a form's transaction holds the write lock: see sqlite.py) stays open while it runs;
    then one unit of work recording the attempt (and, if it succeeded, the session and the
    audit event)."""
    username = username.strip().lower()
    remote_addr = _address(remote_addr)
    now = _now()
    until = throttling.wait_until(username, remote_addr, now)
    if until is not None:
        _record_attempt(username, now, False, remote_addr, refused=True)
        return SignInResult(user=None, locked=True, wait_until=until)
    user = db.session.scalar(select(User).where(User.username == username))
    stored_hash = user.password_hash if user else _DUMMY_HASH
    user_id = user.id if user else None
    _end_read()
    try:
        ok = _hasher.verify(stored_hash, password) and user_id is not None
    except (VerificationError, InvalidHashError):
        ok = False
    return _signed_in(username, user_id, password, ok, now, remote_addr)


def _end_read() -> None:
    """End the read transaction so the next write starts a transaction of its own (never inside
    a unit of work, whose work that would throw away)."""
    if not unit_of_work.in_transaction():
        unit_of_work.discard()


@transaction
def _record_attempt(username: str, at: datetime, succeeded: bool, remote_addr: str, refused: bool = False) -> None:
    db.session.add(LoginAttempt(username=username, attempted_at=at, succeeded=succeeded, remote_addr=remote_addr,
                                refused=refused))


@transaction
def _signed_in(username: str, user_id: int | None, password: str, ok: bool, now: datetime,
               remote_addr: str) -> SignInResult:
    user = db.session.get(User, user_id) if user_id is not None else None
    disabled = ok and user is not None and not user.active
    ok = ok and user is not None and user.active
    _record_attempt(username, now, ok, remote_addr)
    if not ok or user is None:
        return SignInResult(user=None, disabled=disabled)
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    session = UserSession(id=secrets.token_urlsafe(32), user_id=user.id, created_at=now, last_seen_at=now)
    db.session.add(session)
    audit.record("login", "user", user.id, actor=(user.id, user.display_name))
    return SignInResult(user=user, session_id=session.id)


@transaction
def confirm_password(user: User, password: str, remote_addr: str = "") -> SignInResult:
    """Check a signed-in user's password again (re-authentication), under the same throttle as
    sign-in: a guessed password cannot be tried here without limit."""
    now = _now()
    remote_addr = _address(remote_addr)
    until = throttling.wait_until(user.username, remote_addr, now)
    if until is not None:
        _record_attempt(user.username, now, False, remote_addr, refused=True)
        return SignInResult(user=None, locked=True, wait_until=until)
    try:
        ok: bool = _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        ok = False
    _record_attempt(user.username, now, ok, remote_addr)
    if ok:
        audit.record("reauthenticate", "user", user.id, actor=(user.id, user.display_name))
    return SignInResult(user=user if ok else None)


def load_session(session_id: str) -> User | None:
    """The user behind a live session, or None if it was revoked, idle too long or too old.
    Touches last_seen_at at most once a minute to keep writes down. Runs for every request
    (Flask-Login's user loader), so its writes are units of work of their own."""
    record = db.session.get(UserSession, session_id)
    if record is None or record.revoked_at is not None:
        return None
    now = _now()
    idle = timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"])
    absolute = timedelta(minutes=current_app.config["SESSION_ABSOLUTE_MINUTES"])
    if now - _aware(record.last_seen_at) > idle or now - _aware(record.created_at) > absolute:
        _end_read()  # the expiry is written if the lock is free; the session has ended either way
        _if_free(_expire_session, session_id, now)
        return None
    if now - _aware(record.last_seen_at) > timedelta(minutes=1):
        # End the read first, so on SQLite the UPDATE starts a transaction of its own instead of
        # upgrading a stale read (SQLITE_BUSY_SNAPSHOT under concurrent requests; see sqlite.py).
        _end_read()
        _if_free(_touch_session, session_id, now)
        record = db.session.get(UserSession, session_id)
        if record is None:
            return None
    user = record.user
    if not user.active:
        return None
    user.session_id = record.id
    return user


@transaction
def _expire_session(session_id: str, now: datetime) -> None:
    db.session.execute(update(UserSession).where(UserSession.id == session_id).values(revoked_at=now))


def _if_free(write: Callable[[str, datetime], None], session_id: str, now: datetime) -> None:
    """A session's own bookkeeping (the last-seen stamp, an expiry) never holds a page up:
    it waits a moment at most for the write lock and, if another user's write holds
    it, is skipped; the next request writes it."""
    from sqlalchemy.exc import DBAPIError

    from ... import sqlite
    from ...errors import is_busy

    try:
        with sqlite.waiting_at_most(200):
            write(session_id, now)
    except DBAPIError as error:  # the unit of work has rolled itself back: nothing half-written
        if not is_busy(error):
            raise
        current_app.logger.info("Session bookkeeping skipped: the database was busy")


@transaction
def _touch_session(session_id: str, now: datetime) -> None:
    db.session.execute(update(UserSession).where(UserSession.id == session_id).values(last_seen_at=now))


@transaction
def sign_out(session_id: str | None) -> None:
    if not session_id:
        return
    record = db.session.get(UserSession, session_id)
    if record is not None and record.revoked_at is None:
        record.revoked_at = _now()
        audit.record("logout", "user", record.user_id, actor=(record.user_id, record.user.display_name))


def _end_sessions(user_id: int, now: datetime, keep: str | None = None) -> int:
    """Revoke every live session of the user except `keep`; returns how many were ended."""
    live = db.session.scalars(select(UserSession).where(
        UserSession.user_id == user_id, UserSession.revoked_at.is_(None))).all()
    ended = 0
    for record in live:
        if record.id != keep:
            record.revoked_at = now
            ended += 1
    return ended


def change_password(user: User, current: str, new: str, remote_addr: str = "") -> SignInResult:
    """A signed-in user changes their own password. The current password is checked under the
    sign-in throttle (`locked` when the account is locked; `user` None when it is wrong); the new
    one must meet the rule (WeakPassword) and differ from the current one. Every other session of
    the user ends (ASVS 3.3.3); the one in use stays signed in. Audited, never with either password."""
    confirmed = confirm_password(user, current, remote_addr)  # kept on record even if the new one is refused
    if confirmed.user is None:
        return confirmed
    return _set_own_password(user, current, new)


@transaction
def _set_own_password(user: User, current: str, new: str) -> SignInResult:
    passwords.check(new, username=user.username)
    if new == current:
        raise passwords.WeakPassword("Your new password must be different from your current one")
    user.password_hash = hash_password(new)
    was_temporary = user.must_change_password
    user.must_change_password = False
    ended = _end_sessions(user.id, _now(), keep=user.session_id)
    after: dict[str, object] = {"other_sessions_ended": ended}
    if was_temporary:
        after["replaced_temporary_password"] = True
    audit.record("change_password", "user", user.id, actor=(user.id, user.display_name), after=after)
    return SignInResult(user=user, session_id=user.session_id)


@transaction
def reset_password(user: User, new: str, reason: str) -> int:
    """An administrator sets a temporary password for someone (who has forgotten theirs). The
    rule applies; every session of that user ends, so whoever had it open must sign in again, and
    at that sign-in they must change it before anything else (`must_change_password`).
    Returns how many sessions were ended. Audited with the reason, never the password."""
    passwords.check(new, username=user.username)
    user.password_hash = hash_password(new)
    before = user.must_change_password
    user.must_change_password = True
    ended = end_sessions(user.id)
    audit.record("reset_password", "user", user.id, reason=reason,
                 before={"must_change_password": before},
                 after={"sessions_ended": ended, "must_change_password": True})
    return ended


def end_sessions(user_id: int) -> int:
    """End every live session of a user at once (disabled, role changed, password reset): the
    cookie carries only the session id, and the user loader refuses a revoked one on the next
    request. Flask-Login's "alternative token" idea, held on the server."""
    return _end_sessions(user_id, _now())
