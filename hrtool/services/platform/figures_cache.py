"""A small per-process cache for aggregate figures over the whole workforce (the dashboards'
headcounts), so a page that shows them costs the same at 1,000 or 100,000 employees.

Figures are keyed by a *data stamp*: a generation counter (`figures_generations`, row
"workforce") and the newest ids of the dated records the figures count. The counter is moved on in
the same transaction as any change to the tables the figures read (SOURCES: employments,
assignments, terms records, posts, services, councils, rule settings): an ORM change, an ORM or
Core UPDATE or DELETE through the session, or a bulk insert (services/platform/bulk.py). So a change of
post or hours makes a new stamp and the next view recomputes, while a change of someone's phone
number or an audit event does not (keyed by the newest audit event, the dashboard's
100,000-person headcount ran again on nearly every request while HR officers saved). The stamp is
four primary-key lookups, whatever the workforce size. A cached figure must read only SOURCES (add
a table there when a new figure reads one). As a backstop for changes made outside the app,
figures also expire after FIGURES_CACHE_SECONDS (0 turns the cache off)."""
from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from flask import current_app
from sqlalchemy import event, func, inspect, select, update
from sqlalchemy.orm import ORMExecuteState, Session

from ...extensions import db
from ...models import Assignment, Employment, FiguresGeneration, TermsRecord

T = TypeVar("T")
_lock = threading.Lock()
_store: dict[tuple[str, Hashable, Hashable], tuple[float, Any, Callable[[], Any]]] = {}  # (database, key, data stamp)
_MAX_ENTRIES = 256


# The tables the cached figures read: a change to any of them moves the generation on.
SOURCES = frozenset({"employments", "assignments", "terms_records", "posts", "services", "councils",
                     "rule_settings"})
GENERATION = "workforce"
_CHANGED = "hrtool_figures_changed"  # session.info flag: a source changed in this transaction


def data_stamp() -> tuple[Any, ...]:
    return tuple(db.session.execute(select(
        select(FiguresGeneration.generation).where(FiguresGeneration.name == GENERATION).scalar_subquery(),
        select(func.max(Employment.id)).scalar_subquery(),
        select(func.max(Assignment.id)).scalar_subquery(), select(func.max(TermsRecord.id)).scalar_subquery(),
    )).one())


def note_write(session: Session, table_name: str) -> None:
    """A write to `table_name` that bypassed the ORM (a bulk insert): the figures move on if it is a source."""
    if table_name in SOURCES:
        session.info[_CHANGED] = True


def _after_flush(session: Session, _context: Any) -> None:
    if session.info.get(_CHANGED):
        return
    for obj in (*session.new, *session.dirty, *session.deleted):
        table = getattr(obj, "__tablename__", None)
        if table in SOURCES and (obj not in session.dirty or session.is_modified(obj, include_collections=False)):
            session.info[_CHANGED] = True
            return


def _on_execute(state: ORMExecuteState) -> None:
    if (state.is_update or state.is_delete) and getattr(getattr(state.statement, "table", None), "name", None) in SOURCES:
        state.session.info[_CHANGED] = True


def _before_commit(session: Session) -> None:
    """Move the generation on with the transaction that changed a source (after the derived
    facts have settled: services/platform/derived.py's listener was installed first)."""
    # A database at a revision before 0025 (a migration test, a script run before upgrading) has
    # no counter: nothing to move on.
    if session.info.pop(_CHANGED, False) and inspect(session.connection()).has_table("figures_generations"):
        session.execute(update(FiguresGeneration).where(FiguresGeneration.name == GENERATION)
                        .values(generation=FiguresGeneration.generation + 1))


def _after_rollback(session: Session) -> None:
    session.info.pop(_CHANGED, None)


def install() -> None:
    """Once per process, after services/platform/derived.py's listeners."""
    if event.contains(Session, "after_flush", _after_flush):
        return
    event.listen(Session, "after_flush", _after_flush)
    event.listen(Session, "do_orm_execute", _on_execute)
    event.listen(Session, "before_commit", _before_commit)
    event.listen(Session, "after_soft_rollback", lambda session, _tx: _after_rollback(session))


def cached(key: Hashable, compute: Callable[[], T]) -> T:
    """compute() once per key and data stamp (per database), within the time limit."""
    seconds = current_app.config.get("FIGURES_CACHE_SECONDS", 300)
    if seconds <= 0:
        return compute()
    full_key = (str(db.engine.url), key, data_stamp())
    now = time.monotonic()
    with _lock:
        hit = _store.get(full_key)
    if hit is not None and now - hit[0] < seconds:
        return hit[1]  # type: ignore[no-any-return]
    value = compute()
    with _lock:
        if len(_store) >= _MAX_ENTRIES:
            _store.clear()
        _store[full_key] = (now, value, compute)
    return value


def live_entries() -> list[tuple[Hashable, Any, Callable[[], Any]]]:
    """(key, value, compute) of every figure this process would serve now from the cache for
    this database: the entries keyed by the current data stamp (`hrtool check` recomputes them)."""
    seconds = current_app.config.get("FIGURES_CACHE_SECONDS", 300)
    if seconds <= 0:
        return []
    url, stamp, now = str(db.engine.url), data_stamp(), time.monotonic()
    with _lock:
        items = list(_store.items())
    return [(key[1], value, compute) for key, (at, value, compute) in items
            if key[0] == url and key[2] == stamp and now - at < seconds]
