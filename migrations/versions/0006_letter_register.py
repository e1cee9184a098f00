"""Letter register: what each letter is about, corrections, union acknowledgements, batch jobs

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 09:00:00

Letters stay immutable: the new columns are written when a letter is issued, never after. On
SQLite, batch mode rebuilds the letters table, which drops its triggers, so they are dropped
first and made again afterwards.
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def _drop_letter_triggers():
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS letters_no_update")
        op.execute("DROP TRIGGER IF EXISTS letters_no_delete")


def _make_letter_triggers():
    if op.get_bind().dialect.name == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER letters_no_{verb.lower()} BEFORE {verb} ON letters "
                       "BEGIN SELECT RAISE(ABORT, 'letters are immutable once sent'); END")


def upgrade():
    _drop_letter_triggers()
    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.add_column(sa.Column('restructure_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('source_kind', sa.String(length=30), server_default='', nullable=False))
        batch_op.add_column(sa.Column('source_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('corrects_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('correction_reason', sa.Text(), server_default='', nullable=False))
        batch_op.create_foreign_key(batch_op.f('fk_letters_restructure_id_restructures'), 'restructures',
                                    ['restructure_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_letters_corrects_id_letters'), 'letters', ['corrects_id'], ['id'])
        batch_op.create_index('ix_letters_source', ['source_kind', 'source_id'], unique=False)
        batch_op.create_index('ix_letters_restructure', ['restructure_id'], unique=False)
    _make_letter_triggers()

    op.create_table('letter_acknowledgements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('letter_id', sa.Integer(), nullable=False),
    sa.Column('union_id', sa.Integer(), nullable=False),
    sa.Column('acknowledged_by_id', sa.Integer(), nullable=True),
    sa.Column('acknowledged_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['acknowledged_by_id'], ['users.id'], name=op.f('fk_letter_acknowledgements_acknowledged_by_id_users')),
    sa.ForeignKeyConstraint(['letter_id'], ['letters.id'], name=op.f('fk_letter_acknowledgements_letter_id_letters')),
    sa.ForeignKeyConstraint(['union_id'], ['trade_unions.id'], name=op.f('fk_letter_acknowledgements_union_id_trade_unions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_letter_acknowledgements')),
    sa.UniqueConstraint('letter_id', name=op.f('uq_letter_acknowledgements_letter_id'))
    )
    op.create_table('letter_jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('letter_type', sa.String(length=60), nullable=False),
    sa.Column('scope_kind', sa.String(length=20), nullable=False),
    sa.Column('scope_id', sa.Integer(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('done', sa.Integer(), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('batch_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name=op.f('ck_letter_jobs_status_known')),
    sa.ForeignKeyConstraint(['batch_id'], ['letter_batches.id'], name=op.f('fk_letter_jobs_batch_id_letter_batches')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_letter_jobs_requested_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_letter_jobs'))
    )


def downgrade():
    op.drop_table('letter_jobs')
    op.drop_table('letter_acknowledgements')
    _drop_letter_triggers()
    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.drop_index('ix_letters_restructure')
        batch_op.drop_index('ix_letters_source')
        batch_op.drop_constraint(batch_op.f('fk_letters_corrects_id_letters'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_letters_restructure_id_restructures'), type_='foreignkey')
        batch_op.drop_column('correction_reason')
        batch_op.drop_column('corrects_id')
        batch_op.drop_column('source_id')
        batch_op.drop_column('source_kind')
        batch_op.drop_column('restructure_id')
    _make_letter_triggers()
