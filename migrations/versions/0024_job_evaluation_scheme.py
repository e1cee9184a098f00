"""Job evaluation as the councils do it (issue 18): the NJC scheme's factor plan as dated data,
each council's local conventions (and draft merged sets), an evaluation's factor levels, panel,
status and job description, appeals, and the convention set a harmonisation model uses.

Existing evaluations keep their typed totals: `scheme_version_id` stays NULL ("total only, factor
levels not recorded") and their status is "agreed", so every grade they give is unchanged. The
factor plan and the illustrative conventions are reference data (hrtool/reference_data/), loaded
by `hrtool load-reference` (a fresh database) or `hrtool load-reference --update` (this one).

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-03 19:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'jes_scheme_versions',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('effective_from', sa.Date(), nullable=False),
        sa.Column('name', sa.String(200), nullable=False),
        sa.Column('source', sa.Text(), nullable=False, server_default=''),
        sa.Column('created_by_id', sa.Integer(), sa.ForeignKey('users.id'), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.UniqueConstraint('effective_from', name='uq_jes_scheme_versions_effective_from'),
    )
    op.create_table(
        'jes_factors',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('version_id', sa.Integer(), sa.ForeignKey('jes_scheme_versions.id'), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(200), nullable=False),
        sa.Column('factor_group', sa.String(100), nullable=False),
        sa.Column('definition', sa.Text(), nullable=False, server_default=''),
        sa.UniqueConstraint('version_id', 'number', name='uq_jes_factors_version_number'),
        sa.CheckConstraint('number BETWEEN 1 AND 13', name='ck_jes_factors_number'),
    )
    op.create_table(
        'jes_levels',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('factor_id', sa.Integer(), sa.ForeignKey('jes_factors.id'), nullable=False),
        sa.Column('level', sa.Integer(), nullable=False),
        sa.Column('points', sa.Integer(), nullable=False),
        sa.Column('definition', sa.Text(), nullable=False, server_default=''),
        sa.UniqueConstraint('factor_id', 'level', name='uq_jes_levels_factor_level'),
        sa.CheckConstraint('level >= 1 AND points >= 0', name='ck_jes_levels_positive'),
    )
    op.create_table(
        'jes_convention_sets',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('name', sa.String(200), nullable=False),
        sa.Column('council_id', sa.Integer(), sa.ForeignKey('councils.id'), nullable=True),
        sa.Column('description', sa.Text(), nullable=False, server_default=''),
        sa.Column('created_by_id', sa.Integer(), sa.ForeignKey('users.id'), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.UniqueConstraint('name', name='uq_jes_convention_sets_name'),
        sa.UniqueConstraint('council_id', name='uq_jes_convention_sets_council_id'),
    )
    op.create_table(
        'jes_situations',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('factor_number', sa.Integer(), nullable=False),
        sa.Column('text', sa.String(500), nullable=False),
        sa.UniqueConstraint('factor_number', 'text', name='uq_jes_situations_factor_text'),
    )
    op.create_table(
        'jes_conventions',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('set_id', sa.Integer(), sa.ForeignKey('jes_convention_sets.id'), nullable=False),
        sa.Column('situation_id', sa.Integer(), sa.ForeignKey('jes_situations.id'), nullable=False),
        sa.Column('level', sa.Integer(), nullable=False),
        sa.Column('rationale', sa.Text(), nullable=False, server_default=''),
        sa.Column('agreed_on', sa.Date(), nullable=True),
        sa.Column('agreed_by', sa.Text(), nullable=False, server_default=''),
        sa.Column('superseded_by_id', sa.Integer(), sa.ForeignKey('jes_conventions.id'), nullable=True),
        sa.Column('superseded_on', sa.Date(), nullable=True),
        sa.Column('recorded_by_id', sa.Integer(), sa.ForeignKey('users.id'), nullable=True),
        sa.Column('recorded_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    )
    op.create_index('ix_jes_conventions_set_situation', 'jes_conventions', ['set_id', 'situation_id'])
    with op.batch_alter_table('job_evaluations') as batch:
        batch.add_column(sa.Column('scheme_version_id', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('status', sa.String(20), nullable=False, server_default='agreed'))
        batch.add_column(sa.Column('job_description', sa.String(200), nullable=False, server_default=''))
        batch.add_column(sa.Column('replaces_id', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))
        batch.create_foreign_key('fk_job_evaluations_scheme_version_id', 'jes_scheme_versions',
                                 ['scheme_version_id'], ['id'])
        batch.create_foreign_key('fk_job_evaluations_replaces_id', 'job_evaluations', ['replaces_id'], ['id'])
    op.create_table(
        'job_evaluation_factors',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('evaluation_id', sa.Integer(), sa.ForeignKey('job_evaluations.id'), nullable=False),
        sa.Column('factor_number', sa.Integer(), nullable=False),
        sa.Column('level', sa.Integer(), nullable=False),
        sa.Column('points', sa.Integer(), nullable=False),
        sa.Column('convention_id', sa.Integer(), sa.ForeignKey('jes_conventions.id'), nullable=True),
        sa.Column('note', sa.Text(), nullable=False, server_default=''),
        sa.UniqueConstraint('evaluation_id', 'factor_number', name='uq_job_evaluation_factors'),
    )
    op.create_table(
        'job_evaluation_panel',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('evaluation_id', sa.Integer(), sa.ForeignKey('job_evaluations.id'), nullable=False),
        sa.Column('name', sa.String(200), nullable=False),
        sa.Column('side', sa.String(20), nullable=False),
        sa.Column('role', sa.String(200), nullable=False, server_default=''),
    )
    op.create_table(
        'job_evaluation_appeals',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('evaluation_id', sa.Integer(), sa.ForeignKey('job_evaluations.id'), nullable=False),
        sa.Column('employee_id', sa.Integer(), sa.ForeignKey('employees.id'), nullable=False),
        sa.Column('lodged_on', sa.Date(), nullable=False),
        sa.Column('grounds', sa.JSON(), nullable=False),
        sa.Column('status', sa.String(20), nullable=False, server_default='lodged'),
        sa.Column('outcome', sa.String(20), nullable=False, server_default=''),
        sa.Column('decided_on', sa.Date(), nullable=True),
        sa.Column('effective_from', sa.Date(), nullable=True),
        sa.Column('appeal_panel', sa.Text(), nullable=False, server_default=''),
        sa.Column('outcome_notes', sa.Text(), nullable=False, server_default=''),
        sa.Column('new_evaluation_id', sa.Integer(), sa.ForeignKey('job_evaluations.id'), nullable=True),
        sa.Column('pay_before', sa.JSON(), nullable=True),
        sa.Column('withdrawn_reason', sa.Text(), nullable=False, server_default=''),
        sa.Column('lodged_by_id', sa.Integer(), sa.ForeignKey('users.id'), nullable=True),
        sa.Column('decided_by_id', sa.Integer(), sa.ForeignKey('users.id'), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False, server_default='1'),
    )
    op.create_index('ix_job_evaluation_appeals_evaluation', 'job_evaluation_appeals', ['evaluation_id'])
    op.create_index('ix_job_evaluation_appeals_employee', 'job_evaluation_appeals', ['employee_id'])
    with op.batch_alter_table('harmonisation_models') as batch:
        batch.add_column(sa.Column('convention_set_id', sa.Integer(), nullable=True))
        batch.create_foreign_key('fk_harmonisation_models_convention_set_id', 'jes_convention_sets',
                                 ['convention_set_id'], ['id'])


def downgrade():
    with op.batch_alter_table('harmonisation_models') as batch:
        batch.drop_constraint('fk_harmonisation_models_convention_set_id', type_='foreignkey')
        batch.drop_column('convention_set_id')
    op.drop_index('ix_job_evaluation_appeals_employee', table_name='job_evaluation_appeals')
    op.drop_index('ix_job_evaluation_appeals_evaluation', table_name='job_evaluation_appeals')
    op.drop_table('job_evaluation_appeals')
    op.drop_table('job_evaluation_panel')
    op.drop_table('job_evaluation_factors')
    with op.batch_alter_table('job_evaluations') as batch:
        batch.drop_constraint('fk_job_evaluations_replaces_id', type_='foreignkey')
        batch.drop_constraint('fk_job_evaluations_scheme_version_id', type_='foreignkey')
        for column in ('version', 'replaces_id', 'job_description', 'status', 'scheme_version_id'):
            batch.drop_column(column)
    op.drop_index('ix_jes_conventions_set_situation', table_name='jes_conventions')
    op.drop_table('jes_conventions')
    op.drop_table('jes_situations')
    op.drop_table('jes_convention_sets')
    op.drop_table('jes_levels')
    op.drop_table('jes_factors')
    op.drop_table('jes_scheme_versions')
