"""Changing the rules held as data: a new dated value of a statutory limit or rule setting, a new
dated version of a policy or a terms package. Each case: the new row is there and the earlier one
kept (a replaced version ends the day before), the lookups by date pick the old one before the new
date and the new one from it, a duplicate or earlier date is refused, a value of the wrong type is
refused with a message naming it, and one audit event holds before, after and the reason."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from hrtool.domain.redundancy import week_pay_cap
from hrtool.domain.rule_bodies import (
    Table,
    Value,
    cell_name,
    current_text,
    describe,
    read_body,
    value_name,
)
from hrtool.domain.rule_values import (
    ValueProblem,
    check_new_start,
    closed_on,
    infer_kind,
    parse_value,
    stored_like,
)
from hrtool.errors import DomainError
from hrtool.extensions import db
from hrtool.models import (
    AuditEvent,
    Policy,
    ProtectedTerms,
    StatutoryLimit,
    TermsPackage,
)
from hrtool.services.pay.increments import increment_policy
from hrtool.services.people.records import rule_value
from hrtool.services.restructures import redundancy, restructures
from hrtool.services.rules import rules_admin
from hrtool.services.rules.rules_admin import ChangeRefused
from hrtool.services.tupe import transfers

from ..factories import council

CAP = "statutory_redundancy_week_pay_cap"


def _event(entity_type: str, entity_id: int) -> AuditEvent:
    return db.session.scalars(select(AuditEvent).where(AuditEvent.entity_type == entity_type,
                                                       AuditEvent.entity_id == str(entity_id))).one()


def _refused(call) -> dict[str, str]:
    with pytest.raises(ChangeRefused) as refused:
        call()
    return refused.value.problems


def _index(items, path: tuple[str, ...]) -> int:
    return next(i for i, item in enumerate(items) if item.path == path)


# -- the pure rules -------------------------------------------------------------------------------

@pytest.mark.parametrize(("held", "kind"), [
    (True, "boolean"), (70, "integer"), ("70", "integer"), ("1.5", "decimal"), (Decimal("0.28"), "decimal"),
    ("2025-04-06", "date"), ("2025-02-30", "text"), ("actual", "text"), ("", "text"), (None, "text")])
def test_a_values_type_is_inferred_from_the_value_held(held, kind):
    assert infer_kind(held) == kind


@pytest.mark.parametrize(("text", "kind", "message"), [
    ("70.5", "integer", "Limit must be a whole number"), ("seventy", "integer", "Limit must be a whole number"),
    ("1.5.2", "decimal", "Limit must be a number"), ("-1", "decimal", "Limit must be 0 or more"),
    ("maybe", "boolean", "Choose yes or no for Limit"), ("31/2/2026", "date", "Limit must be a real date"),
    ("", "integer", "Enter a value for Limit")])
def test_a_value_of_the_wrong_type_is_refused_with_a_clear_message(text, kind, message):
    with pytest.raises(ValueProblem) as problem:
        parse_value(text, kind, "Limit")
    assert problem.value.message.startswith(message)


def test_a_value_is_stored_back_as_the_one_it_replaces_was():
    assert stored_like(70, parse_value("75", "integer", "x")) == 75  # a JSON number stays one
    assert stored_like("1.5", parse_value("1.75", "decimal", "x")) == "1.75"  # exact text, read back as Decimal
    assert stored_like(10, parse_value("7.5", "decimal", "x")) == "7.5"  # never a float
    assert stored_like(True, parse_value("no", "boolean", "x")) is False
    assert stored_like("2025-04-06", parse_value("6/4/2026", "date", "x")) == "2026-04-06"
    assert parse_value("£1,234.50", "decimal", "x") == Decimal("1234.50")


def test_the_dating_rule():
    check_new_start(date(2026, 4, 1), date(2025, 4, 1), "version")
    with pytest.raises(ValueProblem, match="already a version from 01/04/2025"):
        check_new_start(date(2025, 4, 1), date(2025, 4, 1), "version")
    with pytest.raises(ValueProblem, match="must start after the latest one, which starts on 01/04/2025"):
        check_new_start(date(2025, 3, 1), date(2025, 4, 1), "version")
    assert closed_on(None, date(2026, 4, 1)) == date(2026, 3, 31)
    assert closed_on(date(2027, 1, 1), date(2026, 4, 1)) == date(2026, 3, 31)
    assert closed_on(date(2025, 12, 31), date(2026, 4, 1)) == date(2025, 12, 31)  # already ended: left alone


def test_a_body_becomes_labelled_items_and_reads_back_with_its_types():
    body = {"slot_in_min_job_match_percent": 70, "pro_rata": True, "starts": "2025-04-06",
            "standby": {"weekday_night_gbp": "26.40"}, "bands": [{"from_dismissals": 20, "days": 30}],
            "kinds": ["promotion", "leaving"], "odd": [[1, 2]]}
    items = describe(body)
    labels = [item.label for item in items]
    assert labels == ["Slot-in: minimum job match (%)", "Pro rata", "Starts", "Standby: weekday night (£)", "Bands",
                      "Kinds"]  # the list of lists cannot be shown: it is carried over unchanged
    assert [i.kind for i in items if isinstance(i, Value)] == ["integer", "boolean", "date", "decimal"]
    answers = current_text(items)
    assert answers[value_name(1)] == "yes" and answers[value_name(2)] == "6/4/2025"
    assert read_body(body, items, answers) == (body, {})
    answers.update({value_name(0): "75", value_name(1): "no", value_name(2): "1/4/2026", value_name(3): "27",
                    cell_name(4, 0, 1): "31", cell_name(4, 1, 0): "100", cell_name(4, 1, 1): "45",
                    cell_name(5, 1, 0): ""})
    new, problems = read_body(body, items, answers)
    assert problems == {}
    assert new == {"slot_in_min_job_match_percent": 75, "pro_rata": False, "starts": "2026-04-01",
                   "standby": {"weekday_night_gbp": "27"},
                   "bands": [{"from_dismissals": 20, "days": 31}, {"from_dismissals": 100, "days": 45}],
                   "kinds": ["promotion"], "odd": [[1, 2]]}
    assert body["bands"] == [{"from_dismissals": 20, "days": 30}]  # the old body is not touched
    bad = {**answers, value_name(0): "75.5", value_name(1): "perhaps", cell_name(4, 1, 1): "",
           cell_name(4, 0, 0): "", cell_name(4, 0, 1): ""}
    _, problems = read_body(body, items, bad)
    assert problems == {value_name(0): "Slot-in: minimum job match (%) must be a whole number",
                        value_name(1): "Choose yes or no for Pro rata",
                        cell_name(4, 1, 1): "Enter a value for Bands, row 2: days"}
    everything_blank = {**answers, cell_name(4, 0, 0): "", cell_name(4, 0, 1): "", cell_name(4, 1, 0): "",
                        cell_name(4, 1, 1): ""}
    assert read_body(body, items, everything_blank)[1] == {"t4": "Enter at least 1 row in Bands"}
    assert isinstance(items[4], Table) and items[4].rows == (("20", "30"),)


# -- statutory limits --------------------------------------------------------------------------------

def test_a_statutory_limit_gets_a_new_value_from_a_date(ctx):
    # The reference data holds the caps to £751 from 6 April 2026 (issue 14); next April's Order
    # is added the same way (£780 here is a made-up figure for the test).
    before = len(rules_admin.limit_values(CAP))
    added = rules_admin.add_limit_value(CAP, date(2027, 4, 6), "780", "Employment Rights (Increase of Limits) Order 2027",
                                        "Annual uprating")
    db.session.flush()
    values = rules_admin.limit_values(CAP)
    assert len(values) == before + 1 and values[0].id == added.id
    assert isinstance(added.value, Decimal) and added.value == Decimal(780)
    caps = redundancy.caps()
    assert week_pay_cap(caps, date(2027, 4, 5)) == Decimal(751)
    assert week_pay_cap(caps, date(2027, 4, 6)) == Decimal(780)
    event = _event("statutory_limit", added.id)
    assert event.action == "new_version" and event.reason == "Annual uprating"
    assert event.before["value"] == "751.00" and event.before["effective_from"] == "2026-04-06"
    assert event.after == {"id": added.id, "name": CAP, "effective_from": "2027-04-06", "value": "780",
                           "source": "Employment Rights (Increase of Limits) Order 2027"}


def test_a_statutory_limit_refuses_a_duplicate_or_earlier_date_and_a_bad_amount(ctx):
    assert _refused(lambda: rules_admin.add_limit_value(CAP, date(2026, 4, 6), "780", "", "x")) == {
        "effective_from": "There is already a value from 06/04/2026: choose a later date"}
    assert "must start after the latest one" in _refused(
        lambda: rules_admin.add_limit_value(CAP, date(2025, 12, 1), "780", "", "x"))["effective_from"]
    for text, message in [("0", "The value must be more than £0"), ("-10", "The value must be more than £0"),
                          ("seven hundred", "The value must be a number"),
                          ("751.005", "The value must be in pounds and pence, like 719 or 719.50")]:
        assert _refused(lambda text=text: rules_admin.add_limit_value(CAP, date(2027, 4, 6), text, "", "x")) == {
            "value": message}
    assert _refused(lambda: rules_admin.add_limit_value(CAP, date(2027, 4, 6), "780", "", " ")) == {
        "reason": "Enter the reason for the change"}
    assert db.session.scalar(select(StatutoryLimit).where(StatutoryLimit.effective_from == date(2027, 4, 6))) is None
    with pytest.raises(DomainError):
        rules_admin.add_limit_value("no_such_limit", date(2027, 4, 6), "1", "", "x")


# -- rule settings -----------------------------------------------------------------------------------

def test_a_rule_setting_gets_a_new_value_of_its_type_from_a_date(ctx):
    added = rules_admin.add_setting_value("aggregate_min_group_size", date(2026, 1, 1), "7", "", "Agreed with the unions")
    db.session.flush()
    assert rule_value("aggregate_min_group_size", date(2025, 12, 31)) == "5"
    assert rule_value("aggregate_min_group_size", date(2026, 1, 1)) == "7"
    assert added.description.startswith("Smallest group")  # kept when none is given
    event = _event("rule_setting", added.id)
    assert event.before["value"] == "5" and event.after["value"] == "7" and event.reason == "Agreed with the unions"
    assert _refused(lambda: rules_admin.add_setting_value("aggregate_min_group_size", date(2027, 1, 1), "7.5", "", "x")) \
        == {"value": "The value must be a whole number"}
    assert _refused(lambda: rules_admin.add_setting_value("on_cost_rate", date(2027, 1, 1), "28%%", "", "x")) == {
        "value": "The value must be a number"}
    assert _refused(lambda: rules_admin.add_setting_value("aggregate_min_group_size", date(2026, 1, 1), "8", "", "x")) \
        == {"effective_from": "There is already a value from 01/01/2026: choose a later date"}
    # A full-time week is read through Decimal(): a fraction is allowed although 37 is whole.
    rules_admin.add_setting_value("full_time_hours", date(2026, 4, 1), "36.5", "", "Reduced working week")
    assert rule_value("full_time_hours", date(2026, 4, 1)) == "36.5"


# -- policies ----------------------------------------------------------------------------------------

def test_a_policy_gets_a_new_version_and_the_old_one_ends_the_day_before(ctx):
    latest = rules_admin.policy_versions("assimilation", None)[0]
    items = rules_admin.policy_items(latest)
    answers = current_text(items)
    answers[value_name(_index(items, ("slot_in_min_job_match_percent",)))] = "75"
    answers[value_name(_index(items, ("slot_in_max_salary_drop_percent",)))] = "7.5"
    added = rules_admin.add_policy_version("assimilation", None, date(2026, 4, 1), answers, "", "Joint committee, March 2026")
    db.session.flush()
    assert latest.effective_to == date(2026, 3, 31)
    assert added.body["slot_in_min_job_match_percent"] == 75 and added.body["slot_in_max_salary_drop_percent"] == "7.5"
    assert added.name == "Joint assimilation from 01/04/2026" and added.source == "Joint committee, March 2026"
    assert restructures.policy("assimilation", None, date(2026, 3, 31)).id == latest.id
    assert restructures.policy("assimilation", None, date(2026, 4, 1)).id == added.id
    old, new = restructures.assimilation_policy(date(2026, 3, 31)), restructures.assimilation_policy(date(2026, 4, 1))
    assert (old.slot_in_min_job_match_percent, new.slot_in_min_job_match_percent) == (70, 75)
    assert new.slot_in_max_salary_drop_percent == Decimal("7.5")
    event = _event("policy", added.id)
    assert event.action == "new_version" and event.reason == "Joint committee, March 2026"
    assert event.before["effective_to"] is None and event.before["body"]["slot_in_min_job_match_percent"] == 70
    assert event.after["body"]["slot_in_min_job_match_percent"] == 75
    assert event.after["previous_id"] == latest.id and event.after["previous_effective_to"] == "2026-03-31"
    assert db.session.scalar(select(AuditEvent.id).where(AuditEvent.entity_type == "policy",
                                                         AuditEvent.entity_id == str(latest.id))) is None  # one event


def test_council_policies_and_tables_of_rows_by_date(ctx):
    ccdc = council("CCDC")
    latest = rules_admin.policy_versions("redundancy", ccdc.id)[0]
    items = rules_admin.policy_items(latest)
    answers = current_text(items)
    answers[value_name(_index(items, ("multiplier_of_statutory_weeks",)))] = "1.75"
    rules_admin.add_policy_version("redundancy", ccdc.id, date(2026, 4, 1), answers, "", "Cabinet decision")
    assert redundancy.council_policy(ccdc, date(2026, 3, 31)).multiplier_of_statutory_weeks == Decimal("1.5")
    assert redundancy.council_policy(ccdc, date(2026, 4, 1)).multiplier_of_statutory_weeks == Decimal("1.75")

    checklist = rules_admin.policy_versions("tupe_checklist", None)[0]
    items = rules_admin.policy_items(checklist)
    table = _index(items, ("items",))
    answers = current_text(items)
    for column in range(3):
        answers[cell_name(table, 3, column)] = ""  # the last step removed by blanking its row
    answers.update({cell_name(table, 0, 2): "90", cell_name(table, 4, 0): "pension_data",
                    cell_name(table, 4, 1): "Pension data sent", cell_name(table, 4, 2): "30"})
    rules_admin.add_policy_version("tupe_checklist", None, date(2026, 6, 1), answers, "", "New step")
    before, after = transfers.step_rules(date(2026, 5, 31)), transfers.step_rules(date(2026, 6, 1))
    # The measures first (reg. 13(4)); employee liability information is the law's, not a policy step.
    assert [s.key for s in before][-1] == "individual_letters" and before[0].days_before == 74
    assert [s.key for s in after] == ["measures_letter", "inform_representatives", "consultation_started",
                                      "pension_data"]
    assert after[0].days_before == 90 and after[-1].days_before == 30

    increments = rules_admin.policy_versions("increments", ccdc.id)[0]
    items = rules_admin.policy_items(increments)
    answers = {**current_text(items), value_name(_index(items, ("min_months_in_post",))): "3"}
    rules_admin.add_policy_version("increments", ccdc.id, date(2026, 4, 1), answers, "", "Shorter qualifying period")
    assert increment_policy(ccdc.id, date(2026, 3, 31)).min_months_in_post == 6
    assert increment_policy(ccdc.id, date(2026, 4, 1)).min_months_in_post == 3


def test_a_policy_version_refuses_bad_dates_and_values_and_pay_protection(ctx):
    latest = rules_admin.policy_versions("assimilation", None)[0]
    items = rules_admin.policy_items(latest)
    answers = current_text(items)
    index = _index(items, ("slot_in_min_job_match_percent",))
    problems = _refused(lambda: rules_admin.add_policy_version(
        "assimilation", None, latest.effective_from, {**answers, value_name(index): "seventy"}, "", ""))
    assert problems == {"effective_from": f"There is already a version from {latest.effective_from:%d/%m/%Y}: "
                                          "choose a later date",
                        "reason": "Enter the reason for the change",
                        value_name(index): "Slot-in: minimum job match (%) must be a whole number"}
    assert "must start after" in _refused(lambda: rules_admin.add_policy_version(
        "assimilation", None, date(1999, 1, 1), answers, "", "x"))["effective_from"]
    assert latest.effective_to is None and len(rules_admin.policy_versions("assimilation", None)) == 1
    with pytest.raises(DomainError, match="pay protection policies page"):
        rules_admin.add_policy_version("pay_protection", council("CCDC").id, date(2026, 4, 1), {}, "", "x")


# -- terms packages ----------------------------------------------------------------------------------

def test_a_terms_package_gets_a_new_version_and_protected_terms_stay_as_they_were(ctx):
    ccdc = council("CCDC")
    frozen = {t.id: dict(t.snapshot) for t in db.session.scalars(select(ProtectedTerms))}
    assert frozen  # the session data has transferred people on protected terms
    latest = rules_admin.package_versions(ccdc.id)[0]
    items = rules_admin.package_items(latest)
    answers = current_text(items)
    leave, clauses = _index(items, ("annual_leave",)), _index(items, ("clauses",))
    answers.update({value_name(_index(items, ("working_week_hours",))): "36.5",
                    cell_name(leave, 2, 1): "31", cell_name(leave, 3, 0): "15", cell_name(leave, 3, 1): "32",
                    cell_name(clauses, 0, 0): "Flexible working", cell_name(clauses, 0, 1): "Core hours 10 to 4."})
    added = rules_admin.add_package_version(ccdc.id, date(2026, 4, 1), "CCDC terms 2026", answers, "",
                                            "Harmonised leave")
    db.session.flush()
    assert latest.effective_to == date(2026, 3, 31)
    assert added.working_week_hours == "36.5"
    assert added.annual_leave == [{"from_years": 0, "days": 25}, {"from_years": 5, "days": 28},
                                  {"from_years": 10, "days": 31}, {"from_years": 15, "days": 32}]
    assert added.clauses == [{"title": "Flexible working", "text": "Core hours 10 to 4."}]
    assert added.notice == latest.notice and added.standby == latest.standby
    assert transfers.package_on(ccdc.id, date(2026, 3, 31)).id == latest.id
    assert transfers.package_on(ccdc.id, date(2026, 4, 1)).id == added.id
    assert transfers.entitlements(transfers.package_body(transfers.package_on(ccdc.id, date(2026, 4, 1))), 16, None)[
        "annual_leave_days"] == 32
    event = _event("terms_package", added.id)
    assert event.before["annual_leave"][-1] == {"from_years": 10, "days": 30} and event.before["effective_to"] is None
    assert event.after["annual_leave"][-1] == {"from_years": 15, "days": 32} and event.reason == "Harmonised leave"
    assert event.after["previous_effective_to"] == "2026-03-31"
    db.session.expire_all()
    assert {t.id: t.snapshot for t in db.session.scalars(select(ProtectedTerms))} == frozen


def test_a_terms_package_version_refuses_bad_rows_and_dates(ctx):
    ccdc = council("CCDC")
    latest = rules_admin.package_versions(ccdc.id)[0]
    items = rules_admin.package_items(latest)
    answers = current_text(items)
    leave, notice = _index(items, ("annual_leave",)), _index(items, ("notice",))
    answers.update({cell_name(leave, 0, 1): "twenty five", cell_name(leave, 3, 0): "20",
                    cell_name(notice, 0, 1): "1.5"})
    problems = _refused(lambda: rules_admin.add_package_version(ccdc.id, latest.effective_from, "", answers, "", "x"))
    assert problems == {
        "effective_from": f"There is already a version from {latest.effective_from:%d/%m/%Y}: choose a later date",
        "name": "Enter a name for this version",
        cell_name(leave, 0, 1): "Annual leave, row 1: days must be a whole number",
        cell_name(leave, 3, 1): "Enter a value for Annual leave, row 4: days",
        cell_name(notice, 0, 1): "Notice, row 1: months must be a whole number"}
    assert db.session.scalar(select(TermsPackage.id).where(TermsPackage.effective_from > latest.effective_from)) is None
    assert db.session.get(Policy, 1) is not None
