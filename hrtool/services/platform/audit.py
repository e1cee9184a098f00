"""Writing the audit trail (every change to personal data goes through `record`) and reading it
back: a record's trail and the audit browser's search."""
from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, Protocol, TypeVar

from sqlalchemy import Select, func, select

from ...extensions import db
from ...models import AuditEvent, Employee, User
from .unit_of_work import transaction


def _plain(value: Any) -> Any:
    """JSON-safe form of a column value: dates as ISO text, money as exact text."""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def snapshot(obj: Any, fields: list[str] | None = None) -> dict[str, Any]:
    """The audited columns of a model instance (all its columns unless named)."""
    names = fields or [c.key for c in obj.__table__.columns if c.key not in ("version",)]
    return {name: _plain(getattr(obj, name)) for name in names}


def changed(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the fields that differ, so the trail says exactly what changed."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


# Who a job's worker acts for: the person who started the job, not "system".
_acting: ContextVar[tuple[int | None, str] | None] = ContextVar("hrtool_audit_acting_for", default=None)


@contextmanager
def acting_for(actor: tuple[int | None, str]) -> Iterator[None]:
    """Record the audit events of work done on someone's behalf (a job) as theirs."""
    token = _acting.set(actor)
    try:
        yield
    finally:
        _acting.reset(token)


def _nobody_signed_in() -> tuple[int | None, str] | None:
    return None


# Who is signed in, as the web layer finds them (services do not read requests): set once at app
# creation (`set_signed_in_user`); None when nobody is (a command, a job, a test without a request).
_signed_in: Callable[[], tuple[int | None, str] | None] = _nobody_signed_in


def set_signed_in_user(find: Callable[[], tuple[int | None, str] | None]) -> None:
    """Say how to find the signed-in user (id, display name) that audit events name as the actor."""
    global _signed_in
    _signed_in = find


def _actor() -> tuple[int | None, str]:
    acting = _acting.get()
    if acting is not None:
        return acting
    return _signed_in() or (None, "system")


def record(action: str, entity_type: str, entity_id: Any = "", *, before: dict[str, Any] | None = None,
           after: dict[str, Any] | None = None, reason: str = "", employee_id: int | None = None,
           actor: tuple[int | None, str] | None = None) -> AuditEvent:
    actor_id, actor_label = actor or _actor()
    event = AuditEvent(
        at=datetime.now(UTC), actor_id=actor_id, actor_label=actor_label, action=action,
        entity_type=entity_type, entity_id=str(entity_id), employee_id=employee_id,
        before=before, after=after, reason=reason,
    )
    db.session.add(event)
    return event


class _Identified(Protocol):
    @property
    def id(self) -> int: ...


R = TypeVar("R", bound=_Identified)


def added(obj: R, entity_type: str, fields: list[str], reason: str) -> R:
    """Add a new record, flushed for its id, and audit its creation with the fields named."""
    db.session.add(obj)
    db.session.flush()
    record("create", entity_type, obj.id, after=snapshot(obj, fields), reason=reason)
    return obj


def record_many(events: list[dict[str, Any]], *, reason: str = "", actor: tuple[int | None, str] | None = None) -> None:
    """Many events at once (an import of thousands of people), written in one batched INSERT
    instead of one ORM object each. Each dict holds action, entity_type, entity_id and
    optionally employee_id, before and after; who, when and why are the same for all."""
    if not events:
        return
    from .bulk import execute_many  # one executemany, each value converted by its column type

    actor_id, actor_label = actor or _actor()
    at = datetime.now(UTC)
    execute_many(AuditEvent, [
        {"at": at, "actor_id": actor_id, "actor_label": actor_label, "reason": reason, "before": None,
         "employee_id": None, **event, "entity_id": str(event.get("entity_id", ""))} for event in events])


@transaction
def record_export(entity_type: str, after: dict[str, Any]) -> AuditEvent:
    """A download the caller has written from what it read (a table of the page's rows) is an
    audited act of its own: one unit of work holding its `export` event."""
    return record("export", entity_type, after=after)


# -- reading the trail back ------------------------------------------------------------------------

def post_trail(post_id: int, limit: int = 20) -> list[AuditEvent]:
    """The latest `limit` events about the post, newest first."""
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.entity_type == "post",
                                                            AuditEvent.entity_id == str(post_id))
                                   .order_by(AuditEvent.id.desc()).limit(limit)))


def person_trail(employee_id: int, limit: int = 20) -> list[AuditEvent]:
    """The latest `limit` events about the person (any of their records), newest first."""
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.employee_id == employee_id)
                                   .order_by(AuditEvent.id.desc()).limit(limit)))


def protection_history(protection_id: int) -> list[AuditEvent]:
    """Every event about the pay protection, latest first (by time, then id)."""
    return list(db.session.scalars(select(AuditEvent).where(
        AuditEvent.entity_type == "protection", AuditEvent.entity_id == str(protection_id))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())))


def events_query(*, person_number: str = "", who: str = "", entity: str = "", action: str = "",
                 start: date | None = None, end: date | None = None) -> Select[AuditEvent]:
    """The events the audit browser's filters select (each optional, dates inclusive), newest first."""
    query = select(AuditEvent)
    if person_number:
        person = db.session.scalar(select(Employee.id).where(Employee.person_number == person_number.upper()))
        # A person number nobody has selects nothing, rather than everyone.
        query = query.where(AuditEvent.employee_id == (person if person is not None else -1))
    if who:
        query = query.where(func.lower(AuditEvent.actor_label).like(f"%{who.lower()}%"))
    if entity:
        query = query.where(AuditEvent.entity_type == entity)
    if action:
        query = query.where(AuditEvent.action == action)
    if start is not None:
        query = query.where(AuditEvent.at >= datetime.combine(start, time.min, UTC))
    if end is not None:
        query = query.where(AuditEvent.at < datetime.combine(end + timedelta(days=1), time.min, UTC))
    return query.order_by(AuditEvent.id.desc())


def entity_types() -> list[str]:
    """Every kind of record the trail has events about, alphabetically."""
    return list(db.session.scalars(select(AuditEvent.entity_type).distinct().order_by(AuditEvent.entity_type)))


def actions() -> list[str]:
    """Every action the trail has recorded, alphabetically."""
    return list(db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)))


def subjects(events: Sequence[AuditEvent]) -> tuple[dict[int, Employee], dict[int, User]]:
    """The people and the logins these events are about, each by id (so a page names them, never
    by internal id); no query for none."""
    ids = {e.employee_id for e in events if e.employee_id}
    ids |= {int(e.entity_id) for e in events if e.entity_type == "employee" and e.entity_id.isdigit()}
    people = {p.id: p for p in db.session.scalars(select(Employee).where(Employee.id.in_(ids)))} if ids else {}
    user_ids = {int(e.entity_id) for e in events if e.entity_type == "user" and e.entity_id.isdigit()}
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(user_ids)))} if user_ids else {}
    return people, users
