"""The job evaluation form, factor by factor (issue 18), and one evaluation's page: levels with
their points from the scheme in force, the evaluating council's conventions to cite, errors that
keep everything typed, a citation that disagrees refused on its factor, a draft agreed (it grades
the post), a withdrawal (the post's grades are worked out again), and who may do what.

Points worked by hand from the factor plan (foundation: factor 1 levels 20, 40, 60, 80, 100, 121,
142, 163; factors 2, 3, 9, 10, 11, 12 13 a level; factor 4 13 a level; factor 5 13 a level;
factors 6, 7, 8, 13 10 a level). The profile PROFILE below:
  1 Knowledge level 6 = 121; 2 level 4 = 52; 3 level 4 = 52; 4 level 2 = 26; 5 level 5 = 65;
  6 level 2 = 20; 7 level 3 = 30; 8 level 3 = 30; 9 level 3 = 39; 10 level 3 = 39;
  11 level 2 = 26; 12 level 2 = 26; 13 level 1 = 10
  121 + 52 + 52 + 26 + 65 + 20 + 30 + 30 + 39 + 39 + 26 + 26 + 10 = 536 points,
which the illustrative bands put in CCDC grade J (535 to 579) and SBC Grade 10 (520 to 559)."""
from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select

from hrtool.extensions import db
from hrtool.models import Convention, ConventionSet, JobEvaluation, Post, Situation
from hrtool.services.pay import post_grades

from ..conftest import Auth
from ..factories import council, evaluate, make_post

PROFILE = [6, 4, 4, 2, 5, 2, 3, 3, 3, 3, 2, 2, 1]
PROFILE_POINTS = 536
ON = date(2025, 6, 2)


def _client(app, role="hr"):
    client = app.test_client()
    assert Auth(client).as_role(role).status_code == 302
    return client


def _post(app, code="CCDC") -> int:
    with app.app_context():
        post = make_post(code, "Licensing", title="Licensing team leader")
        db.session.commit()
        return post.id


def _convention(app, code: str, factor: int, words: str) -> Convention:
    with app.app_context():
        return db.session.scalars(
            select(Convention).join(ConventionSet).join(Situation, Situation.id == Convention.situation_id)
            .where(ConventionSet.council_id == council(code).id, Situation.factor_number == factor,
                   Situation.text.contains(words), Convention.superseded_on.is_(None))).one()


def _form(levels=PROFILE, council_id=None, **extra) -> dict:
    data = {"evaluated_on": [str(ON.day), str(ON.month), str(ON.year)], "job_description": "JD v3, March 2025",
            "panel-0-name": "Alex Morgan", "panel-0-side": "management", "panel-0-role": "Head of HR",
            "panel-1-name": "Sam Patel", "panel-1-side": "union", "panel-1-role": "UNISON steward",
            "notes": "Panel met in person", "record_agreed": "Record as agreed"}
    if council_id is not None:
        data["council_id"] = str(council_id)
    for number, level in enumerate(levels, start=1):
        if level is not None:
            data[f"factor_{number}"] = str(level)
    data.update(extra)
    return data


def _council_id(app, code):
    with app.app_context():
        return council(code).id


def test_the_form_offers_each_factors_levels_with_points_and_the_councils_conventions(app):
    post_id = _post(app)
    body = _client(app).get(f"/grading/posts/{post_id}/evaluations").get_data(as_text=True)
    assert "Knowledge and skills" in body and "1. Knowledge" in body
    assert "Level 6: 121 points" in body and "Level 8: 163 points" in body  # factor 1's top level
    assert "Line manages a team of 5 to 9 staff: level 3" in body  # CCDC's reading (the post is CCDC's)
    assert "Line manages a team of 5 to 9 staff: level 4" not in body  # SBC's is not offered
    sbc = _client(app).get(f"/grading/posts/{post_id}/evaluations?council={_council_id(app, 'SBC')}")
    assert "Line manages a team of 5 to 9 staff: level 4" in sbc.get_data(as_text=True)


def test_errors_re_render_with_everything_typed_kept(app):
    post_id = _post(app)
    levels = list(PROFILE)
    levels[4] = None  # factor 5 left out
    response = _client(app).post(f"/grading/posts/{post_id}/evaluations",
                                 data=_form(levels, _council_id(app, "CCDC"), job_description="JD v7, May 2025"))
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Choose a level for factor 5" in body
    assert 'value="JD v7, May 2025"' in body and 'value="Alex Morgan"' in body and "Panel met in person" in body
    assert re.search(r'name="factor_1"[^>]*value="6"[^>]*checked|checked[^>]*name="factor_1"[^>]*value="6"', body) \
        or re.search(r'value="6"[^>]*checked', body)
    with app.app_context():
        assert db.session.scalar(select(JobEvaluation.id).where(JobEvaluation.post_id == post_id)) is None


def test_a_citation_that_disagrees_with_the_level_is_refused_on_that_factor(app):
    post_id = _post(app)
    line_manages = _convention(app, "CCDC", 10, "5 to 9")  # CCDC reads it level 3
    levels = list(PROFILE)
    levels[9] = 4
    response = _client(app).post(f"/grading/posts/{post_id}/evaluations", data=_form(
        levels, _council_id(app, "CCDC"), convention_10=str(line_manages.id), note_10="Two team leaders"))
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "reads level 3, not 4" in body and 'href="#factor_10"' in body
    assert 'value="Two team leaders"' in body
    with app.app_context():
        assert db.session.scalar(select(JobEvaluation.id).where(JobEvaluation.post_id == post_id)) is None


def test_an_agreed_evaluation_citing_a_convention_shows_its_factor_table_and_grades(app):
    post_id = _post(app)
    line_manages = _convention(app, "CCDC", 10, "5 to 9")
    response = _client(app).post(f"/grading/posts/{post_id}/evaluations", data=_form(
        PROFILE, _council_id(app, "CCDC"), convention_10=str(line_manages.id)))
    assert response.status_code == 302
    page = _client(app).get(response.headers["Location"]).get_data(as_text=True)
    assert f"{PROFILE_POINTS} points" in page and "Agreed" in page and "JD v3, March 2025" in page
    assert "Line manages a team of 5 to 9 staff (level 3)" in page
    assert "Sam Patel" in page and "Union side" in page
    grades = page.split("gives under each council", 1)[1]
    assert re.search(r"Cannock Chase[^<]*</th>\s*<td[^>]*>\s*J\s*<", grades)
    assert re.search(r"Stafford Borough[^<]*</th>\s*<td[^>]*>\s*Grade 10\s*<", grades)
    with app.app_context():
        assert db.session.get(Post, post_id).je_score == PROFILE_POINTS


def test_a_draft_grades_nothing_until_agreed_and_withdrawing_re_grades(app):
    post_id = _post(app)
    with app.app_context():  # an earlier agreed evaluation: 412 points, CCDC grade F (370 to 414)
        evaluate(db.session.get(Post, post_id), "CCDC", 412, date(2020, 5, 1), today=date.today())
        db.session.commit()
    client = _client(app)
    data = _form(PROFILE, _council_id(app, "CCDC"))
    del data["record_agreed"]
    data["save_draft"] = "Save as draft"
    made = client.post(f"/grading/posts/{post_id}/evaluations", data=data)
    assert made.status_code == 302
    with app.app_context():
        evaluation = db.session.scalars(select(JobEvaluation).where(JobEvaluation.post_id == post_id,
                                                                    JobEvaluation.status == "draft")).one()
        evaluation_id, seen = evaluation.id, evaluation.version
        assert db.session.get(Post, post_id).je_score == 412
        assert post_grades.status(post_id, date.today()).grade == "F"

    # Someone else's change meanwhile: the version seen is stale.
    stale = client.post(f"/grading/evaluations/{evaluation_id}/agree", data={"version": str(seen + 5)})
    assert stale.status_code == 400 and "Someone else changed" in stale.get_data(as_text=True)

    assert client.post(f"/grading/evaluations/{evaluation_id}/agree", data={"version": str(seen)}).status_code == 302
    with app.app_context():
        evaluation = db.session.get(JobEvaluation, evaluation_id)
        assert evaluation.status == "agreed" and db.session.get(Post, post_id).je_score == PROFILE_POINTS
        assert post_grades.status(post_id, date.today()).grade == "J"  # 536: CCDC J (535 to 579)
        seen = evaluation.version

    no_reason = client.post(f"/grading/evaluations/{evaluation_id}/withdraw", data={"version": str(seen), "reason": ""})
    assert no_reason.status_code == 400 and "Say why the evaluation is withdrawn" in no_reason.get_data(as_text=True)
    done = client.post(f"/grading/evaluations/{evaluation_id}/withdraw",
                       data={"version": str(seen), "reason": "Recorded against the wrong post"})
    assert done.status_code == 302
    with app.app_context():
        assert db.session.get(JobEvaluation, evaluation_id).status == "withdrawn"
        assert db.session.get(Post, post_id).je_score == 412  # the earlier evaluation grades it again
        assert post_grades.status(post_id, date.today()).grade == "F"


def test_editing_a_draft_and_starting_again_from_the_latest(app):
    post_id = _post(app)
    client = _client(app)
    data = _form(PROFILE, _council_id(app, "CCDC"), save_draft="Save as draft")
    del data["record_agreed"]
    assert client.post(f"/grading/posts/{post_id}/evaluations", data=data).status_code == 302
    with app.app_context():
        evaluation = db.session.scalars(select(JobEvaluation).where(JobEvaluation.post_id == post_id)).one()
        evaluation_id, seen = evaluation.id, evaluation.version
    edit = client.get(f"/grading/evaluations/{evaluation_id}/edit").get_data(as_text=True)
    assert 'value="Alex Morgan"' in edit and 'value="JD v3, March 2025"' in edit
    levels = list(PROFILE)
    levels[0] = 7  # Knowledge level 7: 142, 21 more than level 6
    changed = _form(levels, _council_id(app, "CCDC"), version=str(seen), save_draft="Save draft")
    assert client.post(f"/grading/evaluations/{evaluation_id}/edit", data=changed).status_code == 302
    with app.app_context():
        assert db.session.get(JobEvaluation, evaluation_id).score == PROFILE_POINTS + 21

    start = client.get(f"/grading/posts/{post_id}/evaluations?start=latest").get_data(as_text=True)
    assert "start from the evaluation of" in start
    assert re.search(r'id="factor_1-7"[^>]*value="7"[^>]*checked|value="7"[^>]*checked', start)


def test_a_total_only_evaluation_says_so(app):
    post_id = _post(app)
    with app.app_context():
        old = JobEvaluation(post_id=post_id, council_id=council("CCDC").id, score=412, evaluated_on=date(2015, 5, 1),
                            panel="", status="agreed")
        db.session.add(old)
        db.session.commit()
        old_id = old.id
    body = _client(app).get(f"/grading/evaluations/{old_id}").get_data(as_text=True)
    assert "Total only (factor levels not recorded)" in body and "412 points" in body


def test_who_may_reach_the_evaluation_pages(app):
    post_id = _post(app)
    with app.app_context():
        old = JobEvaluation(post_id=post_id, council_id=council("CCDC").id, score=412, evaluated_on=date(2015, 5, 1),
                            panel="", status="agreed")
        db.session.add(old)
        db.session.commit()
        old_id = old.id
    for role in ("employee", "union_rep"):
        client = _client(app, role)
        assert client.get(f"/grading/posts/{post_id}/evaluations").status_code == 403
        assert client.post(f"/grading/posts/{post_id}/evaluations", data=_form()).status_code == 403
        assert client.get(f"/grading/evaluations/{old_id}").status_code == 403
        assert client.post(f"/grading/evaluations/{old_id}/withdraw", data={"reason": "x"}).status_code == 403


def test_an_agreed_evaluation_needs_both_sides_of_the_panel_and_keeps_what_was_typed(app):
    post_id = _post(app)
    data = _form(PROFILE, _council_id(app, "CCDC"))
    data.update({"panel-1-name": "", "panel-1-side": "", "panel-2-name": "Jo Bloggs", "panel-2-side": ""})
    response = _client(app).post(f"/grading/posts/{post_id}/evaluations", data=data)
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Say whether Jo Bloggs sat for management or the union side" in body
    data["panel-2-side"] = "management"
    response = _client(app).post(f"/grading/posts/{post_id}/evaluations", data=data)
    body = response.get_data(as_text=True)
    assert response.status_code == 400 and "one from the union side" in body
    assert 'value="Jo Bloggs"' in body and 'value="Alex Morgan"' in body
    # Saved as a draft instead, one side is enough for now.
    del data["record_agreed"]
    data["save_draft"] = "Save as draft"
    assert _client(app).post(f"/grading/posts/{post_id}/evaluations", data=data).status_code == 302
