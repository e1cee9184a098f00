"""Inserting many rows fast and still knowing their ids.

`INSERT ... RETURNING` with the ids in parameter order makes SQLAlchemy send SQLite one statement
per row (SQLite cannot promise the order of a multi-row RETURNING), which costs an import of
100,000 people about 500,000 round trips. Instead:

- SQLite: one executemany, then last_insert_rowid(). Rows written by one executemany inside a
  write transaction get consecutive rowids (max(rowid) + 1 onwards): the transaction holds
  SQLite's write lock from the first row, so no other writer can interleave.
- PostgreSQL: reserve the ids from the table's sequence first (nextval n times in one query),
  then one executemany with the ids given.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import insert, text

from ..extensions import db


def insert_many(model: Any, rows: list[dict[str, Any]]) -> list[int]:
    """Insert `rows` into `model`'s table in one batch; their new ids, in the same order."""
    if not rows:
        return []
    table = model.__table__.name
    if db.session.get_bind().dialect.name == "postgresql":
        ids = list(db.session.scalars(
            text(f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, :n)"),
            {"n": len(rows)}))
        db.session.execute(insert(model.__table__), [{**row, "id": new_id} for row, new_id in zip(rows, ids, strict=True)])
        return ids
    db.session.execute(insert(model.__table__), rows)
    last = db.session.scalar(text("SELECT last_insert_rowid()"))
    return list(range(last - len(rows) + 1, last + 1))
