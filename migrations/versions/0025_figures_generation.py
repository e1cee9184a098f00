"""Cached workforce figures keyed by what they read (issue 17): a counter moved on by every change
to employments, assignments, terms records, posts, services, councils and rule settings, in the
same transaction, so the HR dashboard's and the union overview's headcounts are worked out again
when those change, and not at every audit event (an HR officer saving a phone number, each row of
an import), which made them run their 100,000-person query on nearly every request under load.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-03 20:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        'figures_generations',
        sa.Column('name', sa.String(40), primary_key=True),
        sa.Column('generation', sa.Integer(), nullable=False, server_default='0'),
    )
    op.bulk_insert(table, [{'name': 'workforce', 'generation': 0}])


def downgrade():
    op.drop_table('figures_generations')
