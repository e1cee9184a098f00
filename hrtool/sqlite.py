"""SQLite connection settings, applied to every SQLite connection the app or Alembic opens.

- Foreign keys are enforced (SQLite leaves them off by default).
- pysqlite's own transaction handling is switched off and SQLAlchemy emits BEGIN itself, so
  SAVEPOINTs work (tests roll back each test inside one) and transactions mean what they say.
- WAL and a busy timeout let the dev server's readers and one writer share the file.
- A POST begins IMMEDIATE (it will write) unless its view is marked `@reads_only` (an import's
  preview); a session's bookkeeping waits for the lock only a moment (`waiting_at_most`).
"""
from __future__ import annotations

import functools
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, ParamSpec, TypeVar

from sqlalchemy import event
from sqlalchemy.engine import Engine

BUSY_TIMEOUT_MS = 10000
P = ParamSpec("P")
R = TypeVar("R")


@event.listens_for(Engine, "connect")
def _on_connect(dbapi_connection: Any, connection_record: Any) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    if cursor.execute("PRAGMA database_list").fetchone()[2]:  # a file, not :memory:
        cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


@event.listens_for(Engine, "begin")
def _on_begin(connection: Any) -> None:
    if connection.dialect.name == "sqlite":
        # Each transaction sets how long it will wait for the write lock: the usual busy timeout,
        # or only a moment for a write that may be skipped (`waiting_at_most`).
        wait = _wait_ms.get()
        connection.exec_driver_sql(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS if wait is None else wait}")
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _writing_request() else "BEGIN")


def _writing_request() -> bool:
    """A form being submitted (POST and the like) takes SQLite's write lock when its transaction
    begins. A deferred transaction that reads and then writes fails at once with "database is
    locked" (SQLITE_BUSY_SNAPSHOT, which the busy timeout does not wait out) if another
    connection wrote in between: under load (scripts/load.py) sign-ins and saves failed so.
    Beginning IMMEDIATE waits (busy timeout) for the one writer instead. Pages that are only
    read (GET) keep deferred transactions, so readers never queue behind writers."""
    from flask import has_request_context, request

    if _reader.get():
        return False
    return _writer.get() or (has_request_context() and request.method not in ("GET", "HEAD", "OPTIONS"))


# A background writer (a letter job's thread) reads and writes in short units of work while
# requests write too: its transactions begin IMMEDIATE, waiting for the writer, for the same reason.
_writer: ContextVar[bool] = ContextVar("hrtool_sqlite_background_writer", default=False)


@contextmanager
def background_writer() -> Iterator[None]:
    token = _writer.set(True)
    try:
        yield
    finally:
        _writer.reset(token)


# A form whose submission only reads (an import's preview: a dry run that checks a file against
# the records and keeps nothing) must not hold the write lock while it works, or every other
# user's save and sign-in waits behind it (a 50 s preview turned sign-ins into 503s).
_reader: ContextVar[bool] = ContextVar("hrtool_sqlite_reading_request", default=False)
_wait_ms: ContextVar[int | None] = ContextVar("hrtool_sqlite_busy_timeout_ms", default=None)


def reads_only(view: Callable[P, R]) -> Callable[P, R]:
    """For a POST view that writes nothing to the database: its transactions begin deferred
    (SQLite's plain BEGIN, a snapshot that takes no lock). The transaction the request had
    already begun (signing the user in for `@requires`, which on a POST began IMMEDIATE and
    so holds the write lock) is ended first; it wrote nothing but the session's last-seen
    stamp, which is a unit of work of its own and already committed. (A write attempted in
    such a view anyway upgrades its read: it waits for the lock like any write, and fails as
    busy, a 503, if another connection wrote since its read began.)"""

    @functools.wraps(view)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        from .services.platform.unit_of_work import discard, in_transaction

        token = _reader.set(True)
        try:
            if not in_transaction():
                discard()
            return view(*args, **kwargs)
        finally:
            _reader.reset(token)

    return wrapper


@contextmanager
def waiting_at_most(milliseconds: int) -> Iterator[None]:
    """Transactions begun inside wait at most this long for SQLite's write lock, then fail as
    busy (`errors.is_busy`): for a write that may be skipped, such as a session's last-seen
    stamp, which must never hold a page up behind another user's long write."""
    token = _wait_ms.set(milliseconds)
    try:
        yield
    finally:
        _wait_ms.reset(token)
