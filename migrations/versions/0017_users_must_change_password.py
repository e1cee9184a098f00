"""Users an administrator manages (issue 15): a password an administrator sets (a new login's
first password, or a reset) is temporary, and the user must change it at their next sign-in
before they can do anything else. `users.must_change_password` holds that; existing logins keep
the passwords they chose (false).

Disabling a login, changing its role or its linked person or union end its sessions through the
server-side sessions table that is already there (user_sessions.revoked_at), so no session
version column is needed.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03 13:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("must_change_password", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("must_change_password")
