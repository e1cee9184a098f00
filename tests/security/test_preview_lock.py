"""Issue 16, finding 3: an import's preview must not block every other user's writes on SQLite.

The attack: a long preview (a valid CSV of many thousand rows) held SQLite's write lock for the
whole check, so other people's sign-ins waited out the busy timeout and got 503, and a page view
whose once-a-minute last-seen stamp met the lock failed too. Here, against a file-backed SQLite
app with real threads, a preview runs for longer than the busy timeout (lowered to 1 s so the
test stays short) while an administrator signs in and a third, whose last-seen stamp is due, views
a page: neither gets a 503 or a 500, and another connection can take the write lock at once
while the preview is still checking."""
from __future__ import annotations

import sqlite3
import threading
import time
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import update
from sqlalchemy.engine import make_url

from hrtool import sqlite as hrtool_sqlite
from hrtool.extensions import db
from hrtool.models import UserSession
from hrtool.services.people import employee_io
from hrtool.services.people.employee_rows import COLUMNS

from ..conftest import Auth
from ..spreadsheets import new_person, write

HR, ADMIN, UNION = "hr@hrtool.example", "admin@hrtool.example", "unison@hrtool.example"
ROWS = 20_000
BUSY_MS = 1000


@pytest.fixture(scope="module")
def live(scratch):
    app = scratch("preview_lock", employees=40)
    if make_url(app.config["SQLALCHEMY_DATABASE_URI"]).get_backend_name() != "sqlite":
        pytest.skip("SQLite's single write lock")
    return app


def _signed_in(app, username):
    client = app.test_client()
    assert Auth(client).login(username).status_code == 302
    return client


def test_a_long_preview_blocks_no_sign_in_and_no_page_view(live, tmp_path, monkeypatch):
    monkeypatch.setattr(hrtool_sqlite, "BUSY_TIMEOUT_MS", BUSY_MS)
    born = [(date(1960, 1, 1) + timedelta(days=n % 5000)).isoformat() for n in range(ROWS + 1)]  # all over 16
    csv_path = write(tmp_path / "payroll", COLUMNS, [new_person(n, date_of_birth=born[n]) for n in range(1, ROWS + 1)], "csv")
    hr, union = _signed_in(live, HR), _signed_in(live, UNION)
    with live.app_context():  # the union rep was last seen two minutes ago: their next page stamps it
        db.session.execute(update(UserSession).where(UserSession.revoked_at.is_(None))
                           .values(last_seen_at=datetime.now(UTC) - timedelta(minutes=2)))
        db.session.commit()

    # The multipart body as bytes (a file object would leave the test client a temporary file open).
    body = (b'--b0undary\r\nContent-Disposition: form-data; name="file"; filename="payroll.csv"\r\n'
            b"Content-Type: text/csv\r\n\r\n" + csv_path.read_bytes() + b"\r\n--b0undary--\r\n")
    checking = threading.Event()
    original = employee_io._pass

    def watched(*args, **kwargs):
        checking.set()
        return original(*args, **kwargs)

    monkeypatch.setattr(employee_io, "_pass", watched)
    outcome: dict = {}

    def preview() -> None:
        started = time.perf_counter()
        # The check is a job (issue 17), run at once by the test app: it lands on the check's page.
        response = hr.post("/imports/", data=body, content_type="multipart/form-data; boundary=b0undary",
                           follow_redirects=True)
        outcome["status"] = response.status_code
        outcome["page"] = response.get_data(as_text=True)
        outcome["seconds"] = time.perf_counter() - started

    worker = threading.Thread(target=preview)
    worker.start()
    try:
        assert checking.wait(30), "the preview never started checking"
        time.sleep(0.3)  # well into the check
        database = make_url(live.config["SQLALCHEMY_DATABASE_URI"]).database
        other = sqlite3.connect(database, timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")  # "database is locked" here was the bug
            other.execute("ROLLBACK")
            lock_free = True
        except sqlite3.OperationalError:
            lock_free = False
        finally:
            other.close()
        admin = live.test_client()
        signed_in = Auth(admin).login(ADMIN)
        page = union.get("/union/")
        still_checking = worker.is_alive()
    finally:
        worker.join(120)

    assert lock_free, "the preview holds the write lock"
    assert signed_in.status_code == 302, signed_in.status_code
    assert admin.get("/", follow_redirects=True).status_code == 200
    assert page.status_code == 200, page.status_code
    assert still_checking, "the preview ended before the others were served: make it longer"
    assert outcome["status"] == 200 and "Check the changes" in outcome["page"], outcome["page"][:3000]
    assert outcome["seconds"] > BUSY_MS / 1000, "the preview must outlast the busy timeout"
    with live.app_context():  # the union rep's stamp was taken (nothing held the lock)
        stamped = db.session.scalars(
            UserSession.__table__.select().with_only_columns(UserSession.last_seen_at)
            .where(UserSession.revoked_at.is_(None))).all()
    assert max(stamped).replace(tzinfo=UTC) > datetime.now(UTC) - timedelta(minutes=1)


def test_a_session_stamp_is_skipped_not_failed_when_the_lock_is_held(live, monkeypatch):
    """A page view whose last-seen stamp meets another writer's lock is served anyway."""
    monkeypatch.setattr(hrtool_sqlite, "BUSY_TIMEOUT_MS", BUSY_MS)
    union = _signed_in(live, UNION)
    with live.app_context():
        db.session.execute(update(UserSession).where(UserSession.revoked_at.is_(None))
                           .values(last_seen_at=datetime.now(UTC) - timedelta(minutes=2)))
        db.session.commit()
    database = make_url(live.config["SQLALCHEMY_DATABASE_URI"]).database
    writer = sqlite3.connect(database, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # another user's long write
    try:
        started = time.perf_counter()
        page = union.get("/union/")
        elapsed = time.perf_counter() - started
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert page.status_code == 200
    assert elapsed < BUSY_MS / 1000, f"the page waited {elapsed:.2f} s for the lock"
