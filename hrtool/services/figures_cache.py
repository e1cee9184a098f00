"""A small per-process cache for aggregate figures over the whole workforce (the dashboards'
headcounts), so a page that shows them costs the same at 1,000 or 100,000 employees.

Figures are keyed by a *data stamp*: the newest ids of the audit trail and of the dated records
the figures count. Every change to personal data writes an audit event (and dated changes add
rows), so any change makes a new stamp and the next view recomputes. The stamp is four
primary-key lookups, whatever the workforce size. As a backstop for changes made outside the
app, figures also expire after FIGURES_CACHE_SECONDS (0 turns the cache off)."""
from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from flask import current_app
from sqlalchemy import func, select

from ..extensions import db
from ..models import Assignment, AuditEvent, Employment, TermsRecord

T = TypeVar("T")
_lock = threading.Lock()
_store: dict[Hashable, tuple[float, Any, Callable[[], Any]]] = {}
_MAX_ENTRIES = 256


def data_stamp() -> tuple[Any, ...]:
    return tuple(db.session.execute(select(
        select(func.max(AuditEvent.id)).scalar_subquery(), select(func.max(Employment.id)).scalar_subquery(),
        select(func.max(Assignment.id)).scalar_subquery(), select(func.max(TermsRecord.id)).scalar_subquery(),
    )).one())


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
