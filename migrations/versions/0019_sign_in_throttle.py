"""Sign-in throttling that an attacker cannot turn against the owner (issue 16, ASVS 2.2.1).

`login_attempts` already records the client address of every attempt (0001). Throttling now
reads it per account and address, per address and per account (services/accounts/throttling.py), so:
- `refused`: the attempt arrived while its address had to wait and was answered 429 without the
  password being checked. Kept for the record and the administrator's page, never counted as a
  failure, so refused attempts cannot lengthen anyone's wait.
- `cleared`: an administrator cleared this failure (Administration -> Sign-in throttles); it no
  longer counts. The row itself stays.
- an index on (remote_addr, attempted_at) for the per-address counts.

No row changes meaning: existing rows are neither refused nor cleared.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-03 14:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("login_attempts") as batch:
        batch.add_column(sa.Column("refused", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("cleared", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.create_index("ix_login_attempts_remote_addr_at", ["remote_addr", "attempted_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("login_attempts") as batch:
        batch.drop_index("ix_login_attempts_remote_addr_at")
        batch.drop_column("cleared")
        batch.drop_column("refused")
