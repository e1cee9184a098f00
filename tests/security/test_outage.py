"""A database outage degrades, never crashes (issue 17).

The outage is real, not a mock of our own code: on SQLite the database's folder is moved away (a
new connection fails with "unable to open database file") and every connection the pool holds is
closed under it, as a restart of a database server drops them; moving the folder back is the
database coming back. On PostgreSQL the database stops taking connections and every backend of
it is terminated, then takes connections again. Before this change a signed-in page during the
outage was a bare "Internal Server Error" (the error page read the database for the signed-in
name), and the first request after the database came back failed on a dead pooled connection.
"""
from __future__ import annotations

import io
import logging
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError, OperationalError

from hrtool.errors import is_unavailable
from hrtool.extensions import db
from hrtool.log_filters import RepeatFilter
from hrtool.services.accounts import accounts

from ..factories import DEMO_PASSWORDS
from ..scratch_databases import build_app, dispose, drop_scratch, scratch_url

HR = "hr@hrtool.example"


class Outage:
    """Switches the app's database off and on again from outside the app."""

    def __init__(self, app: Flask, url: str, folder: Path | None):
        self.app, self.url, self.folder = app, url, folder
        self.raw: list[Any] = []
        with app.app_context():
            db.engine.dispose()  # from here on, every connection the pool opens is known
            event.listen(db.engine, "connect", lambda dbapi, record: self.raw.append(dbapi))

    def down(self) -> None:
        parsed = make_url(self.url)
        if parsed.get_backend_name() == "sqlite":
            assert self.folder is not None
            self.folder.rename(self.folder.with_name(self.folder.name + "-gone"))
            for connection in self.raw:  # the server "restarts": what the pool holds is dead
                connection.close()
            return
        self._admin(f'ALTER DATABASE "{parsed.database}" ALLOW_CONNECTIONS false',
                    f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{parsed.database}'")

    def up(self) -> None:
        parsed = make_url(self.url)
        if parsed.get_backend_name() == "sqlite":
            assert self.folder is not None
            self.folder.with_name(self.folder.name + "-gone").rename(self.folder)
            return
        self._admin(f'ALTER DATABASE "{parsed.database}" ALLOW_CONNECTIONS true')

    def _admin(self, *statements: str) -> None:
        admin = create_engine(make_url(self.url).set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            for statement in statements:
                conn.execute(text(statement))
        admin.dispose()


def _outage_app(tmp: Path, name: str, **settings: Any) -> tuple[Flask, Outage, str]:
    folder = None
    if os.environ.get("HRTOOL_TEST_DATABASE_URL"):
        url = scratch_url(tmp, name)
    else:
        folder = tmp / name
        folder.mkdir()
        url = f"sqlite:///{folder / 'hrtool.sqlite3'}"
    app = build_app(url, employees=40)
    if settings:  # the same database, opened by an app with other engine options
        dispose(app)
        from hrtool import create_app

        from ..conftest import TEST_SETTINGS

        app = create_app({**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": url, **settings})
    return app, Outage(app, url, folder), url


@pytest.fixture
def outage_app(tmp_path: Path) -> Iterator[tuple[Flask, Outage]]:
    app, outage, url = _outage_app(tmp_path, "outage")
    yield app, outage
    dispose(app)
    drop_scratch(url)


def _signed_in(app: Flask) -> Any:
    client = app.test_client()
    response = client.post("/login", data={"username": HR, "password": DEMO_PASSWORDS[HR]})
    assert response.status_code == 302
    assert client.get("/hr/").status_code == 200
    return client


def test_a_signed_in_page_during_an_outage_is_a_503_made_without_the_database(outage_app, monkeypatch):
    app, outage = outage_app
    client = _signed_in(app)
    loads: list[str] = []
    original = accounts.load_session

    def counted(session_id: str) -> Any:
        loads.append(session_id)
        return original(session_id)

    monkeypatch.setattr(accounts, "load_session", counted)
    outage.down()
    try:
        page = client.get("/hr/")
        as_json = client.get("/hr/", headers={"Accept": "application/json"})
        form = client.post("/logout")
    finally:
        outage.up()
    assert page.status_code == 503
    assert page.headers["Retry-After"] == "60"
    body = page.get_data(as_text=True)
    assert "The service is unavailable; try again in a minute." in body
    assert "Internal Server Error" not in body
    # Signing the user in is the one read tried (it failed); the page itself read nothing: no
    # signed-in name, no Sign out, no navigation.
    assert len(loads) == 3
    assert "Sign out" not in body and "Signed in as" not in body and "govuk-service-navigation" not in body
    assert as_json.status_code == 503 and as_json.headers["Retry-After"] == "60"
    assert as_json.get_json() == {"error": "unavailable", "message": "The service is unavailable; try again in a minute."}
    assert form.status_code == 503


def test_readyz_follows_the_database_and_healthz_does_not(outage_app):
    app, outage = outage_app
    client = app.test_client()
    assert client.get("/readyz").status_code == 200
    assert client.get("/readyz").get_json() == {"status": "ready"}
    outage.down()
    try:
        ready, live = client.get("/readyz"), client.get("/healthz")
    finally:
        outage.up()
    assert ready.status_code == 503 and ready.get_json() == {"status": "unavailable"}
    assert ready.headers["Retry-After"] == "60"
    assert live.status_code == 200  # liveness is the process alone
    back = client.get("/readyz")
    assert back.status_code == 200 and back.get_json() == {"status": "ready"}


@pytest.mark.parametrize("pre_ping", [True, False])
def test_the_first_request_after_the_database_comes_back(tmp_path, pre_ping):
    """With pool_pre_ping (the app's setting) every request after recovery succeeds, the first
    included. Without it (the setting before issue 17) the first request takes a dead connection
    from the pool and fails: the problem the issue reported, reproduced here."""
    settings = {} if pre_ping else {"SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": False}}
    app, outage, url = _outage_app(tmp_path, f"recovery_{pre_ping}", **settings)
    try:
        with app.app_context():
            assert db.engine.pool._pre_ping is pre_ping
        client = _signed_in(app)
        outage.down()  # no request comes while it is down: the pool still holds the dead connections
        outage.up()
        statuses = [client.get("/hr/").status_code for _ in range(3)]
        if pre_ping:
            assert statuses == [200, 200, 200]
        else:
            assert statuses[0] == 503  # a dead pooled connection: what the issue saw
    finally:
        dispose(app)
        drop_scratch(url)


def _outage_error(n: int) -> logging.LogRecord:
    try:
        raise ConnectionError("connection to server at 10.0.0.5 port 5432 failed: Connection refused")
    except ConnectionError:
        import sys

        return logging.LogRecord("hrtool.test_outage", logging.ERROR, __file__, n, "Unhandled error", None, sys.exc_info())


def test_the_log_filter_collapses_a_thousand_identical_errors():
    """1,000 identical tracebacks within the window become one traceback and one count line;
    the count is written when a different message arrives."""
    clock = {"now": 0.0}
    repeat = RepeatFilter(window_seconds=60, clock=lambda: clock["now"])
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    repeat.attach(handler)
    logger = logging.getLogger("hrtool.test_outage")
    logger.propagate = False
    logger.addHandler(handler)
    try:
        for n in range(1000):
            clock["now"] = n * 0.015  # 1,000 requests in 15 seconds
            logger.handle(_outage_error(n))
        assert stream.getvalue().count("Traceback") == 1
        assert "repeated" not in stream.getvalue()
        clock["now"] = 16.0
        logger.warning("The database is back")
    finally:
        logger.removeHandler(handler)
    lines = [line for line in stream.getvalue().splitlines() if line.startswith(("ERROR", "WARNING"))]
    assert lines == [
        "ERROR Unhandled error",
        "ERROR The previous message was repeated 999 more times in 16 seconds: Unhandled error "
        "(ConnectionError: connection to server at 10.0.0.5 port 5432 failed: Connection refused)",
        "WARNING The database is back",
    ]
    assert stream.getvalue().count("Traceback") == 1


def test_the_log_filter_writes_the_error_again_after_its_window_and_at_exit():
    clock = {"now": 0.0}
    repeat = RepeatFilter(window_seconds=60, clock=lambda: clock["now"])
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    repeat.attach(handler)
    second = logging.StreamHandler(io.StringIO())
    repeat.attach(second)  # a record through two handlers is judged once
    logger = logging.getLogger("hrtool.test_outage_window")
    logger.propagate = False
    logger.addHandler(handler)
    logger.addHandler(second)
    try:
        for n in range(5):
            clock["now"] = n * 20.0  # 0, 20, 40, 60, 80 s
            logger.error("Database unavailable: OperationalError: unable to open database file")
        repeat.flush()
    finally:
        logger.removeHandler(handler)
        logger.removeHandler(second)
    assert stream.getvalue().splitlines() == [
        "Database unavailable: OperationalError: unable to open database file",
        "The previous message was repeated 2 more times in 60 seconds: "
        "Database unavailable: OperationalError: unable to open database file",
        "Database unavailable: OperationalError: unable to open database file",
        "The previous message was repeated 1 more times in 20 seconds: "
        "Database unavailable: OperationalError: unable to open database file",
    ]


def test_an_outage_writes_one_log_line_and_a_count(outage_app):
    """Twenty signed-in requests during an outage: one error line, then the count."""
    app, outage = outage_app
    client = _signed_in(app)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    app.extensions["hrtool_repeat_filter"].attach(handler)
    app.logger.disabled = False  # Alembic's logging config (the scratch database's migrations) turns it off
    app.logger.addHandler(handler)
    try:
        outage.down()
        try:
            statuses = {client.get("/hr/").status_code for _ in range(20)}
        finally:
            outage.up()
        assert client.get("/hr/").status_code == 200
        app.logger.warning("The database is back")
    finally:
        app.logger.removeHandler(handler)
    assert statuses == {503}
    lines = stream.getvalue().splitlines()
    assert len(lines) == 3, lines
    assert lines[0].startswith("Database unavailable: ")
    assert "SELECT" not in stream.getvalue()  # never the statement or its parameters
    assert lines[1].startswith("The previous message was repeated 19 more times in ")
    assert lines[2] == "The database is back"


@pytest.mark.parametrize(("driver_error", "unavailable"), [
    (sqlite3.OperationalError("unable to open database file"), True),
    (sqlite3.OperationalError("disk I/O error"), True),
    (sqlite3.OperationalError("database is locked"), False),  # busy: its own 503, "try again in a few seconds"
    (sqlite3.OperationalError("no such table: employees"), False),  # a fault of ours: a 500, logged in full
    (sqlite3.IntegrityError("UNIQUE constraint failed: letters.reference"), False),
])
def test_what_counts_as_the_database_being_unavailable(driver_error, unavailable):
    wrapper = OperationalError if isinstance(driver_error, sqlite3.OperationalError) else IntegrityError
    assert is_unavailable(wrapper("SELECT 1", {}, driver_error)) is unavailable
