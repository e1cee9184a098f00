"""Indexes on lower-cased names, so searching 100,000 employees by the start of a name walks an
index instead of reading every row

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22 10:00:00

SQLite batch mode rebuilds a table from its reflection, which cannot see indexes on
expressions: migrations/env.py puts back any such index the models declare after a run that
ends at the head revision.
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_employees_last_name_lower", "employees", [sa.text("lower(last_name)")])
    op.create_index("ix_employees_first_name_lower", "employees", [sa.text("lower(first_name)")])


def downgrade():
    op.drop_index("ix_employees_first_name_lower", table_name="employees")
    op.drop_index("ix_employees_last_name_lower", table_name="employees")
