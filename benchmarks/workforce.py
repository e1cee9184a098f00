"""Build benchmark databases: an empty schema with reference data, or a demo workforce of N
people made by the demo generator (the same code `make run` uses), on SQLite or PostgreSQL."""
from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path
from typing import Any

from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from hrtool import create_app
from hrtool.extensions import db

SETTINGS = {
    "TESTING": True,  # errors surface as exceptions instead of 500 pages
    "WTF_CSRF_ENABLED": False,
    "SECRET_KEY": "benchmark-secret-key-not-for-production",
    "FORCE_HTTPS": False,
}


def database_url(base_url: str | None, name: str, folder: Path) -> str:
    """A database for one workforce: a SQLite file under `folder`, or a PostgreSQL database on
    the server of `base_url` (created if missing)."""
    if not base_url:
        return f"sqlite:///{folder / (name + '.sqlite3')}"
    url = make_url(base_url)
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def make_app(url: str) -> Flask:
    os.environ.setdefault("HRTOOL_INSTANCE_PATH", tempfile.mkdtemp(prefix="hrtool-bench-instance-"))
    return create_app({**SETTINGS, "SQLALCHEMY_DATABASE_URI": url})


def build(url: str, employees: int, *, fresh: bool = True) -> tuple[Flask, dict[str, Any]]:
    """Migrate, load reference data and (if employees > 0) a demo workforce with the demo logins.
    Returns the app and how long each step took."""
    from hrtool.cli import create_demo_users
    from hrtool.services.demo.workforce import generate
    from hrtool.services.platform import planner_stats
    from hrtool.services.rules.reference_data import load_reference_data

    if url.startswith("sqlite:///") and fresh:
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    app = make_app(url)
    timings: dict[str, Any] = {}
    with app.app_context():
        started = time.perf_counter()
        upgrade(directory=app.extensions["migrate"].directory)
        load_reference_data()
        db.session.commit()
        timings["schema_and_reference_s"] = time.perf_counter() - started
        if employees:
            started = time.perf_counter()
            generate(employees, 1)
            create_demo_users()
            db.session.commit()
            planner_stats.refresh()  # as `hrtool demo-data` does
            db.session.commit()
            timings["demo_data_s"] = time.perf_counter() - started
        if db.engine.dialect.name == "sqlite":
            with db.engine.connect() as conn:
                conn.exec_driver_sql("ANALYZE")
        else:
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("ANALYZE")
    return app, timings


def dispose(app: Flask) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
