"""Table statistics for the query planner, refreshed after bulk changes.

Without statistics SQLite guesses that every index is equally selective, so a filtered
employees list (one employer, one service) walks every employment of the employer instead of
starting from the service's posts: at 100,000 employees that is 120 ms against 50 ms (make
bench). PostgreSQL's autovacuum analyses on its own in time, but not straight after a bulk load.
"""
from __future__ import annotations

from sqlalchemy import text

from ...extensions import db

# Fewer changed rows than this leave the statistics as good as they were: not worth a pass.
BULK_ROWS = 1000


def refresh_after(changed_rows: int) -> None:
    """Re-analyse after a write of `changed_rows` if it was a bulk one; the caller commits."""
    if changed_rows >= BULK_ROWS:
        refresh()


def refresh() -> None:
    """Re-analyse every table in the current transaction; the caller commits."""
    dialect = db.session.get_bind().dialect.name
    if dialect == "sqlite":
        db.session.execute(text("ANALYZE"))  # a full pass: about half a second at 100,000 employees
    elif dialect == "postgresql":
        db.session.execute(text("ANALYZE"))


# The tables an import of employees fills.
IMPORT_TABLES = ("employees", "employments", "assignments", "terms_records", "posts")


class GrowthWatch:
    """Re-analyses the tables a long bulk write is filling each time they have doubled, on
    PostgreSQL (SQLite picks the same plans without statistics).

    PostgreSQL plans each query from the statistics it last gathered. Importing 100,000 people
    into an empty database, it kept planning the lookup of a chunk's person numbers as if the
    tables were still empty, with a sequential scan, so each chunk took longer than the one
    before (100,000 rows took 35 times as long as 10,000). ANALYZE in the importing transaction
    counts that transaction's own new rows; doubling keeps it to a handful of passes."""

    def __init__(self, tables: tuple[str, ...], rows_held: int):
        self.tables = tables
        self.rows = rows_held
        self.next_at = max(2 * rows_held, 2000)
        self.active = db.session.get_bind().dialect.name == "postgresql"

    def grew(self, rows: int) -> None:
        self.rows += rows
        if self.active and self.rows >= self.next_at:
            db.session.execute(text(f"ANALYZE {', '.join(self.tables)}"))
            self.next_at = 2 * self.rows
