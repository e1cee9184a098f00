"""Jobs on the queue (issue 17): one row per piece of long work a worker does.

The queue (Huey, SQLite file by default, Redis in production) carries only a job's id; this
table holds what the job's page shows: its kind, who asked, progress and heartbeat, and its
outcome or its failure in plain words. At most one active job per `dedupe_key`.
`letter_jobs.attempts`: letter batches run on the same queue, and are queued again (up to a
limit) when their worker dies mid-batch; `letter_jobs.letter_date` is the date the letters bear,
so a batch run again (or late, from the queue) dates its letters as when it was asked for.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-03 16:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

ACTIVE = "status IN ('queued', 'running') AND dedupe_key IS NOT NULL"


def upgrade() -> None:
    op.create_table(
        "jobs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("params", sa.Text(), nullable=False),
        sa.Column("result", sa.Text(), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("dedupe_key", sa.String(200), nullable=True),
        sa.Column("requested_by_id", sa.Integer(), sa.ForeignKey("users.id", name=op.f("fk_jobs_requested_by_id_users")),
                  nullable=True),
        sa.Column("retry_of_id", sa.Integer(), sa.ForeignKey("jobs.id", name=op.f("fk_jobs_retry_of_id_jobs")), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name=op.f("ck_jobs_status_known")),
    )
    op.create_index("ix_jobs_status", "jobs", ["status"])
    with op.batch_alter_table("letter_jobs") as batch:
        batch.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("letter_date", sa.Date(), nullable=True))
    op.create_index("uq_jobs_active_key", "jobs", ["dedupe_key"], unique=True,
                    sqlite_where=sa.text(ACTIVE), postgresql_where=sa.text(ACTIVE))


def downgrade() -> None:
    with op.batch_alter_table("letter_jobs") as batch:
        batch.drop_column("letter_date")
        batch.drop_column("attempts")
    op.drop_index("uq_jobs_active_key", table_name="jobs")
    op.drop_index("ix_jobs_status", table_name="jobs")
    op.drop_table("jobs")
