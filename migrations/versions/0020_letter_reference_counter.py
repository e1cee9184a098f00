"""Letter references from a counter row, not the highest letter id (issue 17).

- `letter_counters`: one row per sequence ("letter_reference"), locked (SELECT ... FOR UPDATE on
  PostgreSQL; SQLite's write transaction serialises) and moved on in the same transaction that
  writes the letters it numbers, so references stay unique and without gaps from failed jobs
  with any number of workers. Seeded from the letters already held (the highest of their ids
  and of the numbers in their references), so the next reference follows on.
- `letter_jobs.updated_at`: the job's heartbeat; a job "running" with no progress for a minute
  (its thread died with its process) is shown failed, with a way to start again.
- `letter_jobs.reissue_reason`: HR's reason for sending a letter type again to people who
  already have it (empty: those already written to are skipped); `letter_jobs.skipped` counts them.
- a unique index on an active job per (letter type, scope): the same batch started twice
  (a double click, two workers) makes one job.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-03 14:20:00
"""
import re

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

ACTIVE = "status IN ('queued', 'running')"


def upgrade() -> None:
    counters = op.create_table(
        "letter_counters",
        sa.Column("name", sa.String(40), primary_key=True),
        sa.Column("last_number", sa.Integer(), nullable=False, server_default="0"),
    )
    bind = op.get_bind()
    highest = bind.execute(sa.text("SELECT MAX(id) FROM letters")).scalar() or 0
    for (reference,) in bind.execute(sa.text("SELECT reference FROM letters")):
        found = re.search(r"(\d+)$", reference or "")
        if found:
            highest = max(highest, int(found.group(1)))
    op.bulk_insert(counters, [{"name": "letter_reference", "last_number": highest}])
    with op.batch_alter_table("letter_jobs") as batch:
        batch.add_column(sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("reissue_reason", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("skipped", sa.Integer(), nullable=False, server_default="0"))
    # Jobs left "running" or "queued" by a process that died cannot run again: fail them so the
    # active-job index below holds.
    op.execute(sa.text("UPDATE letter_jobs SET status = 'failed', error = 'The batch stopped when the server "
                       "restarted. Nothing was issued: start it again.' WHERE " + ACTIVE))
    op.create_index("uq_letter_jobs_active", "letter_jobs", ["letter_type", "scope_kind", "scope_id"], unique=True,
                    sqlite_where=sa.text(ACTIVE), postgresql_where=sa.text(ACTIVE))


def downgrade() -> None:
    op.drop_index("uq_letter_jobs_active", table_name="letter_jobs")
    with op.batch_alter_table("letter_jobs") as batch:
        batch.drop_column("skipped")
        batch.drop_column("reissue_reason")
        batch.drop_column("updated_at")
    op.drop_table("letter_counters")
