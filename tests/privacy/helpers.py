"""Shared helpers for the data protection tests."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from hrtool.extensions import db
from hrtool.models import User

from ..factories import DEMO_PASSWORDS

EMPLOYEE = "employee@hrtool.example"
HR = "hr@hrtool.example"


def sign_in_confirmed(client: Any, username: str) -> None:
    """Sign in and confirm the password, as a sensitive action asks."""
    client.post("/login", data={"username": username, "password": DEMO_PASSWORDS[username]})
    response = client.post("/confirm-password", data={"password": DEMO_PASSWORDS[username], "next": "/"})
    assert response.status_code == 302


def demo_employee_id(app: Any) -> int:
    with app.app_context():
        return db.session.scalar(select(User.employee_id).where(User.username == EMPLOYEE))


def password_confirmation_expired(app: Any, client: Any) -> None:
    """As if the password was last given longer ago than REAUTH_MINUTES."""
    import time

    with client.session_transaction() as session:
        session["password_confirmed_at"] = int(time.time()) - app.config["REAUTH_MINUTES"] * 60 - 5
