"""Job evaluation appeal pages (issue 18): the employee sees their own post's evaluation factor by
factor and appeals it (errors keep what was typed); HR records the panel's outcome and reaches
the new evaluation, the post and the letter; another person's appeal or evaluation is a 404 to an
employee; a union rep is refused all of it (403)."""
from __future__ import annotations

import re
from datetime import date, timedelta

from sqlalchemy import select

from hrtool.extensions import db
from hrtool.models import EvaluationAppeal, JobEvaluation, User
from hrtool.services.pay import job_evaluations
from hrtool.services.pay.jes import appeals
from hrtool.services.people.records import picture_on

from ..factories import DEMO_PASSWORDS, assign, council, employ, levels_scoring, make_employee, make_post
from .test_role_matrix import ROLE_USERS

TODAY = date.today()
EVALUATED = TODAY - timedelta(days=10)


def _parts(day: date) -> list[str]:
    """A date as the GOV.UK date input posts it: day, month and year."""
    return [str(day.day), str(day.month), str(day.year)]


def _login(client, role):
    client.post("/logout")
    username = ROLE_USERS[role]
    assert client.post("/login", data={"username": username, "password": DEMO_PASSWORDS[username]}).status_code == 302


def _own_evaluation(app) -> tuple[int, int, int, int]:
    """The demo employee's post evaluated factor by factor ten days ago, keeping its score (so no
    one's grade moves); (employee id, evaluation id, a factor below its top level, that level)."""
    with app.app_context():
        own = db.session.scalar(select(User.employee_id).where(User.username == ROLE_USERS["employee"]))
        post = picture_on(own, TODAY).post
        evaluation = job_evaluations.record_evaluation(
            post.id, post.council_id, EVALUATED, levels_scoring(post.je_score or 300, EVALUATED),
            panel=job_evaluations.DEMO_PANEL, today=TODAY)
        row = next(r for r in appeals.factor_rows(evaluation) if r.level < r.top)
        return own, evaluation.id, row.number, row.level


def _someone_elses(app) -> int:
    """Another person's post, evaluated factor by factor, and their appeal against it."""
    with app.app_context():
        post = make_post("CCDC", je_score=410)
        person = make_employee(last_name="Colleague")
        assign(employ(person, "CCDC", date(2020, 4, 6)), post, date(2020, 4, 6), scp=21)
        evaluation = job_evaluations.record_evaluation(post.id, council("CCDC").id, EVALUATED,
                                                       levels_scoring(410, EVALUATED),
                                                       panel=job_evaluations.DEMO_PANEL, today=TODAY)
        factor = next(r.number for r in appeals.factor_rows(evaluation) if r.level < r.top)
        return appeals.lodge(evaluation.id, person.id, [appeals.Ground(factor, "More than it says.")], TODAY,
                             today=TODAY).id


def test_the_employee_sees_their_evaluation_and_appeals_it(app, client):
    own, evaluation_id, factor, level = _own_evaluation(app)
    _login(client, "employee")
    assert "/me/job-evaluation" in client.get("/me/").get_data(as_text=True)
    page = client.get("/me/job-evaluation").get_data(as_text=True)
    assert "My job evaluation" in page and "The 13 factors" in page and f"{EVALUATED.day} {EVALUATED:%B %Y}" in page
    assert "Sam Patel" in page  # the union side of the panel
    assert f'name="evaluation_id" value="{evaluation_id}"' in page

    # Nothing ticked: an error, nothing lodged.
    response = client.post("/me/job-evaluation/appeal", data={"evaluation_id": evaluation_id})
    assert response.status_code == 400 and "Choose at least one factor" in response.get_data(as_text=True)
    # Ticked without reasons, a level out of range on another: errors beside each, and what was typed kept.
    other = 13 if factor != 13 else 6  # both have levels 1 to 5
    response = client.post("/me/job-evaluation/appeal", data={
        "evaluation_id": evaluation_id, "factor": [str(factor), str(other)], f"reasons_{other}": "Outdoors every day",
        f"sought_{other}": "9", f"sought_{factor}": str(level + 1)})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "say why you think the level is wrong" in page and "level 9 is outside its range 1 to 5" in page
    assert "Outdoors every day</textarea>" in page and 'value="9"' in page
    with app.app_context():
        assert db.session.scalar(select(EvaluationAppeal.id).where(EvaluationAppeal.employee_id == own)) is None

    response = client.post("/me/job-evaluation/appeal", data={
        "evaluation_id": evaluation_id, "factor": str(factor), f"reasons_{factor}": "I do much more than this.",
        f"sought_{factor}": str(level + 1)})
    assert response.status_code == 302
    appeal_id = int(re.search(r"/appeals/(\d+)", response.location).group(1))
    page = client.get(response.location).get_data(as_text=True)
    assert "Under way" in page and "I do much more than this." in page and "Withdraw my appeal" in page
    assert "You have an appeal against this evaluation under way." in client.get("/me/job-evaluation").get_data(
        as_text=True)

    # Withdrawing needs a reason.
    response = client.post(f"/me/job-evaluation/appeals/{appeal_id}/withdraw", data={"reason": ""})
    assert response.status_code == 400 and "Say why" in response.get_data(as_text=True)
    response = client.post(f"/me/job-evaluation/appeals/{appeal_id}/withdraw", data={"reason": "Resolved"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(EvaluationAppeal, appeal_id).status == "withdrawn"
        assert db.session.get(JobEvaluation, evaluation_id).status == "agreed"


def test_an_employee_gets_404_for_another_persons_appeal_or_evaluation(app, client):
    other_appeal = _someone_elses(app)
    with app.app_context():
        other_evaluation = db.session.get(EvaluationAppeal, other_appeal).evaluation_id
    _own_evaluation(app)
    _login(client, "employee")
    assert client.get(f"/me/job-evaluation/appeals/{other_appeal}").status_code == 404
    assert client.post(f"/me/job-evaluation/appeals/{other_appeal}/withdraw", data={"reason": "x"}).status_code == 404
    response = client.post("/me/job-evaluation/appeal", data={"evaluation_id": other_evaluation, "factor": "1",
                                                              "reasons_1": "Not mine"})
    assert response.status_code == 404
    assert "Colleague" not in client.get("/me/job-evaluation").get_data(as_text=True)
    assert client.get("/job-evaluation/appeals").status_code == 403


def test_a_union_rep_is_refused_all_of_it(app, client):
    other_appeal = _someone_elses(app)
    _login(client, "union_rep")
    for url in ("/me/job-evaluation", "/job-evaluation/appeals", f"/job-evaluation/appeals/{other_appeal}"):
        assert client.get(url).status_code == 403, url
    assert client.post(f"/job-evaluation/appeals/{other_appeal}/decide", data={}).status_code == 403


def test_hr_records_the_outcome_and_reaches_the_new_evaluation_the_post_and_the_letter(app, client):
    appeal_id = _someone_elses(app)
    with app.app_context():
        appeal = db.session.get(EvaluationAppeal, appeal_id)
        factor, version = appeal.grounds[0]["factor"], appeal.version
        level = next(f.level for f in appeal.evaluation.factors if f.factor_number == factor)
        post_id = appeal.evaluation.post_id
    _login(client, "hr")
    assert "/job-evaluation/appeals" in client.get("/hr/").get_data(as_text=True)
    page = client.get("/job-evaluation/appeals").get_data(as_text=True)
    assert f"/job-evaluation/appeals/{appeal_id}" in page and "Colleague" in page
    page = client.get(f"/job-evaluation/appeals/{appeal_id}").get_data(as_text=True)
    assert "More than it says." in page and "Record the appeal panel's outcome" in page

    form = {"version": str(version), "outcome": "upheld", f"level_{factor}": str(level + 1),
            "panel-0-name": "Jordan Reeves", "panel-0-side": "management", "panel-1-name": "",
            "decided_on": _parts(TODAY), "effective_from": _parts(EVALUATED), "notes": "Raised one level."}
    response = client.post(f"/job-evaluation/appeals/{appeal_id}/decide", data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "name at least one member from management and one from the union" in page
    assert 'value="Jordan Reeves"' in page and "Raised one level.</textarea>" in page  # what was typed is kept

    form.update({"panel-1-name": "Priya Shah", "panel-1-side": "union"})
    response = client.post(f"/job-evaluation/appeals/{appeal_id}/decide", data=form)
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    with app.app_context():
        decided = db.session.get(EvaluationAppeal, appeal_id)
        letter = appeals.letter_of(appeal_id)
        assert decided.outcome == "upheld" and letter is not None and letter.employee_id == decided.employee_id
        new_id = decided.new_evaluation_id
    assert f"/grading/evaluations/{new_id}" in page and f"/posts/{post_id}" in page and f"/letters/{letter.id}" in page


def _decide_form(app, appeal_id: int, **changes) -> dict:
    """A complete "not upheld" decision of the appeal, as posted, with `changes`."""
    with app.app_context():
        version = db.session.get(EvaluationAppeal, appeal_id).version
    form = {"version": str(version), "outcome": "not upheld",
            "panel-0-name": "Jordan Reeves", "panel-0-side": "management", "panel-0-role": "Head of HR",
            "panel-1-name": "Priya Shah", "panel-1-side": "union",
            "decided_on": _parts(TODAY), "effective_from": ["", "", ""], "notes": "The level stands."}
    form.update(changes)
    return form


def test_a_date_that_does_not_exist_is_refused_and_nothing_is_recorded(app, client):
    appeal_id = _someone_elses(app)
    _login(client, "hr")
    response = client.post(f"/job-evaluation/appeals/{appeal_id}/decide",
                           data=_decide_form(app, appeal_id, decided_on=["31", "2", "2025"]))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Date the panel decided must be a real date" in page and "There is a problem" in page
    assert 'value="31"' in page  # the day typed is shown again
    with app.app_context():
        assert db.session.get(EvaluationAppeal, appeal_id).status == "lodged"
        assert appeals.letter_of(appeal_id) is None


def test_the_date_it_takes_effect_may_be_blank_only_when_not_upheld(app, client):
    appeal_id = _someone_elses(app)
    with app.app_context():
        appeal = db.session.get(EvaluationAppeal, appeal_id)
        factor = appeal.grounds[0]["factor"]
        level = next(f.level for f in appeal.evaluation.factors if f.factor_number == factor)
    _login(client, "hr")
    response = client.post(f"/job-evaluation/appeals/{appeal_id}/decide", data=_decide_form(
        app, appeal_id, outcome="upheld", **{f"level_{factor}": str(level + 1)}))
    assert response.status_code == 400
    assert "Enter the date the new evaluation takes effect" in response.get_data(as_text=True)

    response = client.post(f"/job-evaluation/appeals/{appeal_id}/decide", data=_decide_form(app, appeal_id))
    assert response.status_code == 302
    with app.app_context():
        decided = db.session.get(EvaluationAppeal, appeal_id)
        assert (decided.status, decided.outcome, decided.decided_on) == ("decided", "not upheld", TODAY)
        assert decided.effective_from is None and decided.new_evaluation_id is None


def test_what_was_typed_is_shown_again_after_a_refusal(app, client):
    appeal_id = _someone_elses(app)
    with app.app_context():
        factor = db.session.get(EvaluationAppeal, appeal_id).grounds[0]["factor"]
    _login(client, "hr")
    # Refused by the form (a level that is not a number), then by the service (the panel's reasons blank).
    response = client.post(f"/job-evaluation/appeals/{appeal_id}/decide", data=_decide_form(
        app, appeal_id, outcome="partly upheld", **{f"level_{factor}": "four"}))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f"Factor {factor}: the new level is a whole number, or leave it blank." in page
    assert 'value="four"' in page and "The level stands.</textarea>" in page
    assert 'value="Jordan Reeves"' in page and 'value="Priya Shah"' in page and 'value="Head of HR"' in page
    assert f'value="{TODAY.day}"' in page and f'value="{TODAY.year}"' in page

    response = client.post(f"/job-evaluation/appeals/{appeal_id}/decide", data=_decide_form(app, appeal_id, notes=" "))
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "the letter to the employee gives them" in page
    assert 'value="Jordan Reeves"' in page and 'value="Priya Shah"' in page and 'value="Head of HR"' in page
    assert f'value="{TODAY.day}"' in page and f'value="{TODAY.year}"' in page
    with app.app_context():
        assert db.session.get(EvaluationAppeal, appeal_id).status == "lodged"
