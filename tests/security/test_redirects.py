"""Open redirects (issue 16, finding 1): a tab in `next` got past the check and was then stripped,
so `POST /login` with `next=/%09/evil.example` answered `302 Location: //evil.example` (the same on
`POST /confirm-password`), and a newline (`/%0a/x`) signed in and then answered 500.

One check (`security.safe_next`, and `safe_referrer` for a Referer or a page address carried in
a form) is now used by every redirect to an address a request supplies. These tests send the
payloads of the issue and their relatives, raw and percent-encoded, to each place: the answer is
always a redirect to one of our own paths, never off the site and never a 500."""
from __future__ import annotations

import time
from urllib.parse import quote, urlsplit

import pytest

from hrtool.security import safe_next, safe_referrer

from ..factories import DEMO_PASSWORDS

HR = "hr@hrtool.example"
ADMIN = "admin@hrtool.example"

# As the view receives them (after the form body is decoded once).
PAYLOADS = [
    "/\t/evil.example",          # the issue's /%09/evil.example, decoded by the form parser
    "/\n/x",                     # the issue's /%0a/x (was a 500)
    "/\r\n/x",
    "/\r/evil.example",
    "/\x00/evil.example",
    "/\x0b/evil.example",
    "/\x7f/evil.example",
    "/\u2028/evil.example",
    "\\\\evil.example",
    "\\evil.example",
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "/\\/evil.example",
    "/%09/evil.example",         # encoded twice in the request: still refused after decoding
    "/%0a/x",
    "/%0d%0a/x",
    "/%5C%5Cevil.example",
    "/%5Cevil.example",
    "/%2F/evil.example",
    "/%2F%2Fevil.example",
    "%2F%2Fevil.example",
    "/%252F%252Fevil.example",   # three times
    "/%25252509/evil.example",   # more than three times: refused outright
    "https://evil.example/",
    "http:/evil.example",
    "http:evil.example",
    "javascript:alert(1)",
    " //evil.example",
    "\t//evil.example",
    "evil.example",
    "",
]
GOOD = ["/employees/", "/employees/?q=John%20Smith&page=2", "/protected-terms/", "/me/", "/letters/?status=draft"]


def _refused(location: str) -> bool:
    """An answer's Location is one of our paths and not the attacker's."""
    parts = urlsplit(location)
    return (not parts.scheme and not parts.netloc and location.startswith("/") and not location.startswith("//")
            and "evil" not in location and "\\" not in location and not any(c < " " for c in location))


@pytest.mark.parametrize("target", PAYLOADS, ids=[repr(p) for p in PAYLOADS])
def test_the_one_check_refuses_every_payload(app, target):
    assert safe_next(target) is None
    with app.test_request_context("/", base_url="http://localhost"):
        assert safe_referrer(target) is None
        assert safe_referrer("http://localhost" + target if target.startswith("/") else target) is None


@pytest.mark.parametrize("target", GOOD)
def test_our_own_paths_are_kept_as_they_are(app, target):
    assert safe_next(target) == target
    with app.test_request_context("/", base_url="http://localhost"):
        assert safe_referrer("http://localhost" + target) == target
        assert safe_referrer("http://evil.example" + target) is None       # another host
        assert safe_referrer("https://localhost" + target) is None          # another scheme
        assert safe_referrer("http://localhost@evil.example" + target) is None


def test_the_issues_request_exactly_as_sent(client):
    """The bytes of the report: `next=/%09/evil.example` in a form body (decoded to a tab)."""
    body = f"username={quote(HR)}&password={quote(DEMO_PASSWORDS[HR])}&next=/%09/evil.example"
    response = client.post("/login", data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 302 and response.location == "/"
    client.post("/logout")
    body = f"username={quote(HR)}&password={quote(DEMO_PASSWORDS[HR])}&next=/%0a/x"
    response = client.post("/login", data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 302 and response.location == "/"


@pytest.mark.parametrize("target", PAYLOADS, ids=[repr(p) for p in PAYLOADS])
def test_sign_in_never_redirects_off_the_site(client, target):
    response = client.post("/login", data={"username": HR, "password": DEMO_PASSWORDS[HR], "next": target})
    assert response.status_code == 302, response.status_code
    assert _refused(response.location) and response.location == "/"


@pytest.mark.parametrize("target", PAYLOADS, ids=[repr(p) for p in PAYLOADS])
def test_confirming_a_password_never_redirects_off_the_site(client, auth, target):
    auth.login(HR)
    response = client.post("/confirm-password", data={"password": DEMO_PASSWORDS[HR], "next": target})
    assert response.status_code == 302 and response.location == "/"


def test_next_in_the_query_string_of_the_sign_in_page_is_checked_too(client):
    for target in ("/%09/evil.example", "//evil.example", "/%0a/x"):
        page = client.get(f"/login?next={quote(target, safe='')}")
        assert page.status_code == 200
        response = client.post("/login", data={"username": HR, "password": DEMO_PASSWORDS[HR],
                                                "next": target})
        assert response.location == "/"
        client.post("/logout")


def test_our_own_paths_still_work_after_sign_in_and_confirmation(client, auth):
    response = client.post("/login", data={"username": HR, "password": DEMO_PASSWORDS[HR],
                                            "next": "/employees/?q=John%20Smith"})
    assert response.location == "/employees/?q=John%20Smith"
    response = client.post("/confirm-password", data={"password": DEMO_PASSWORDS[HR], "next": "/employees/"})
    assert response.location == "/employees/"


def _stale(app, client) -> None:
    with client.session_transaction() as session:
        session["password_confirmed_at"] = int(time.time()) - app.config["REAUTH_MINUTES"] * 60 - 5


REFERRERS = ["http://evil.example/", "//evil.example/", "http://localhost/\t/evil.example",
             "http://localhost/%09/evil.example", "http://localhost/\n/x", "http://localhost/%0a/x",
             "http://localhost\\@evil.example/", "http://localhost/\\evil.example", "/\t/evil.example"]


@pytest.mark.parametrize("referrer", REFERRERS, ids=[repr(r) for r in REFERRERS])
def test_the_reauth_prompt_follows_only_our_own_pages(app, client, auth, referrer):
    """The prompt's back link and the page it carries come from the Referer (first) and from a
    hidden field (when answered): neither may point off the site or break the page."""
    auth.login(ADMIN)
    _stale(app, client)
    url = "/rules/settings/full_time_hours/new"
    # In the WSGI environ: a test client refuses a header holding a newline; a server may not.
    first = client.post(url, data={"value": "36", "reason": "x"}, environ_base={"HTTP_REFERER": referrer})
    html = first.get_data(as_text=True)
    assert first.status_code == 200 and "Confirm your password to finish" in html
    assert "evil" not in html and 'name="reauth_referrer" value=""' in html
    answered = client.post(url, data={"value": "36", "reason": "x", "reauth_prompt": "1",
                                      "reauth_password": "not the password", "reauth_referrer": referrer})
    html = answered.get_data(as_text=True)
    assert answered.status_code == 200 and "evil" not in html and 'name="reauth_referrer" value=""' in html


def test_the_reauth_prompt_keeps_a_page_of_ours(app, client, auth):
    auth.login(ADMIN)
    _stale(app, client)
    url = "/rules/settings/full_time_hours/new"
    first = client.post(url, data={"value": "36", "reason": "x"},
                        headers={"Referer": "http://localhost/rules/settings/full_time_hours"})
    assert 'name="reauth_referrer" value="http://localhost/rules/settings/full_time_hours"' in first.get_data(
        as_text=True)
