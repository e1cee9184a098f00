"""Issue 16, finding 7: huge or odd ids answered 500 (thirty 9s on about 20 routes, `²` as an
import event). Now every id in a path goes through one range-checked converter (web/__init__.py,
1 to 2**31-1, the models' Integer keys) and every id in a query string through one parser (web/fields.py), so a bad id is a
404 everywhere, for every role; a refused role still gets its 403 or the sign-in page."""
from __future__ import annotations

import pytest
from werkzeug.routing import IntegerConverter

from hrtool.web import MAX_ID
from hrtool.web.fields import parse_id

from ..factories import DEMO_PASSWORDS

THIRTY_NINES = "9" * 30
ROLE_USERS = {"employee": "employee@hrtool.example", "union_rep": "unison@hrtool.example",
              "hr": "hr@hrtool.example", "admin": "admin@hrtool.example"}
ROLES = ["anonymous", *ROLE_USERS]
# What a bad id may get: not found, or refused before the id is looked at (the role may not see
# the page at all, or must sign in first). Never a 500, never a page.
REFUSED = {403, 404}
# Form actions that answer a record gone missing with a message and a redirect back to their list,
# on purpose (the record may have been deleted since the page was shown).
SAYS_GONE = {("protected.countersign", "POST")}


def _client(app, role: str):
    client = app.test_client()
    if role != "anonymous":
        username = ROLE_USERS[role]
        assert client.post("/login", data={"username": username, "password": DEMO_PASSWORDS[username]}).status_code == 302
    return client


def _id_rules(app):
    """Every rule with an integer argument, with its methods."""
    for rule in app.url_map.iter_rules():
        ints = [name for name, conv in rule._converters.items() if isinstance(conv, IntegerConverter)]
        if ints:
            yield rule, ints, sorted(rule.methods - {"HEAD", "OPTIONS"})


def _url(rule, ints: list[str], bad: str) -> str:
    """The rule's URL with `bad` in every integer argument (and csv for a format)."""
    path = rule.rule
    for name in ints:
        path = path.replace(f"<int:{name}>", bad)
    return path.replace("<fmt>", "csv")


def _refused(response) -> bool:
    if response.status_code in REFUSED:
        return True
    return response.status_code == 302 and "/login" in (response.location or "")


def test_the_walk_finds_the_routes_named_in_the_issue(app):
    rules = {rule.rule for rule, _, _ in _id_rules(app)}
    assert {"/employees/<int:employee_id>", "/letters/<int:letter_id>/pdf", "/union/letters/<int:letter_id>",
            "/me/letters/<int:letter_id>/pdf"} <= rules
    assert len(rules) > 90  # every route with an id, not a hand-picked few


@pytest.mark.parametrize("role", ROLES)
def test_huge_zero_and_negative_ids_are_404_on_every_route_for_every_role(app, role):
    client = _client(app, role)
    failures = []
    for rule, ints, methods in _id_rules(app):
        for bad in (THIRTY_NINES, "0", "-1", "00", "\u0663"):  # ... and an Arabic-Indic 3 (a Unicode digit)
            url = _url(rule, ints, bad)
            for method in methods:
                response = client.open(url, method=method)
                if response.status_code != 404:
                    failures.append(f"{method} {url}: {response.status_code}")
    assert not failures, failures[:20]


@pytest.mark.parametrize("role", ROLES)
def test_the_largest_possible_id_that_names_nothing_is_refused_never_a_500(app, role):
    """2**31-1 passes the converter (a row could have it) and reaches the view and the database:
    the view says not found (or refuses the role), it does not fail."""
    client = _client(app, role)
    failures = []
    for rule, ints, methods in _id_rules(app):
        url = _url(rule, ints, str(MAX_ID))
        for method in methods:
            response = client.open(url, method=method)
            if not _refused(response) and not ((rule.endpoint, method) in SAYS_GONE and response.status_code == 302):
                failures.append(f"{method} {url}: {response.status_code}")
    assert not failures, failures[:20]


@pytest.mark.parametrize("url", [
    f"/posts/?service={THIRTY_NINES}", "/posts/?service=%C2%B2", "/posts/?service=-1",
    f"/employees/?service={THIRTY_NINES}", "/employees/?service=%C2%B2",
    f"/letters/?transfer_id={THIRTY_NINES}", f"/letters/?restructure_id={THIRTY_NINES}", "/letters/?transfer_id=%C2%B2",
    f"/letters/templates/1/preview.pdf?source=9:{THIRTY_NINES}", f"/letters/templates/1/preview.pdf?source={THIRTY_NINES}",
    "/letters/templates/1/preview.pdf?source=%C2%B2", "/imports/result?event=%C2%B2",
    f"/imports/result?event={THIRTY_NINES}", f"/restructures/1/appointments?post={THIRTY_NINES}",
])
def test_bad_ids_in_the_query_string_are_404(app, url):
    client = _client(app, "admin")
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("url", [
    "/posts/?service=", "/letters/?transfer_id=", "/imports/result?event=", "/imports/result",
    f"/letters/?page={THIRTY_NINES}", "/letters/?page=%C2%B2", "/harmonisation/1/people?page=%C2%B2",
    f"/harmonisation/1/people?page={THIRTY_NINES}",
])
def test_an_empty_id_is_no_filter_and_a_bad_page_number_is_the_first_or_last_page(app, url):
    client = _client(app, "admin")
    assert client.get(url).status_code == 200


def test_a_good_id_in_the_query_string_still_filters(app):
    client = _client(app, "admin")
    assert client.get("/posts/?service=1").status_code == 200
    assert client.get("/letters/?transfer_id=1").status_code == 200


def test_a_bad_record_in_a_template_preview_form_is_a_field_error(app):
    client = _client(app, "admin")
    response = client.post("/letters/templates/1/edit", data={"subject": "S", "body": "B", "preview": "y",
                                                               "source": f"9:{THIRTY_NINES}"})
    assert response.status_code == 200
    assert "Choose a record to preview the letter with" in response.get_data(as_text=True)


@pytest.mark.parametrize(("typed", "parsed"), [
    ("1", 1), ("42", 42), (" 7 ", 7), ("2147483647", 2147483647), ("2147483648", None), (THIRTY_NINES, None),
    ("0", None), ("-1", None), ("+1", None), ("1_000", None), ("\u00b2", None), ("\u0663", None), ("1.0", None),
    ("", None), ("abc", None),
])
def test_the_one_id_parser(typed, parsed):
    """Hand-worked: an id is ASCII digits for 1..2**31-1 = 2,147,483,647 (a signed 32-bit
    integer, PostgreSQL's integer, which the models' keys are). int() alone would take "1_000" (1000), "٣" (3) and thirty
    9s (which the database cannot hold), and "²".isdigit() is True though int("²") fails."""
    assert parse_id(typed) == parsed
