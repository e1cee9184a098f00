"""axe-core (from npm, injected into each page) on the main pages of every role finds no serious
or critical violation, and every page's content, the back link included, sits inside a landmark
(axe's "region" rule, which axe itself rates moderate, is held to here too).

HR officer: dashboard, employees, an employee, transfers and a transfer, restructures and a
restructure's pages, the letters register and a letter, protected terms, pay protection, pay,
the audit log. Administrator: users, a new user, reference data. Employee: my record, my terms,
my protection, my letters, on a desktop and on a 390 px phone. Union rep: their pages, on both.
Signed out: the sign-in page, also with its error summary, and the accessibility statement.

Reports: artifacts/axe/<role>-<page>.json (every violation axe found, of any impact)."""
from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import select
from werkzeug.exceptions import HTTPException

from hrtool.extensions import db

from .axe import assert_accessible, run_axe
from .helpers import DESKTOP, PHONE, USERS, sign_in

LANDMARK_RULES = {"region", "landmark-one-main", "landmark-no-duplicate-main", "landmark-unique",
                  "landmark-main-is-top-level", "bypass", "page-has-heading-one"}


def _pages(app: Any, role: str) -> list[str]:
    from hrtool.models import Employee, Letter, Restructure, TradeUnion, Transfer, User

    with app.app_context():
        employee = db.session.scalar(select(Employee.id).order_by(Employee.id))
        transfer = db.session.scalar(select(Transfer.id).order_by(Transfer.id))
        restructure = db.session.scalar(select(Restructure.id).order_by(Restructure.id))
        letter = db.session.scalar(select(Letter.id).order_by(Letter.id))
        unison = db.session.scalar(select(TradeUnion.id).where(TradeUnion.code == "UNISON"))
        union_letter = db.session.scalar(select(Letter.id).where(Letter.union_id == unison).order_by(Letter.id))
        union_transfer = db.session.scalar(select(Letter.transfer_id).where(Letter.id == union_letter))
        # A rep sees only restructures their union was written to about (issue 16); the demo has none.
        union_restructure = db.session.scalar(select(Letter.restructure_id).where(
            Letter.union_id == unison, Letter.restructure_id.is_not(None)).order_by(Letter.id))
        planned = db.session.scalar(select(Transfer.id).where(Transfer.status == "planned").order_by(Transfer.id))
        admin_id = db.session.scalar(select(User.id).where(User.username == USERS["admin"]))
    if role == "hr":
        return ["/hr/", "/employees/", f"/employees/{employee}", "/transfers/", f"/transfers/{transfer}",
                "/restructures/", f"/restructures/{restructure}", f"/restructures/{restructure}/charts",
                f"/restructures/{restructure}/matches", f"/restructures/{restructure}/appointments",
                f"/restructures/{restructure}/costing", "/letters/", f"/letters/{letter}", "/protected-terms/",
                "/protection/", "/pay/", "/audit/"] + _where_served(app, [
                    # pages of a transfer's and a restructure's whole life, where this version has them
                    f"/transfers/{planned}/edit", f"/transfers/{planned}/withdraw", f"/transfers/{planned}/completion",
                    f"/restructures/{restructure}/implement"])
    if role == "admin":
        return ["/admin/users", "/admin/users/new", "/admin/reference"] + _where_served(app, [
            f"/admin/users/{admin_id}", f"/admin/users/{admin_id}/edit"])
    if role == "employee":
        return ["/me/", "/me/terms", "/me/protection/", "/me/letters/", "/account/password"]
    return ["/union/", "/union/transfers", "/union/letters", "/union/consultations", f"/union/transfers/{union_transfer}",
            f"/union/letters/{union_letter}"] + ([f"/union/restructures/{union_restructure}"] if union_restructure else [])


def _where_served(app: Any, paths: list[str]) -> list[str]:
    """The paths this app has a GET route for (pages other work adds are checked once they exist)."""
    adapter = app.url_map.bind("localhost")
    served = []
    for path in paths:
        try:
            adapter.match(path, method="GET")
        except HTTPException:  # NotFound or MethodNotAllowed: not served here
            continue
        served.append(path)
    return served


def _name(role: str, path: str, suffix: str = "") -> str:
    return f"{role}-{re.sub(r'[^a-z0-9]+', '-', path.lower()).strip('-') or 'home'}{suffix}"


def _check(page: Any, role: str, path: str, suffix: str = "") -> list[str]:
    """axe on one page: serious and critical fail at once; landmark findings are returned."""
    response = page.goto(path)
    assert response is not None and response.status == 200, path
    page.page.wait_for_load_state("load")
    lesser = assert_accessible(page, _name(role, path, suffix))
    problems = [f"{path}{suffix}: {v['id']} ({v['impact']}) {v['help']}" for v in lesser if v["id"] in LANDMARK_RULES]
    # The back link, where a page has one, is inside <main> (so inside the page's landmarks).
    back = page.page.evaluate("""() => [...document.querySelectorAll('.govuk-back-link')]
        .map((a) => !!a.closest('main'))""")
    problems += [f"{path}{suffix}: a back link outside <main>" for inside in back if not inside]
    return problems


@pytest.mark.parametrize("role", ["hr", "admin"])
def test_hr_and_admin_pages_have_no_serious_accessibility_violation(page, live_app, role):
    sign_in(page, role)
    problems: list[str] = []
    for path in _pages(live_app, role):
        problems += _check(page, role, path)
    assert problems == []
    assert page.console_errors == []


@pytest.mark.parametrize("role", ["employee", "union_rep"])
def test_self_service_pages_have_no_serious_accessibility_violation_on_desktop_and_phone(page, live_app, role):
    sign_in(page, role)
    problems: list[str] = []
    paths = _pages(live_app, role)
    for path in paths:
        problems += _check(page, role, path)
    # On a phone (where employees most often read them) the tables become lists: checked again.
    page.page.set_viewport_size(PHONE)
    for path in paths:
        problems += _check(page, role, path, "-phone")
    assert problems == []
    assert page.console_errors == []


def test_a_page_with_a_back_link_keeps_it_inside_main_after_the_skip_link_target(union_page, live_app):
    """The back link is the first thing in <main> (id main-content, the skip link's target)."""
    page, p = union_page, union_page.page
    path = next(p for p in _pages(live_app, "union_rep") if p.startswith("/union/letters/"))
    page.goto(path)
    expect(p.locator("#main-content a").first).to_have_class(re.compile(r"(^|\s)govuk-back-link(\s|$)"))
    expect(p.locator("main .govuk-back-link")).to_be_visible()
    # Nothing between the header and <main> any more, where it would belong to no landmark.
    expect(p.locator("main")).to_have_count(1)
    expect(p.locator("main:first-child")).to_have_count(1)
    page.screenshot("accessibility-back-link-in-main")


def test_signed_out_pages_have_no_serious_accessibility_violation(page):
    problems = _check(page, "signed-out", "/login")
    page.page.get_by_label("Email address or username").fill("nobody@hrtool.example")
    page.page.get_by_label("Password", exact=True).fill("not the password")
    with page.page.expect_navigation():
        page.page.get_by_role("button", name="Sign in").click()
    expect(page.page.locator(".govuk-error-summary, .govuk-error-message").first).to_be_visible()
    lesser = assert_accessible(page, "signed-out-login-error")
    problems += [v["id"] for v in lesser if v["id"] in LANDMARK_RULES]
    problems += _check(page, "signed-out", "/accessibility")
    assert problems == []


def test_a_form_answered_with_errors_has_no_serious_accessibility_violation(union_page, live_app):
    """The error summary and the field's error message, as the union rep sees them after
    recording an empty note (nothing is saved), on a desktop and on a phone."""
    page = union_page
    path = next(p for p in _pages(live_app, "union_rep") if p.startswith("/union/letters/"))
    problems: list[str] = []
    for viewport in (DESKTOP, PHONE):
        page.page.set_viewport_size(viewport)
        page.goto(path)
        page.page.get_by_role("button", name="Record").click()
        page.page.wait_for_load_state("load")
        summary = page.page.locator(".govuk-error-summary")
        expect(summary).to_have_count(1)
        expect(summary).to_contain_text("Write the response or the notes")
        expect(page.page).to_have_title(re.compile(r"^Error: "))  # a screen reader hears it first
        lesser = assert_accessible(page, f"union-rep-note-errors-{viewport['width']}")
        problems += [v["id"] for v in lesser if v["id"] in LANDMARK_RULES]
    assert problems == []
    page.screenshot("accessibility-form-errors-phone")


def test_the_check_itself_catches_what_it_is_for(page):
    """Not a vacuous check: an image with no text alternative (critical) fails assert_accessible,
    and text put outside every landmark (where the back link used to be) is found by "region"."""
    page.goto("/accessibility")
    assert_accessible(page, "signed-out-accessibility-before")
    page.page.evaluate("""() => {
      const img = document.createElement('img');
      img.src = '/static/dist/images/favicon.svg';
      document.querySelector('main').appendChild(img);
      const stray = document.createElement('a');
      stray.href = '/'; stray.className = 'govuk-back-link'; stray.textContent = 'Back';
      document.querySelector('main').before(stray);
    }""")
    with pytest.raises(AssertionError, match="image-alt"):
        assert_accessible(page, "signed-out-accessibility-broken")
    region = [v for v in run_axe(page)["violations"] if v["id"] == "region"]
    assert region and any("govuk-back-link" in " ".join(n["target"]) for n in region[0]["nodes"])
