"""Reserved for issue 15 work in progress (renamed when it holds a change).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03 13:00:00
"""

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
