"""Migrations: upgrading a populated SQLite database through every migration loses no rows, and
a batch-mode rebuild of a parent table keeps its children (foreign keys off around migrations)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from hrtool import ROOT, create_app
from hrtool.cli import create_demo_users
from hrtool.extensions import db
from hrtool.services.demo_data import generate
from hrtool.services.reference_data import load_reference_data

BATCH_REBUILD = '''
"""test only: rebuild the employees table (a parent of employments) in batch mode"""
from alembic import op
import sqlalchemy as sa

revision = "zz_test_rebuild"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("employees", recreate="always") as batch:
        batch.add_column(sa.Column("test_only", sa.String(10), nullable=True))


def downgrade():
    with op.batch_alter_table("employees", recreate="always") as batch:
        batch.drop_column("test_only")
'''


def _counts() -> dict[str, int]:
    tables = inspect(db.engine).get_table_names()
    with db.engine.connect() as conn:
        return {t: conn.execute(text(f'SELECT COUNT(*) FROM "{t}"')).scalar_one() for t in tables if t != "alembic_version"}


def _populated_app(tmp_path: Path, migrations: Path):
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'm.sqlite3'}"})
    app.extensions["migrate"].directory = str(migrations)
    with app.app_context():
        upgrade(directory=str(migrations))
        load_reference_data()
        generate(150, 3)
        create_demo_users()
        db.session.commit()
    return app


def _revisions(migrations: Path) -> list[str]:
    script = ScriptDirectory(str(migrations))
    return [r.revision for r in reversed(list(script.walk_revisions()))]


def test_every_migration_after_the_first_downgrades_and_upgrades_a_populated_database(tmp_path):
    migrations = ROOT / "migrations"
    app = _populated_app(tmp_path, migrations)
    revisions = _revisions(migrations)
    assert len(revisions) >= 2
    with app.app_context():
        populated = _counts()
        assert populated["employees"] >= 150 and populated["assignments"] > populated["employees"]
        # Step down to each earlier revision, then upgrade the populated database back to head:
        # every row of every table that existed at that revision must still be there.
        for target in reversed(revisions[:-1]):
            downgrade(directory=str(migrations), revision=target)
            before = _counts()
            upgrade(directory=str(migrations))
            after = _counts()
            assert {t: after[t] for t in before} == before, f"rows lost upgrading from {target}"
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []


def test_batch_rebuild_of_a_parent_table_keeps_child_rows(tmp_path):
    migrations = tmp_path / "migrations"
    shutil.copytree(ROOT / "migrations", migrations)
    head = _revisions(migrations)[-1]
    (migrations / "versions" / "zz_test_rebuild.py").write_text(BATCH_REBUILD.replace("{head}", head))
    app = _populated_app(tmp_path, migrations)
    with app.app_context():
        downgrade(directory=str(migrations), revision=head)  # populated at the new head; step back first
        before = _counts()
        upgrade(directory=str(migrations))
        after = _counts()
        assert after == before
        with db.engine.connect() as conn:
            # Enforcement is back on for the app's connections after the migration.
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []


def test_audit_events_refuse_update_and_delete(app, ctx):
    from hrtool.services import audit

    audit.record("test", "nothing", 1)
    db.session.flush()
    for statement in ("UPDATE audit_events SET reason = 'tampered'", "DELETE FROM audit_events"):
        with pytest.raises(Exception, match="append-only"):
            with db.session.begin_nested():
                db.session.execute(text(statement))
