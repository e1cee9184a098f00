"""Managing users: an administrator disables and re-enables a login, changes its role,
name or the person or union it is linked to, and sets a temporary password (accounts.reset_password).

Rules:
- The last active administrator can be neither disabled nor moved to another role, so there is
  always someone who can manage users. An administrator cannot disable their own login or change
  their own role (another administrator does that), so nobody locks themselves out mid-action.
- Disabling, changing the role or the linked person or union end every session of the user at
  once: what the login may see has changed, so the next request of a browser still signed in
  goes to the sign-in page (the user loader refuses a revoked session, and a disabled user).
- An employee's login is linked to one employee record (by person number), which no other login
  holds; a union representative's to a union. A login of another role holds neither link.
- Every change is audited with who, when, the reason, and the fields before and after.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from ...errors import DomainError
from ...extensions import db
from ...models import AuditEvent, Employee, Role, TradeUnion, User, UserSession
from ..platform import audit
from ..platform.unit_of_work import transaction
from .accounts import create_user, end_sessions

# How each audited field of a login is named on its page; ids are kept in the trail but shown
# as the person's name and number, or the union's name.
_LABELS = {"username": "Username", "display_name": "Name", "role": "Role", "employee": "Linked employee",
           "union": "Union", "active": "Can sign in", "must_change_password": "Must change password",
           "sessions_ended": "Sessions ended", "other_sessions_ended": "Other sessions ended",
           "replaced_temporary_password": "Replaced a temporary password"}
_ACTIONS = {"create": "Login added", "update": "Changed", "disable": "Disabled", "enable": "Enabled again",
            "reset_password": "Temporary password set", "change_password": "Changed their own password"}


@dataclass(frozen=True)
class UserChange:
    """What an administrator asked for on the change page."""

    display_name: str
    role: str
    person_number: str = ""
    union_id: int | None = None
    username: str = ""  # a corrected email address; empty keeps the one held


def _get(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise DomainError("That user no longer exists")
    return user


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Enter the reason for the change", field="reason")
    return reason


def employee_label(employee: Employee | None) -> str | None:
    return f"{employee.full_name} ({employee.person_number})" if employee is not None else None


def _snapshot(user: User) -> dict[str, object]:
    """The audited fields, the linked person and union by name as well as by id (loaded by id:
    the relationships may not yet reflect an id just changed)."""
    employee = db.session.get(Employee, user.employee_id) if user.employee_id else None
    union = db.session.get(TradeUnion, user.union_id) if user.union_id else None
    return {"username": user.username, "display_name": user.display_name, "role": user.role,
            "employee_id": user.employee_id,
            "employee": employee_label(employee), "union_id": user.union_id,
            "union": union.name if union else None, "active": user.active}


def _other_active_admins(user: User) -> int:
    """Active administrators other than `user`. The rows are locked (PostgreSQL; SQLite's forms
    already hold the write lock), so two administrators demoting each other at once cannot both
    succeed."""
    ids = db.session.scalars(select(User.id).where(User.role == Role.ADMIN.value, User.active.is_(True),
                                                   User.id != user.id).with_for_update()).all()
    return len(ids)


def _guard_last_admin(user: User, action: str) -> None:
    if user.role == Role.ADMIN.value and user.active and _other_active_admins(user) == 0:
        raise DomainError(f"{user.display_name} is the only active administrator, so cannot be {action}: "
                          "make someone else an administrator first")


def _guard_self(user: User, actor_id: int | None, action: str) -> None:
    if actor_id is not None and actor_id == user.id:
        raise DomainError(f"You cannot {action} your own login: ask another administrator")


def live_sessions(user_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(UserSession).where(
        UserSession.user_id == user_id, UserSession.revoked_at.is_(None))) or 0


@transaction
def disable(user_id: int, reason: str, actor_id: int | None) -> int:
    """Disable a login: it can no longer sign in and every session it has ends now. Returns how
    many sessions were ended."""
    reason = _reason(reason)
    user = _get(user_id)
    if not user.active:
        raise DomainError(f"{user.display_name}'s login is already disabled")
    _guard_last_admin(user, "disabled")
    _guard_self(user, actor_id, "disable")
    before = _snapshot(user)
    user.active = False
    ended = end_sessions(user.id)
    audit.record("disable", "user", user.id, reason=reason, before=before,
                 after={**_snapshot(user), "sessions_ended": ended})
    return ended


@transaction
def enable(user_id: int, reason: str) -> User:
    """Let a disabled login sign in again (with the password it had; reset it if needed)."""
    reason = _reason(reason)
    user = _get(user_id)
    if user.active:
        raise DomainError(f"{user.display_name}'s login is already active")
    before = _snapshot(user)
    user.active = True
    audit.record("enable", "user", user.id, reason=reason, before=before, after=_snapshot(user))
    return user


def _links(wanted: UserChange, user: User) -> tuple[int | None, int | None]:
    """The employee and union the login is to be linked to, checked against the role."""
    role = Role(wanted.role)
    if role is Role.EMPLOYEE:
        number = wanted.person_number.strip()
        if not number:
            raise DomainError("Enter the person number of the employee this login is for", field="person_number")
        employee_id = db.session.scalar(select(Employee.id).where(Employee.person_number == number))
        if employee_id is None:
            raise DomainError("There is no employee with this person number", field="person_number")
        holder = db.session.scalar(select(User).where(User.employee_id == employee_id, User.id != user.id))
        if holder is not None:
            raise DomainError(f"This employee already has a login ({holder.username})", field="person_number")
        return employee_id, None
    if role is Role.UNION_REP:
        if not wanted.union_id or db.session.get(TradeUnion, wanted.union_id) is None:
            raise DomainError("Choose the union this representative is from", field="union_id")
        return None, wanted.union_id
    return None, None


@transaction
def change(user_id: int, wanted: UserChange, reason: str, actor_id: int | None) -> tuple[User, int]:
    """Change a login's email address (username), name, role and linked person or union. Returns
    the user and how many of their sessions ended (only when the role or a link changed: a
    corrected name or address keeps them signed in; they sign in with the new address next)."""
    reason = _reason(reason)
    user = _get(user_id)
    name = wanted.display_name.strip()
    if not name:
        raise DomainError("Enter their name", field="display_name")
    try:
        Role(wanted.role)
    except ValueError:
        raise DomainError("Choose a role", field="role") from None
    username = wanted.username.strip().lower() or user.username
    if username != user.username and db.session.scalar(select(User.id).where(User.username == username)) is not None:
        raise DomainError("There is already a user with this email address", field="username")
    employee_id, union_id = _links(wanted, user)
    if wanted.role != user.role:
        _guard_last_admin(user, "given another role")
        _guard_self(user, actor_id, "change the role of")
    before = _snapshot(user)
    access_changed = (wanted.role, employee_id, union_id) != (user.role, user.employee_id, user.union_id)
    user.username, user.display_name, user.role = username, name, wanted.role
    user.employee_id, user.union_id = employee_id, union_id
    if before == _snapshot(user):
        raise DomainError("Nothing was changed")
    ended = end_sessions(user.id) if access_changed else 0
    was, now = audit.changed(before, _snapshot(user))
    audit.record("update", "user", user.id, reason=reason, before=was, after={**now, "sessions_ended": ended})
    return user, ended


@dataclass(frozen=True)
class HistoryRow:
    at: datetime
    actor: str
    action: str
    changes: list[str]
    reason: str


def _shown(key: str, value: object) -> str:
    if value is None or value == "":
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if key == "role":
        try:
            return Role(str(value)).label
        except ValueError:
            return str(value)
    return str(value)


def history(user_id: int) -> list[HistoryRow]:
    """The changes made to a login, newest first: who, when, why, and each field before and
    after (sign-ins and re-authentications are left out: they are in the audit log)."""
    events = db.session.scalars(select(AuditEvent).where(
        AuditEvent.entity_type == "user", AuditEvent.entity_id == str(user_id),
        AuditEvent.action.in_(tuple(_ACTIONS))).order_by(AuditEvent.id.desc()).limit(200))
    rows = []
    for event in events:
        before, after = event.before or {}, event.after or {}
        changes = []
        for key, label in _LABELS.items():
            if key not in after:
                continue
            if key in before and before[key] != after[key]:
                changes.append(f"{label}: {_shown(key, before[key])} to {_shown(key, after[key])}")
            elif key not in before and after[key] not in (None, "", 0, False):
                changes.append(f"{label}: {_shown(key, after[key])}")
        rows.append(HistoryRow(at=event.at, actor=event.actor_label, action=_ACTIONS[event.action],
                               changes=changes, reason=event.reason or ""))
    return rows


# -- adding a login and the lists the pages show ----------------------------------------------------

def logins() -> Select[User]:
    """Every login, by role and address, each with its person and union loaded with it (a page
    of them is one query)."""
    return (select(User).options(joinedload(User.employee), joinedload(User.union))
            .order_by(User.role, User.username, User.id))


def unions() -> list[TradeUnion]:
    return list(db.session.scalars(select(TradeUnion).order_by(TradeUnion.name)))


def username_taken(username: str) -> bool:
    return db.session.scalar(select(User.id).where(User.username == username.strip().lower())) is not None


def employee_for_new_login(person_number: str) -> int:
    """The employee a new employee's login is linked to, by person number; refused if there is
    none or they already have a login."""
    employee_id = db.session.scalar(select(Employee.id).where(Employee.person_number == person_number.strip()))
    if employee_id is None:
        raise DomainError("There is no employee with this person number", field="person_number")
    if db.session.scalar(select(User.id).where(User.employee_id == employee_id)) is not None:
        raise DomainError("This employee already has a login", field="person_number")
    return employee_id


@transaction
def add(username: str, display_name: str, password: str, role: str, *, person_number: str = "",
        union_id: int | None = None) -> User:
    """Add a login with a temporary password: an employee's linked to their record (by person
    number), a union representative's to their union. WeakPassword if the password breaks the rule."""
    if username_taken(username):
        raise DomainError("There is already a user with this email address", field="username")
    employee_id = employee_for_new_login(person_number) if role == Role.EMPLOYEE.value else None
    return create_user(username.strip().lower(), display_name.strip(), password, role, employee_id=employee_id,
                       union_id=union_id if role == Role.UNION_REP.value else None, temporary=True)
