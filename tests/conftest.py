"""Shared fixtures: one database per test session, built by the real migrations and loaded with
reference and demo data; every test runs inside a transaction that is rolled back afterwards.

HRTOOL_TEST_DATABASE_URL chooses the database (a PostgreSQL URL in CI's second pass); unset, a
fresh SQLite file is used.
"""
from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_sqlalchemy.session import _app_ctx_id
from sqlalchemy import text
from sqlalchemy.orm import Session, scoped_session, sessionmaker

from hrtool import create_app
from hrtool.extensions import db

from .factories import DEMO_PASSWORDS, prepare_database

TEST_SETTINGS = {
    "TESTING": True,
    "WTF_CSRF_ENABLED": False,
    "SECRET_KEY": "test-secret-key-not-for-production",
    "FORCE_HTTPS": False,
    # Each test rolls back what it wrote, so ids (and the cache's data stamp) repeat between
    # tests: the figures cache is off here and tested on its own (tests/perf).
    "FIGURES_CACHE_SECONDS": 0,
}


def database_url(tmp_dir: Path) -> str:
    """SQLite in the session's temp dir, or the PostgreSQL database given, one per xdist worker
    (created on first use) so parallel workers never share a schema."""
    url = os.environ.get("HRTOOL_TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_dir / 'test.sqlite3'}"
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return url
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    base = make_url(url)
    name = f"{base.database}_{worker}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).scalar():
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    tmp = tmp_path_factory.mktemp("hrtool")
    os.environ["HRTOOL_INSTANCE_PATH"] = str(tmp / "instance")
    app = create_app({**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": database_url(tmp)})
    with app.app_context():
        prepare_database(app)
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _rollback(request: pytest.FixtureRequest) -> Iterator[None]:
    """Run each test inside an outer transaction; services' commits become savepoints.

    No app context stays pushed during the test: Flask reuses a pushed context for requests, and
    with it `g`, which would let one request's signed-in user leak into the next."""
    if "app" not in request.fixturenames:
        yield
        return
    app: Flask = request.getfixturevalue("app")
    with app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
    original = db.session
    db.session = scoped_session(
        sessionmaker(bind=connection, class_=Session, join_transaction_mode="create_savepoint"),
        scopefunc=_app_ctx_id,
    )
    try:
        yield
    finally:
        with app.app_context():
            db.session.remove()
        db.session = original
        outer.rollback()
        connection.close()


@pytest.fixture
def ctx(app: Flask) -> Iterator[None]:
    """An app context for service-level tests. Do not mix with test-client requests (they would
    share its `g`); use `with app.app_context():` around the database work instead."""
    with app.app_context():
        yield


@pytest.fixture
def held_queue(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    """Jobs wait on a queue no worker takes from (the test app otherwise runs each job at once,
    inside the call that queues it): for a test of a job queued but not yet run."""
    from huey.storage import MemoryStorage

    from hrtool.jobs import queue

    monkeypatch.setitem(app.extensions, queue.EXTENSION, (MemoryStorage("held"), False))


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


class Auth:
    def __init__(self, client: FlaskClient):
        self.client = client

    def login(self, username: str, password: str | None = None) -> Any:
        password = password or DEMO_PASSWORDS[username]
        return self.client.post("/login", data={"username": username, "password": password})

    def as_role(self, role: str) -> Any:
        return self.login({"admin": "admin@hrtool.example", "hr": "hr@hrtool.example",
                           "employee": "employee@hrtool.example", "union_rep": "unison@hrtool.example"}[role])

    def logout(self) -> Any:
        return self.client.post("/logout")


@pytest.fixture
def auth(client: FlaskClient) -> Auth:
    return Auth(client)


def dialect(app: Flask) -> str:
    with app.app_context():
        return db.engine.dialect.name


def execute(sql: str) -> Any:
    return db.session.execute(text(sql))
