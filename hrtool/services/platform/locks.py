"""Named locks for work that must not run twice at once (an import of employees): the second
attempt is refused at once with a clear message rather than waiting or interleaving.

A lock lasts until the current transaction ends (commit or rollback), so a crash can never leave
one behind. PostgreSQL: a transaction-level advisory lock (`pg_try_advisory_xact_lock`) on a
number made from the lock's name. SQLite: the database's single write lock, taken now with a
write that changes nothing and without waiting (busy timeout 0 for that statement); a write
request (BEGIN IMMEDIATE, see hrtool/sqlite.py) already holds it.
"""
from __future__ import annotations

import zlib

from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from ...errors import DomainError
from ...extensions import db


class Busy(DomainError):
    """Someone else holds the lock."""


def _key(name: str) -> int:
    """A stable 63-bit number for the name (advisory locks are numbered)."""
    return zlib.crc32(b"hrtool:" + name.encode()) | (0x4872 << 32)


def hold(name: str, message: str) -> None:
    """Take the named lock until the end of the current transaction, or raise Busy(message)."""
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        if not connection.scalar(select(func.pg_try_advisory_xact_lock(_key(name)))):
            raise Busy(message)
        return
    if connection.dialect.name == "sqlite":
        raw = connection.connection.driver_connection
        assert raw is not None, "a checked-out connection has its driver connection"
        waited = raw.execute("PRAGMA busy_timeout").fetchone()[0]
        raw.execute("PRAGMA busy_timeout=0")
        try:
            connection.exec_driver_sql("UPDATE users SET id = id WHERE 0")
        except OperationalError as error:
            if "locked" in str(error) or "busy" in str(error):
                raise Busy(message) from None
            raise
        finally:
            raw.execute(f"PRAGMA busy_timeout={int(waited)}")
        return
    # hrtool runs on SQLite and PostgreSQL only (README); say so rather than import unlocked.
    raise RuntimeError(f"hrtool cannot take a lock on a {connection.dialect.name} database: use SQLite or PostgreSQL")
