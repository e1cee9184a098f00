"""Sign-in throttling in a browser (issue 16): wrong passwords for one login from this browser's
address slow it down (429 with how long to wait); the administrator finds it under Users → sign-in
throttles and clears it with a reason. Uses only a username of its own (no such account), and
clears what it made, so no other browser test is slowed down."""
from __future__ import annotations

from ..factories import DEMO_PASSWORDS
from .axe import assert_accessible
from .conftest import Page

ADMIN = "admin@hrtool.example"
GUESSED = "throttle.journey@example.org"


def test_an_administrator_sees_and_clears_a_sign_in_throttle(page: Page, browser, live_server):
    guesser = Page(browser.new_context(viewport={"width": 1280, "height": 900}).new_page(), live_server)
    for _ in range(5):
        guesser.login(GUESSED, "a wrong guess, again")
        assert "not right" in guesser.page.locator(".govuk-error-summary").inner_text()
    guesser.login(GUESSED, "a wrong guess, again")
    assert "Too many failed attempts. Wait 1 minute" in guesser.page.locator(".govuk-error-summary").inner_text()
    guesser.screenshot("throttles-1-waiting")

    page.login(ADMIN, DEMO_PASSWORDS[ADMIN])
    p = page.page
    page.goto("/admin/users")
    p.get_by_role("link", name="sign-in throttles").click()
    table = p.get_by_role("table", name="Throttled now").inner_text()
    assert GUESSED in table and "Waiting until" in table
    page.screenshot("throttles-2-list")
    assert_accessible(page, "admin-throttles")
    p.get_by_role("link", name=f"Clear one account from one address: {GUESSED}").click()
    p.get_by_role("button", name="Clear the throttle").click()
    assert "Enter why the throttle is being cleared" in p.locator(".govuk-error-summary").inner_text()
    p.get_by_label("Reason").fill("Browser test: made these attempts itself")
    page.screenshot("throttles-3-clear")
    assert_accessible(page, "admin-throttles-clear")
    p.get_by_role("button", name="Clear the throttle").click()
    assert "5 failed attempts no longer count" in p.locator(".govuk-notification-banner--success").inner_text()
    assert GUESSED not in p.locator("main").inner_text()
    page.screenshot("throttles-4-cleared")

    guesser.login(GUESSED, "a wrong guess, again")  # checked again, not refused
    assert "not right" in guesser.page.locator(".govuk-error-summary").inner_text()
