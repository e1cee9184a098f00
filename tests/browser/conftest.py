"""A live hrtool server on a free loopback port, with its own database, driven by Debian's
Chromium through Playwright (never a downloaded browser)."""
from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from hrtool import ROOT, create_app
from hrtool.extensions import db

from ..factories import prepare_database

CHROMIUM = os.environ.get("HRTOOL_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]


def pytest_collection_modifyitems(items: list[Any]) -> None:
    for item in items:
        if "browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: CI must install Debian's chromium package")
        pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium)")
    tmp = tmp_path_factory.mktemp("live")
    app = create_app({"TESTING": False, "SECRET_KEY": "browser-tests", "WTF_CSRF_ENABLED": True, "JOBS_IMMEDIATE": True,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'live.sqlite3'}"})
    with app.app_context():
        prepare_database(app)
    LIVE["app"] = app
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    with app.app_context():
        db.engine.dispose()


LIVE: dict[str, Any] = {}


@pytest.fixture(scope="session")
def live_app(live_server: str) -> Any:
    """The live server's app, to look up records its database holds (never to change them)."""
    return LIVE["app"]


@pytest.fixture(scope="session")
def browser(live_server: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


class Page:
    """A browser tab that records console errors (CSP violations among them)."""

    def __init__(self, page: Any, base: str):
        self.page = page
        self.base = base
        self.console_errors: list[str] = []
        page.on("console", lambda msg: msg.type == "error" and self.console_errors.append(msg.text))
        page.on("pageerror", lambda err: self.console_errors.append(str(err)))

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


@pytest.fixture
def page(browser: Any, live_server: str) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = Page(context.new_page(), live_server)
    yield tab
    context.close()


