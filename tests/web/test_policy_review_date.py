"""A policy's review date is set on its new-version page (kept in the body as `review_on`, which
`hrtool rules status` reads), pre-filled from the latest version, never shown as one of the
body's own values, and refused when before the version's start. The pay protection policy page
has the same field.

Worked by hand: a review date of 1 June 2026 with the shipped tolerance of 0 days
(policy_review_overdue_days) is due on 1 June and overdue from 2 June 2026, so on 4 December 2026
it is overdue; on 1 May 2026 it is still current."""
from __future__ import annotations

import json
from datetime import date

from hrtool.domain.rule_bodies import REVIEW_ON, current_text
from hrtool.extensions import db
from hrtool.models import Council, Policy
from hrtool.services.protection.protections import policy_in_force
from hrtool.services.rules import rules_admin


def _assimilation(app) -> tuple[int, dict[str, str]]:
    with app.app_context():
        policy = rules_admin.policy_versions("assimilation", None)[0]
        return policy.id, current_text(rules_admin.policy_items(policy))


def _page(response) -> str:
    return response.get_data(as_text=True)


def _status(app, on: str) -> dict[str, str]:
    result = app.test_cli_runner().invoke(args=["rules", "status", "--on", on, "--json"])
    assert result.exit_code == 0, result.output
    return {r["rule"]: r["state"] for r in json.loads(result.output)["rules"] if r["rule"].startswith("Policy: ")}


def test_a_review_date_set_on_the_page_shows_as_overdue_in_rules_status(app, auth):
    policy_id, answers = _assimilation(app)
    auth.as_role("admin")
    form = _page(auth.client.get(f"/rules/policies/{policy_id}/new"))
    assert "Review date (optional)" in form
    response = auth.client.post(f"/rules/policies/{policy_id}/new", data={
        **answers, "effective_from": ["1", "4", "2026"], "review_on": ["1", "6", "2026"],
        "reason": "Joint committee"})
    assert response.status_code == 302, _page(response)
    history = _page(auth.client.get(response.location))
    assert "Review date: 1 June 2026" in history
    assert "Review on" not in history  # not also drawn as one of the body's values
    with app.app_context():
        latest = rules_admin.policy_versions("assimilation", None)[0]
        assert latest.body[REVIEW_ON] == "2026-06-01"
        new_id = latest.id
    assert _status(app, "2026-12-04") == {"Policy: Joint assimilation from 01/04/2026": "overdue"}
    assert _status(app, "2026-05-01") == {"Policy: Joint assimilation from 01/04/2026": "current"}

    # The next version's form starts from the review date held, in its own boxes only.
    again = _page(auth.client.get(f"/rules/policies/{new_id}/new"))
    assert 'name="review_on"' in again and 'value="2026"' in again
    assert "Review on" not in again


def test_a_review_date_before_the_start_is_refused_keeping_what_was_typed(app, auth):
    policy_id, answers = _assimilation(app)
    auth.as_role("admin")
    response = auth.client.post(f"/rules/policies/{policy_id}/new", data={
        **answers, "effective_from": ["1", "4", "2026"], "review_on": ["31", "3", "2026"], "source": "Minutes",
        "reason": "Joint committee"})
    page = _page(response)
    assert response.status_code == 400 and "govuk-error-summary" in page
    assert "The review date must be on or after 01/04/2026, the date the version applies from" in page
    assert 'href="#review_on"' in page
    assert 'value="31"' in page and 'value="Minutes"' in page and "Joint committee" in page
    with app.app_context():
        assert len(rules_admin.policy_versions("assimilation", None)) == 1


def test_clearing_the_review_date_removes_it(app):
    with app.app_context():
        first = rules_admin.add_policy_version("assimilation", None, date(2026, 4, 1), _answers(), "", "x",
                                               review_on=date(2027, 4, 1))
        assert first.body[REVIEW_ON] == "2027-04-01"
        kept = rules_admin.add_policy_version("assimilation", None, date(2026, 5, 1), _answers(), "", "y")
        assert kept.body[REVIEW_ON] == "2027-04-01"  # not given: the latest version's is kept
        cleared = rules_admin.add_policy_version("assimilation", None, date(2026, 6, 1), _answers(), "", "z",
                                                 review_on=None)
        assert REVIEW_ON not in cleared.body


def _answers() -> dict[str, str]:
    return current_text(rules_admin.policy_items(rules_admin.policy_versions("assimilation", None)[0]))


def test_the_pay_protection_policy_page_takes_a_review_date(app, auth):
    with app.app_context():
        ccdc = db.session.query(Council).filter_by(code="CCDC").one()
        council_id = ccdc.id
    auth.as_role("admin")
    form = _page(auth.client.get(f"/protection/policies/{council_id}/new"))
    assert "Review date (optional)" in form
    base = {"effective_from": ["1", "1", "2027"], "kind": "tapered", "phases": "12 months at 1.0",
            "expiry_warning_days": "30", "reason": "Cabinet"}
    refused = auth.client.post(f"/protection/policies/{council_id}/new",
                               data={**base, "review_on": ["1", "12", "2026"]})
    assert refused.status_code == 400
    assert "The review date must be on or after 01/01/2027" in _page(refused)
    saved = auth.client.post(f"/protection/policies/{council_id}/new", data={**base, "review_on": ["1", "1", "2028"]})
    assert saved.status_code == 302, _page(saved)
    with app.app_context():
        found = policy_in_force(council_id, date(2027, 1, 1))
        assert isinstance(found, Policy) and found.body[REVIEW_ON] == "2028-01-01"
