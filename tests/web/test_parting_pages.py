"""The pages where the councils part (issue 18): one post under both councils' conventions, the
report across posts and its download, and the harmonisation model's choice of conventions.

The posts are those of tests/services/test_jes_compare.py (numbers worked by hand there): P, a
CCDC post, scores 415 under CCDC's conventions and 407 under SBC's (factor 1 -21, factor 10 +13)."""
from __future__ import annotations

import pytest
from sqlalchemy import select, update

from hrtool.extensions import db
from hrtool.models import AuditEvent, HarmonisationModel, JobEvaluation

from ..factories import make_post
from ..services.test_jes_compare import DEGREE, MANAGES, P_CCDC, P_SBC, evaluate


@pytest.fixture
def posts(app):
    with app.app_context():
        db.session.execute(update(JobEvaluation).values(status="withdrawn"))
        both = make_post("CCDC", title="Team manager P")
        evaluate(both, "CCDC", P_CCDC, {1: DEGREE, 10: MANAGES})
        evaluate(both, "SBC", P_SBC, {1: DEGREE, 10: MANAGES})
        once = make_post("CCDC", title="Evaluated once")
        evaluate(once, "CCDC", P_CCDC, {1: DEGREE, 10: MANAGES})
        db.session.commit()
        return {"both": both.id, "once": once.id}


def test_one_post_side_by_side(client, auth, posts):
    auth.as_role("hr")
    page = client.get(f"/grading/councils/posts/{posts['both']}?on=2026-04-01").get_data(as_text=True)
    assert 'data-differs="1"' in page and 'data-differs="10"' in page and 'data-differs="5"' not in page
    assert "-8 points, from 2 of 13 factors" in page
    assert f"“{MANAGES}”: CCDC reads level 3; SBC reads level 4" in page
    # The four grades: 415 is CCDC G and SBC Grade 7; 407 is CCDC F and SBC Grade 7.
    grades = page[page.index('id="grades"'):]
    assert grades.index("<strong>G</strong>") < grades.index("<strong>F</strong>")
    assert grades.count("<strong>Grade 7</strong>") == 2
    assert "Projection" not in page


def test_one_side_only_is_labelled_a_projection(client, auth, posts):
    auth.as_role("hr")
    page = client.get(f"/grading/councils/posts/{posts['once']}").get_data(as_text=True)
    assert "Projection, not an evaluation" in page and 'id="projection"' in page
    assert "It is not an evaluation" in page


def test_a_date_that_is_not_a_date_is_explained_not_a_500(client, auth, posts):
    auth.as_role("hr")
    response = client.get(f"/grading/councils/posts/{posts['both']}?on=next+tuesday")
    assert response.status_code == 200 and "is not a date" in response.get_data(as_text=True)
    assert client.get("/grading/councils/?on=31/02/2026").status_code == 200


def test_the_report_and_its_download(app, client, auth, posts):
    auth.as_role("hr")
    page = client.get("/grading/councils/?on=2026-04-01").get_data(as_text=True)
    assert "section 14.22" in page and "Team manager P" in page and "Evaluated once" not in page.split('id="posts"')[1]
    by_factor = page[page.index('id="by-factor"'):page.index('id="by-convention"')]
    assert by_factor.index("1. Knowledge") < by_factor.index("10. Responsibility for supervision")  # 21 > 13 points
    response = client.get("/grading/councils/report.csv?on=2026-04-01")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "415,407,-8" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(AuditEvent.id).where(AuditEvent.entity_type == "jes_councils_part"))
    assert client.get("/grading/councils/report.pdf").status_code == 404


@pytest.mark.parametrize("role", ["employee", "union_rep"])
def test_only_hr_and_admin_see_where_the_councils_part(client, auth, posts, role):
    auth.as_role(role)
    for url in ("/grading/councils/", f"/grading/councils/posts/{posts['both']}", "/grading/councils/report.csv"):
        assert client.get(url).status_code == 403


def test_the_evaluations_page_links_here(client, auth, posts):
    auth.as_role("hr")
    page = client.get(f"/grading/posts/{posts['both']}/evaluations").get_data(as_text=True)
    assert f"/grading/councils/posts/{posts['both']}" in page


def test_a_harmonisation_model_chooses_its_conventions(app, client, auth):
    auth.as_role("hr")
    with app.app_context():
        from hrtool.services.pay.jes import local_conventions

        sets = {s.name: s.id for s in local_conventions.sets()}
    form = client.get("/harmonisation/new").get_data(as_text=True)
    assert "None: grade each post on its score as evaluated" in form
    ccdc = next(i for name, i in sets.items() if name.startswith("Cannock"))
    response = client.post("/harmonisation/new", data={"start": "council:SBC", "name": "SBC bands, CCDC conventions",
                                                       "as_of": ["1", "4", "2026"], "convention_set_id": str(ccdc)})
    assert response.status_code == 302
    with app.app_context():
        model = db.session.scalar(select(HarmonisationModel).where(HarmonisationModel.name == "SBC bands, CCDC conventions"))
        assert model.convention_set_id is not None
    page = client.get(f"/harmonisation/{model.id}").get_data(as_text=True)
    assert "Cannock Chase local conventions: each post" in page and "re-evaluated under them before grading" in page
    assert client.post(f"/harmonisation/{model.id}/run").status_code == 302  # a job, run at once in tests
    page = client.get(f"/harmonisation/{model.id}").get_data(as_text=True)
    assert "Re-evaluated under Cannock Chase local conventions" in page and 'id="convention-effects"' in page
    refused = client.post("/harmonisation/new", data={"start": "council:SBC", "name": "Bad set",
                                                      "as_of": ["1", "4", "2026"], "convention_set_id": "99999"})
    assert refused.status_code == 200 and "Not a valid choice" in refused.get_data(as_text=True)


def test_every_page_answers_on_the_session_data(client, auth):
    """Whatever the demo has evaluated (post 1, the report, both downloads): no 500, and anonymous
    visitors are sent to sign in."""
    urls = ["/grading/councils/", "/grading/councils/posts/1", "/grading/councils/report.csv",
            "/grading/councils/report.xlsx"]
    assert all("/login" in client.get(url).location for url in urls)
    auth.as_role("admin")
    assert [client.get(url).status_code for url in urls] == [200, 200, 200, 200]
