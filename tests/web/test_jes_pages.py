"""The scheme and local conventions pages (issue 18) through the test client: union reps read the
scheme and every set of conventions (read only, no forms), employees are refused; an administrator
edits a level (the page says how many evaluations it re-scored) and adds a version from a date; HR
records a new reading (the old one shown as superseded), withdraws one with a reason, and drafts a
merged set choosing a situation's level with each council's beside it. Errors keep what was typed.

Hand-worked points as in tests/web/test_evaluation_form.py: PROFILE scores 536; with Knowledge
level 6 at 125 points (4 more than 121) 540; at 101 (20 fewer) 516."""
from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select

from hrtool.extensions import db
from hrtool.models import Convention, JobEvaluation, SchemeFactor, SchemeLevel, SchemeVersion
from hrtool.services.pay import job_evaluations
from hrtool.services.pay.jes import local_conventions

from ..conftest import Auth
from ..factories import council, make_post

PROFILE = [6, 4, 4, 2, 5, 2, 3, 3, 3, 3, 2, 2, 1]


def _client(app, role):
    client = app.test_client()
    assert Auth(client).as_role(role).status_code == 302
    return client


def _date(on: date) -> list[str]:
    return [str(on.day), str(on.month), str(on.year)]


def _ids(app):
    with app.app_context():
        version = db.session.scalars(select(SchemeVersion).order_by(SchemeVersion.effective_from)).first()
        level = db.session.scalars(select(SchemeLevel).join(SchemeFactor).where(
            SchemeFactor.version_id == version.id, SchemeFactor.number == 1, SchemeLevel.level == 6)).one()
        ccdc, sbc = (local_conventions.council_set(council(code).id) for code in ("CCDC", "SBC"))
        line_manages = next(c for c in local_conventions.conventions(ccdc.id) if "5 to 9" in c.situation.text)
        return {"version": version.id, "level": level.id, "factor": level.factor_id, "ccdc": ccdc.id, "sbc": sbc.id,
                "line_manages": line_manages.id, "situation": line_manages.situation_id}


def _evaluated(app, on=date(2025, 6, 2)) -> int:
    with app.app_context():
        post = make_post("CCDC", "Licensing")
        made = job_evaluations.record_evaluation(post.id, council("CCDC").id, on, PROFILE,
                                                 panel=job_evaluations.DEMO_PANEL, today=date.today())
        db.session.commit()
        return made.id


def test_union_reps_read_the_scheme_and_conventions_without_forms(app):
    ids = _ids(app)
    rep = _client(app, "union_rep")
    scheme = rep.get("/job-evaluation/scheme").get_data(as_text=True)
    assert "confirm against the councils" in scheme and "Add a version" not in scheme
    version = rep.get(f"/job-evaluation/scheme/{ids['version']}").get_data(as_text=True)
    assert "Knowledge" in version and ">121<" in version and "/edit" not in version
    ccdc = rep.get(f"/job-evaluation/conventions/{ids['ccdc']}").get_data(as_text=True)
    assert "Line manages a team of 5 to 9 staff" in ccdc and "Level 3 (39 points)" in ccdc
    assert "<form method=\"post\"" not in ccdc.split("<main", 1)[1] and "Withdraw" not in ccdc
    side = rep.get(f"/job-evaluation/conventions/compare?a={ids['ccdc']}&b={ids['sbc']}").get_data(as_text=True)
    assert "they differ on <strong>5</strong>" in side and side.count("govuk-tag--orange") == 5
    assert rep.get("/job-evaluation/conventions").status_code == 200
    refused = [rep.post(f"/job-evaluation/conventions/{ids['ccdc']}/record", data={"level": "4"}).status_code,
               rep.get(f"/job-evaluation/conventions/entries/{ids['line_manages']}/withdraw").status_code,
               rep.get("/job-evaluation/conventions/drafts/new").status_code,
               rep.post(f"/job-evaluation/conventions/{ids['ccdc']}/choose", data={"level": "4"}).status_code,
               rep.get(f"/job-evaluation/scheme/levels/{ids['level']}/edit").status_code,
               rep.get("/job-evaluation/scheme/new").status_code]
    assert refused == [403] * 6


def test_employees_are_refused_every_job_evaluation_page(app):
    ids = _ids(app)
    employee = _client(app, "employee")
    for url in ("/job-evaluation/scheme", f"/job-evaluation/scheme/{ids['version']}", "/job-evaluation/conventions",
                f"/job-evaluation/conventions/{ids['ccdc']}", "/job-evaluation/conventions/compare"):
        assert employee.get(url).status_code == 403, url


def test_an_administrator_edits_a_levels_points_and_sees_what_it_rescored(app):
    ids = _ids(app)
    evaluation_id = _evaluated(app)
    url = f"/job-evaluation/scheme/levels/{ids['level']}/edit"
    assert _client(app, "hr").get(url).status_code == 403
    admin = _client(app, "admin")
    refused = admin.post(url, data={"points": "150", "definition": "Typed definition", "reason": "Councils' copy"})
    body = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "points fall as the level rises" in body and "Typed definition" in body
    done = admin.post(url, data={"points": "125", "definition": "", "reason": "Councils' copy says 125"},
                      follow_redirects=True)
    assert re.search(r"Level saved\. \d+ evaluations? re-scored\.", done.get_data(as_text=True))
    with app.app_context():
        assert db.session.get(JobEvaluation, evaluation_id).score == 540


def test_an_administrator_adds_a_version_from_a_date(app):
    earlier, later = _evaluated(app, date(2024, 5, 1)), _evaluated(app, date(2025, 6, 2))
    admin = _client(app, "admin")
    form = admin.get("/job-evaluation/scheme/new").get_data(as_text=True)
    assert 'name="points_1_6"' in form and 'value="121"' in form
    points = {f"points_{n}_{lv}": m.group(1) for n, lv, m in (
        (int(a), int(b), re.search(rf'name="points_{a}_{b}"[^>]*value="(\d+)"', form))
        for a, b in re.findall(r'name="points_(\d+)_(\d+)"', form))}
    points["points_1_6"] = "101"
    missing = admin.post("/job-evaluation/scheme/new", data={**points, "effective_from": _date(date(2025, 1, 1))})
    assert missing.status_code == 400 and "Enter the reason" in missing.get_data(as_text=True)
    assert 'value="101"' in missing.get_data(as_text=True)
    done = admin.post("/job-evaluation/scheme/new", data={**points, "effective_from": _date(date(2025, 1, 1)),
                                                          "name": "Guidance 2025", "reason": "NJC revision"},
                      follow_redirects=True)
    assert re.search(r"with 1 changed points: \d+ evaluations? re-scored", done.get_data(as_text=True))
    with app.app_context():
        assert db.session.get(JobEvaluation, earlier).score == 536
        assert db.session.get(JobEvaluation, later).score == 516


def test_hr_records_a_new_reading_that_supersedes_the_old(app):
    ids = _ids(app)
    hr = _client(app, "hr")
    url = f"/job-evaluation/conventions/{ids['ccdc']}/record"
    typed = {"situation_id": str(ids["situation"]), "level": "4", "rationale": "Counts indirect reports",
             "agreed_by": "Alex Morgan (management), Sam Patel (UNISON)"}
    refused = hr.post(url, data=typed)  # no agreed date: a council's convention is a joint agreement
    body = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "joint agreement" in body and "Counts indirect reports" in body
    assert hr.post(url, data={**typed, "agreed_on": _date(date(2026, 3, 2))}).status_code == 302
    page = hr.get(f"/job-evaluation/conventions/{ids['ccdc']}").get_data(as_text=True)
    current, history = page.split("History: readings no longer in use", 1)
    assert "Level 4 (52 points)" in current and "Counts indirect reports" in current
    assert "Superseded on 2 March 2026 by level 4" in history or "Superseded on 02/03/2026 by level 4" in history


def test_hr_withdraws_a_convention_with_a_reason(app):
    ids = _ids(app)
    hr = _client(app, "hr")
    url = f"/job-evaluation/conventions/entries/{ids['line_manages']}/withdraw"
    assert "Withdraw a convention" in hr.get(url).get_data(as_text=True)
    no_reason = hr.post(url, data={"withdrawn_on": _date(date(2026, 4, 1)), "reason": ""})
    assert no_reason.status_code == 400 and "Say why it is withdrawn" in no_reason.get_data(as_text=True)
    assert hr.post(url, data={"withdrawn_on": _date(date(2026, 4, 1)), "reason": "Superseded by guidance"}
                   ).status_code == 302
    with app.app_context():
        assert db.session.get(Convention, ids["line_manages"]).current is False
    assert "Withdrawn on" in hr.get(f"/job-evaluation/conventions/{ids['ccdc']}").get_data(as_text=True)


def test_hr_drafts_a_merged_set_and_chooses_a_level_beside_each_councils(app):
    ids = _ids(app)
    hr = _client(app, "hr")
    made = hr.post("/job-evaluation/conventions/drafts/new",
                   data={"name": "Common conventions (draft)", "description": "", "copy_from": str(ids["ccdc"])})
    assert made.status_code == 302
    draft_url = made.headers["Location"]
    draft_id = int(draft_url.rstrip("/").rsplit("/", 1)[1])
    page = hr.get(draft_url).get_data(as_text=True)
    row = page.split(f'id="situation-{ids["situation"]}"', 1)[1].split("</tr>", 1)[0]
    assert "Level 3 (39 points)" in row and "Level 4 (52 points)" in row  # CCDC's and SBC's beside the draft's
    bad = hr.post(f"/job-evaluation/conventions/{draft_id}/choose",
                  data={"situation_id": str(ids["situation"]), "level": "7", "rationale": "Typed rationale"})
    assert bad.status_code == 400 and "outside its range 1 to 6" in bad.get_data(as_text=True)
    assert hr.post(f"/job-evaluation/conventions/{draft_id}/choose",
                   data={"situation_id": str(ids["situation"]), "level": "4", "rationale": "SBC's reading"}
                   ).status_code == 302
    with app.app_context():
        assert local_conventions.readings(draft_id)[ids["situation"]].level == 4
        assert local_conventions.readings(ids["ccdc"])[ids["situation"]].level == 3
    duplicate = hr.post("/job-evaluation/conventions/drafts/new", data={"name": "Common conventions (draft)"})
    assert duplicate.status_code == 400 and "already has that name" in duplicate.get_data(as_text=True)
