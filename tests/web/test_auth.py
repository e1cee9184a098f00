"""Signing in and out, throttling, sessions and headers."""
from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from hrtool.extensions import db
from hrtool.models import AuditEvent, UserSession

from ..factories import DEMO_PASSWORDS

HR = "hr@hrtool.example"


def test_sign_in_lands_each_role_on_its_page(app, auth):
    for role, landing in [("hr", "/hr/"), ("employee", "/me/"), ("union_rep", "/union/"), ("admin", "/hr/")]:
        client = app.test_client()
        from ..conftest import Auth

        Auth(client).as_role(role)
        assert client.get("/").location == landing


def test_wrong_password_is_refused_with_a_message(client, auth):
    response = auth.login(HR, "not-the-password")
    assert response.status_code == 200
    assert "The email address or password is not right" in response.get_data(as_text=True)
    assert client.get("/hr/").status_code == 302


def test_account_locks_after_five_failures_even_for_the_right_password(client, auth):
    for _ in range(5):
        auth.login(HR, "wrong-password-here")
    response = auth.login(HR)
    assert response.status_code == 429
    assert "Too many failed attempts" in response.get_data(as_text=True)
    # Another account is not affected: throttling is per account.
    assert auth.login("admin@hrtool.example").status_code == 302


def test_logout_ends_the_session_on_the_server(app, client, auth):
    auth.login(HR)
    cookie = client.get_cookie("session")
    assert client.get("/hr/").status_code == 200
    auth.logout()
    # Replaying the old cookie must not get back in.
    replay = app.test_client()
    replay.set_cookie("session", cookie.value)
    assert replay.get("/hr/").status_code == 302


def test_idle_session_expires(app, client, auth):
    auth.login(HR)
    assert client.get("/hr/").status_code == 200
    with app.app_context():
        session = db.session.scalars(select(UserSession).order_by(UserSession.created_at.desc())).first()
        session.last_seen_at = datetime.now(UTC) - timedelta(minutes=31)
        db.session.commit()
    assert client.get("/hr/").status_code == 302


def test_next_only_goes_to_our_own_paths(client):
    for evil in ["https://evil.example/", "//evil.example/", "/\\evil.example"]:
        response = client.post("/login", data={"username": HR, "password": "hrtool-demo-hr", "next": evil})
        assert response.location == "/"
        client.post("/logout")
    response = client.post("/login", data={"username": HR, "password": "hrtool-demo-hr", "next": "/employees/"})
    assert response.location == "/employees/"


def test_security_headers(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "'unsafe-inline'" not in csp and "nonce-" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"


def test_session_cookie_is_httponly_and_samesite(client, auth):
    response = auth.login(HR)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_csrf_is_required_on_forms(app):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = app.test_client().post("/login", data={"username": HR, "password": "hrtool-demo-hr"})
        assert response.status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_sign_in_is_audited(app, auth):
    auth.login(HR)
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "login").order_by(AuditEvent.id.desc()))
        assert event.actor_label == "Harriet Officer (demo HR)"


def test_an_election_asks_for_the_password_again_after_the_window(app, client, auth):
    """Re-authentication (ASVS 3.7.1): once the confirmed password is older than REAUTH_MINUTES,
    submitting an election records nothing and asks for the password at the same address,
    carrying what was typed; confirming finishes the submission (issue 15: the work is kept)."""
    from hrtool.models import Election

    auth.login("employee@hrtool.example", DEMO_PASSWORDS["employee@hrtool.example"])
    with client.session_transaction() as session:
        session["password_confirmed_at"] = int(time.time()) - app.config["REAUTH_MINUTES"] * 60 - 5
    assert client.get("/me/terms").status_code == 200  # looking needs no password
    with app.app_context():
        before = db.session.scalar(select(func.count()).select_from(Election))
    response = client.post("/me/terms", data={"understood": "y"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Confirm your password to finish" in page
    assert 'name="understood" value="y"' in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Election)) == before

    wrong = client.post("/me/terms", data={"reauth_prompt": "1", "reauth_password": "not it", "understood": "y"})
    assert "The password is not right" in wrong.get_data(as_text=True)
    assert 'name="understood" value="y"' in wrong.get_data(as_text=True)
    right = client.post("/me/terms", data={"reauth_prompt": "1", "understood": "y",
                                           "reauth_password": DEMO_PASSWORDS["employee@hrtool.example"]})
    # The election form itself answers now: the date was left out, so it comes back with that
    # error and the box still ticked.
    body = right.get_data(as_text=True)
    assert right.status_code == 200 and "Enter the date to move onto the lead authority" in body
    with client.session_transaction() as session:
        assert time.time() - session["password_confirmed_at"] < 60
