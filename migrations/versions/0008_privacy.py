"""Data protection: a log of who viewed whose record, and deletion under the retention rule

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24 09:00:00

`record_views` is append-only, like `audit_events` (the database refuses UPDATE and DELETE), but
kept apart from it: views outnumber changes many times over, and the change trail is what the
employee page, the ELI "changed since checked" test and the figures cache's data stamp read.

Protected terms and letters stay immutable, with one exception: the rows of a person whose
deletion under the retention rule is already recorded in the audit trail (an `erase` event on
`employee` N, written first in the same transaction) may be deleted. The exception is keyed on an
append-only row, so it can never be used without leaving that record behind.
"""
import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

ERASED = ("EXISTS (SELECT 1 FROM audit_events WHERE audit_events.action = 'erase' "
          "AND audit_events.entity_type = 'employee' AND audit_events.employee_id = OLD.employee_id)")
IMMUTABLE = {"protected_terms": "protected_terms is immutable", "letters": "letters are immutable once sent"}
VIEWS_MESSAGE = "record_views is append-only"


def upgrade():
    op.create_table(
        'record_views',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('viewer_id', sa.Integer(), nullable=True),
        sa.Column('viewer_label', sa.String(length=200), nullable=False),
        sa.Column('employee_id', sa.Integer(), nullable=True),
        sa.Column('page', sa.String(length=80), nullable=False),
        sa.Column('path', sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(['viewer_id'], ['users.id'], name=op.f('fk_record_views_viewer_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_record_views')),
    )
    op.create_index('ix_record_views_employee_at', 'record_views', ['employee_id', 'at'], unique=False)
    op.create_index('ix_record_views_viewer_at', 'record_views', ['viewer_id', 'at'], unique=False)

    if op.get_bind().dialect.name == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER record_views_no_{verb.lower()} BEFORE {verb} ON record_views "
                       f"BEGIN SELECT RAISE(ABORT, '{VIEWS_MESSAGE}'); END")
        for table, message in IMMUTABLE.items():
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
            op.execute(f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} WHEN NOT {ERASED} "
                       f"BEGIN SELECT RAISE(ABORT, '{message}'); END")
    else:
        op.execute("CREATE FUNCTION record_views_refuse_change() RETURNS trigger LANGUAGE plpgsql AS "
                   f"$$ BEGIN RAISE EXCEPTION '{VIEWS_MESSAGE}'; END $$")
        op.execute("CREATE TRIGGER record_views_append_only BEFORE UPDATE OR DELETE ON record_views "
                   "FOR EACH ROW EXECUTE FUNCTION record_views_refuse_change()")
        op.execute("CREATE TRIGGER record_views_no_truncate BEFORE TRUNCATE ON record_views "
                   "FOR EACH STATEMENT EXECUTE FUNCTION record_views_refuse_change()")
        for table, message in IMMUTABLE.items():
            op.execute(f"CREATE OR REPLACE FUNCTION {table}_refuse_change() RETURNS trigger LANGUAGE plpgsql AS "
                       f"$$ BEGIN IF TG_OP = 'DELETE' AND {ERASED} THEN RETURN OLD; END IF; "
                       f"RAISE EXCEPTION '{message}'; END $$")


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        for table, message in IMMUTABLE.items():
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
            op.execute(f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
                       f"BEGIN SELECT RAISE(ABORT, '{message}'); END")
        op.execute("DROP TRIGGER record_views_no_update")
        op.execute("DROP TRIGGER record_views_no_delete")
    else:
        for table, message in IMMUTABLE.items():
            op.execute(f"CREATE OR REPLACE FUNCTION {table}_refuse_change() RETURNS trigger LANGUAGE plpgsql AS "
                       f"$$ BEGIN RAISE EXCEPTION '{message}'; END $$")
        op.execute("DROP TRIGGER record_views_no_truncate ON record_views")
        op.execute("DROP TRIGGER record_views_append_only ON record_views")
        op.execute("DROP FUNCTION record_views_refuse_change()")
    op.drop_index('ix_record_views_viewer_at', table_name='record_views')
    op.drop_index('ix_record_views_employee_at', table_name='record_views')
    op.drop_table('record_views')
