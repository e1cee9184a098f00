"""Reserved for issue 15 work in progress (renamed when it holds a change).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 13:00:00
"""

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
