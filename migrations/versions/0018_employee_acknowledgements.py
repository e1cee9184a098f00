"""Employees acknowledge their own letters (issue 15), as union representatives already do: the
acknowledgement table is the one place receipt is recorded (who, when), so a letter to a person
may now have one with no union. `letter_acknowledgements.union_id` becomes nullable; nothing else
changes and no row is touched.

The shipped letter templates were reworded in issue 15; an existing database gets the new
wording as a new version of each template still as shipped through `hrtool load-reference
--update` (a template an administrator edited is reported and left alone), not here.

Downgrading removes employees' acknowledgements (a union-less row cannot satisfy NOT NULL).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03 13:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("letter_acknowledgements") as batch:
        batch.alter_column("union_id", existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    op.execute("DELETE FROM letter_acknowledgements WHERE union_id IS NULL")
    with op.batch_alter_table("letter_acknowledgements") as batch:
        batch.alter_column("union_id", existing_type=sa.Integer(), nullable=False)
