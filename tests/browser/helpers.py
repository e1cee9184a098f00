"""What the browser journeys share: the tab they drive, signing in as a role, a live server on a
loopback port, filling a date, and the helpers for the journeys about users and
re-authentication (issue 15: an administrator adds a login through the page, the new user
replaces the temporary password, and a session's password confirmation is made older than
REAUTH_MINUTES, as if time had passed).

Every check of what a page shows goes through Playwright's retrying `expect(...)`: a page read
once (`inner_text()`, `count()`, `is_visible()`) straight after a click can be the page before."""
from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from hrtool import ROOT

from ..factories import DEMO_PASSWORDS
from .axe import assert_accessible

CHROMIUM = os.environ.get("HRTOOL_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

# The demo logins (tests/factories.py DEMO_PASSWORDS) and the page each lands on once signed in.
USERS = {
    "admin": "admin@hrtool.example",
    "hr": "hr@hrtool.example",
    "employee": "employee@hrtool.example",
    "union_rep": "unison@hrtool.example",
}
LANDING = {"admin": "/hr/", "hr": "/hr/", "employee": "/me/", "union_rep": "/union/"}


def chromium_or_skip() -> None:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: CI must install Debian's chromium package")
        pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium)")


class Page:
    """A browser tab that records console errors (CSP violations among them)."""

    def __init__(self, page: Any, base: str):
        self.page = page
        self.base = base
        self.console_errors: list[str] = []
        page.on("console", self._on_console)
        page.on("pageerror", lambda err: self.console_errors.append(str(err)))

    def _on_console(self, message: Any) -> None:
        if message.type == "error":
            self.console_errors.append(message.text)

    def goto(self, path: str) -> Any:
        return self.page.goto(self.base + path)

    def screenshot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def login(self, username: str, password: str) -> None:
        self.goto("/login")
        self.page.get_by_label("Email address or username").fill(username)
        self.page.get_by_label("Password", exact=True).fill(password)
        # Wait for the answer (a redirect when signed in, the form again when not) so the
        # caller never looks at the login page as it was before the submit.
        with self.page.expect_navigation():
            self.page.get_by_role("button", name="Sign in").click()


def sign_in(tab: Page, role: str) -> Page:
    """Sign `tab` in as the demo user of `role` and wait for the page that role lands on."""
    tab.login(USERS[role], DEMO_PASSWORDS[USERS[role]])
    expect(tab.page).to_have_url(tab.base + LANDING[role])
    return tab


def sign_out(tab: Page) -> None:
    with tab.page.expect_navigation():
        tab.page.get_by_role("button", name="Sign out").click()


@contextmanager
def serve(app: Any) -> Iterator[str]:
    """`app` answering on a free loopback port, in a thread, for as long as the block lasts."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()


def fill_date(p: Any, day: date) -> None:
    """The GOV.UK date input's Day, Month and Year boxes (the only date on the page)."""
    p.get_by_label("Day", exact=True).fill(str(day.day))
    p.get_by_label("Month", exact=True).fill(str(day.month))
    p.get_by_label("Year", exact=True).fill(str(day.year))


def one_line(text: str) -> str:
    return " ".join(text.split())


def unexpected(errors: list[str]) -> list[str]:
    """Console errors other than the deliberate refusals (a form answered again with 400)."""
    return [e for e in errors if "status of 400" not in e]


# Users and re-authentication.

TEMPORARY = "journey temporary passphrase"


def add_user(admin: Page, username: str, name: str, role_label: str, person_number: str = "") -> None:
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
    expect(p.locator(".govuk-notification-banner--success")).to_contain_text(f"{name} can now sign in as {username}")


def first_sign_in(tab: Page, username: str, own_password: str, screenshot: str | None = None) -> None:
    """Sign in with the temporary password: only the change-password page is offered until it is
    replaced."""
    tab.login(username, TEMPORARY)
    p = tab.page
    p.wait_for_url("**/account/password")
    expect(p.locator("#temporary-password")).to_contain_text("Your administrator set a temporary password for you")
    if screenshot:
        tab.screenshot(screenshot)
        assert_accessible(tab, "account-password-temporary")
    p.get_by_label("Current password").fill(TEMPORARY)
    p.get_by_label("New password", exact=True).fill(own_password)
    p.get_by_label("Confirm new password").fill(own_password)
    p.get_by_role("button", name="Change password").click()
    expect(p.locator(".govuk-notification-banner--success")).to_contain_text("Your password has been changed")


def make_confirmation_stale(context: Any, app: Any) -> None:
    """Rewrite the signed session cookie so the password was last confirmed longer ago than
    REAUTH_MINUTES: the browser's equivalent of the web tests' session_transaction."""
    serializer = app.session_interface.get_signing_serializer(app)
    name = app.config.get("SESSION_COOKIE_NAME", "session")
    cookie = next(c for c in context.cookies() if c["name"] == name)
    data = serializer.loads(cookie["value"])
    data["password_confirmed_at"] = int(time.time()) - app.config["REAUTH_MINUTES"] * 60 - 5
    context.add_cookies([{**cookie, "value": serializer.dumps(data)}])
