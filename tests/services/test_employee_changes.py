"""Changing records: dated assignment changes, leavers, details with optimistic locking, audit."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from hrtool.errors import DomainError, StaleRecord
from hrtool.extensions import db
from hrtool.models import Assignment, AuditEvent, TermsRecord
from hrtool.services.people import employees
from hrtool.services.people.records import picture_on

from ..factories import assign, employ, make_employee, make_post, own_terms

pytestmark = pytest.mark.usefixtures("ctx")


@pytest.fixture
def person():
    post = make_post("SBC", "Licensing", title="Licensing Officer")
    employee = make_employee()
    employment = employ(employee, "SBC", date(2020, 4, 1))
    current = assign(employment, post, date(2020, 4, 1), None, scp=12, hours="37")
    own_terms(employment, date(2020, 4, 1))
    return employee, employment, current, post


def change(on: date, post_id: int, hours: str = "30", scp: int | None = 12, reason: str = "Flexible working"):
    return employees.AssignmentChange(on, post_id, Decimal(hours), scp, None, reason)


def test_change_from_a_future_date_keeps_history(person):
    employee, _employment, current, post = person
    new = employees.change_assignment(current.id, change(date(2027, 1, 6), post.id))
    assert current.effective_to == date(2027, 1, 5)
    assert (new.effective_from, new.effective_to, new.hours_per_week) == (date(2027, 1, 6), None, Decimal("30"))
    # What was true each day stays true.
    assert picture_on(employee.id, date(2027, 1, 5)).assignment.hours_per_week == Decimal("37")
    assert picture_on(employee.id, date(2027, 1, 6)).assignment.hours_per_week == Decimal("30")
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.employee_id == employee.id)).all()
    assert {(e.action, e.entity_type) for e in events} == {("update", "assignment"), ("create", "assignment")}
    closing = next(e for e in events if e.action == "update")
    assert closing.before == {"effective_to": None} and closing.after == {"effective_to": "2027-01-05"}
    assert all(e.reason == "Flexible working" for e in events)


@pytest.mark.parametrize("on, message", [
    (date(2020, 4, 1), "must start after the current record"),
    (date(2019, 1, 1), "must start after the current record"),
])
def test_change_must_start_after_the_current_record(person, on, message):
    _, _, current, post = person
    with pytest.raises(DomainError, match=message):
        employees.change_assignment(current.id, change(on, post.id))


def test_change_on_a_superseded_record_is_refused(person):
    _, _, current, post = person
    employees.change_assignment(current.id, change(date(2027, 1, 6), post.id))
    with pytest.raises(StaleRecord, match="A later change from 06/01/2027 already exists"):
        employees.change_assignment(current.id, change(date(2027, 2, 1), post.id, hours="20"))


def test_nothing_changed_is_refused(person):
    _, _, current, post = person
    with pytest.raises(DomainError, match="Nothing has changed"):
        employees.change_assignment(current.id, change(date(2027, 1, 6), post.id, hours="37"))


def test_a_post_of_the_other_council_is_refused(person):
    _, _, current, _ = person
    other = make_post("CCDC", "Licensing")
    with pytest.raises(DomainError, match="post of the person's employer"):
        employees.change_assignment(current.id, change(date(2027, 1, 6), other.id))


def test_reason_is_required(person):
    _, _, current, post = person
    with pytest.raises(DomainError, match="reason"):
        employees.change_assignment(current.id, change(date(2027, 1, 6), post.id, reason="  "))


def test_leaver_closes_employment_assignment_and_terms(person):
    employee, employment, current, _ = person
    employees.record_leaver(employment.id, date(2026, 6, 30), "resigned")
    assert employment.end_date == date(2026, 6, 30)
    assert current.effective_to == date(2026, 6, 30)
    terms = db.session.scalars(select(TermsRecord).where(TermsRecord.employment_id == employment.id)).one()
    assert terms.effective_to == date(2026, 6, 30)
    assert picture_on(employee.id, date(2026, 7, 1)).employment is None
    assert picture_on(employee.id, date(2026, 6, 30)).employment is not None
    with pytest.raises(DomainError, match="already ended"):
        employees.record_leaver(employment.id, date(2026, 7, 30), "resigned")


def test_leaver_before_a_later_change_is_refused(person):
    _, employment, current, post = person
    employees.change_assignment(current.id, change(date(2027, 1, 6), post.id))
    with pytest.raises(DomainError, match="after the leaving date"):
        employees.record_leaver(employment.id, date(2026, 12, 31), "resigned")
    assert db.session.scalar(select(Assignment).where(Assignment.employment_id == employment.id,
                                                      Assignment.effective_to.is_(None))) is not None


def test_details_update_is_audited_with_only_what_changed(person):
    employee = person[0]
    old_name = employee.last_name
    employees.update_details(employee.id, employee.version, {"last_name": "Okafor", "first_name": "Test"},
                             reason="Married name")
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.entity_type == "employee",
                                                        AuditEvent.employee_id == employee.id)).one()
    assert event.before == {"last_name": old_name}  # first_name was unchanged, so it is not listed
    assert event.after == {"last_name": "Okafor"} and event.reason == "Married name"
    assert employee.version == 2


def test_details_update_from_an_old_version_is_refused(person):
    employee = person[0]
    employees.update_details(employee.id, 1, {"phone": "01543 000001"})
    with pytest.raises(StaleRecord, match="changed this record while you were editing it"):
        employees.update_details(employee.id, 1, {"phone": "01543 000002"})
    assert employee.phone == "01543 000001"
