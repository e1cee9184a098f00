"""Pay protection on the session's demo data: the dashboard's cost by council and financial year
is the sum of the schedules; `hrtool protection check` warns once per ending; `hrtool calc
protection` as issue 7 describes it."""
from __future__ import annotations

import json
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from hrtool.domain.protection import cost_by_financial_year, protection_schedule
from hrtool.extensions import db
from hrtool.models import Protection, ProtectionWarning
from hrtool.services.protection import protection_dashboard as dashboard
from hrtool.services.protection import protections

ON = date(2026, 11, 22)  # the demo's "now"
D = Decimal


def test_the_demo_has_protections_per_council_some_ending_within_90_days(app):
    with app.app_context():
        rows = dashboard.every_protection()
        assert {r.council for r in rows} == {"CCDC", "SBC"}
        assert {r.source for r in rows} >= {"Job re-evaluation", "Regrade", "Recorded by HR"}
        ending = dashboard.ending_within(ON, 90)
        assert ending and all(ON < r.ends_on <= ON + timedelta(days=90) for r in ending)
        assert {r.council for r in ending} == {"CCDC", "SBC"}


def test_cost_by_council_and_year_is_the_sum_of_the_schedules(app):
    """Each protection's schedule worked out again from its inputs through the domain function,
    summed by council and financial year, against the dashboard's figures from the stored rows."""
    with app.app_context():
        expected: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
        for record in db.session.scalars(select(Protection)):
            inputs = protections.schedule_inputs(record)
            months = protection_schedule(inputs.rules, record.old_salary, inputs.new_salary, record.start_date,
                                         inputs.hours, inputs.full_time_hours, inputs.early)
            assert [m.payment for m in months] == [r.payment for r in record.months]
            for year, cost in cost_by_financial_year(months).items():
                expected[(record.council.code, year)] += cost
        costs = dashboard.cost_by_council_and_year()
        shown = {key: cell.total for key, cell in costs.cells.items()}
        assert shown == dict(expected)
        assert shown and sum(shown.values()) == sum(
            (r.payment for p in db.session.scalars(select(Protection)) for r in p.months), D(0))


def test_the_dashboard_page_shows_the_costs(app, auth):
    with app.app_context():
        costs = dashboard.cost_by_council_and_year()
        year = costs.years[-2]
        cell = costs.cell("SBC", year)
    auth.as_role("hr")
    page = auth.client.get("/protection/").get_data(as_text=True)
    assert f"£{cell.projected:,.2f}" in page and year in page
    assert "Ending within 30 days" in page


def test_check_twice_gives_each_warning_once(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["protection", "check", "--on", ON.isoformat()])
    assert first.exit_code == 0, first.output
    warned = json.loads(first.stdout)["new_warnings"]
    with app.app_context():
        window = int(protections.rule_value("protection_expiry_warning_days", ON))
        due = [r for r in dashboard.active(ON) if r.ends_on and r.ends_on <= ON + timedelta(days=window)]
    assert sorted(w["protection"] for w in warned) == sorted(r.id for r in due) and warned
    assert all(w["window_days"] == 90 for w in warned)
    second = runner.invoke(args=["protection", "check", "--on", ON.isoformat()])
    assert second.exit_code == 0 and json.loads(second.stdout)["new_warnings"] == []
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ProtectionWarning)) == len(warned)
        shown = dashboard.open_warnings(ON)
        assert sorted(w.protection_id for w in shown) == sorted(w["protection"] for w in warned)


def test_an_ending_that_moves_is_warned_about_again(app):
    with app.app_context():
        record = db.session.scalars(select(Protection).where(
            Protection.ends_on > ON + timedelta(days=200), Protection.ended_early_on.is_(None))
            .order_by(Protection.id)).first()
        kinds = protections.early_kinds(record)
        assert dashboard.check(ON) is not None
        protections.end_protection_early(record.id, kinds[0], ON + timedelta(days=20), "Promoted")
        again = dashboard.check(ON)
        assert [w.protection_id for w in again] == [record.id]
        assert again[0].ends_on == ON + timedelta(days=20)
        assert dashboard.check(ON) == []


def test_calc_protection_as_the_issue_describes(app):
    result = app.test_cli_runner().invoke(args=["calc", "protection", "--council", "CCDC", "--old-scp", "25",
                                                "--new-scp", "20", "--start", "2024-10-01"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["policy"] == "CCDC pay protection" and out["ends_on"] == "2026-10-01"
    assert out["end_reason"] == "the last phase ended"
    months = out["months"]
    assert len(months) == 24 and months[0] == {
        "month": "2024-10", "phase": 1, "new_salary": "31586.00", "protection": "3649.00", "total": "35235.00",
        "projected": False}
    # 2025/26 onwards is not held in the session data: the 2024/25 spine is carried on, projected.
    assert months[6]["month"] == "2025-04" and months[6]["projected"] is True
    assert months[12] == {"month": "2025-10", "phase": 2, "new_salary": "31586.00", "protection": "1824.50",
                          "total": "33410.50", "projected": True}


def test_calc_protection_part_time_and_cash_frozen(app):
    result = app.test_cli_runner().invoke(args=["calc", "protection", "--council", "sbc", "--old-scp", "25",
                                                "--new-scp", "20", "--start", "2024-10-01", "--hours", "18.5"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["ends_on"] == "2027-10-01" and len(out["months"]) == 36
    assert out["months"][0]["new_salary"] == "15793.00" and out["months"][0]["protection"] == "1824.50"
    assert out["months"][0]["total"] == "17617.50"


@pytest.mark.parametrize("args, message", [
    (["--council", "XYZ", "--old-scp", "25", "--new-scp", "20", "--start", "2024-10-01"], "Unknown council"),
    (["--council", "CCDC", "--old-scp", "20", "--new-scp", "25", "--start", "2024-10-01"], "not lower"),
    (["--council", "CCDC", "--old-scp", "25", "--new-scp", "20", "--start", "1/10/2024"], "YYYY-MM-DD"),
    (["--council", "CCDC", "--old-scp", "25", "--new-scp", "20", "--start", "2024-10-01", "--hours", "x"], "hours"),
    (["--council", "CCDC", "--old-scp", "25", "--new-scp", "99", "--start", "2024-10-01"], "not on the pay spine"),
])
def test_calc_protection_bad_input(app, args, message):
    result = app.test_cli_runner().invoke(args=["calc", "protection", *args])
    assert result.exit_code == 2 and message in result.output
