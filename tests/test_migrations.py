"""Migrations: upgrading a populated database through every migration loses no rows (a 150-person
SQLite database step by step; the 10,000-employee demo from the first revision on SQLite and
PostgreSQL), and a batch-mode rebuild of a parent table keeps its children (foreign keys off
around migrations)."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from hrtool import ROOT, create_app
from hrtool.cli import create_demo_users
from hrtool.extensions import db
from hrtool.services.demo.workforce import generate
from hrtool.services.rules.reference_data import load_reference_data

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
            # The rebuild cannot carry indexes on expressions across; env.py puts them back.
            indexes = {name for name, in conn.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'employees'")}
            assert {"ix_employees_last_name_lower", "ix_employees_first_name_lower"} <= indexes


MIGRATION_EMPLOYEES = int(os.environ.get("HRTOOL_MIGRATION_EMPLOYEES", "10000"))


def test_a_10000_employee_database_goes_back_to_the_first_revision_and_up_to_head_losing_no_row(tmp_path):
    """The 10,000-employee demo (issue 10), on the dialect under test (SQLite, or PostgreSQL in
    the second pass): built at head, taken down to the first revision, then upgraded through
    every migration to head. Every row of every table the first revision has is still there,
    and so are the demo logins and the foreign keys between the people and their history."""
    from .scratch_databases import build_app, drop_scratch, scratch_url

    migrations = ROOT / "migrations"
    revisions = _revisions(migrations)
    url = scratch_url(tmp_path, "migrations_10k")
    app = build_app(url, employees=MIGRATION_EMPLOYEES, seed=1)
    try:
        with app.app_context():
            at_head = _counts()
            assert at_head["employees"] == MIGRATION_EMPLOYEES and at_head["assignments"] > MIGRATION_EMPLOYEES
            downgrade(directory=str(migrations), revision=revisions[0])
            at_first = _counts()
            assert {t: at_head[t] for t in at_first} == at_first  # going down drops only later tables
            upgrade(directory=str(migrations))
            after = _counts()
            assert after.keys() == at_head.keys()
            assert {t: after[t] for t in at_first} == at_first, "rows lost upgrading from the first revision"
            with db.engine.connect() as conn:
                assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == revisions[-1]
                orphans = conn.execute(text(
                    "SELECT COUNT(*) FROM assignments a LEFT JOIN employments e ON e.id = a.employment_id "
                    "WHERE e.id IS NULL")).scalar_one()
                assert orphans == 0
        client = app.test_client()
        assert client.post("/login", data={"username": "hr@hrtool.example", "password": "hrtool-demo-hr"}).status_code == 302
        assert client.get("/employees/").status_code == 200
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        drop_scratch(url)


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
    from hrtool.services.platform import audit

    audit.record("test", "nothing", 1)
    db.session.flush()
    for statement in ("UPDATE audit_events SET reason = 'tampered'", "DELETE FROM audit_events"):
        with pytest.raises(Exception, match="append-only"):
            with db.session.begin_nested():
                db.session.execute(text(statement))
