"""Sign-in throttling in a browser (issue 16): wrong passwords for one login from this browser's
address slow it down (429 with how long to wait); the administrator finds it under Users → sign-in
throttles and clears it with a reason. Uses only a username of its own (no such account), and
clears what it made, so no other browser test is slowed down."""
from __future__ import annotations

from playwright.sync_api import expect

from .axe import assert_accessible
from .helpers import sign_in

GUESSED = "throttle.journey@example.org"


def test_an_administrator_sees_and_clears_a_sign_in_throttle(page, new_tab):
    guesser = new_tab()
    errors = guesser.page.locator(".govuk-error-summary")
    for _ in range(5):
        guesser.login(GUESSED, "a wrong guess, again")
        expect(errors).to_contain_text("not right")
    guesser.login(GUESSED, "a wrong guess, again")
    expect(errors).to_contain_text("Too many failed attempts. Wait 1 minute")
    guesser.screenshot("throttles-1-waiting")

    sign_in(page, "admin")
    p = page.page
    page.goto("/admin/users")
    p.get_by_role("link", name="sign-in throttles").click()
    table = p.get_by_role("table", name="Throttled now")
    expect(table).to_contain_text(GUESSED)
    expect(table).to_contain_text("Waiting until")
    page.screenshot("throttles-2-list")
    assert_accessible(page, "admin-throttles")
    p.get_by_role("link", name=f"Clear one account from one address: {GUESSED}").click()
    p.get_by_role("button", name="Clear the throttle").click()
    expect(p.locator(".govuk-error-summary")).to_contain_text("Enter why the throttle is being cleared")
    p.get_by_label("Reason").fill("Browser test: made these attempts itself")
    page.screenshot("throttles-3-clear")
    assert_accessible(page, "admin-throttles-clear")
    p.get_by_role("button", name="Clear the throttle").click()
    expect(p.locator(".govuk-notification-banner--success")).to_contain_text("5 failed attempts no longer count")
    expect(p.locator("main")).not_to_contain_text(GUESSED, use_inner_text=True)
    page.screenshot("throttles-4-cleared")

    guesser.login(GUESSED, "a wrong guess, again")  # checked again, not refused
    expect(errors).to_contain_text("not right")
