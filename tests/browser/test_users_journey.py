"""Users an administrator manages, in a browser (issue 15): the administrator adds an HR officer
with a temporary password; the officer, signed in in another browser, must change it before
anything else; the administrator disables the login, and the officer's next page is the sign-in
page; the administrator changes the name and enables it again. Uses only the login it creates."""
from __future__ import annotations

from ..factories import DEMO_PASSWORDS
from .accounts_helpers import add_user, first_sign_in
from .axe import assert_accessible
from .conftest import Page

ADMIN = "admin@hrtool.example"
USERNAME = "journey.officer@example.org"
OWN = "journey officer own passphrase"


def test_disabling_a_user_signed_in_elsewhere_ends_their_session(page, browser, live_server):
    page.login(ADMIN, DEMO_PASSWORDS[ADMIN])
    add_user(page, USERNAME, "Jo Journey", "HR officer")
    page.screenshot("users-1-added")
    assert_accessible(page, "admin-users-list")

    officer_ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    officer = Page(officer_ctx.new_page(), live_server)
    try:
        first_sign_in(officer, USERNAME, OWN, screenshot="users-2-must-change-password")
        officer.goto("/employees/")
        assert officer.page.get_by_role("heading", level=1).inner_text() == "Employees"

        # The administrator opens the login and disables it, with a reason.
        p = page.page
        page.goto("/admin/users")
        p.get_by_role("link", name="Jo Journey").click()
        assert "Signed in now" in p.locator(".govuk-summary-list").inner_text()
        p.get_by_role("button", name="Disable login").click()
        assert "the 1 session they have open now will end at once" in p.locator("main").inner_text()
        p.get_by_label("Reason").fill("Left the council on 30 November")
        page.screenshot("users-3-disable")
        assert_accessible(page, "admin-users-disable")
        p.get_by_role("button", name="Disable login").click()
        assert "has been disabled and signed out of 1 session" in p.locator(".govuk-notification-banner--success").inner_text()
        summary = p.locator(".govuk-summary-list").inner_text()
        assert "Disabled: cannot sign in" in summary
        changes = p.get_by_role("table", name="Changes to this login, newest first").inner_text()
        assert "Can sign in: yes to no" in changes and "Left the council on 30 November" in changes
        assert "Alex Admin (demo)" in changes
        page.screenshot("users-4-disabled")
        assert_accessible(page, "admin-users-show")

        # The officer's very next page is the sign-in page, and signing in again is refused.
        officer.page.get_by_role("link", name="Employees").first.click()
        officer.page.wait_for_url("**/login**")
        assert officer.page.get_by_role("heading", level=1).inner_text() == "Sign in to hrtool"
        officer.screenshot("users-5-signed-out-elsewhere")
        officer.login(USERNAME, OWN)
        assert "This login has been disabled" in officer.page.locator(".govuk-error-summary").inner_text()

        # The administrator corrects the name and lets the login back in.
        p.get_by_role("button", name="Change details").click()
        p.get_by_label("Name", exact=True).fill("Jo Journey-Smith")
        p.get_by_label("Reason").fill("Name changed on marriage")
        assert_accessible(page, "admin-users-edit")
        page.screenshot("users-5b-change-details")
        p.get_by_role("button", name="Save changes").click()
        assert "Jo Journey-Smith" in p.get_by_role("heading", level=1).inner_text()
        p.get_by_role("button", name="Enable login").click()
        p.get_by_label("Reason").fill("Rejoined the shared HR service")
        p.get_by_role("button", name="Enable login").click()
        changes = p.get_by_role("table", name="Changes to this login, newest first").inner_text()
        assert "Name: Jo Journey to Jo Journey-Smith" in changes and "Can sign in: no to yes" in changes
        page.screenshot("users-6-history")
        officer.login(USERNAME, OWN)
        officer.page.wait_for_url("**/hr/")
        assert page.console_errors == [] and officer.console_errors == []
    finally:
        officer_ctx.close()
