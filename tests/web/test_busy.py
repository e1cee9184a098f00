"""When the database cannot take a write because another holds it (SQLite's one writer past its
busy timeout; a PostgreSQL lock conflict), the user gets a plain "busy, nothing was saved, try
again" page with 503 and Retry-After, never the 500 page."""
from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy.exc import OperationalError

from hrtool.web.account import views as account_views


class LockNotAvailable(Exception):
    """Stands in for psycopg's error of that name: what matters is its SQLSTATE."""

    sqlstate = "55P03"


@pytest.mark.parametrize("original", [sqlite3.OperationalError("database is locked"),
                                      LockNotAvailable("could not obtain lock on row")],
                         ids=["sqlite-locked", "postgresql-lock-not-available"])
def test_a_write_that_meets_a_lock_gets_the_busy_page(auth, client, monkeypatch, original):
    auth.as_role("hr")

    def locked(*args, **kwargs):
        raise OperationalError("UPDATE users SET ...", {}, original)

    monkeypatch.setattr(account_views.accounts, "change_password", locked)
    response = client.post("/account/password", data={
        "current_password": "whatever it is", "new_password": "a long enough new passphrase",
        "confirm_password": "a long enough new passphrase"})
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    page = response.get_data(as_text=True)
    assert "The service is busy" in page
    assert "Nothing you entered was saved" in page


def test_other_database_errors_are_still_errors(auth, client, monkeypatch, app):
    auth.as_role("hr")

    def broken(*args, **kwargs):
        raise OperationalError("SELECT ...", {}, sqlite3.OperationalError("no such table: users"))

    monkeypatch.setattr(account_views.accounts, "change_password", broken)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    response = client.post("/account/password", data={
        "current_password": "whatever it is", "new_password": "a long enough new passphrase",
        "confirm_password": "a long enough new passphrase"})
    assert response.status_code == 500
