"""Pay protection records against hand-worked schedules (DOMAIN.md 3.5; issue 7).

The fixture: the NJC spine held for 2024/25 (reference data: SCP 20 £31,586, SCP 25 £35,235,
SCP 10 £26,835, SCP 11 £27,269) and a 2025/26 spine these tests add, as a pay award would
(SCP 20 £32,600). Every figure below is worked by hand from those values and the two
illustrative policies: CCDC tapered 12 months at 100% then 12 at 50% of the difference fixed
in cash; SBC cash-frozen 36 months at 100% of (old salary - new salary on the day).
A month pays annual / 12, and a part month (days at each rate) / (days in the month).
"""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from hrtool.errors import DomainError
from hrtool.extensions import db
from hrtool.models import AuditEvent, PaySpinePoint, Policy, Protection
from hrtool.services.people import employees
from hrtool.services.people.employees import AssignmentChange
from hrtool.services.protection import protections

from ..factories import assign, council, employ, evaluate, make_employee, make_post, own_terms

pytestmark = pytest.mark.usefixtures("ctx")
D = Decimal
START = date(2024, 10, 1)
OLD, NEW = D("35235"), D("31586")  # SCP 25 and SCP 20 in 2024/25: difference £3,649


def _award_2025(values: dict[int, str]) -> None:
    """The 2025/26 spine as a pay award would make it (only the points these tests use)."""
    for scp, salary in values.items():
        held = db.session.scalar(select(PaySpinePoint).where(PaySpinePoint.spine == "NJC", PaySpinePoint.scp == scp,
                                                             PaySpinePoint.pay_year_from == date(2025, 4, 1)))
        if held is None:
            db.session.add(PaySpinePoint(spine="NJC", pay_year_from=date(2025, 4, 1), scp=scp, annual_salary=D(salary)))
        else:
            held.annual_salary = D(salary)
    db.session.flush()


@pytest.fixture
def latest_year_2025():
    """Keep the tests independent of later spines someone may add: none after 2025/26."""
    later = db.session.scalars(select(PaySpinePoint).where(PaySpinePoint.pay_year_from > date(2025, 4, 1))).all()
    for point in later:
        db.session.delete(point)
    _award_2025({20: "32600", 10: "27700", 11: "28150", 25: "36350"})


def _person(code: str, hours: str = "37", scp: int = 20, start: date = START):
    post = make_post(code, "Licensing", title="Licensing Officer")
    employee = make_employee()
    employment = employ(employee, code, date(2015, 1, 5))
    own_terms(employment, date(2015, 1, 5))
    old_post = make_post(code, "Licensing", title="Senior Licensing Officer")
    assign(employment, old_post, date(2015, 1, 5), start - timedelta(days=1), scp=25, hours=hours)
    assignment = assign(employment, post, start, None, scp=scp, hours=hours)
    return employee, post, assignment


def _protect(employee, post, code: str, *, old=OLD, new=NEW, hours="37", scp=20, start=START) -> Protection:
    return protections.create_protection(
        employee_id=employee.id, start_date=start, source="restructure", source_ref="Test restructure",
        reason="", old_salary=old, new_salary=new, hours_per_week=D(hours), new_post_id=post.id, new_scp=scp,
        old_grade="Grade 8", new_grade="Grade 7")


def _payments(record: Protection) -> list[tuple[str, Decimal]]:
    return [(f"{r.month:%Y-%m}", r.payment) for r in record.months]


def test_tapered_keeps_the_difference_while_a_pay_award_raises_the_new_salary(latest_year_2025):
    employee, post, _ = _person("CCDC")
    record = _protect(employee, post, "CCDC")
    assert record.council.code == "CCDC"
    months = record.months
    assert len(months) == 24  # October 2024 to September 2026
    assert record.ends_on == date(2026, 10, 1)
    # Phase 1: £3,649 a year = £304.0833 a month -> £304.08, before and after the award.
    assert [m.payment for m in months[:12]] == [D("304.08")] * 12
    assert months[6].month == date(2025, 4, 1) and months[6].new_salary == D("32600.00")
    assert months[6].protection == D("3649.00")  # not eroded by the award
    # Phase 2: half of £3,649 = £1,824.50 a year = £152.0417 -> £152.04.
    assert [m.payment for m in months[12:]] == [D("152.04")] * 12
    assert [m.phase for m in months] == [1] * 12 + [2] * 12
    # 2026/27's spine is not held: April to September 2026 are projected.
    assert [m.projected for m in months] == [False] * 18 + [True] * 6


def test_cash_frozen_is_eroded_by_a_pay_award(latest_year_2025):
    employee, post, _ = _person("SBC")
    record = _protect(employee, post, "SBC")
    months = record.months
    assert len(months) == 36 and record.ends_on == date(2027, 10, 1)
    assert [m.payment for m in months[:6]] == [D("304.08")] * 6  # £3,649 / 12
    # From April 2025 the new salary is £32,600: £35,235 - £32,600 = £2,635 a year -> £219.58.
    assert months[6].protection == D("2635.00")
    assert {m.payment for m in months[6:]} == {D("219.58")}
    assert months[6].total == D("35235.00")


def test_part_time_hours_are_pro_rata(latest_year_2025):
    employee, post, _ = _person("CCDC", hours="18.5")
    record = _protect(employee, post, "CCDC", hours="18.5")
    months = record.months
    # Half of the full-time week: £1,824.50 a year in phase 1 -> £152.04; £912.25 in phase 2 -> £76.02.
    assert months[0].new_salary == D("15793.00") and months[0].protection == D("1824.50")
    assert {m.payment for m in months[:12]} == {D("152.04")}
    assert {m.payment for m in months[12:]} == {D("76.02")}


def test_a_change_of_hours_part_way_recomputes_with_an_audit_event(latest_year_2025):
    employee, post, assignment = _person("SBC")
    record = _protect(employee, post, "SBC")
    employees.change_assignment(assignment.id, AssignmentChange(date(2025, 1, 16), post.id, D("18.5"), 20, None,
                                                                "Reduced hours"))
    db.session.refresh(record)
    pay = dict(_payments(record))
    assert pay["2024-12"] == D("304.08")
    # January 2025: 15 days at £3,649 and 16 days at £1,824.50 a year, over 31 days:
    # (3649 x 15 + 1824.50 x 16) / (12 x 31) = 83,927 / 372 = £225.6102 -> £225.61.
    assert pay["2025-01"] == D("225.61")
    assert pay["2025-02"] == D("152.04")
    # From April 2025 at half time: (35,235 - 32,600) / 2 = £1,317.50 a year -> £109.79.
    assert pay["2025-04"] == D("109.79")
    event = db.session.scalars(select(AuditEvent).where(
        AuditEvent.entity_type == "protection", AuditEvent.entity_id == str(record.id),
        AuditEvent.action == "recompute")).one()
    assert event.reason.startswith("Change of post, hours or pay")
    assert event.employee_id == employee.id


def test_an_increment_that_catches_up_ends_protection(latest_year_2025):
    start = date(2024, 6, 1)
    employee, post, assignment = _person("CCDC", scp=10, start=start)
    record = _protect(employee, post, "CCDC", old=D("27269"), new=D("26835"), scp=10, start=start)
    assert record.ends_on == date(2025, 4, 1)  # the 2025 award takes SCP 10 to £27,700, above £27,269
    # An increment to SCP 11 (£27,269 in 2024/25) on 1 December 2024 reaches the old salary.
    employees.change_assignment(assignment.id, AssignmentChange(date(2024, 12, 1), post.id, D("37"), 11, None,
                                                                "Annual increment"))
    db.session.refresh(record)
    assert record.ends_on == date(2024, 12, 1)
    assert "new salary reaches" in record.end_reason
    # June to November 2024: £434 a year = £36.1667 a month -> £36.17, six months.
    assert _payments(record) == [(f"2024-{m:02d}", D("36.17")) for m in range(6, 12)]


def test_a_promotion_ends_protection_on_its_date(latest_year_2025):
    employee, post, _ = _person("SBC")
    record = _protect(employee, post, "SBC")
    protections.end_protection_early(record.id, "promotion", date(2025, 2, 10), "Promoted to Licensing Manager")
    assert record.ends_on == date(2025, 2, 10) and record.ended_early_kind == "promotion"
    assert "promoted" in record.end_reason
    pay = _payments(record)
    assert pay[:4] == [(m, D("304.08")) for m in ("2024-10", "2024-11", "2024-12", "2025-01")]
    # 1 to 9 February 2025: £3,649 / 12 x 9 / 28 = £97.7411 -> £97.74.
    assert pay[4] == ("2025-02", D("97.74")) and len(pay) == 5


def test_leaving_ends_protection_the_day_after_the_last_day(latest_year_2025):
    employee, post, assignment = _person("CCDC")
    record = _protect(employee, post, "CCDC")
    employees.record_leaver(assignment.employment_id, date(2025, 5, 31), "Resigned")
    assert record.ends_on == date(2025, 6, 1) and record.ended_early_kind == "leaving"
    assert record.months[-1].month == date(2025, 5, 1)


def test_a_changed_policy_applies_only_to_protections_starting_after_it(latest_year_2025):
    ccdc = council("CCDC")
    change = date(2029, 1, 1)  # after every protection the demo data starts
    current = protections.policy_in_force(ccdc.id, change)
    with pytest.raises(DomainError, match="already start on or after"):
        protections.save_policy_version(ccdc.id, date(2025, 1, 1), {
            "kind": "tapered", "phases": [{"months": "6", "share_of_difference": "1.0"}]}, "Too early")
    protections.save_policy_version(ccdc.id, change, {
        "kind": "tapered", "phases": [{"months": "6", "share_of_difference": "1.0"}],
        "ends_early_on": ["promotion", "leaving"], "pro_rata_for_hours": True}, "Shorter protection agreed")
    assert current.effective_to == date(2028, 12, 31)
    before_change = _protect(*_person("CCDC", start=date(2028, 12, 1))[:2], "CCDC", start=date(2028, 12, 1))
    after_change = _protect(*_person("CCDC", start=date(2029, 2, 1))[:2], "CCDC", start=date(2029, 2, 1))
    assert before_change.policy_id == current.id and len(before_change.months) == 24
    assert after_change.policy_id != current.id and len(after_change.months) == 6
    assert after_change.ends_on == date(2029, 8, 1)


def test_bad_input_is_refused():
    employee = make_employee()
    employ(employee, "SBC", date(2020, 1, 1))
    db.session.commit()  # each refusal rolls back its own unit of work, not the person
    with pytest.raises(DomainError, match="not lower"):
        protections.create_protection(employee_id=employee.id, start_date=START, source="manual", source_ref="",
                                      reason="Moved", old_salary=D("30000"), new_salary=D("30000"),
                                      hours_per_week=D("37"))
    with pytest.raises(DomainError, match="reason"):
        protections.create_protection(employee_id=employee.id, start_date=START, source="manual", source_ref="",
                                      reason=" ", old_salary=D("30000"), new_salary=D("29000"),
                                      hours_per_week=D("37"))


def test_protection_without_a_policy_is_refused():
    employee = make_employee()
    employ(employee, "SBC", date(2020, 1, 1))
    db.session.execute(Policy.__table__.update().where(Policy.kind == "pay_protection",
                                                       Policy.council_id == council("SBC").id)
                       .values(effective_to=date(2020, 1, 1)))
    with pytest.raises(DomainError, match="no pay protection policy"):
        protections.create_protection(employee_id=employee.id, start_date=START, source="manual", source_ref="",
                                      reason="Moved", old_salary=D("30000"), new_salary=D("29000"),
                                      hours_per_week=D("37"))


def test_a_re_evaluation_to_a_lower_grade_protects_holders_above_its_top(latest_year_2025):
    post = make_post("SBC", "Licensing", title="Licensing Team Leader", je_score=450)  # SBC Grade 8
    above, within = make_employee(), make_employee()
    for person, scp in ((above, 28), (within, 24)):
        employment = employ(person, "SBC", date(2015, 1, 5))
        assign(employment, post, date(2015, 1, 5), None, scp=scp)
    evaluate(post, "SBC", 410, date(2024, 10, 1), date(2026, 11, 1), "Duties reduced")
    assert post.grade == "Grade 7"  # SCP 23 to 25
    record = db.session.scalars(select(Protection).where(Protection.employee_id == above.id)).one()
    assert db.session.scalar(select(Protection.id).where(Protection.employee_id == within.id)) is None
    assert (record.source, record.old_grade, record.new_grade, record.new_scp) == ("re-evaluation", "Grade 8",
                                                                                  "Grade 7", 25)
    # SCP 28 £37,938 to SCP 25 £35,235 in 2024/25: £2,703 a year -> £225.25 a month, cash-frozen;
    # from April 2025 SCP 25 is £36,350: £1,588 a year -> £132.33.
    pay = dict(_payments(record))
    assert pay["2024-10"] == D("225.25") and pay["2025-04"] == D("132.33")
    held = employees.current_assignment(above.id, date(2024, 10, 1))
    assert held.scp == 25


def test_applying_a_pay_award_recomputes_schedules_with_an_audit_event():
    from hrtool.models import PayAward
    from hrtool.services.pay import pay_spines

    for point in db.session.scalars(select(PaySpinePoint).where(PaySpinePoint.pay_year_from >= date(2025, 4, 1))):
        db.session.delete(point)
    db.session.flush()
    employee, post, _ = _person("SBC")
    record = _protect(employee, post, "SBC")
    assert dict(_payments(record))["2025-04"] == D("304.08")  # 2025/26 not held: 2024/25 carried on
    assert record.months[6].projected
    award = db.session.scalars(select(PayAward).where(PayAward.pay_year_from == date(2025, 4, 1))).one()
    pay_spines.apply_award_to_spine(award, agreed_on=None, replace=False, reason="Provisional award")
    db.session.refresh(record)
    # 3.2% on £31,586 = £32,596.75, rounded half up to the pound: £32,597; £35,235 - £32,597 = £2,638
    # a year -> £219.83 a month.
    assert dict(_payments(record))["2025-04"] == D("219.83")
    assert not record.months[6].projected
    assert db.session.scalar(select(AuditEvent.reason).where(
        AuditEvent.entity_type == "protection", AuditEvent.entity_id == str(record.id),
        AuditEvent.action == "recompute")) == "Pay award for 2025/26 applied to the spine"
