"""Users an administrator manages, in a browser (issue 15): the administrator adds an HR officer
with a temporary password; the officer, signed in in another browser, must change it before
anything else; the administrator disables the login, and the officer's next page is the sign-in
page; the administrator changes the name and enables it again. Uses only the login it creates."""
from __future__ import annotations

from playwright.sync_api import expect

from .axe import assert_accessible
from .helpers import add_user, first_sign_in

USERNAME = "journey.officer@example.org"
OWN = "journey officer own passphrase"


def test_disabling_a_user_signed_in_elsewhere_ends_their_session(admin_page, new_tab):
    page, p = admin_page, admin_page.page
    add_user(page, USERNAME, "Jo Journey", "HR officer")
    page.screenshot("users-1-added")
    assert_accessible(page, "admin-users-list")

    officer = new_tab()
    first_sign_in(officer, USERNAME, OWN, screenshot="users-2-must-change-password")
    officer.goto("/employees/")
    expect(officer.page.get_by_role("heading", level=1)).to_have_text("Employees")

    # The administrator opens the login and disables it, with a reason.
    page.goto("/admin/users")
    p.get_by_role("link", name="Jo Journey").click()
    expect(p.locator(".govuk-summary-list")).to_contain_text("Signed in now")
    p.get_by_role("button", name="Disable login").click()
    expect(p.locator("main")).to_contain_text("the 1 session they have open now will end at once")
    p.get_by_label("Reason").fill("Left the council on 30 November")
    page.screenshot("users-3-disable")
    assert_accessible(page, "admin-users-disable")
    p.get_by_role("button", name="Disable login").click()
    expect(p.locator(".govuk-notification-banner--success")).to_contain_text(
        "has been disabled and signed out of 1 session")
    expect(p.locator(".govuk-summary-list")).to_contain_text("Disabled: cannot sign in")
    changes = p.get_by_role("table", name="Changes to this login, newest first")
    for text in ("Can sign in: yes to no", "Left the council on 30 November", "Alex Admin (demo)"):
        expect(changes).to_contain_text(text)
    page.screenshot("users-4-disabled")
    assert_accessible(page, "admin-users-show")

    # The officer's very next page is the sign-in page, and signing in again is refused.
    officer.page.get_by_role("link", name="Employees").first.click()
    officer.page.wait_for_url("**/login**")
    expect(officer.page.get_by_role("heading", level=1)).to_have_text("Sign in to hrtool")
    officer.screenshot("users-5-signed-out-elsewhere")
    officer.login(USERNAME, OWN)
    expect(officer.page.locator(".govuk-error-summary")).to_contain_text("This login has been disabled")

    # The administrator corrects the name and lets the login back in.
    p.get_by_role("button", name="Change details").click()
    p.get_by_label("Name", exact=True).fill("Jo Journey-Smith")
    p.get_by_label("Reason").fill("Name changed on marriage")
    assert_accessible(page, "admin-users-edit")
    page.screenshot("users-5b-change-details")
    p.get_by_role("button", name="Save changes").click()
    expect(p.get_by_role("heading", level=1)).to_contain_text("Jo Journey-Smith")
    p.get_by_role("button", name="Enable login").click()
    p.get_by_label("Reason").fill("Rejoined the shared HR service")
    p.get_by_role("button", name="Enable login").click()
    changes = p.get_by_role("table", name="Changes to this login, newest first")
    expect(changes).to_contain_text("Name: Jo Journey to Jo Journey-Smith")
    expect(changes).to_contain_text("Can sign in: no to yes")
    page.screenshot("users-6-history")
    officer.login(USERNAME, OWN)
    officer.page.wait_for_url("**/hr/")
    assert page.console_errors == [] and officer.console_errors == []
