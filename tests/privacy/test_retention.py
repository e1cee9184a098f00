"""Retention: leavers' records fall due for deletion after the rule setting's years; deleting one
removes the personal data table by table, all or nothing, and the audit trail keeps the fact."""
from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import func, select, text

from hrtool.errors import DomainError
from hrtool.extensions import db
from hrtool.models import (
    AuditEvent,
    EmployeeCase,
    Employment,
    HarmonisationModel,
    Letter,
    ProtectedTerms,
    RecordView,
    User,
)
from hrtool.services.people import employees, retention, subject_access

from ..factories import assign, employ, make_employee, make_post, own_terms
from .helpers import EMPLOYEE, HR, password_confirmation_expired, sign_in_confirmed

LATER = date(2040, 1, 1)  # long after anyone in the demo could leave


def _leaver(left_on: date, **kw):
    employee = make_employee(**kw)
    employment = employ(employee, "SBC", date(2001, 4, 2), left_on, end_reason="resigned")
    own_terms(employment, date(2001, 4, 2), left_on)
    assign(employment, make_post("SBC"), date(2001, 4, 2), left_on)
    return employee


def _demo_employee_as_leaver(left_on: date) -> int:
    """The demo employee (on protected terms after a transfer, with a protection, letters and a
    login) leaves: the richest record the demo holds."""
    user = db.session.scalar(select(User).where(User.username == EMPLOYEE))
    employment = db.session.scalar(select(Employment).where(Employment.employee_id == user.employee_id,
                                                            Employment.end_date.is_(None)))
    employees.record_leaver(employment.id, left_on, "resigned")
    db.session.flush()
    return user.employee_id


@pytest.mark.usefixtures("ctx")
def test_leavers_fall_due_six_years_after_their_last_day():
    """Rule setting leaver_retention_years = 6 (from the reference data): a leaver whose last day
    was 31 March 2019 is due on 31 March 2025, not the day before."""
    assert retention.retention_years(date(2025, 1, 1)) == 6
    person = _leaver(date(2019, 3, 31))
    assert person.id not in {x.employee_id for x in retention.leavers_due(date(2025, 3, 30))}
    due = {x.employee_id: x for x in retention.leavers_due(date(2025, 3, 31))}
    assert due[person.id].status.due_on == date(2025, 3, 31) and due[person.id].status.left_on == date(2019, 3, 31)
    # Someone still employed is never due, however old their first employment.
    current = make_employee()
    employ(current, "SBC", date(1990, 1, 1), date(2000, 1, 1))
    employ(current, "CCDC", date(2000, 1, 2))
    assert current.id not in {x.employee_id for x in retention.leavers_due(LATER)}


@pytest.mark.usefixtures("ctx")
def test_an_open_case_holds_the_record():
    person = _leaver(date(2010, 6, 30))
    db.session.add(EmployeeCase(employee_id=person.id, kind="claim", opened_on=date(2010, 7, 1),
                                summary="Employment tribunal claim"))
    db.session.flush()
    leaver = retention.status_of(person.id, date(2025, 1, 1))
    assert leaver.status.held_by == ("1 open case or claim",)
    with pytest.raises(DomainError, match="held"):
        retention.erase(person.id, "retention review", date(2025, 1, 1))


@pytest.mark.usefixtures("ctx")
def test_a_record_not_yet_due_cannot_be_deleted():
    person = _leaver(date(2022, 1, 31))
    with pytest.raises(DomainError, match="not due"):
        retention.erase(person.id, "retention review", date(2025, 1, 1))


@pytest.mark.usefixtures("ctx")
def test_deleting_removes_every_row_about_the_person_and_keeps_the_audit_of_the_fact():
    own = _demo_employee_as_leaver(date(2026, 5, 31))
    found = subject_access.collect(own)
    assert {"employments", "assignments", "terms_records", "protected_terms", "transfer_members"} <= set(found)
    trail_before = db.session.scalar(select(func.count()).where(AuditEvent.employee_id == own))
    db.session.add(RecordView(at=func.now(), viewer_label="Someone", employee_id=own, page="staff.employee", path="/"))
    letters_before = db.session.scalar(select(func.count(Letter.id)))
    own_letters = db.session.scalar(select(func.count()).where(Letter.employee_id == own))
    others = db.session.scalar(select(func.count(Employment.id)).where(Employment.employee_id != own))

    summary = retention.erase(own, "Retention review 2033", date(2033, 1, 1))
    db.session.flush()

    assert subject_access.collect(own) == {}  # nothing the walk can find is left
    assert db.session.scalar(select(func.count()).where(ProtectedTerms.employee_id == own)) == 0
    assert db.session.scalar(select(func.count(Letter.id))) == letters_before - own_letters
    assert db.session.scalar(select(func.count(Employment.id))) == others  # nobody else touched
    user = db.session.scalar(select(User).where(User.username.like("erased-%")))
    assert user.employee_id is None and not user.active and user.display_name == "Deleted account"
    assert db.session.scalar(select(User).where(User.username == EMPLOYEE)) is None
    # The trail about them is kept whole, plus the erase event, which holds no personal data.
    assert db.session.scalar(select(func.count()).where(AuditEvent.employee_id == own)) == trail_before + 1
    assert db.session.scalar(select(func.count()).where(RecordView.employee_id == own)) == 1
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "erase")).one()
    assert (event.entity_type, event.entity_id, event.employee_id) == ("employee", str(own), own)
    assert event.reason == "Retention review 2033" and event.after == summary
    assert event.after["rule"] == "leaver_retention_years" and event.after["years"] == 6
    assert event.after["due_on"] == "2032-05-31" and event.after["deleted"]["employees"] == 1
    text_of_event = json.dumps(event.after)
    assert "@" not in text_of_event and "Demo" not in text_of_event
    # Saved harmonisation results no longer list them.
    for model in db.session.scalars(select(HarmonisationModel)):
        assert not subject_access.embedded_entries(model, own)


@pytest.mark.usefixtures("ctx")
def test_deletion_is_all_or_nothing(monkeypatch):
    """A failure part way (here, deleting the employee row itself) leaves everything as it was,
    the erase event included."""
    own = _demo_employee_as_leaver(date(2026, 5, 31))
    db.session.commit()  # a savepoint in the test's transaction
    before = {name: len(ids) for name, ids in subject_access.collect(own).items()}
    real_delete = retention.delete

    def failing_delete(table):
        if getattr(table, "name", "") == "employees":
            raise RuntimeError("disk full")
        return real_delete(table)

    monkeypatch.setattr(retention, "delete", failing_delete)
    with pytest.raises(RuntimeError):
        retention.erase(own, "Retention review", LATER)
    db.session.rollback()
    assert {name: len(ids) for name, ids in subject_access.collect(own).items()} == before
    assert db.session.scalar(select(func.count()).where(AuditEvent.action == "erase")) == 0
    assert db.session.scalar(select(User.employee_id).where(User.username == EMPLOYEE)) == own


@pytest.mark.usefixtures("ctx")
def test_immutable_tables_still_refuse_deletion_for_anyone_not_erased():
    """The exception in the triggers is only for a person whose erasure is in the audit trail."""
    snapshot = db.session.scalars(select(ProtectedTerms)).first()
    letter = db.session.scalars(select(Letter).where(Letter.employee_id.is_not(None))).first()
    for sql in ([f"DELETE FROM protected_terms WHERE id = {snapshot.id}"] if snapshot else []) + \
               ([f"DELETE FROM letters WHERE id = {letter.id}"] if letter else []) + \
               ["UPDATE audit_events SET reason = 'x'"]:
        savepoint = db.session.begin_nested()
        with pytest.raises(Exception, match=r"immutable|append-only"):
            db.session.execute(text(sql))
        savepoint.rollback()


def test_hr_deletes_a_due_record_from_the_retention_page(app, client):
    with app.app_context():
        person = _leaver(date(2012, 8, 31), last_name="Retentiontest")
        person_id = person.id
        db.session.commit()
    sign_in_confirmed(client, HR)
    listing = client.get("/retention/").get_data(as_text=True)
    assert "Retentiontest" in listing and "31 August 2018" in listing
    form = client.get(f"/retention/{person_id}/delete")
    assert form.status_code == 200
    refused = client.post(f"/retention/{person_id}/delete", data={"reason": ""})
    assert refused.status_code == 400
    assert "Give the reason" in refused.get_data(as_text=True)
    assert "Confirm that you understand" in refused.get_data(as_text=True)
    done = client.post(f"/retention/{person_id}/delete", data={"reason": "Annual review", "confirm": "y"})
    assert done.status_code == 302
    assert "Retentiontest" not in client.get("/retention/").get_data(as_text=True)
    assert client.get(f"/retention/{person_id}/delete").status_code == 404
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "erase",
                                                            AuditEvent.employee_id == person_id)).one()
        assert event.reason == "Annual review" and event.actor_label != "system"


def test_deleting_asks_for_the_password(app, client, auth):
    auth.as_role("hr")
    password_confirmation_expired(app, client)
    response = client.get("/retention/1/delete")
    assert response.status_code == 302 and "/confirm-password" in response.location


def test_cli_retention_check(app):
    with app.app_context():
        person = _leaver(date(2015, 3, 31))
        person_id = person.id
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["retention", "check", "--on", "2021-03-31"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["years"] == 6 and report["rule"] == "leaver_retention_years"
    record = next(r for r in report["records"] if r["employee_id"] == person_id)
    assert record == {"employee_id": person_id, "person_number": record["person_number"],
                      "left_on": "2015-03-31", "due_on": "2021-03-31", "held_by": []}
    before = app.test_cli_runner().invoke(args=["retention", "check", "--on", "2021-03-30"])
    assert person_id not in {r["employee_id"] for r in json.loads(before.output)["records"]}
    bad = app.test_cli_runner().invoke(args=["retention", "check", "--on", "31/03/2021"])
    assert bad.exit_code == 2 and "YYYY-MM-DD" in bad.output
