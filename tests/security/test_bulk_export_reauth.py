"""Issue 16, finding 8: the password was asked again for one person's data export but not for the
whole workforce's: /employees/export.csv|.xlsx, an ELI pack ZIP and an arrears XLSX downloaded
without it in a session 10 minutes old. Now every bulk export of personal data is behind
`recent_password_required` (web/auth/reauth.py): without a confirmation in the last
REAUTH_MINUTES the answer is the confirm-password page, never the file, and after the password
the same download follows."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from ..factories import DEMO_PASSWORDS
from ..privacy.helpers import password_confirmation_expired

HR = "hr@hrtool.example"
EMPLOYEE = "employee@hrtool.example"

# Each bulk export of personal data, as the attack fetched it (HR's session).
BULK_EXPORTS = [
    "/employees/export.csv", "/employees/export.xlsx", "/employees/export.ods",  # the whole workforce
    "/transfers/1/eli/pack.zip", "/transfers/1/eli/pack.xlsx", "/transfers/1/eli/pack.ods",  # everyone transferring, with particulars
    "/pay/awards/1/arrears.xlsx", "/pay/awards/1/arrears.csv",  # everyone's arrears
    "/protected-terms/register.csv", "/protection/export/protections.xlsx",  # named people's terms and pay
    "/harmonisation/1/people.csv",  # each person under a harmonisation model
    "/letters/batches/1/zip",  # a batch of letters to named people
    "/grading/evaluations/export.csv",  # every evaluation, with its panel members' names (issue 18)
]
# Downloads whose rule looks like an export but hold nobody's personal data.
NOT_PERSONAL = {
    "grading.compare_export": "posts and their grades, no people",
    "protection.export_costs": "totals by council and pay year",
    "imports.example": "the example import file",
    "parting.export": "posts evaluated under both councils' conventions and the conventions, no people",
    "evaluation_io.template": "the blank evaluations import file",
}


def _signed_in_long_ago(app, username: str):
    client = app.test_client()
    assert client.post("/login", data={"username": username, "password": DEMO_PASSWORDS[username]}).status_code == 302
    password_confirmation_expired(app, client)  # as if signed in more than REAUTH_MINUTES ago
    return client


def _asks_for_the_password(response, url: str) -> bool:
    if response.status_code != 302:
        return False
    where = urlsplit(response.location)
    return where.path == "/confirm-password" and parse_qs(where.query).get("next") == [url]


@pytest.mark.parametrize("url", BULK_EXPORTS)
def test_a_bulk_export_without_a_recent_password_is_refused(app, url):
    client = _signed_in_long_ago(app, HR)
    response = client.get(url)
    assert _asks_for_the_password(response, url), (response.status_code, response.location)
    assert "attachment" not in response.headers.get("Content-Disposition", "")


def test_after_the_password_the_same_export_downloads(app):
    client = _signed_in_long_ago(app, HR)
    url = "/employees/export.csv"
    asked = client.get(url)
    assert _asks_for_the_password(asked, url)
    confirmed = client.post("/confirm-password", data={"password": DEMO_PASSWORDS[HR], "next": url})
    assert confirmed.status_code == 302 and confirmed.location.endswith(url)
    download = client.get(url)
    assert download.status_code == 200 and "attachment" in download.headers["Content-Disposition"]
    assert download.mimetype == "text/csv"


def test_subject_access_exports_ask_too(app):
    """One person's exports were already guarded: they still are (HR's GET and POST, and the
    employee's own download)."""
    from ..privacy.helpers import demo_employee_id

    person = demo_employee_id(app)
    hr = _signed_in_long_ago(app, HR)
    assert _asks_for_the_password(hr.get(f"/employees/{person}/data"), f"/employees/{person}/data")
    posted = hr.post(f"/employees/{person}/data", data={"reason": "SAR received 1 December"})
    assert posted.status_code == 200 and posted.mimetype == "text/html"  # the prompt, not the ZIP
    employee = _signed_in_long_ago(app, EMPLOYEE)
    assert _asks_for_the_password(employee.get("/me/data.zip"), "/me/data.zip")


def test_every_export_route_is_guarded_or_holds_no_personal_data(app):
    """A walk of the URL map: every download rule (.csv, .xlsx, .zip, .<fmt>) is in BULK_EXPORTS
    (and so guarded, above) or named in NOT_PERSONAL with the reason."""
    covered = {urlsplit(u).path for u in BULK_EXPORTS}
    adapter = app.url_map.bind("localhost")
    found = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or not rule.rule.endswith((".csv", ".xlsx", ".zip", ".<fmt>", "/zip")):
            continue
        if rule.endpoint in NOT_PERSONAL or rule.endpoint.startswith(("privacy.", "static")):
            continue
        found.append(rule.endpoint)
        assert any(adapter.match(path)[0] == rule.endpoint for path in covered), (
            f"{rule.rule} is a download: add it to BULK_EXPORTS (guarded) or NOT_PERSONAL (with the reason)")
    assert len(found) >= 7
