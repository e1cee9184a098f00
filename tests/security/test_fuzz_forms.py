"""Property-based fuzzing of every form (hypothesis): random, oversized, wrongly encoded and
hostile values, control characters and NUL bytes in every field of every POST route, sent by a
signed-in user allowed to use it. No answer is a 500, and a form refused with errors has written
nothing at all (every table's row count unchanged).

The fields come from the pages themselves: every page the role can open is read once and each
`<form method="post">` on it gives the field names for the route it posts to, so a new form is
fuzzed without listing it here. Bounded: a few examples per route, no deadline."""
from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import inspect, text

from hrtool import create_app
from hrtool.extensions import db

from ..factories import DEMO_PASSWORDS
from ..web.test_role_matrix import EXPECTED, ROLE_USERS, SAMPLE_ARGS, _ids, _samples

EXAMPLES = 8
# Signing in and out, and password pages (whose failures lock the account), are tested on their own.
SKIP = {"auth.login", "auth.logout", "auth.confirm_password", "account.password"}
# Written by any request, whatever the form said.
BOOKKEEPING = {"login_attempts", "user_sessions", "record_views", "figures_cache"}

HOSTILE = [
    "", " ", "0", "-1", "1e309", "NaN", "Infinity", "9" * 40, "0.000000001", "-0", "1,000,000",
    "<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "'; DROP TABLE employees; --",
    "=HYPERLINK(\"http://evil.example\")", "+SUM(1,1)", "@cmd", "{{ 7*7 }}", "{% raw %}", "../../etc/passwd",
    "\x00", "a\x00b", "\r\n\r\n", "\t", "\u202egnp.exe", "\ufeff", "\U0001F600" * 50, "ſ" * 10, "İ",
    "2024-02-30", "31/12/9999", "00/00/0000", "1900-01-01", "99999999999999999999", "true", "null", "[]", "{}",
    "x" * 5000, "é" * 100_000,
]
TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=300)
CONTROL = st.text(alphabet=st.characters(categories=("Cc",)), min_size=1, max_size=20)
VALUE = st.one_of(st.sampled_from(HOSTILE), TEXT, CONTROL, st.integers(-10**12, 10**12).map(str),
                  st.decimals(allow_nan=False, allow_infinity=False).map(str))


class _Forms(HTMLParser):
    """POST forms on a page: action path -> field names (a name repeated, as date boxes are)."""

    def __init__(self, page_path: str):
        super().__init__()
        self.page_path = page_path
        self.forms: dict[str, list[str]] = {}
        self._current: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "get").lower() == "post":
            action = urlsplit(a.get("action") or self.page_path).path or self.page_path
            self._current = self.forms.setdefault(action, [])
        elif (self._current is not None and tag in ("input", "select", "textarea") and a.get("name")
              and a["name"] != "csrf_token" and a.get("type") != "submit"):
            self._current.append(a["name"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._current = None


def _post_routes() -> list[str]:
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x", "TESTING": True})
    return sorted({r.endpoint for r in app.url_map.iter_rules() if "POST" in r.methods} - SKIP)


def _role_for(endpoint: str) -> str | None:
    """HR where HR may post; otherwise the first role that may (admin, a rep, an employee)."""
    expected = EXPECTED.get((endpoint, "POST"), {})
    for role in ("hr", "admin", "union_rep", "employee"):
        if expected.get(role) not in (None, 403):
            return role
    return None


def _url(app: Any, rule: Any, own: int) -> str:
    values = {k: v for k, v in {**SAMPLE_ARGS, **_samples(app), "employee_id": own}.items() if k in rule.arguments}
    return rule.build(values)[1]


_FORMS: dict[str, dict[str, list[str]]] = {}  # role -> action path -> names, read once per run


def _forms_for(app: Any, client: Any, role: str, own: int) -> dict[str, list[str]]:
    if role not in _FORMS:
        found: dict[str, list[str]] = {}
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or rule.endpoint == "static":
                continue
            if EXPECTED.get((rule.endpoint, "GET"), {}).get(role) != 200:
                continue
            path = _url(app, rule, own)
            response = client.get(path)
            if response.status_code == 200 and response.mimetype == "text/html":
                parser = _Forms(path)
                parser.feed(response.get_data(as_text=True))
                for action, names in parser.forms.items():
                    found.setdefault(action, names)
            response.close()
        _FORMS[role] = found
    return _FORMS[role]


def _counts() -> dict[str, int]:
    names = [t for t in inspect(db.session.connection()).get_table_names() if t not in BOOKKEEPING]
    return {t: db.session.scalar(text(f'SELECT COUNT(*) FROM "{t}"')) for t in names}


def _refused(response: Any, body: str) -> bool:
    return response.status_code in (400, 409, 422) or "govuk-error-summary" in body


@pytest.mark.parametrize("endpoint", _post_routes())
def test_no_form_input_gives_a_500_or_a_partial_write(app, endpoint):
    role = _role_for(endpoint)
    if role is None:
        pytest.skip(f"no role may post to {endpoint}")
    own, _ = _ids(app)
    client = app.test_client()
    username = ROLE_USERS[role]
    assert client.post("/login", data={"username": username, "password": DEMO_PASSWORDS[username]}).status_code == 302
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint and "POST" in r.methods)
    url = _url(app, rule, own)
    names = _forms_for(app, client, role, own).get(url) or ["reason", "note", "date", "token", "version", "confirm"]
    # Three values for a name repeated three times (day, month, year); sometimes the wrong number.
    shape = {name: names.count(name) for name in names}
    problems: list[str] = []
    statuses: list[int] = []

    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(st.fixed_dictionaries({name: st.lists(VALUE, min_size=max(0, n - 1), max_size=n + 1)
                                  for name, n in shape.items()}),
           st.booleans())
    def fuzz(values: dict[str, list[str]], raw: bool) -> None:
        with app.app_context():
            before = _counts()
        if raw:
            # Not UTF-8 at all: bytes a Latin-1 or UTF-16 browser might send, NULs included.
            body = "&".join(f"{quote(n)}=%FF%FE%00{quote(v[0] if v else '', safe='')}%C3%28" for n, v in values.items())
            response = client.post(url, data=body.encode(), content_type="application/x-www-form-urlencoded")
        else:
            response = client.post(url, data={n: v for n, v in values.items()})
        page = response.get_data().decode("utf-8", "replace") if response.mimetype == "text/html" else ""
        response.close()
        statuses.append(response.status_code)
        if response.status_code >= 500:
            problems.append(f"{endpoint}: {response.status_code} for {values!r:.300}")
            return
        if _refused(response, page):
            with app.app_context():
                after = _counts()
            changed = {t: (before[t], after[t]) for t in before if before[t] != after.get(t)}
            if changed:
                problems.append(f"{endpoint}: refused but wrote {changed}")

    fuzz()
    print(f"FUZZ {endpoint} as {role}: {url} fields={len(shape)} statuses={sorted(set(statuses))}")
    assert problems == []


def test_the_fuzzer_finds_the_forms():
    """A guard on the harness: the pages' forms are found (names, actions), or the test above
    would fuzz only the fallback names and prove little."""
    page = ('<form method="post" action="/x/1?y=2"><input name="csrf_token"><input name="a">'
            '<input name="d"><input name="d"><input name="d"><select name="s"></select>'
            '<button type="submit">Go</button></form><form method="get"><input name="q"></form>')
    parser = _Forms("/page")
    parser.feed(page)
    assert parser.forms == {"/x/1": ["a", "d", "d", "d", "s"]}
    assert len(_post_routes()) > 40 and re.match(r"^\w+\.\w+$", _post_routes()[0])


def test_nul_characters_never_reach_the_database(app):
    """Found by the fuzzer on PostgreSQL (text cannot hold 0x00): a NUL in a form or a search was
    a 500. They are dropped before any view reads the request."""
    from ..conftest import Auth

    client = app.test_client()
    Auth(client).as_role("hr")
    assert client.get("/employees/?q=Sm%00ith").status_code == 200
    body = b"name=Nul%00test+restructure&description=a%00b&effective_date=2027-04-01"
    response = client.post("/restructures/new", data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code < 500
