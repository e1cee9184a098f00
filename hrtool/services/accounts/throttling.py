"""Sign-in throttling that an attacker cannot turn against the owner (OWASP ASVS 4.0.3
2.2.1). It replaces a hard per-account lock that every refused attempt renewed: five requests per
quarter of an hour, from anywhere, kept anyone's account (the administrator's included) locked.

Every attempt is a row of `login_attempts` (username, client address, when, succeeded), so every
worker process agrees. Three limits, each a growing delay rather than a lock:

- **account from one address** (`LOGIN_MAX_FAILURES`, 5): after that many failures for an account
  from one address since that address last signed in to it, that address waits 1, 2, 4, 8...
  minutes (`LOGIN_FIRST_DELAY_SECONDS`, doubling, at most `LOGIN_MAX_DELAY_MINUTES`) for that
  account, counted from its latest failure;
- **address across accounts** (`LOGIN_ADDRESS_MAX_FAILURES`, 20 within
  `LOGIN_ADDRESS_WINDOW_MINUTES`): password spraying from one address;
- **account from new addresses** (`LOGIN_ACCOUNT_MAX_FAILURES`, 10 from anywhere since the
  account last signed in): guessing one account from many addresses.

The last two do not apply to the account's *usual* addresses (one it has signed in from before),
so the owner's right password from their usual address still works while an attacker elsewhere
keeps failing. Attempts refused while an address waits are recorded (`refused`) but are never
failures: they cannot lengthen anyone's wait. Failures older than `LOGIN_FAILURE_WINDOW_MINUTES`
are forgotten; an administrator can clear failures sooner (`clear`, audited).

`delay` is the rule itself, a pure function: worked examples in tests/security/test_throttling.py.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import ColumnElement, and_, func, select, update

from ...extensions import db
from ...models import LoginAttempt, User
from ..platform import audit
from ..platform.unit_of_work import transaction

ACCOUNT_FROM_ADDRESS = "account_from_address"
ADDRESS = "address"
ACCOUNT = "account"
SCOPE_LABELS = {
    ACCOUNT_FROM_ADDRESS: "One account from one address",
    ADDRESS: "One address, any account",
    ACCOUNT: "One account from addresses it has not signed in from",
}


@dataclass(frozen=True)
class Limits:
    account_from_address: int
    address: int
    account: int
    first_delay: timedelta
    max_delay: timedelta
    window: timedelta
    address_window: timedelta


def limits() -> Limits:
    c = current_app.config
    return Limits(
        account_from_address=int(c.get("LOGIN_MAX_FAILURES", 5)),
        address=int(c.get("LOGIN_ADDRESS_MAX_FAILURES", 20)),
        account=int(c.get("LOGIN_ACCOUNT_MAX_FAILURES", 10)),
        first_delay=timedelta(seconds=int(c.get("LOGIN_FIRST_DELAY_SECONDS", 60))),
        max_delay=timedelta(minutes=int(c.get("LOGIN_MAX_DELAY_MINUTES", 60))),
        window=timedelta(minutes=int(c.get("LOGIN_FAILURE_WINDOW_MINUTES", 24 * 60))),
        address_window=timedelta(minutes=int(c.get("LOGIN_ADDRESS_WINDOW_MINUTES", 60))),
    )


def delay(failures: int, free: int, first: timedelta, cap: timedelta) -> timedelta:
    """How long to wait after the latest of `failures` counted failures: nothing below `free`,
    then `first`, doubling with each further failure, never more than `cap`."""
    if failures < free:
        return timedelta(0)
    doublings = min(failures - free, 32)  # 2**32 minutes is past any cap; keeps the number small
    factor: int = 2 ** doublings  # never negative here, so an int
    return min(first * factor, cap)


@dataclass(frozen=True)
class Throttle:
    """One limit that applies: who, how many failures count, since when, and until when to wait."""

    scope: str
    username: str
    address: str
    failures: int
    latest: datetime | None
    until: datetime | None  # None: not waiting (yet)

    @property
    def label(self) -> str:
        return SCOPE_LABELS[self.scope]

    def waiting(self, now: datetime) -> bool:
        return self.until is not None and self.until > now

    def next_delay(self) -> timedelta:
        """The wait one more failure would bring."""
        rule = limits()
        free = {ACCOUNT_FROM_ADDRESS: rule.account_from_address, ADDRESS: rule.address,
                ACCOUNT: rule.account}[self.scope]
        return delay(self.failures + 1, free, rule.first_delay, rule.max_delay)


def _aware(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; everything stored is UTC."""
    if moment is None:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _counted() -> ColumnElement[bool]:
    return and_(LoginAttempt.succeeded.is_(False), LoginAttempt.refused.is_(False),
                LoginAttempt.cleared.is_(False))


def _last_success(*conditions: ColumnElement[bool]) -> datetime | None:
    return _aware(db.session.scalar(select(func.max(LoginAttempt.attempted_at)).where(
        LoginAttempt.succeeded.is_(True), *conditions)))


def _failures(since: datetime, *conditions: ColumnElement[bool]) -> tuple[int, datetime | None]:
    count, latest = db.session.execute(select(func.count(), func.max(LoginAttempt.attempted_at)).where(
        _counted(), LoginAttempt.attempted_at > since, *conditions)).one()
    return int(count or 0), _aware(latest)


def _throttle(scope: str, username: str, address: str, since: datetime, free: int,
              *conditions: ColumnElement[bool]) -> Throttle:
    rule = limits()
    count, latest = _failures(since, *conditions)
    wait = delay(count, free, rule.first_delay, rule.max_delay)
    until = latest + wait if latest is not None and wait else None
    return Throttle(scope, username, address, count, latest, until)


def account_from_address(username: str, address: str, now: datetime) -> Throttle:
    rule = limits()
    since = now - rule.window
    success = _last_success(LoginAttempt.username == username, LoginAttempt.remote_addr == address)
    if success is not None and success > since:
        since = success
    return _throttle(ACCOUNT_FROM_ADDRESS, username, address, since, rule.account_from_address,
                     LoginAttempt.username == username, LoginAttempt.remote_addr == address)


def for_address(address: str, now: datetime) -> Throttle:
    rule = limits()
    return _throttle(ADDRESS, "", address, now - rule.address_window, rule.address,
                     LoginAttempt.remote_addr == address)


def for_account(username: str, now: datetime) -> Throttle:
    rule = limits()
    since = now - rule.window
    success = _last_success(LoginAttempt.username == username)
    if success is not None and success > since:
        since = success
    return _throttle(ACCOUNT, username, "", since, rule.account, LoginAttempt.username == username)


def usual_address(username: str, address: str) -> bool:
    """Has this account signed in (or confirmed its password) from this address before?"""
    return _last_success(LoginAttempt.username == username, LoginAttempt.remote_addr == address) is not None


def wait_until(username: str, address: str, now: datetime) -> datetime | None:
    """When an attempt for `username` from `address` may next have its password checked, or None
    if it may be now. The per-address and per-account limits do not apply to a usual address."""
    throttles = [account_from_address(username, address, now)]
    if not usual_address(username, address):
        throttles += [for_address(address, now), for_account(username, now)]
    waits = [t.until for t in throttles if t.waiting(now) and t.until is not None]
    return max(waits) if waits else None


def current(now: datetime) -> list[Throttle]:
    """Every limit reached now (waiting, or whose next failure will wait), for the administrator:
    candidates found by counting, each then worked out by the same rule as a sign-in."""
    rule = limits()
    recent = and_(_counted(), LoginAttempt.attempted_at > now - rule.window)
    found: list[Throttle] = []
    pairs = db.session.execute(select(LoginAttempt.username, LoginAttempt.remote_addr).where(recent).group_by(
        LoginAttempt.username, LoginAttempt.remote_addr).having(func.count() >= rule.account_from_address)).all()
    found += [account_from_address(u, a, now) for u, a in pairs]
    addresses = db.session.scalars(select(LoginAttempt.remote_addr).where(
        _counted(), LoginAttempt.attempted_at > now - rule.address_window).group_by(
        LoginAttempt.remote_addr).having(func.count() >= rule.address)).all()
    found += [for_address(a, now) for a in addresses]
    usernames = db.session.scalars(select(LoginAttempt.username).where(recent).group_by(
        LoginAttempt.username).having(func.count() >= rule.account)).all()
    found += [for_account(u, now) for u in usernames]
    free = {ACCOUNT_FROM_ADDRESS: rule.account_from_address, ADDRESS: rule.address, ACCOUNT: rule.account}
    reached = [t for t in found if t.failures >= free[t.scope]]
    return sorted(reached, key=lambda t: (t.until or t.latest or now), reverse=True)


@transaction
def clear(scope: str, username: str, address: str, reason: str, now: datetime | None = None) -> int:
    """An administrator clears a throttle: the failures it counts no longer count (the rows stay,
    marked `cleared`). Audited with the reason. Returns how many failures were cleared."""
    if scope not in SCOPE_LABELS:
        raise ValueError(scope)
    now = now or datetime.now(UTC)
    conditions: list[ColumnElement[bool]] = [_counted()]
    if scope in (ACCOUNT_FROM_ADDRESS, ACCOUNT):
        conditions.append(LoginAttempt.username == username)
    if scope in (ACCOUNT_FROM_ADDRESS, ADDRESS):
        conditions.append(LoginAttempt.remote_addr == address)
    result = db.session.execute(update(LoginAttempt).where(*conditions).values(cleared=True)
                                .execution_options(synchronize_session=False))
    cleared = int(getattr(result, "rowcount", 0) or 0)
    user_id = db.session.scalar(select(User.id).where(User.username == username)) if username else None
    audit.record("clear_sign_in_throttle", "user" if user_id else "sign_in_throttle",
                 user_id if user_id else (address or username), reason=reason,
                 after={"scope": scope, "username": username or None, "address": address or None,
                        "failures_cleared": cleared, "at": now.isoformat(timespec="seconds")})
    return cleared
