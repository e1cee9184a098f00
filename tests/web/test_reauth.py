"""Re-authentication that keeps the work (issue 15): a guarded POST without a recent password is
answered at the same address with the password prompt carrying what was submitted; the right
password finishes the action the user asked for, a wrong one asks again with the work still
carried. Never a redirect to a POST-only address (the countersign 404 of the issue)."""
from __future__ import annotations

import io
import time
from datetime import date, timedelta
from html.parser import HTMLParser

from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from hrtool.extensions import db
from hrtool.models import Election, RuleSetting, User

from ..conftest import Auth
from ..factories import DEMO_PASSWORDS

HR = "hr@hrtool.example"
ADMIN = "admin@hrtool.example"
EMPLOYEE = "employee@hrtool.example"
PROMPT = "Confirm your password to finish"


class _Forms(HTMLParser):
    """The inputs of each form on a page, as a browser would submit them (text, hidden, checked
    boxes; buttons left out), with each form's action."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attrs.get("action"), "fields": []})
        elif tag == "input" and self.forms and attrs.get("name"):
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.forms[-1]["fields"].append((attrs["name"], attrs.get("value") or ""))


def _forms(html: str) -> list[dict]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms


def _prompt_form(html: str) -> dict:
    """The prompt's form as the browser sends it, but for the password, which the caller types."""
    (form,) = [f for f in _forms(html) if any(name == "reauth_password" for name, _ in f["fields"])]
    return {**form, "fields": [(n, v) for n, v in form["fields"] if n != "reauth_password"]}


def _stale(app, client) -> None:
    with client.session_transaction() as session:
        session["password_confirmed_at"] = int(time.time()) - app.config["REAUTH_MINUTES"] * 60 - 5


def _signed_in(app, username: str):
    client = app.test_client()
    assert Auth(client).login(username, DEMO_PASSWORDS[username]).status_code == 302
    return client


def _date_fields(on: date) -> dict:
    return {"effective_from": [str(on.day), str(on.month), str(on.year)]}


def _pending_election(app) -> int:
    """The demo employee chooses to move onto the lead authority's terms in 30 days."""
    employee = _signed_in(app, EMPLOYEE)
    response = employee.post("/me/terms", data={**_date_fields(date.today() + timedelta(days=30)), "understood": "y"})
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        return db.session.scalar(select(Election.id).order_by(Election.id.desc()))


def test_countersigning_after_the_prompt_finishes_and_returns_to_the_page_it_came_from(app):
    election_id = _pending_election(app)
    hr = _signed_in(app, HR)
    _stale(app, hr)
    url = f"/protected-terms/elections/{election_id}/countersign"
    came_from = "http://localhost/protected-terms/"
    prompt = hr.post(url, headers={"Referer": came_from})
    html = prompt.get_data(as_text=True)
    assert prompt.status_code == 200 and PROMPT in html
    with app.app_context():
        assert db.session.get(Election, election_id).countersigned_at is None  # nothing yet
    form = _prompt_form(html)
    assert form["action"] == url  # the prompt posts back to the same address
    assert ("reauth_referrer", came_from) in form["fields"]

    wrong = hr.post(url, data=MultiDict(form["fields"] + [("reauth_password", "not my password")]))
    assert wrong.status_code == 200 and "The password is not right" in wrong.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Election, election_id).countersigned_at is None

    form = _prompt_form(wrong.get_data(as_text=True))
    done = hr.post(url, data=MultiDict(form["fields"] + [("reauth_password", DEMO_PASSWORDS[HR])]))
    # Back on the register it came from, never the POST-only address (as a path: issue 16's one
    # redirect check, security.safe_referrer, follows only paths of ours).
    assert done.status_code == 302 and done.location == "/protected-terms/"
    with app.app_context():
        election = db.session.get(Election, election_id)
        assert election.countersigned_at is not None
        hr_id = db.session.scalar(select(User.id).where(User.username == HR))
        assert election.countersigned_by_id == hr_id
    assert "Election countersigned" in hr.get("/protected-terms/").get_data(as_text=True)


def test_a_referrer_from_another_site_is_not_carried(app):
    election_id = _pending_election(app)
    hr = _signed_in(app, HR)
    _stale(app, hr)
    url = f"/protected-terms/elections/{election_id}/countersign"
    html = hr.post(url, headers={"Referer": "https://evil.example/protected-terms/"}).get_data(as_text=True)
    assert "evil.example" not in html
    form = _prompt_form(html)
    done = hr.post(url, data=MultiDict(form["fields"] + [("reauth_password", DEMO_PASSWORDS[HR])]),
                   headers={"Referer": "https://evil.example/"})
    assert done.status_code == 302 and done.location == "/protected-terms/"


def test_an_election_form_comes_back_filled_and_is_recorded_after_the_prompt(app):
    employee = _signed_in(app, EMPLOYEE)
    _stale(app, employee)
    on = date.today() + timedelta(days=45)
    with app.app_context():
        before = db.session.scalar(select(func.count()).select_from(Election))
    prompt = employee.post("/me/terms", data={**_date_fields(on), "understood": "y", "submit": "Record my choice"})
    form = _prompt_form(prompt.get_data(as_text=True))
    # Day, month and year carried in order, the box ticked, the button pressed.
    assert [v for n, v in form["fields"] if n == "effective_from"] == [str(on.day), str(on.month), str(on.year)]
    assert ("understood", "y") in form["fields"] and ("submit", "Record my choice") in form["fields"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Election)) == before

    password = [("reauth_password", DEMO_PASSWORDS[EMPLOYEE])]
    done = employee.post("/me/terms", data=MultiDict(form["fields"] + password))
    assert done.status_code == 302 and done.location == "/me/terms"
    with app.app_context():
        election = db.session.scalars(select(Election).order_by(Election.id.desc())).first()
        assert db.session.scalar(select(func.count()).select_from(Election)) == before + 1
        assert election.effective_from == on
    assert "waiting for HR to countersign" in employee.get("/me/terms").get_data(as_text=True)


def test_a_form_the_view_refuses_after_the_prompt_comes_back_with_what_was_typed(app):
    employee = _signed_in(app, EMPLOYEE)
    _stale(app, employee)
    past = date.today() - timedelta(days=3)
    prompt = employee.post("/me/terms", data={**_date_fields(past), "understood": "y"})
    form = _prompt_form(prompt.get_data(as_text=True))
    password = [("reauth_password", DEMO_PASSWORDS[EMPLOYEE])]
    answer = employee.post("/me/terms", data=MultiDict(form["fields"] + password))
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "The date cannot be in the past" in html
    # The boxes hold the day, month and year typed, and the box is still ticked.
    election_form = next(f for f in _forms(html) if any(n == "effective_from" for n, _ in f["fields"]))
    assert [v for n, v in election_form["fields"] if n == "effective_from"] == [str(past.day), str(past.month),
                                                                               str(past.year)]
    assert ("understood", "y") in election_form["fields"]


def test_password_fields_are_never_written_into_the_prompt(app):
    admin = _signed_in(app, ADMIN)
    _stale(app, admin)
    secret = "an initial long passphrase"
    prompt = admin.post("/admin/users/new", data={"username": "pat@example.org", "display_name": "Pat Kaur",
                                                  "role": "hr", "union_id": "0", "password": secret})
    html = prompt.get_data(as_text=True)
    assert secret not in html and "Passwords you typed in the form are never kept" in html
    form = _prompt_form(html)
    assert ("display_name", "Pat Kaur") in form["fields"]
    password = [("reauth_password", DEMO_PASSWORDS[ADMIN])]
    answer = admin.post("/admin/users/new", data=MultiDict(form["fields"] + password))
    # The form comes back with everything but the password, which it asks for.
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "Enter a password" in page and 'value="Pat Kaur"' in page
    with app.app_context():
        assert db.session.scalar(select(User.id).where(User.username == "pat@example.org")) is None


def test_a_rule_change_with_a_date_finishes_after_the_prompt(app):
    admin = _signed_in(app, ADMIN)
    _stale(app, admin)
    url = "/rules/settings/full_time_hours/new"
    prompt = admin.post(url, data={"effective_from": ["1", "4", "2030"], "value": "36", "reason": "Shorter week"})
    form = _prompt_form(prompt.get_data(as_text=True))
    done = admin.post(url, data=MultiDict(form["fields"] + [("reauth_password", DEMO_PASSWORDS[ADMIN])]))
    assert done.status_code == 302
    with app.app_context():
        values = db.session.scalars(select(RuleSetting.value).where(RuleSetting.key == "full_time_hours")
                                    .order_by(RuleSetting.effective_from)).all()
        assert values[-1] == "36"


def test_an_uploaded_file_cannot_be_carried_and_the_prompt_says_so(app):
    admin = _signed_in(app, ADMIN)
    _stale(app, admin)
    response = admin.post("/rules/settings/full_time_hours/new", content_type="multipart/form-data",
                          data={"value": "36", "reason": "x", "attachment": (io.BytesIO(b"a,b\n"), "hours.csv")})
    html = response.get_data(as_text=True)
    assert PROMPT in html and "The file you chose (hours.csv) cannot be kept" in html


def test_an_empty_password_asks_again_and_guessing_at_the_prompt_locks_and_signs_out(app):
    election_id = _pending_election(app)
    hr = _signed_in(app, HR)
    _stale(app, hr)
    url = f"/protected-terms/elections/{election_id}/countersign"
    empty = hr.post(url, data={"reauth_prompt": "1", "reauth_password": ""})
    assert empty.status_code == 200 and "Enter your password" in empty.get_data(as_text=True)
    for _ in range(5):
        assert "not right" in hr.post(url, data={"reauth_prompt": "1", "reauth_password": "guess guess"}).get_data(
            as_text=True)
    locked = hr.post(url, data={"reauth_prompt": "1", "reauth_password": DEMO_PASSWORDS[HR]})
    assert locked.status_code == 302 and locked.location.startswith("/login")
    assert hr.get("/hr/").location.startswith("/login")
    with app.app_context():
        assert db.session.get(Election, election_id).countersigned_at is None


def test_a_guarded_page_opened_with_get_still_goes_to_the_confirm_page_and_back(app):
    admin = _signed_in(app, ADMIN)
    _stale(app, admin)
    response = admin.get("/admin/users/new")
    assert response.status_code == 302 and response.location == "/confirm-password?next=/admin/users/new"
    back = admin.post("/confirm-password", data={"password": DEMO_PASSWORDS[ADMIN], "next": "/admin/users/new"})
    assert back.location == "/admin/users/new" and admin.get("/admin/users/new").status_code == 200


def test_the_prompt_works_with_csrf_protection_on(app):
    """As in a browser: the election form's token gets the prompt; the prompt's fresh token gets
    the election recorded."""
    employee = _signed_in(app, EMPLOYEE)
    _stale(app, employee)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        page = employee.get("/me/terms").get_data(as_text=True)
        election_form = next(f for f in _forms(page) if any(n == "effective_from" for n, _ in f["fields"]))
        token = dict(election_form["fields"])["csrf_token"]
        on = date.today() + timedelta(days=60)
        fields = [("csrf_token", token), *[("effective_from", v) for v in _date_fields(on)["effective_from"]],
                  ("understood", "y")]
        assert employee.post("/me/terms", data={"understood": "y"}).status_code == 400  # no token: refused
        prompt = employee.post("/me/terms", data=MultiDict(fields))
        assert prompt.status_code == 200 and PROMPT in prompt.get_data(as_text=True)
        form = _prompt_form(prompt.get_data(as_text=True))
        assert dict(form["fields"]).get("csrf_token")  # a fresh token comes with the prompt
        password = [("reauth_password", DEMO_PASSWORDS[EMPLOYEE])]
        done = employee.post("/me/terms", data=MultiDict(form["fields"] + password))
        assert done.status_code == 302 and done.location == "/me/terms"
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    with app.app_context():
        assert db.session.scalars(select(Election).order_by(Election.id.desc())).first().effective_from == on


def test_a_policy_with_ticked_boxes_and_lines_of_text_finishes_after_the_prompt(app):
    """Several values under one name (the ticked early endings), a textarea with line breaks and
    a date in three boxes all come through the prompt unchanged."""
    from hrtool.models import Policy

    admin = _signed_in(app, ADMIN)
    _stale(app, admin)
    url = "/protection/policies/1/new"
    prompt = admin.post(url, data={
        "effective_from": ["1", "4", "2030"], "kind": "tapered", "phases": "12 months at 100%\n6 months at 0.5",
        "ends_early_on": ["promotion", "leaving"], "pro_rata_for_hours": "y", "expiry_warning_days": "60",
        "reason": "Agreed at the joint consultative committee"})
    html = prompt.get_data(as_text=True)
    assert PROMPT in html
    form = _prompt_form(html)
    assert [v for n, v in form["fields"] if n == "ends_early_on"] == ["promotion", "leaving"]
    assert ("phases", "12 months at 100%\n6 months at 0.5") in form["fields"]
    done = admin.post(url, data=MultiDict(form["fields"] + [("reauth_password", DEMO_PASSWORDS[ADMIN])]))
    assert done.status_code == 302, done.get_data(as_text=True)
    with app.app_context():
        latest = db.session.scalars(select(Policy).where(Policy.kind == "pay_protection", Policy.council_id == 1)
                                    .order_by(Policy.effective_from.desc())).first()
        assert latest.effective_from == date(2030, 4, 1)
        assert latest.body["phases"] == [{"months": "12", "share_of_difference": "1"},
                                         {"months": "6", "share_of_difference": "0.5"}]
        assert {"promotion", "leaving"} <= set(latest.body["ends_early_on"])


def test_a_letter_batch_is_started_after_the_prompt(app):
    from hrtool.models import Letter, Transfer

    with app.app_context():
        transfer_id = db.session.scalar(select(Transfer.id).join(Letter, Letter.transfer_id == Transfer.id)
                                        .where(Transfer.status == "planned").order_by(Transfer.id).limit(1))
    hr = _signed_in(app, HR)
    _stale(app, hr)
    url = f"/letters/batch/transfer/{transfer_id}"
    prompt = hr.post(url, data={"letter_type": "transfer_notice"})
    form = _prompt_form(prompt.get_data(as_text=True))
    done = hr.post(url, data=MultiDict(form["fields"] + [("reauth_password", DEMO_PASSWORDS[HR])]))
    assert done.status_code == 302 and "/letters/jobs/" in done.location


def test_the_confirm_page_never_sends_anyone_to_a_submission_only_address(app):
    hr = _signed_in(app, HR)
    password = DEMO_PASSWORDS[HR]
    post_only = hr.post("/confirm-password", data={"password": password,
                                                   "next": "/protected-terms/elections/1/countersign"})
    assert post_only.status_code == 302 and post_only.location == "/"
    page = hr.post("/confirm-password", data={"password": password, "next": "/letters/?letter_type=tupe_reg13"})
    assert page.location == "/letters/?letter_type=tupe_reg13"
    unknown = hr.post("/confirm-password", data={"password": password, "next": "/no/such/page"})
    assert unknown.location == "/"
