"""SQLite connection settings, applied to every SQLite connection the app or Alembic opens.

- Foreign keys are enforced (SQLite leaves them off by default).
- pysqlite's own transaction handling is switched off and SQLAlchemy emits BEGIN itself, so
  SAVEPOINTs work (tests roll back each test inside one) and transactions mean what they say.
- WAL and a busy timeout let the dev server's readers and one writer share the file.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine


@event.listens_for(Engine, "connect")
def _on_connect(dbapi_connection: Any, connection_record: Any) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    if cursor.execute("PRAGMA database_list").fetchone()[2]:  # a file, not :memory:
        cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


@event.listens_for(Engine, "begin")
def _on_begin(connection: Any) -> None:
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _writing_request() else "BEGIN")


def _writing_request() -> bool:
    """A form being submitted (POST and the like) takes SQLite's write lock when its transaction
    begins. A deferred transaction that reads and then writes fails at once with "database is
    locked" (SQLITE_BUSY_SNAPSHOT, which the busy timeout does not wait out) if another
    connection wrote in between: under load (scripts/load.py) sign-ins and saves failed so.
    Beginning IMMEDIATE waits (busy timeout) for the one writer instead. Pages that are only
    read (GET) keep deferred transactions, so readers never queue behind writers."""
    from flask import has_request_context, request

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
