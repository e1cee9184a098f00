"""The transfer checklist policy cannot be saved with the transferee's measures due after the
information-and-consultation (reg. 13) letter: the transferor passes the measures to the unions in
that letter (TUPE reg. 13(4)). Refused by the service every version goes through
(rules_admin.add_policy_version), with the error on the measures step's days box, naming both.

The shipped checklist (policies_illustrative.toml): measures 74 days before the transfer, the
reg. 13 letter 60. Measures at 50 days comes after the letter (50 < 60): refused. Measures at 60,
the same day as the letter, is not before it: refused. At 61 it is a day before: kept."""
from __future__ import annotations

from datetime import date

import pytest

from hrtool.domain.rule_bodies import cell_name, current_text
from hrtool.services.rules import rules_admin
from hrtool.services.rules.rules_admin import ChangeRefused
from hrtool.services.tupe import transfers

LETTER = "Inform the recognised unions (reg. 13 letter)"
MEASURES = "Transferee's measures sent to the transferor (reg. 13(4))"


def _form() -> tuple[int, int, dict[str, str]]:
    """The checklist table's index, the measures step's row, and answers reproducing the policy."""
    items = rules_admin.policy_items(rules_admin.policy_versions("tupe_checklist", None)[0])
    table = next(i for i, item in enumerate(items) if item.path == ("items",))
    answers = current_text(items)
    row = next(r for r in range(10) if answers.get(cell_name(table, r, 0)) == "measures_letter")
    return table, row, answers


@pytest.mark.parametrize("days", ["50", "60"])
def test_measures_not_before_the_letter_is_refused_on_the_measures_step(ctx, days):
    table, row, answers = _form()
    answers[cell_name(table, row, 2)] = days
    with pytest.raises(ChangeRefused) as refused:
        rules_admin.add_policy_version("tupe_checklist", None, date(2026, 6, 1), answers, "", "Reorder")
    message = refused.value.problems[cell_name(table, row, 2)]
    assert f"“{MEASURES}” ({days} days before the transfer) must be due before “{LETTER}” (60 days before)" in message
    assert len(rules_admin.policy_versions("tupe_checklist", None)) == 1


def test_measures_a_day_before_the_letter_is_kept(ctx):
    table, row, answers = _form()
    answers[cell_name(table, row, 2)] = "61"
    rules_admin.add_policy_version("tupe_checklist", None, date(2026, 6, 1), answers, "", "Shorter lead")
    due = {s.key: s.days_before for s in transfers.step_rules(date(2026, 6, 1))}
    assert (due["measures_letter"], due["inform_representatives"]) == (61, 60)


def test_the_page_shows_the_error_on_the_field_and_keeps_what_was_typed(app, auth):
    with app.app_context():
        table, row, answers = _form()
        policy_id = rules_admin.policy_versions("tupe_checklist", None)[0].id
    answers[cell_name(table, row, 2)] = "50"
    auth.as_role("admin")
    response = auth.client.post(f"/rules/policies/{policy_id}/new", data={
        **answers, "effective_from": ["1", "6", "2026"], "reason": "Reorder"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "govuk-error-summary" in page
    assert f'href="#{cell_name(table, row, 2)}"' in page
    assert "must be due before" in page and "reg. 13 letter" in page and "measures sent to the transferor" in page
    assert 'value="50"' in page and "Reorder" in page
