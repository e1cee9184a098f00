"""Mail that reaches people (issue 17).

- `mail_outbox`: one row per message hrtool sends (a notice that a letter is waiting; HR's daily
  digest): to whom, what, when it was made and sent, its status (queued, sent, failed,
  kept_in_outbox: no mail server configured, read by an administrator), attempts, the last
  failure in plain words, and `sending_until`, the lease of the worker sending it (so two workers
  never both send it). One digest per person per day (a unique key).
- `users.notify_letters`, `users.notify_digest`: each user may turn either notice off (on for
  everyone to begin with).

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-03 16:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "mail_outbox",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("to_address", sa.String(200), nullable=False),
        sa.Column("to_user_id", sa.Integer(),
                  sa.ForeignKey("users.id", name=op.f("fk_mail_outbox_to_user_id_users")), nullable=True),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("subject", sa.String(300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("digest_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("sending_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("error", sa.Text(), nullable=False),
        sa.CheckConstraint("kind IN ('letter_waiting', 'daily_digest')", name=op.f("ck_mail_outbox_kind_known")),
        sa.CheckConstraint("status IN ('queued', 'sent', 'failed', 'kept_in_outbox')",
                           name=op.f("ck_mail_outbox_status_known")),
        sa.UniqueConstraint("kind", "to_user_id", "digest_on", name=op.f("uq_mail_outbox_digest_per_day")),
    )
    op.create_index("ix_mail_outbox_to_user_id", "mail_outbox", ["to_user_id"])
    op.create_index("ix_mail_outbox_status_created", "mail_outbox", ["status", "created_at"])
    op.create_index("ix_mail_outbox_created", "mail_outbox", ["created_at"])
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("notify_letters", sa.Boolean(), nullable=False, server_default=sa.true()))
        batch.add_column(sa.Column("notify_digest", sa.Boolean(), nullable=False, server_default=sa.true()))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("notify_digest")
        batch.drop_column("notify_letters")
    op.drop_index("ix_mail_outbox_created", table_name="mail_outbox")
    op.drop_index("ix_mail_outbox_status_created", table_name="mail_outbox")
    op.drop_index("ix_mail_outbox_to_user_id", table_name="mail_outbox")
    op.drop_table("mail_outbox")
