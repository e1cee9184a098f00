"""Sessions and re-authentication (OWASP ASVS 4.0.3 3.3, 3.7): the 12-hour absolute limit, the
30-minute idle limit at its edge, and re-authentication before sensitive actions."""
from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from hrtool.extensions import db
from hrtool.models import AuditEvent, User, UserSession

from ..conftest import Auth
from ..factories import DEMO_PASSWORDS

HR = "hr@hrtool.example"
ADMIN = "admin@hrtool.example"


def _latest_session(username: str) -> UserSession:
    user_id = db.session.scalar(select(User.id).where(User.username == username))
    return db.session.scalars(select(UserSession).where(UserSession.user_id == user_id)
                              .order_by(UserSession.created_at.desc())).first()


def test_a_busy_session_still_ends_twelve_hours_after_sign_in(app):
    """Being active does not keep a session forever: 12 hours after signing in it is over, even
    if the last request was a minute ago."""
    assert app.config["SESSION_ABSOLUTE_MINUTES"] == 720 and app.config["SESSION_IDLE_MINUTES"] == 30
    client = app.test_client()
    Auth(client).login(HR)
    now = datetime.now(UTC)
    with app.app_context():
        record = _latest_session(HR)
        record.created_at = now - timedelta(minutes=719)
        record.last_seen_at = now - timedelta(minutes=1)
        db.session.commit()
    assert client.get("/hr/").status_code == 200  # 11 h 59 min: still in
    with app.app_context():
        record = _latest_session(HR)
        record.created_at = now - timedelta(minutes=721)
        record.last_seen_at = now - timedelta(minutes=1)
        db.session.commit()
    response = client.get("/hr/")
    assert response.status_code == 302 and response.location.startswith("/login")
    with app.app_context():
        assert _latest_session(HR).revoked_at is not None  # ended on the server, not only refused


def test_idle_limit_at_its_edge(app):
    client = app.test_client()
    Auth(client).login(HR)
    with app.app_context():
        record = _latest_session(HR)
        record.last_seen_at = datetime.now(UTC) - timedelta(minutes=29)
        db.session.commit()
    assert client.get("/hr/").status_code == 200  # 29 minutes idle: still in, and the clock restarts
    with app.app_context():
        assert datetime.now(UTC) - _aware(_latest_session(HR).last_seen_at) < timedelta(minutes=1)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _stale_confirmation(client, app) -> None:
    with client.session_transaction() as session:
        session["password_confirmed_at"] = int(time.time()) - app.config["REAUTH_MINUTES"] * 60 - 5


def test_sensitive_pages_ask_for_the_password_again_and_come_back(app):
    """Adding a user (an administrator's sensitive action) after the re-authentication window:
    the page asks for the password first; confirming it brings the administrator back."""
    client = app.test_client()
    Auth(client).login(ADMIN)
    assert client.get("/admin/users/new").status_code == 200  # just signed in: confirmed
    _stale_confirmation(client, app)
    response = client.get("/admin/users/new")
    assert response.status_code == 302 and response.location == "/confirm-password?next=/admin/users/new"
    # A POST while unconfirmed writes nothing and asks for the password at the same address,
    # carrying the fields but never the password typed (issue 15).
    post = client.post("/admin/users/new", data={"username": "x@example.org", "display_name": "X", "role": "hr",
                                                 "union_id": "0", "password": "a long good password"})
    assert post.status_code == 200 and "Confirm your password to finish" in post.get_data(as_text=True)
    assert "x@example.org" in post.get_data(as_text=True)
    assert "a long good password" not in post.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(User.id).where(User.username == "x@example.org")) is None
    back = client.post("/confirm-password", data={"password": DEMO_PASSWORDS[ADMIN], "next": "/admin/users/new"})
    assert back.status_code == 302 and back.location == "/admin/users/new"
    assert client.get("/admin/users/new").status_code == 200
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "reauthenticate")
                                  .order_by(AuditEvent.id.desc()))
        assert event.actor_label == "Alex Admin (demo)"


def test_confirming_the_password_goes_only_to_our_own_paths(app):
    client = app.test_client()
    Auth(client).login(ADMIN)
    for evil in ["https://evil.example/", "//evil.example/x", "/\\evil.example"]:
        response = client.post("/confirm-password", data={"password": DEMO_PASSWORDS[ADMIN], "next": evil})
        assert response.status_code == 302 and response.location == "/", evil


def test_guessing_at_the_confirm_page_locks_and_signs_out(app):
    client = app.test_client()
    Auth(client).login(ADMIN)
    for _ in range(5):
        assert "not right" in client.post("/confirm-password", data={"password": "guess guess"}).get_data(as_text=True)
    response = client.post("/confirm-password", data={"password": DEMO_PASSWORDS[ADMIN]})
    assert response.status_code == 302 and response.location.startswith("/login")
    assert client.get("/admin/users").status_code == 302


def test_confirmation_does_not_survive_signing_out_and_in(app):
    client = app.test_client()
    Auth(client).login(ADMIN)
    with client.session_transaction() as session:
        assert "password_confirmed_at" in session
    Auth(client).logout()
    with client.session_transaction() as session:
        assert "password_confirmed_at" not in session
