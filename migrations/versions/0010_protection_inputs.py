"""Pay protection inputs and adjustments (issue 13): filled in by the protection work

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 09:00:00
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
