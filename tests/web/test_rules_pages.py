"""The pages for rules held as data: an administrator adds a dated value of a statutory limit and a
rule setting, and a new version of a policy and a terms package (after confirming their password);
a bad value re-renders with the error on its field and everything typed kept; HR can read every
version's history but not change anything."""
from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select

from hrtool.domain.rule_bodies import cell_name, current_text, value_name
from hrtool.extensions import db
from hrtool.models import Council, Policy, RuleSetting, StatutoryLimit, TermsPackage
from hrtool.services.rules import rules_admin

CAP = "statutory_redundancy_week_pay_cap"


def _assimilation(app) -> tuple[int, dict[str, str], int]:
    """The joint assimilation policy's id, the answers that reproduce it, and the slot-in box's index."""
    with app.app_context():
        policy = rules_admin.policy_versions("assimilation", None)[0]
        items = rules_admin.policy_items(policy)
        index = next(i for i, item in enumerate(items) if item.path == ("slot_in_min_job_match_percent",))
        return policy.id, current_text(items), index


def _page(response) -> str:
    return response.get_data(as_text=True)


def test_admin_adds_a_statutory_limit_value(app, auth):
    auth.as_role("admin")
    form = auth.client.get(f"/rules/limits/{CAP}/new")
    assert form.status_code == 200 and "£751.00 from 6 April 2026" in _page(form)
    # Next April's Order (a made-up £780 for the test: the data holds the caps to April 2026).
    response = auth.client.post(f"/rules/limits/{CAP}/new", data={
        "effective_from": ["6", "4", "2027"], "value": "780", "source": "Increase of Limits Order 2027",
        "reason": "Annual uprating"})
    assert response.status_code == 302 and response.location.endswith(f"/rules/limits/{CAP}")
    page = _page(auth.client.get(response.location))
    assert "New value £780.00 saved from 06/04/2027" in page and "govuk-notification-banner--success" in page
    assert "Annual uprating" in page and "£751.00" in page and "£643.00" in page  # the history stays
    with app.app_context():
        assert db.session.scalar(select(StatutoryLimit.value).where(
            StatutoryLimit.name == CAP, StatutoryLimit.effective_from == date(2027, 4, 6))) == 780


def test_a_bad_limit_value_re_renders_with_the_error_and_what_was_typed(app, auth):
    auth.as_role("admin")
    response = auth.client.post(f"/rules/limits/{CAP}/new", data={
        "effective_from": ["6", "4", "2026"], "value": "lots", "source": "Order", "reason": "Typed in a hurry"})
    page = _page(response)
    assert response.status_code == 400 and "govuk-error-summary" in page
    assert "The value must be a number" in page
    assert "There is already a value from 06/04/2026: choose a later date" in page
    assert 'value="lots"' in page and "Typed in a hurry" in page and 'value="2026"' in page


def test_admin_adds_a_rule_setting_value_and_a_wrong_type_is_refused(app, auth):
    auth.as_role("admin")
    url = "/rules/settings/aggregate_min_group_size/new"
    bad = auth.client.post(url, data={"effective_from": ["1", "1", "2026"], "value": "7.5", "description": "Kept",
                                      "reason": "Agreed"})
    assert bad.status_code == 400 and "The value must be a whole number" in _page(bad)
    assert 'value="7.5"' in _page(bad) and "Kept" in _page(bad)
    response = auth.client.post(url, data={"effective_from": ["1", "1", "2026"], "value": "7", "description": "Kept",
                                           "reason": "Agreed"})
    assert response.status_code == 302
    page = _page(auth.client.get(response.location))
    assert "New value 7 saved from 01/01/2026" in page and "Agreed" in page
    with app.app_context():
        assert [s.value for s in rules_admin.setting_values("aggregate_min_group_size")] == ["7", "5"]


def test_admin_adds_a_policy_version_from_the_generated_form(app, auth):
    policy_id, answers, index = _assimilation(app)
    auth.as_role("admin")
    form = _page(auth.client.get(f"/rules/policies/{policy_id}/new"))
    assert "Slot-in: minimum job match (%)" in form and f'name="{value_name(index)}"' in form and 'value="70"' in form
    response = auth.client.post(f"/rules/policies/{policy_id}/new", data={
        **answers, value_name(index): "75", "effective_from": ["1", "4", "2026"], "reason": "Joint committee"})
    assert response.status_code == 302, _page(response)
    page = _page(auth.client.get(response.location))
    assert "New version saved from 01/04/2026; the version before it now ends on 31/03/2026" in page
    assert "Joint assimilation from 01/04/2026" in page and "Joint assimilation" in page and "Joint committee" in page
    with app.app_context():
        versions = rules_admin.policy_versions("assimilation", None)
        assert [v.body["slot_in_min_job_match_percent"] for v in versions] == [75, 70]
        assert versions[1].effective_to == date(2026, 3, 31)


def test_a_bad_policy_value_re_renders_with_the_field_error_and_typed_values(app, auth):
    policy_id, answers, index = _assimilation(app)
    auth.as_role("admin")
    response = auth.client.post(f"/rules/policies/{policy_id}/new", data={
        **answers, value_name(index): "seventy-five", "effective_from": ["1", "4", "2026"], "source": "Minutes",
        "reason": "Joint committee"})
    page = _page(response)
    assert response.status_code == 400 and "govuk-error-summary" in page
    assert "Slot-in: minimum job match (%) must be a whole number" in page
    assert f'href="#{value_name(index)}"' in page  # the summary links to the field
    assert 'value="seventy-five"' in page and 'value="Minutes"' in page and "Joint committee" in page
    with app.app_context():
        assert len(rules_admin.policy_versions("assimilation", None)) == 1


def test_admin_adds_a_terms_package_version_adding_and_removing_rows(app, auth):
    with app.app_context():
        council_id = db.session.scalar(select(Council.id).where(Council.code == "SBC"))
        package = rules_admin.package_versions(council_id)[0]
        items = rules_admin.package_items(package)
        answers = current_text(items)
        leave = next(i for i, item in enumerate(items) if item.path == ("annual_leave",))
    auth.as_role("admin")
    form = _page(auth.client.get(f"/rules/terms/{council_id}/new"))
    assert "Annual leave" in form and f'name="{cell_name(leave, 3, 1)}"' in form  # two blank rows to add to
    data = {**answers, cell_name(leave, 1, 0): "", cell_name(leave, 1, 1): "", cell_name(leave, 2, 0): "3",
            cell_name(leave, 2, 1): "", "name": "SBC terms 2026", "effective_from": ["1", "4", "2026"],
            "reason": "Collective agreement"}
    bad = auth.client.post(f"/rules/terms/{council_id}/new", data=data)
    assert bad.status_code == 400 and "Enter a value for Annual leave, row 3: days" in _page(bad)
    assert f'name="{cell_name(leave, 3, 1)}"' in _page(bad) and 'value="SBC terms 2026"' in _page(bad)
    response = auth.client.post(f"/rules/terms/{council_id}/new", data={**data, cell_name(leave, 2, 1): "27"})
    assert response.status_code == 302, _page(response)
    page = _page(auth.client.get(response.location))
    assert "Protected terms already taken are unchanged" in page and "SBC terms 2026" in page
    with app.app_context():
        new = db.session.scalars(select(TermsPackage).where(TermsPackage.council_id == council_id)
                                 .order_by(TermsPackage.effective_from.desc())).first()
        assert new.annual_leave == [{"from_years": 0, "days": 24}, {"from_years": 3, "days": 27}]


def test_hr_can_view_every_history_but_not_change_anything(app, auth):
    policy_id, _, _ = _assimilation(app)
    auth.as_role("hr")
    for url in (f"/rules/limits/{CAP}", "/rules/settings/full_time_hours", f"/rules/policies/{policy_id}",
                "/rules/terms/1"):
        page = auth.client.get(url)
        assert page.status_code == 200 and "Add a new version" not in _page(page) and "Add a new value" not in _page(page)
    for url in (f"/rules/limits/{CAP}/new", "/rules/settings/full_time_hours/new", f"/rules/policies/{policy_id}/new",
                "/rules/terms/1/new"):
        assert auth.client.get(url).status_code == 403
        assert auth.client.post(url, data={"value": "1", "reason": "x"}).status_code == 403
    reference = _page(auth.client.get("/admin/reference"))
    assert 'href="/rules/settings/full_time_hours"' in reference and 'href="/rules/terms/1"' in reference
    assert not re.search(r'href="/rules/[^"]*/new"', reference)
    assert "/rules/settings/full_time_hours/new" not in reference and f"/rules/policies/{policy_id}/new" not in reference


def test_the_reference_page_links_each_item_to_its_history_and_new_version_for_admin(app, auth):
    policy_id, _, _ = _assimilation(app)
    auth.as_role("admin")
    page = _page(auth.client.get("/admin/reference"))
    for href in (f"/rules/limits/{CAP}/new", "/rules/settings/on_cost_rate/new", f"/rules/policies/{policy_id}/new",
                 "/rules/terms/1/new", f"/rules/limits/{CAP}", "/rules/terms/1"):
        assert f'href="{href}"' in page
    with app.app_context():
        protection_policy = db.session.scalar(select(Policy.id).where(Policy.kind == "pay_protection").limit(1))
    assert f'href="/rules/policies/{protection_policy}/new"' not in page  # it has its own page
    assert auth.client.get(f"/rules/policies/{protection_policy}/new").status_code == 404


def test_changing_a_rule_asks_for_the_password_again(app, client):
    client.post("/login", data={"username": "admin@hrtool.example", "password": _password("admin@hrtool.example")})
    with client.session_transaction() as session:
        session.pop("password_confirmed_at", None)
    for url in (f"/rules/limits/{CAP}/new", "/rules/settings/full_time_hours/new", "/rules/terms/1/new"):
        response = client.get(url)
        assert response.status_code == 302 and "/confirm-password" in response.location
    response = client.post("/rules/settings/full_time_hours/new", data={
        "effective_from": ["1", "4", "2026"], "value": "36", "reason": "Shorter week"})
    assert response.status_code == 200 and "Confirm your password to finish" in response.get_data(as_text=True)
    with app.app_context():
        assert len(db.session.scalars(select(RuleSetting).where(RuleSetting.key == "full_time_hours")).all()) == 1


def _password(username: str) -> str:
    from ..factories import DEMO_PASSWORDS

    return DEMO_PASSWORDS[username]
