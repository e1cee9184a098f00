"""Restructure pages: the grid keeps bad input and says what is wrong, overrides need a reason,
appointments, costing arithmetic, calculators, and nobody but HR and admins gets in."""
from __future__ import annotations

import re

from sqlalchemy import select

from hrtool.extensions import db
from hrtool.models import JobMatch, Restructure, RouteDecision, StructurePost


def _ids(app):
    with app.app_context():
        restructure = db.session.scalar(select(Restructure).where(Restructure.name == "Senior structure 2023"))
        posts = {(p.side, p.title.split(" (")[0]): p.id for p in restructure.posts}
        return restructure.id, posts


def test_overview_and_charts_show_both_structures(app, client, auth):
    rid, _ = _ids(app)
    auth.as_role("hr")
    page = client.get(f"/restructures/{rid}").get_data(as_text=True)
    assert "12.0 FTE, £1,328,000.00" in page and "10.0 FTE, £1,240,000.00" in page and "(6.63%)" in page
    charts = client.get(f"/restructures/{rid}/charts").get_data(as_text=True)
    assert len(re.findall(r'class="rs-post[ "]', charts)) == 22  # 12 current posts and 10 proposed
    assert "Deputy Chief Executive - Place" in charts and "Open to external candidates" in charts


def test_costing_page_shows_the_arithmetic(app, client, auth):
    rid, _ = _ids(app)
    auth.as_role("hr")
    page = client.get(f"/restructures/{rid}/costing?split=apportionment").get_data(as_text=True)
    assert "£1,328,000.00 − £1,240,000.00 = <strong>£88,000.00</strong>" in page
    assert "£611,596.39" in page and "£43,403.61" in page


def test_grid_with_a_bad_value_keeps_everything_and_saves_nothing(app, client, auth):
    rid, posts = _ids(app)
    cur, new = posts[("current", "Head of Human Resources")], posts[("proposed", "Head of Transformation")]
    other = posts[("proposed", "Head of Wellbeing")]
    auth.as_role("hr")
    response = client.post(f"/restructures/{rid}/matches", data={
        f"m_{cur}_{new}": "72", f"n_{cur}_{new}": "HR and ICT", f"m_{cur}_{other}": "150"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "There is a problem" in page and f'href="#m_{cur}_{other}"' in page and "from 0 to 100" in page
    assert 'value="72"' in page and 'value="HR and ICT"' in page and 'value="150"' in page
    with app.app_context():
        assert db.session.scalar(select(JobMatch).where(JobMatch.current_post_id == cur)) is None
    ok = client.post(f"/restructures/{rid}/matches", data={f"m_{cur}_{new}": "72", f"n_{cur}_{new}": "HR and ICT"})
    assert ok.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(JobMatch.match_percent).where(JobMatch.current_post_id == cur)) == 72
        # cells not on the form are left alone: the demo's other matches are still there
        assert db.session.scalar(select(JobMatch).where(JobMatch.proposed_post_id == posts[("proposed", "Head of Operations")]))


def test_engine_and_override(app, client, auth):
    rid, _ = _ids(app)
    auth.as_role("hr")
    assert client.post(f"/restructures/{rid}/engine").status_code == 302
    with app.app_context():
        decision = db.session.scalar(select(RouteDecision).where(RouteDecision.restructure_id == rid,
                                                                 RouteDecision.route == "at_risk"))
        decision_id = decision.id
    url = f"/restructures/{rid}/routes/{decision_id}/override"
    missing = client.post(url, data={"route": "alternative", "proposed_post_id": "0", "reason": ""})
    page = missing.get_data(as_text=True)
    assert missing.status_code == 400 and "Enter the reason for overriding" in page
    with app.app_context():
        post_id = db.session.scalar(select(StructurePost.id).where(StructurePost.restructure_id == rid,
                                                                   StructurePost.title == "Head of Regulatory Services"))
    ok = client.post(url, data={"route": "alternative", "proposed_post_id": str(post_id),
                                "reason": "Redeployment offer agreed with UNISON"})
    assert ok.status_code == 302
    routes = client.get(f"/restructures/{rid}/routes").get_data(as_text=True)
    assert "Set by HR (Head of Regulatory Services): Redeployment offer agreed with UNISON" in routes


def test_appointment_form_errors_and_success(app, client, auth):
    rid, posts = _ids(app)
    auth.as_role("hr")
    post = posts[("proposed", "Deputy Chief Executive - Place")]
    bad = client.post(f"/restructures/{rid}/appointments", data={
        "proposed_post_id": str(post), "employee_id": "0", "external_name": "", "outcome": "appointed",
        "salary": "100000"})
    assert bad.status_code == 400 and "Choose a current postholder, or give an external" in bad.get_data(as_text=True)
    ok = client.post(f"/restructures/{rid}/appointments", data={
        "proposed_post_id": str(post), "employee_id": "0", "external_name": "Sam External", "outcome": "appointed",
        "start_date": ["1", "4", "2027"], "salary": "100,000"})
    assert ok.status_code == 302
    page = client.get(f"/restructures/{rid}/appointments").get_data(as_text=True)
    assert "Sam External (external)" in page and "£100,000.00" in page


def test_calculators(client, auth):
    auth.as_role("hr")
    page = client.get("/restructures/calculators/redundancy", query_string=[
        ("council", "SBC"), ("dob", "1"), ("dob", "5"), ("dob", "1970"), ("service_from", "1"), ("service_from", "9"),
        ("service_from", "2005"), ("leaving", "30"), ("leaving", "6"), ("leaving", "2024"), ("weekly_pay", "950")])
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "£17,150.00" in text and "£23,275.00" in text  # SBC: 24.5 x 950
    bad = client.get("/restructures/calculators/apportion?ccdc=60&sbc=&shared_cost=80")
    assert bad.status_code == 400 and "Enter Stafford" in bad.get_data(as_text=True)
    good = client.get("/restructures/calculators/apportion?ccdc=60&sbc=40&shared_cost=80&reduce_council=SBC&reduce_by=10")
    text = good.get_data(as_text=True)
    assert "£48.00" in text and "£22.00" in text and "68.57%" in text and "31.43%" in text


def test_union_rep_and_employee_are_kept_out(app, client, auth):
    rid, _ = _ids(app)
    for role in ("union_rep", "employee"):
        auth.as_role(role)
        for url in (f"/restructures/{rid}/routes", f"/restructures/{rid}/redundancy", f"/restructures/{rid}/costing"):
            assert client.get(url).status_code == 403
        auth.logout()


def test_an_internal_appointment_says_it_moves_them_when_the_restructure_is_implemented(app, client, auth):
    from datetime import date

    from hrtool.services.restructures import restructures as service

    rid, posts = _ids(app)
    with app.app_context():
        holder = service.holders(db.session.get(Restructure, rid), date.today())[0]
        person_id = holder.employee.id
        post = posts[("proposed", "Deputy Chief Executive - Place")]
        salary = db.session.get(StructurePost, post).band_min or 100000
    auth.as_role("hr")
    response = client.post(f"/restructures/{rid}/appointments", data={
        "proposed_post_id": str(post), "employee_id": str(person_id), "external_name": "", "outcome": "appointed",
        "start_date": ["1", "4", "2027"], "salary": str(salary)})
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    page = client.get(f"/restructures/{rid}/appointments").get_data(as_text=True)
    # Issue 15: the new post is not an establishment post until the restructure is implemented, so
    # the page no longer offers to change their post by hand (that pre-filled the old post and pay).
    assert "Moves into the new post when the restructure is" in page
    assert f"/restructures/{rid}/implement" in page and f"/employees/{person_id}/assignment" not in page
