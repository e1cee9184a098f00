"""Pay protection schedules that follow their sources (issue 13), checked against hand-worked
figures from DOMAIN.md 3.5 and the reference NJC spine (hrtool/reference_data/njc_pay_spine.csv).

The figures used:
- 2024/25 spine (reference data): SCP 20 £31,586, SCP 21 £32,115, SCP 25 £35,235.
- 2025/26 spine: the provisional award in the reference data (njc_pay_awards.csv), 3.2% on every
  point rounded half up to the pound (rule setting spine_rounding = 1):
  SCP 20: 31,586 x 1.032 = 32,596.752 -> £32,597; SCP 25: 35,235 x 1.032 = 36,362.52 -> £36,363.
- CCDC's illustrative policy: tapered, 12 months at 100% then 12 at 50% of the difference fixed in
  cash on the start date. SBC's: cash-frozen, 36 months at 100% of (old salary - new salary).
- A month pays the annual amount / 12, rounded half up to the penny.

Each test runs with "today" (the day of a change, which decides which months count as paid)
fixed by monkeypatching services.derived.today.
"""
from __future__ import annotations

import io
import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from pypdf import PdfReader
from sqlalchemy import select, text

from hrtool.extensions import db
from hrtool.models import (
    AuditEvent,
    PayAward,
    PaySpinePoint,
    Protection,
    ProtectionAdjustment,
    ProtectionMonthRow,
)
from hrtool.services.pay import pay_spines
from hrtool.services.people.employees import AssignmentChange, change_assignment
from hrtool.services.platform import check, derived
from hrtool.services.protection import protection_statements, protections
from hrtool.services.restructures import restructures

from ..factories import assign, employ, make_employee, make_post, own_terms

pytestmark = pytest.mark.usefixtures("ctx")
D = Decimal
START = date(2025, 10, 1)
AWARD_2025 = date(2025, 4, 1)


@pytest.fixture
def only_2024_spine(monkeypatch):
    """The spine as held before the 2025/26 award: 2024/25 is the latest year; 'today' is
    15 January 2026, so October to December 2025 have been paid and January 2026 has not."""
    for point in db.session.scalars(select(PaySpinePoint).where(PaySpinePoint.pay_year_from >= AWARD_2025)):
        db.session.delete(point)
    db.session.commit()
    monkeypatch.setattr(derived, "today", lambda: date(2026, 1, 15))


def _person(code: str, *, hours: str = "37", start: date = START):
    """On SCP 25 in a senior post until the day before `start`, then SCP 20 in a lower post."""
    employee = make_employee()
    employment = employ(employee, code, date(2015, 1, 5))
    own_terms(employment, date(2015, 1, 5))
    old_post = make_post(code, "Licensing", title="Senior Licensing Officer")
    post = make_post(code, "Licensing", title="Licensing Officer")
    assign(employment, old_post, date(2015, 1, 5), start - timedelta(days=1), scp=25, hours=hours)
    assignment = assign(employment, post, start, None, scp=20, hours=hours)
    return employee, employment, post, assignment


def _protect(code: str, **kw) -> Protection:
    """A protection recorded while only 2024/25 is held: SCP 25 £35,235 to SCP 20 £31,586."""
    employee, _, post, _ = _person(code, **kw)
    record = protections.create_protection(
        employee_id=employee.id, start_date=kw.get("start", START), source="restructure",
        source_ref="Licensing review", reason="", old_salary=D("35235"), new_salary=D("31586"),
        hours_per_week=D(kw.get("hours", "37")), new_post_id=post.id, old_grade="Grade 8", new_grade="Grade 7")
    db.session.commit()  # recorded in one action; what follows are later actions
    return record


def _apply_2025_award() -> None:
    award = db.session.scalars(select(PayAward).where(PayAward.pay_year_from == AWARD_2025)).one()
    pay_spines.apply_award_to_spine(award, agreed_on=None, replace=False, reason="Employers' offer")


def _payments(record: Protection) -> dict[str, Decimal]:
    db.session.refresh(record)
    return {f"{r.month:%Y-%m}": r.payment for r in record.months}


def _no_drift() -> None:
    report = check.run(date(2026, 1, 15), ["protection_schedules"])
    assert report.ok, report.drift[:5]


def test_cash_frozen_schedule_takes_a_back_dated_award_with_adjustments_for_months_paid(only_2024_spine):
    record = _protect("SBC")
    assert (record.old_scp, record.new_scp) == (25, 20)
    # Before the award: 2024/25 carried on (projected). 35,235 - 31,586 = 3,649 a year -> 304.0833 -> £304.08.
    assert set(_payments(record).values()) == {D("304.08")}
    _apply_2025_award()
    db.session.refresh(record)
    # The start-date salaries are 2025/26's now: £36,363 and £32,597, a difference of £3,766 a year:
    # 3,766 / 12 = 313.8333 -> £313.83 a month, in every month (both follow the same spine).
    assert (record.old_salary, record.new_salary) == (D("36363.00"), D("32597.00"))
    pay = _payments(record)
    assert set(pay.values()) == {D("313.83")} and len(pay) == 36 and record.ends_on == date(2028, 10, 1)
    # October to December 2025 were paid at £304.08: £9.75 a month underpaid; January 2026 was not
    # paid yet on 15 January, so it simply changes.
    adjustments = [(f"{a.month:%Y-%m}", a.paid, a.due, a.difference) for a in record.adjustments]
    assert adjustments == [(m, D("304.08"), D("313.83"), D("9.75")) for m in ("2025-10", "2025-11", "2025-12")]
    assert all(a.recorded_on == date(2026, 1, 15) for a in record.adjustments)
    st = protection_statements.statement(record)
    assert [a.text for a in st.adjustments] == [
        "Underpaid £29.25 for October 2025 to December 2025: to be paid in the next pay"]
    assert [m.adjusted for m in st.months[:4]] == [True, True, True, False]
    reasons = set(db.session.scalars(select(AuditEvent.reason).where(
        AuditEvent.entity_type == "protection", AuditEvent.entity_id == str(record.id),
        AuditEvent.action.in_(["recompute", "adjust"]))))
    assert reasons == {"Pay award for 2025/26 applied to the spine"}
    _no_drift()


def test_tapered_schedule_takes_a_back_dated_award_in_its_fixed_difference(only_2024_spine):
    record = _protect("CCDC")
    # Before: 3,649 fixed -> £304.08 for 12 months, then half, 1,824.50 -> 152.0417 -> £152.04.
    pay = _payments(record)
    assert pay["2025-10"] == D("304.08") and pay["2026-10"] == D("152.04")
    _apply_2025_award()
    # After: the difference on the start date is 36,363 - 32,597 = 3,766, fixed: £313.83 a month
    # from October 2025 to September 2026, then 1,883 / 12 = 156.9167 -> £156.92 to September 2027.
    pay = _payments(record)
    assert [pay[f"2025-{m}"] for m in ("10", "11", "12")] == [D("313.83")] * 3
    assert pay["2026-09"] == D("313.83") and pay["2026-10"] == D("156.92") and pay["2027-09"] == D("156.92")
    assert len(pay) == 24 and record.ends_on == date(2027, 10, 1)
    st = protection_statements.statement(record)
    assert [a.text for a in st.adjustments] == [
        "Underpaid £29.25 for October 2025 to December 2025: to be paid in the next pay"]
    # The text names the new salaries and the phases the schedule reaches.
    words = " ".join(st.words)
    assert "old salary (£36,363.00 a year)" in words and "new salary (£32,597.00 a year)" in words
    assert ("from 1 October 2025 to 30 September 2026, the whole of it (£3,766.00 a year); then from "
            "1 October 2026 to 30 September 2027, half of it (£1,883.00 a year)") in words
    _no_drift()


def test_an_overpayment_is_recorded_when_an_early_ending_is_recorded_late(only_2024_spine):
    record = _protect("SBC")
    # A promotion from 1 December 2025 recorded on 15 January 2026: December was paid (£304.08) and
    # is now due nothing.
    protections.end_protection_early(record.id, "promotion", date(2025, 12, 1), "Promoted to team leader")
    db.session.refresh(record)
    assert record.ends_on == date(2025, 12, 1) and list(_payments(record)) == ["2025-10", "2025-11"]
    [adjustment] = record.adjustments
    assert (adjustment.month, adjustment.paid, adjustment.due) == (date(2025, 12, 1), D("304.08"), D("0.00"))
    assert protection_statements.statement(record).adjustments[0].text == (
        "Overpaid £304.08 for December 2025: to be recovered from the next pay")
    _no_drift()


# -- every source reaches the schedule through services/platform/derived.py -------------------------------
# Each change below is written through the ORM only (no service that recomputes), then committed:
# `derived` must notice it and recompute the schedule before the commit.

def test_an_increment_written_directly_reaches_the_schedule(only_2024_spine):
    record = _protect("SBC")
    open_assignment = protections._assignments(record, protections._employments(record))[-1]
    open_assignment.effective_to = date(2026, 3, 31)
    db.session.add(type(open_assignment)(employment_id=open_assignment.employment_id,
                                         post_id=open_assignment.post_id, hours_per_week=D("37"), scp=21,
                                         effective_from=date(2026, 4, 1), reason="Annual increment"))
    db.session.commit()
    # From April 2026 SCP 21 (£32,115, 2024/25 carried on): 35,235 - 32,115 = 3,120 -> £260.00.
    pay = _payments(record)
    assert pay["2026-03"] == D("304.08") and pay["2026-04"] == D("260.00")
    assert record.adjustments == []  # April 2026 is still to come on 15 January 2026
    reason = db.session.scalar(select(AuditEvent.reason).where(
        AuditEvent.entity_type == "protection", AuditEvent.entity_id == str(record.id),
        AuditEvent.action == "recompute"))
    assert reason == "Change of post, hours or pay from 01/04/2026: Annual increment"
    _no_drift()


def test_a_change_of_hours_through_the_service_reaches_the_schedule(only_2024_spine):
    record = _protect("SBC")
    assignment = protections._assignments(record, protections._employments(record))[-1]
    change_assignment(assignment.id, AssignmentChange(date(2026, 2, 1), assignment.post_id, D("18.5"), 20, None,
                                                      "Reduced hours"))
    # From February 2026 at half time: 3,649 / 2 = 1,824.50 -> £152.04.
    pay = _payments(record)
    assert pay["2026-01"] == D("304.08") and pay["2026-02"] == D("152.04")
    _no_drift()


def test_a_change_of_scp_on_the_start_date_changes_the_start_date_salary(only_2024_spine):
    record = _protect("CCDC")
    assignment = protections._assignments(record, protections._employments(record))[-1]
    # HR corrects the record: the new point was SCP 21 (£32,115) from the start. Written directly.
    assignment.scp = 21
    db.session.commit()
    db.session.refresh(record)
    # 35,235 - 32,115 = 3,120 a year, fixed: 3,120 / 12 = £260.00; the three months paid at £304.08
    # are adjusted by 260.00 - 304.08 = -£44.08 each.
    assert (record.new_scp, record.new_salary) == (21, D("32115.00"))
    assert _payments(record)["2025-10"] == D("260.00")
    assert [a.difference for a in record.adjustments] == [D("-44.08")] * 3
    _no_drift()


def test_a_leaver_written_directly_ends_the_schedule(only_2024_spine):
    record = _protect("SBC")
    employment = protections._employments(record)[0]
    employment.end_date, employment.end_reason = date(2026, 2, 28), "Resigned"
    db.session.commit()
    db.session.refresh(record)
    assert record.ends_on == date(2026, 3, 1) and "left the council's employment" in record.end_reason
    assert list(_payments(record))[-1] == "2026-02"
    _no_drift()


def test_a_spine_value_corrected_directly_reaches_the_schedule(only_2024_spine):
    record = _protect("SBC")
    point = db.session.scalars(select(PaySpinePoint).where(
        PaySpinePoint.pay_year_from == date(2024, 4, 1), PaySpinePoint.scp == 20)).one()
    point.annual_salary = D("31600")
    db.session.commit()
    db.session.refresh(record)
    # 35,235 - 31,600 = 3,635 -> 302.9167 -> £302.92, and the months paid are adjusted (£1.16 each).
    assert record.new_salary == D("31600.00") and _payments(record)["2025-10"] == D("302.92")
    assert [a.difference for a in record.adjustments] == [D("-1.16")] * 3
    _no_drift()


# -- a chief officer on local pay ------------------------------------------------------------------

def test_a_chief_officers_statement_text_table_and_pdf_agree(monkeypatch):
    monkeypatch.setattr(derived, "today", lambda: date(2026, 12, 3))
    officer = make_employee(first_name="Dana", last_name="Whitfield")
    employment = employ(officer, "CCDC", date(2012, 6, 1))
    own_terms(employment, date(2012, 6, 1))
    head = make_post("CCDC", "Licensing", title="Head of Environmental Health")
    held = assign(employment, head, date(2012, 6, 1), None, scp=None)
    held.local_salary = D("78400")
    db.session.flush()
    review = restructures.create_restructure("Senior review (test)", "", date(2027, 4, 1))
    restructures.add_post(review, {"side": "current", "title": "Head of Environmental Health",
                                   "post_number": head.post_number, "band_min": D("78400"), "band_max": D("78400")})
    new = restructures.add_post(review, {"side": "proposed", "title": "Head of Regulatory Services",
                                         "band_min": D("75000"), "band_max": D("85000")})
    made = restructures.record_appointment(review, {"proposed_post_id": new.id, "employee_id": officer.id,
                                                    "outcome": "appointed", "start_date": date(2027, 4, 1),
                                                    "salary": D("75000")}, date(2026, 12, 3))
    record = db.session.get(Protection, made.protection_id)
    st = protection_statements.statement(record)
    # CCDC tapered: 78,400 - 75,000 = 3,400 a year fixed. 1 April 2027 to 31 March 2028 the whole:
    # 3,400 / 12 = 283.3333 -> £283.33; 1 April 2028 to 31 March 2029 half: 1,700 / 12 = 141.6667
    # -> £141.67. Local pay: no pay award moves the new salary, which stays £75,000 and never
    # reaches £78,400, so protection runs its full 24 months. (The old defect: the old post's
    # assignment, still open at £78,400, was followed from the first 1 April and "caught up".)
    assert (record.old_scp, record.new_scp) == (None, None)
    assert record.ends_on == date(2029, 4, 1) and "policy comes to an end" in record.end_reason
    assert [m.payment for m in st.months] == [D("283.33")] * 12 + [D("141.67")] * 12
    assert {m.new_salary for m in st.months} == {D("75000.00")}
    assert not any(m.projected for m in st.months)  # local pay follows no spine: nothing to project
    assert [m.total for m in st.months] == [D("78400.00")] * 12 + [D("76700.00")] * 12
    words = " ".join(st.words)
    assert "yours is protected for 24 months, from 1 April 2027 to 31 March 2029" in words
    assert ("from 1 April 2027 to 31 March 2028, the whole of it (£3,400.00 a year); then from 1 April 2028 to "
            "31 March 2029, half of it (£1,700.00 a year)") in words
    assert "Your last day of protection is 31 March 2029" in words and "new salary reaches" not in words
    facts = dict(st.facts)
    assert facts["Before"].startswith("Local pay (not on the pay spine), band £78,400: £78,400.00 a year")
    assert facts["After"].startswith("Local pay (not on the pay spine), band £75,000 to £85,000: £75,000.00 a year")
    # The PDF says the same: the same length, phases, end and amounts, and no "Grade £78,400 to ...".
    pdf = protection_statements.statement_pdf(officer.id, date(2026, 12, 3))
    pdf_text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages)
    for phrase in ("24 months", "31 March 2029", "the whole of it (£3,400.00 a year)", "half of it (£1,700.00 a year)",
                   "£283.33", "£141.67", "£75,000.00", "band £75,000 to £85,000"):
        assert phrase in pdf_text, phrase
    assert pdf_text.count("£283.33") == 12 and pdf_text.count("£141.67") == 12
    assert "Grade £78,400" not in pdf_text and "new salary reaches" not in pdf_text
    # HR then moves the officer to the new post on the record from the start date: nothing changes.
    new_post = make_post("CCDC", "Licensing", title="Head of Regulatory Services")
    change_assignment(held.id, AssignmentChange(date(2027, 4, 1), new_post.id, D("37"), None, D("75000"),
                                                "Appointed in the senior review"))
    db.session.refresh(record)
    assert [m.payment for m in record.months] == [D("283.33")] * 12 + [D("141.67")] * 12


# -- the command line ------------------------------------------------------------------------------

def test_the_commands_print_json_and_go_through_the_services(app, only_2024_spine):
    record = _protect("SBC")
    runner = app.test_cli_runner()
    applied = runner.invoke(args=["pay", "apply-award", "--pay-year", "2025", "--reason", "Offer"])
    assert applied.exit_code == 0, applied.output
    assert json.loads(applied.output) == {"pay_year": "2025/26", "created": 42, "changed": 0, "removed": 0,
                                          "provisional": False}  # agreed on 23 July 2025 (issue 14)
    again = runner.invoke(args=["pay", "apply-award", "--pay-year", "2025"])
    assert again.exit_code == 2 and "already exists" in again.output
    assert runner.invoke(args=["pay", "apply-award", "--pay-year", "2031"]).exit_code == 2
    report = runner.invoke(args=["report", "protections", "--on", "2026-01-15"])
    assert report.exit_code == 0, report.output
    entries = json.loads(report.output)
    [ours] = [e for e in entries if e["id"] == record.id]
    assert set(ours) >= {"id", "person_number", "policy", "start", "end", "end_reason", "months", "adjustments"}
    assert (ours["start"], ours["end"], ours["policy"]) == ("2025-10-01", "2028-09-30", "SBC pay protection")
    assert ours["months"][0] == {"month": "2025-10", "protected_salary": "36363.00", "current_salary": "32597.00",
                                 "payment": "313.83"}
    assert ours["adjustments"][0] == {"month": "2025-10", "paid": "304.08", "due": "313.83", "difference": "9.75",
                                      "recorded_on": "2026-01-15",
                                      "why": "Pay award for 2025/26 applied to the spine"}
    assert all(e["start"] <= "2026-01-15" <= (e["end"] or "9999") for e in entries)
    bad = runner.invoke(args=["report", "protections", "--on", "15/01/2026"])
    assert bad.exit_code == 2 and "YYYY-MM-DD" in bad.output


# -- hrtool check ----------------------------------------------------------------------------------

def test_check_reports_a_month_an_adjustment_and_a_start_salary_altered_with_sql(only_2024_spine):
    record = _protect("SBC")
    _apply_2025_award()
    _no_drift()
    month = db.session.scalars(select(ProtectionMonthRow).where(ProtectionMonthRow.protection_id == record.id)
                               .order_by(ProtectionMonthRow.month).limit(1)).one()
    adjustment = db.session.scalars(select(ProtectionAdjustment).where(
        ProtectionAdjustment.protection_id == record.id).order_by(ProtectionAdjustment.id).limit(1)).one()
    db.session.execute(text("UPDATE protection_months SET payment = 300 WHERE id = :id"), {"id": month.id})
    db.session.execute(text("UPDATE protection_adjustments SET difference = 1 WHERE id = :id"), {"id": adjustment.id})
    db.session.execute(text("UPDATE protections SET old_salary = 35235 WHERE id = :id"), {"id": record.id})
    db.session.expire_all()
    report = check.run(date(2026, 1, 15), ["protection_schedules"])
    found = {(d.id, d.field, d.held, d.recomputed) for d in report.drift}
    ref = f"protection {record.id}"
    assert (f"{ref} 2025-10", "payment", "300.00", "313.83") in found
    assert (f"{ref} 2025-10", "difference", "1.00", "9.75") in found
    assert (f"{ref} 2025-10", "due", "313.83", "300.00") in found  # the month no longer holds what is due
    assert (ref, "old_salary", "35235.00", "36363.00") in found


def test_recording_by_hand_follows_the_record(only_2024_spine):
    employee, _, post, _ = _person("SBC")
    db.session.commit()
    # The record shows SCP 20 (£31,586) from the start date, so a different new salary is refused.
    with pytest.raises(protections.DomainError) as refused:
        protections.record_by_hand(person_number=employee.person_number, start_date=START, source="manual",
                                   reason="Redeployed", old_salary=D("35235"), new_salary=D("30000"),
                                   hours_per_week=D("37"))
    assert refused.value.field == "new_salary" and "£31,586.00" in refused.value.message
    with pytest.raises(protections.DomainError) as refused:
        protections.record_by_hand(person_number=employee.person_number, start_date=START, source="manual",
                                   reason="Redeployed", old_salary=D("35000"), new_salary=D("31586"),
                                   hours_per_week=D("37"), old_scp=25)
    assert refused.value.field == "old_scp" and "£35,235.00" in refused.value.message
    record = protections.record_by_hand(person_number=employee.person_number, start_date=START, source="manual",
                                        reason="Redeployed", old_salary=D("35235"), new_salary=D("31586"),
                                        hours_per_week=D("37"))
    assert (record.old_scp, record.new_scp, record.new_post_id) == (25, 20, post.id)
