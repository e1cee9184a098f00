"""The Content Security Policy blocks nothing on the pages people use: every main page of every
role is opened in Chromium, which reports each `securitypolicyviolation` event and console error.

The policy itself (tests/web/test_auth.py) has no 'unsafe-inline'; this test proves the pages
live within it: no inline script or style, no handler attribute, no asset from elsewhere."""
from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from hrtool.extensions import db

from .helpers import USERS, sign_in

# Listens from before any page script runs; init scripts are injected by the browser itself and
# are not subject to the page's policy.
LISTEN = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile || ''}:${e.lineNumber}`);
});
"""

def _extra_pages(app: Any, role: str) -> list[str]:
    """Pages one step below the navigation that each role reaches often: a record, its forms,
    a transfer, a model's results, a letter, the calculators."""
    from hrtool.models import (
        Employee,
        HarmonisationModel,
        Letter,
        Post,
        TradeUnion,
        Transfer,
    )

    with app.app_context():
        employee = db.session.scalar(select(Employee.id).order_by(Employee.id))
        transfer = db.session.scalar(select(Transfer.id).order_by(Transfer.id))
        post = db.session.scalar(select(Post.id).order_by(Post.id))
        model = db.session.scalar(select(HarmonisationModel.id).order_by(HarmonisationModel.id))
        unison = db.session.scalar(select(TradeUnion.id).where(TradeUnion.code == "UNISON"))
        letter = db.session.scalar(select(Letter.id).order_by(Letter.id))
        union_letter = db.session.scalar(select(Letter.id).where(Letter.union_id == unison).order_by(Letter.id))
    pages = ["/account/password", "/accessibility"]
    if role in ("hr", "admin"):
        pages += [f"/employees/{employee}", f"/employees/{employee}/details", f"/employees/{employee}/assignment",
                  f"/transfers/{transfer}", "/transfers/new", f"/posts/{post}", "/posts/", "/grading/",
                  f"/harmonisation/{model}", "/imports/", "/pay/grade", "/pay/spine", "/protection/calculator",
                  "/restructures/calculators/redundancy"]
        pages += [f"/letters/{letter}"] if letter else []
    if role == "admin":
        pages += ["/admin/users/new", "/admin/reference"]
    if role == "union_rep":
        pages += [f"/union/transfers/{transfer}"] + ([f"/union/letters/{union_letter}"] if union_letter else [])
    return pages


def _nav_links(page: Any) -> list[str]:
    hrefs = page.page.eval_on_selector_all(".govuk-service-navigation a", "els => els.map(e => e.getAttribute('href'))")
    return [h for h in hrefs if h and h.startswith("/")]


@pytest.mark.parametrize("role", list(USERS))
def test_no_page_breaks_the_content_security_policy(page, live_app, role):
    page.page.context.add_init_script(LISTEN)
    sign_in(page, role)
    landing = page.page.url.removeprefix(page.base)
    visited: dict[str, int] = {}
    problems: list[str] = []
    for path in [landing, *_nav_links(page), *_extra_pages(live_app, role)]:
        if path in visited:
            continue
        before = len(page.console_errors)
        response = page.goto(path)
        visited[path] = response.status if response else 0
        page.page.wait_for_load_state("load")
        violations = page.page.evaluate("window.__cspViolations || []")
        problems += [f"{path}: {v}" for v in violations]
        problems += [f"{path}: console: {e}" for e in page.console_errors[before:]]
    # Each page really rendered (a 404 or a 500 page would pass the CSP but prove nothing).
    assert {p: s for p, s in visited.items() if s != 200} == {}
    assert len(visited) >= (4 if role in ("employee", "union_rep") else 10)
    assert problems == []
    # The listener hears a real violation: an inline script the page itself would add.
    page.page.evaluate("() => { const s = document.createElement('script'); s.textContent = 'window.x = 1';"
                       " document.body.appendChild(s); }")
    page.page.wait_for_function("window.__cspViolations.length > 0", timeout=5000)
    assert "script-src" in page.page.evaluate("window.__cspViolations[0]")
    if role == "admin":
        page.goto("/account/password")
        page.screenshot("account-change-password")
        page.goto("/admin/users")
        page.screenshot("admin-users")
