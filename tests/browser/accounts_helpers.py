"""Helpers for the browser journeys about users and re-authentication (issue 15): an
administrator adds a login through the page, the new user replaces the temporary password, and a
session's password confirmation is made older than REAUTH_MINUTES (as if time had passed)."""
from __future__ import annotations

import time
from typing import Any

TEMPORARY = "journey temporary passphrase"


def add_user(admin: Any, username: str, name: str, role_label: str, person_number: str = "") -> None:
    """As the administrator, through Users -> Add a user, with a temporary password."""
    p = admin.page
    admin.goto("/admin/users")
    p.get_by_role("button", name="Add a user").click()
    p.get_by_label("Email address").fill(username)
    p.get_by_label("Name", exact=True).fill(name)
    p.get_by_label(role_label, exact=True).check()
    if person_number:
        p.get_by_label("Person number (employees only)").fill(person_number)
    p.get_by_label("Temporary password").fill(TEMPORARY)
    p.get_by_role("button", name="Add user").click()
    assert f"{name} can now sign in as {username}" in p.locator(".govuk-notification-banner--success").inner_text()


def first_sign_in(tab: Any, username: str, own_password: str, screenshot: str | None = None) -> None:
    """Sign in with the temporary password: only the change-password page is offered until it is
    replaced."""
    tab.login(username, TEMPORARY)
    p = tab.page
    p.wait_for_url("**/account/password")
    assert "Your administrator set a temporary password for you" in p.locator("#temporary-password").inner_text()
    if screenshot:
        tab.screenshot(screenshot)
        from .axe import assert_accessible

        assert_accessible(tab, "account-password-temporary")
    p.get_by_label("Current password").fill(TEMPORARY)
    p.get_by_label("New password", exact=True).fill(own_password)
    p.get_by_label("Confirm new password").fill(own_password)
    p.get_by_role("button", name="Change password").click()
    assert "Your password has been changed" in p.locator(".govuk-notification-banner--success").inner_text()


def make_confirmation_stale(context: Any, app: Any) -> None:
    """Rewrite the signed session cookie so the password was last confirmed longer ago than
    REAUTH_MINUTES: the browser's equivalent of the web tests' session_transaction."""
    serializer = app.session_interface.get_signing_serializer(app)
    name = app.config.get("SESSION_COOKIE_NAME", "session")
    cookie = next(c for c in context.cookies() if c["name"] == name)
    data = serializer.loads(cookie["value"])
    data["password_confirmed_at"] = int(time.time()) - app.config["REAUTH_MINUTES"] * 60 - 5
    context.add_cookies([{**cookie, "value": serializer.dumps(data)}])
