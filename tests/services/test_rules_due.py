"""The yearly round (issue 14): `hrtool load-reference --update` brings a database made before the
2025/26 award was agreed up to the shipped files (the award agreed, the provisional 2026/27 year,
their spines made through the pay spine service, the missing limits), changes nothing the second
time, and keeps what an administrator entered; `hrtool rules status` says which dated rules are
current, due or overdue; the HR dashboard and the reference data page show the overdue ones."""
from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from sqlalchemy import delete, select

from hrtool.extensions import db
from hrtool.models import AuditEvent, Council, PayAward, Policy, RuleSetting, StatutoryLimit
from hrtool.services.pay import pay_spines
from hrtool.services.rules import reference_data
from hrtool.services.rules.reference_data import UPDATE_REASON, update_reference_data

Y2025, Y2026 = date(2025, 4, 1), date(2026, 4, 1)
CAP = "statutory_redundancy_week_pay_cap"


def _award(year: date) -> PayAward:
    return db.session.scalars(select(PayAward).where(PayAward.pay_year_from == year)).one()


def _as_before_the_change() -> None:
    """The database as the release before issue 14 left it: the 2025/26 award provisional (as the
    old njc_pay_awards.csv had it), no 2026/27 award, no 2025/26 or 2026/27 spine (the session's
    database holds none), no cap from 6 April 2026 and no pay award tolerance setting."""
    award = _award(Y2025)
    award.status, award.agreed_on = "provisional", None
    award.note = "employers offer of 3.2% on all points; confirm the final agreement before use"
    db.session.delete(_award(Y2026))
    db.session.execute(delete(StatutoryLimit).where(StatutoryLimit.effective_from == date(2026, 4, 6)))
    db.session.execute(delete(RuleSetting).where(RuleSetting.key == "pay_award_overdue_days"))
    db.session.flush()
    assert pay_spines.spine_of_year(Y2025) == {} and pay_spines.spine_of_year(Y2026) == {}


def test_update_brings_an_old_database_up_to_the_files_then_does_nothing(app):
    with app.app_context():
        _as_before_the_change()
        report = update_reference_data()
        assert report.added["pay_awards"] == 1 and report.added["statutory_limits"] == 1
        assert report.added["rule_settings"] == 1  # pay_award_overdue_days
        assert report.spine_years == ["2025/26", "2026/27 (provisional)"]
        assert report.differs == []
        award = _award(Y2025)
        # Never edited in hrtool, so brought up to the file, audited.
        assert (award.status, award.agreed_on) == ("agreed", date(2025, 7, 23))
        event = db.session.scalars(select(AuditEvent).where(
            AuditEvent.entity_type == "pay_award", AuditEvent.entity_id == str(award.id),
            AuditEvent.action == "update").order_by(AuditEvent.id.desc())).first()
        assert event.reason == UPDATE_REASON and event.after["agreed_on"] == "2025-07-23"
        # 3.2% on SCP 2-43, half up to the pound: SCP 2 23,656 x 1.032 = 24,412.992 -> 24,413;
        # SCP 3 24,027 x 1.032 = 24,795.864 -> 24,796.
        spine_2025 = pay_spines.spine_of_year(Y2025)
        assert (spine_2025[2], spine_2025[3]) == (Decimal("24413"), Decimal("24796"))
        # 2026/27: SCP 2 deleted, the rest carried at 0%.
        spine_2026 = pay_spines.spine_of_year(Y2026)
        assert 2 not in spine_2026 and spine_2026[3] == Decimal("24796") and len(spine_2026) == 41
        assert pay_spines.spine_table().provisional_years == {Y2026}
        cap = db.session.scalars(select(StatutoryLimit).where(StatutoryLimit.effective_from == date(2026, 4, 6))).one()
        assert cap.value == Decimal("751")

        again = update_reference_data()
        assert not again.changed and again.differs == [] and again.spine_years == []


def test_update_keeps_what_an_administrator_entered(app):
    with app.app_context():
        _as_before_the_change()
        award = _award(Y2025)
        # An administrator recorded a revised offer of 3.5% through hrtool (audited).
        pay_spines.save_award(award, {**{f: getattr(award, f) for f in pay_spines.AWARD_FIELDS},
                                      "amount": Decimal("3.5")}, "Revised offer")
        limit = db.session.scalars(select(StatutoryLimit).where(StatutoryLimit.effective_from == date(2024, 4, 6))).one()
        limit.value = Decimal("701")  # differs from the file's 700
        db.session.flush()
        report = update_reference_data()
        assert award.amount == Decimal("3.5") and award.status == "provisional"
        assert any("pay award 2025/26" in d and "left as it is" in d for d in report.differs)
        assert any("6 April 2024" in d and "£701" in d for d in report.differs)
        assert limit.value == Decimal("701")
        # The 2025/26 spine is made from the administrator's award: 23,656 x 1.035 = 24,483.96 -> 24,484.
        assert pay_spines.spine_of_year(Y2025)[2] == Decimal("24484")
        assert report.spine_years == ["2025/26 (provisional)", "2026/27 (provisional)"]


def test_the_update_command_says_what_it_did(app):
    runner = app.test_cli_runner()
    with app.app_context():
        _as_before_the_change()
        first = runner.invoke(args=["load-reference", "--update"])
        assert first.exit_code == 0, first.output
        assert "made the 2025/26 pay spine" in first.output and "brought up to the file: pay award 2025/26" in first.output
        second = runner.invoke(args=["load-reference", "--update"])
        assert second.exit_code == 0
        # Nothing changed; deleted pay points still held are reported for HR, never moved.
        *to_do, last = second.output.strip().splitlines()
        assert last == "reference data up to date"
        assert all(line.startswith("for HR to do: the 2026/27 award") for line in to_do)


def _status(runner, *args: str) -> dict:
    result = runner.invoke(args=["rules", "status", "--json", *args])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    return {r["kind"]: r for r in out["rules"]}


def test_rules_status_today_and_after_next_april(app):
    runner = app.test_cli_runner()
    # 3 December 2026: the cap of 6 April 2026 (£751) is current, next expected 6 April 2027; the
    # 2026/27 award is provisional, due since 1 April 2026 but within the 334 days' tolerance
    # (overdue from 2 March 2027). Nothing overdue.
    today = _status(runner, "--on", "2026-12-03")
    assert today["statutory_limit"] == {
        "kind": "statutory_limit", "rule": "Statutory limit: statutory redundancy week pay cap", "latest": "£751.00",
        "latest_from": "2026-04-06", "state": "current", "expected_on": "2027-04-06", "overdue_from": "2027-04-07",
        "why": "the Increase of Limits Order for 6 April 2027 is expected to change it"}
    award = today["pay_award"]
    assert (award["latest"], award["state"], award["expected_on"], award["overdue_from"]) == (
        "2026/27: provisional", "due", "2026-04-01", "2027-03-02")
    # 1 May 2027: no cap from 6 April 2027 is held, and the tolerance is 0 days: overdue since 7 April.
    later = _status(runner, "--on", "2027-05-01")
    assert later["statutory_limit"]["state"] == "overdue"
    assert later["pay_award"]["state"] == "overdue"
    text = runner.invoke(args=["rules", "status", "--on", "2027-05-01"]).output
    assert "OVERDUE  Statutory limit" in text and "2 overdue." in text
    assert runner.invoke(args=["rules", "status", "--on", "1/5/2027"]).exit_code == 2


def test_a_policy_past_its_review_date_shows_on_the_dashboard_and_reference_page(app, auth):
    with app.app_context():
        policy = db.session.scalars(select(Policy).where(Policy.kind == "pay_protection")
                                    .order_by(Policy.id)).first()
        policy.body = {**policy.body, "review_on": "2026-06-30"}  # reviewed by 30 June 2026: overdue today
        db.session.flush()
        name = policy.name
        db.session.commit()
    auth.as_role("hr")
    page = auth.client.get("/hr/").get_data(as_text=True)
    assert "Rules overdue for a new value" in page and f"Policy: {name}" in page and "30 June 2026" in page
    auth.logout()
    auth.as_role("admin")
    page = auth.client.get("/admin/reference").get_data(as_text=True)
    assert "Rules overdue for a new value" in page and f"Policy: {name}" in page
    assert "When each dated rule is due" in page and "Statutory limit: statutory redundancy week pay cap" in page


def test_nothing_overdue_shows_no_banner(app, auth):
    auth.as_role("hr")
    page = auth.client.get("/hr/").get_data(as_text=True)
    assert page and "Rules overdue for a new value" not in page


# The first load's named steps, on hand-made rows (no database).

def _council(id_: int, code: str) -> Council:
    return Council(id=id_, code=code, name=f"{code} Council", short_name=code, notes="")


def test_spine_points_skip_years_a_point_is_not_on():
    rows = [{"scp": "1", "2023-04-01": "", "2024-04-01": ""},
            {"scp": "2", "2023-04-01": "22366", "2024-04-01": "23656"},
            {"scp": "3", "2023-04-01": "", "2024-04-01": "24027"}]
    got = [(p.pay_year_from, p.scp, p.annual_salary, p.spine) for p in reference_data._spine_points(rows)]
    assert got == [(date(2023, 4, 1), 2, Decimal("22366"), "NJC"), (date(2024, 4, 1), 2, Decimal("23656"), "NJC"),
                   (date(2024, 4, 1), 3, Decimal("24027"), "NJC")]


def test_phase2_services_propose_a_lead_only_for_those_in_scope_that_name_one():
    councils = {"SBC": _council(7, "SBC")}
    row = {"service": "Planning", "head_of_service_area": "Planning", "proposed_lead_authority": "SBC",
           "lead_source": "framework", "proposed_transfer_date": "2024-04-01", "in_scope": "yes", "note": ""}
    got = reference_data._phase2_services(
        [row, {**row, "service": "Parks", "in_scope": "no"}, {**row, "service": "Bins", "proposed_lead_authority": ""}],
        councils)
    assert [(s.name, s.in_scope_for_sharing, len(s.leads)) for s in got] == [
        ("Planning", True, 1), ("Parks", False, 0), ("Bins", True, 0)]
    lead = got[0].leads[0]
    assert (lead.lead_council_id, lead.effective_from, lead.status, lead.phase) == (7, date(2024, 4, 1), "proposed", "2024")


def test_grade_conventions_one_per_council_with_its_bands_in_order():
    councils = {"A": _council(1, "A"), "B": _council(2, "B")}
    row = {"convention": "Local", "je_points_min": "0", "je_points_max": "200", "scp_min": "1", "scp_max": "3"}
    got = reference_data._grade_conventions([{**row, "council": "A", "grade": "1"}, {**row, "council": "B", "grade": "X"},
                                             {**row, "council": "A", "grade": "2"}], councils)
    assert [(c.council_id, [b.grade for b in c.bands]) for c in got] == [(1, ["1", "2"]), (2, ["X"])]


def test_new_policies_leave_the_ones_held_alone():
    councils = {"SBC": _council(7, "SBC")}
    data = {"councils": {"SBC": {"pay_protection": {"months": 12}, "redundancy": {"weeks_multiplier": Decimal("1.5")}}},
            "joint": {"assimilation": {"slot_in": 70}, "consultation": {}}}
    got = reference_data._new_policies(data, councils, {("redundancy", 7), ("consultation", None)})
    assert [(p.council_id, p.name, p.body) for p in got] == [
        (7, "SBC pay protection", {"months": 12}), (None, "Joint assimilation", {"slot_in": 70})]


def test_new_rule_settings_skip_every_row_of_a_key_held():
    got = reference_data._new_rule_settings({"full_time_hours", "eli_clear_days"})
    keys = [s.key for s in got]
    assert "full_time_hours" not in keys and "eli_clear_days" not in keys
    assert "on_cost_rate" in keys and "jes_appeal_window_days" in keys
    # One plain setting fewer (its key held), and neither dated row of the other key.
    everything = reference_data._new_rule_settings(set())
    assert len(everything) - len(got) == 1 + 2
