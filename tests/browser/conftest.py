"""A live hrtool server on a free loopback port, with its own database, driven by Debian's
Chromium through Playwright (never a downloaded browser).

Fixtures: `page` (a signed-out desktop tab), one signed-in tab per role (`hr_page`,
`admin_page`, `employee_page`, `union_page`), `phone` (a signed-out 390 px phone tab) and
`new_tab` (more tabs, each a browser of its own, closed after the test). What they share lives in
helpers.py."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from hrtool import create_app
from hrtool.extensions import db

from ..factories import prepare_database
from .helpers import CHROMIUM, CHROMIUM_ARGS, DESKTOP, PHONE, Page, chromium_or_skip, serve, sign_in


def pytest_collection_modifyitems(items: list[Any]) -> None:
    for item in items:
        if "browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    chromium_or_skip()
    tmp = tmp_path_factory.mktemp("live")
    app = create_app({"TESTING": False, "SECRET_KEY": "browser-tests", "WTF_CSRF_ENABLED": True, "JOBS_IMMEDIATE": True,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'live.sqlite3'}"})
    with app.app_context():
        prepare_database(app)
    LIVE["app"] = app
    with serve(app) as base:
        yield base
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


@pytest.fixture
def new_tab(browser: Any, live_server: str) -> Iterator[Callable[..., Page]]:
    """Open a tab in a browser context of its own (its own cookies: another person signed in
    elsewhere); `new_tab(viewport=PHONE, is_mobile=True)` for a phone. Closed after the test."""
    contexts: list[Any] = []

    def open_tab(base: str = live_server, **options: Any) -> Page:
        context = browser.new_context(**{"viewport": DESKTOP, **options})
        contexts.append(context)
        return Page(context.new_page(), base)

    yield open_tab
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_tab: Callable[..., Page]) -> Page:
    return new_tab()


@pytest.fixture
def phone(new_tab: Callable[..., Page]) -> Page:
    return new_tab(viewport=PHONE, is_mobile=True, has_touch=True)


@pytest.fixture
def hr_page(page: Page) -> Page:
    return sign_in(page, "hr")


@pytest.fixture
def admin_page(page: Page) -> Page:
    return sign_in(page, "admin")


@pytest.fixture
def employee_page(page: Page) -> Page:
    return sign_in(page, "employee")


@pytest.fixture
def union_page(page: Page) -> Page:
    return sign_in(page, "union_rep")
