"""Pay protection inputs and adjustments (issue 13): the old spinal column point of a protection,
so its salaries on the start date follow the spine as held now; and the adjustments recorded when
a recompute changes a month already paid

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 09:00:00

Backfill: `protections.old_scp` is the SCP of the person's assignment the day before the start
date, when that assignment is on the spine (no local salary) and the SCP's salary in the spine of
the pay year holding the start date (or the latest year held before it) is exactly the old salary
recorded. Anything else stays NULL: the old salary stays as it was given (local pay, or a salary
HR typed that is not a spine value).
"""
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def _pay_year_start(on):
    return date(on.year if (on.month, on.day) >= (4, 1) else on.year - 1, 4, 1)


def _as_date(value):
    return value if isinstance(value, date) or value is None else date.fromisoformat(str(value)[:10])


def _backfill_old_scp(conn):
    protections = conn.execute(sa.text(
        "SELECT id, employee_id, employment_id, start_date, old_salary FROM protections")).all()
    years = sorted(_as_date(y) for (y,) in conn.execute(sa.text(
        "SELECT DISTINCT pay_year_from FROM pay_spine_points WHERE spine = 'NJC'")))
    for pid, employee_id, employment_id, start, old_salary in protections:
        start = _as_date(start)
        held = [y for y in years if y <= _pay_year_start(start)]
        if not held:
            continue
        day_before = start - timedelta(days=1)
        query = ("SELECT a.scp FROM assignments a JOIN employments e ON e.id = a.employment_id "
                 "WHERE e.employee_id = :employee AND a.effective_from <= :day "
                 "AND (a.effective_to IS NULL OR a.effective_to >= :day) "
                 "AND a.scp IS NOT NULL AND a.local_salary IS NULL")
        params = {"employee": employee_id, "day": day_before}
        if employment_id is not None:
            query += " AND a.employment_id = :employment"
            params["employment"] = employment_id
        scps = [scp for (scp,) in conn.execute(
            sa.text(query + " ORDER BY a.effective_from DESC").bindparams(sa.bindparam("day", type_=sa.Date)), params)]
        if not scps:
            continue
        salary = conn.execute(sa.text(
            "SELECT annual_salary FROM pay_spine_points WHERE spine = 'NJC' AND pay_year_from = :year "
            "AND scp = :scp").bindparams(sa.bindparam("year", type_=sa.Date)),
            {"year": held[-1], "scp": scps[0]}).scalar()
        if salary is not None and Decimal(str(salary)) == Decimal(str(old_salary)):
            conn.execute(sa.text("UPDATE protections SET old_scp = :scp WHERE id = :id"),
                         {"scp": scps[0], "id": pid})


def upgrade():
    with op.batch_alter_table('protections', schema=None) as batch_op:
        batch_op.add_column(sa.Column('old_scp', sa.Integer(), nullable=True))
    op.create_table('protection_adjustments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('protection_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('paid', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('due', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('difference', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('recorded_on', sa.Date(), nullable=False),
    sa.Column('why', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['protection_id'], ['protections.id'],
                            name=op.f('fk_protection_adjustments_protection_id_protections')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_protection_adjustments'))
    )
    with op.batch_alter_table('protection_adjustments', schema=None) as batch_op:
        batch_op.create_index('ix_protection_adjustments_protection_month', ['protection_id', 'month'], unique=False)
    _backfill_old_scp(op.get_bind())


def downgrade():
    with op.batch_alter_table('protection_adjustments', schema=None) as batch_op:
        batch_op.drop_index('ix_protection_adjustments_protection_month')
    op.drop_table('protection_adjustments')
    with op.batch_alter_table('protections', schema=None) as batch_op:
        batch_op.drop_column('old_scp')
