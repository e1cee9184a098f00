"""Scratch databases for the tests that need real commits and real concurrency (threads with
their own connections, worker processes), which the session database's roll-back-every-test
fixture cannot give. Used by tests/security, tests/jobs and the migration tests.

Each is built on the dialect under test: a SQLite file, or its own database on the PostgreSQL
server of HRTOOL_TEST_DATABASE_URL (one per xdist worker and name, dropped first)."""
from __future__ import annotations

import os
from pathlib import Path

from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from hrtool import create_app
from hrtool.extensions import db

from .conftest import TEST_SETTINGS


def scratch_url(tmp: Path, name: str) -> str:
    base = os.environ.get("HRTOOL_TEST_DATABASE_URL")
    if not base:
        return f"sqlite:///{tmp / (name + '.sqlite3')}"
    url = make_url(base)
    database = f"{url.database}_{os.environ.get('PYTEST_XDIST_WORKER', 'gw')}_{name}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{database}"'))
    admin.dispose()
    return url.set(database=database).render_as_string(hide_password=False)


def drop_scratch(url: str) -> None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        return
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
    admin.dispose()


def build_app(url: str, employees: int = 0, seed: int = 11, migrate: bool = True) -> Flask:
    """An app on `url`: migrated, with reference data, a demo workforce and the demo logins."""
    from hrtool.cli import create_demo_users
    from hrtool.services.demo.workforce import generate
    from hrtool.services.rules.reference_data import load_reference_data

    app = create_app({**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": url})
    if migrate:
        with app.app_context():
            upgrade(directory=app.extensions["migrate"].directory)
            load_reference_data()
            if employees:
                generate(employees, seed)
                create_demo_users()
            db.session.commit()
    return app


def dispose(app: Flask) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
