"""The employees list flat at 100,000 people (issue 17): an index in the list's order by name
(lower-cased last name, first name, id), so a page is read in order and the reading stops at its
last row; and a partial index of protected terms, so a list filtered on protected terms starts
from those few records instead of every employment of the employer.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-03 16:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_employees_sort_name", "employees",
                    [sa.text("lower(last_name)"), sa.text("lower(first_name)"), sa.text("id")])
    op.create_index("ix_terms_records_protected", "terms_records", ["effective_to", "employment_id"],
                    sqlite_where=sa.text("basis = 'protected'"), postgresql_where=sa.text("basis = 'protected'"))


def downgrade():
    op.drop_index("ix_employees_sort_name", table_name="employees")
    op.drop_index("ix_terms_records_protected", table_name="terms_records")
