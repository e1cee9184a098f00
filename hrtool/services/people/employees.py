"""Changes to a person's record: details, dated assignment changes, corrections and leaving (and
finding people by person number or id).

Each function is one user action: it checks the change against the record the user was looking
at (optimistic locking), applies it as new dated records or an audited correction, and writes
audit events, as one unit of work (`@transaction`): committed once, or rolled back whole."""
from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from ...errors import DomainError, StaleRecord
from ...extensions import db
from ...models import Assignment, Employee, Employment, Post, TermsRecord
from ..platform import audit
from ..platform.unit_of_work import transaction
from ..protection.protections import end_for_leaver
from ..rules import date_windows
from .records import current_assignment as current_assignment  # its home is records; kept here for callers

DETAIL_FIELDS = ["first_name", "last_name", "date_of_birth", "sex", "email", "phone", "address", "postcode",
                 "continuous_service_date", "redundancy_service_date", "trade_union_id"]
DETAIL_LABELS = {"first_name": "First name", "last_name": "Last name", "date_of_birth": "Date of birth",
                 "sex": "Sex", "email": "Email", "phone": "Phone", "address": "Address", "postcode": "Postcode",
                 "continuous_service_date": "Continuous service date",
                 "redundancy_service_date": "Service date for redundancy", "trade_union_id": "Trade union"}


def _actor_id() -> int | None:
    actor_id, _ = audit._actor()
    return actor_id


@transaction
def update_details(employee_id: int, seen_version: int, values: dict[str, Any], reason: str = "") -> Employee:
    """Change a person's details. Refused if someone saved the record since `seen_version`."""
    date_windows.check_details(values)
    employee = db.session.get(Employee, employee_id)
    if employee is None:
        raise DomainError("That employee no longer exists")
    if employee.version != seen_version:
        raise StaleRecord(_stale_message(employee_id, since_version=seen_version))
    if values.get("redundancy_service_date") is not None:  # earlier local-government service
        from ..restructures.redundancy import service_date_problem

        found = service_date_problem(values["redundancy_service_date"],
                                     values.get("continuous_service_date") or employee.continuous_service_date,
                                     values.get("date_of_birth") or employee.date_of_birth)
        if found:
            raise DomainError(found, field="redundancy_service_date")
    before = audit.snapshot(employee, DETAIL_FIELDS)
    for name in DETAIL_FIELDS:
        if name in values:
            setattr(employee, name, values[name])
    after = audit.snapshot(employee, DETAIL_FIELDS)
    was, now = audit.changed(before, after)
    if not now:
        return employee
    try:
        db.session.flush()  # the version column makes this UPDATE fail if another save won the race
    except StaleDataError:
        db.session.rollback()
        raise StaleRecord(_stale_message(employee_id, since_version=seen_version)) from None
    audit.record("update", "employee", employee.id, before=was, after=now, reason=reason, employee_id=employee.id)
    return employee


def _stale_message(employee_id: int, since_version: int) -> str:
    from ...models import AuditEvent

    latest = db.session.scalars(
        select(AuditEvent).where(AuditEvent.employee_id == employee_id, AuditEvent.entity_type == "employee",
                                 AuditEvent.action == "update").order_by(AuditEvent.id.desc()).limit(1)).first()
    if latest is None:
        return "Someone else changed this record while you were editing it. Check their change and try again."
    fields = ", ".join(DETAIL_LABELS.get(k, k) for k in (latest.after or {}))
    return (f"{latest.actor_label} changed this record while you were editing it ({fields}). "
            "Your changes have not been saved: check theirs below and make yours again.")


@dataclass(frozen=True)
class AssignmentChange:
    effective_from: date
    post_id: int
    hours_per_week: Decimal
    scp: int | None
    local_salary: Decimal | None
    reason: str


@transaction
def change_assignment(assignment_id: int, change: AssignmentChange) -> Assignment:
    """A change of post, hours or pay from a date: the assignment in force is closed the day
    before and a new dated record opens. History is never overwritten. Refused if the record
    changed was not the latest (someone else made a change meanwhile) or the date is not after
    its start."""
    date_windows.check("change_effective_from", change.effective_from, field="effective_from")
    current = db.session.get(Assignment, assignment_id)
    if current is None:
        raise DomainError("That assignment no longer exists")
    employment = current.employment
    later = db.session.scalars(
        select(Assignment).where(Assignment.employment_id == employment.id,
                                 Assignment.effective_from > current.effective_from)
        .order_by(Assignment.effective_from)).first()
    if later is not None:
        raise StaleRecord(
            f"A later change from {later.effective_from:%d/%m/%Y} already exists "
            f"({later.reason or 'no reason given'}). Open the record again to see it before making another change.")
    if not change.reason.strip():
        raise DomainError("Enter the reason for the change", field="reason")
    if change.effective_from <= current.effective_from:
        raise DomainError(
            f"The change must start after the current record, which starts on {current.effective_from:%d/%m/%Y}",
            field="effective_from")
    if current.effective_to is not None and change.effective_from > current.effective_to:
        raise DomainError(f"The assignment ends on {current.effective_to:%d/%m/%Y}; the change must start by then",
                          field="effective_from")
    if employment.end_date is not None and change.effective_from > employment.end_date:
        raise DomainError("The employment has ended by then", field="effective_from")
    post = db.session.get(Post, change.post_id)
    if post is None or post.council_id != employment.employer_id:
        raise DomainError("Choose a post of the person's employer", field="post_id")
    if (current.post_id, current.hours_per_week, current.scp, current.local_salary) == (
            change.post_id, change.hours_per_week, change.scp, change.local_salary):
        raise DomainError("Nothing has changed: change the post, hours or pay", field="hours_per_week")
    ends = current.effective_to
    before = audit.snapshot(current, ["effective_to"])
    current.effective_to = change.effective_from - timedelta(days=1)
    new = Assignment(employment_id=employment.id, post_id=change.post_id, hours_per_week=change.hours_per_week,
                     scp=change.scp, local_salary=change.local_salary, effective_from=change.effective_from,
                     effective_to=ends, reason=change.reason.strip(), recorded_by_id=_actor_id())
    db.session.add(new)
    db.session.flush()
    employee_id = employment.employee_id
    audit.record("update", "assignment", current.id, before=before,
                 after=audit.snapshot(current, ["effective_to"]), reason=change.reason, employee_id=employee_id)
    audit.record("create", "assignment", new.id, after=assignment_summary(new), reason=change.reason,
                 employee_id=employee_id)
    # The new record agrees with its post's grade on every date it covers, dated changes of grade
    # ahead included. Pay protection follows the person's hours and pay: the
    # new assignment reaches every schedule of theirs through services/platform/derived.py.
    from ..pay.regrading import fit_new_record

    fit_new_record(new, f"Change of post, hours or pay: {change.reason.strip()}")
    return new


def assignment_summary(assignment: Assignment) -> dict[str, Any]:
    """What an audit event says about an assignment: the post by number, not internal ids."""
    post = db.session.get(Post, assignment.post_id)
    return {"post": post.post_number if post else None, **audit.snapshot(
        assignment, ["hours_per_week", "scp", "local_salary", "effective_from", "effective_to"])}


@transaction
def record_leaver(employment_id: int, end_date: date, reason: str) -> Employment:
    """End an employment: the employment, and the assignment and terms records open on that
    date, end on it. Records starting later are refused rather than silently cut."""
    date_windows.check("leaving_date", end_date, field="end_date")
    employment = db.session.get(Employment, employment_id)
    if employment is None:
        raise DomainError("That employment no longer exists")
    if employment.end_date is not None:
        raise DomainError(f"This employment already ended on {employment.end_date:%d/%m/%Y}")
    if end_date < employment.start_date:
        raise DomainError("The leaving date is before the start date", field="end_date")
    if not reason.strip():
        raise DomainError("Enter the reason for leaving", field="reason")
    for model in (Assignment, TermsRecord):
        starting_later = db.session.scalar(select(model.id).where(
            model.employment_id == employment.id, model.effective_from > end_date).limit(1))
        if starting_later is not None:
            raise DomainError("A change is recorded after the leaving date; correct that first", field="end_date")
    employment.end_date = end_date
    employment.end_reason = reason.strip()
    record: Any  # an Assignment or a TermsRecord: the checker sees only their common base
    for model in (Assignment, TermsRecord):
        for record in db.session.scalars(select(model).where(model.employment_id == employment.id,
                                                             model.effective_to.is_(None))):
            record.effective_to = end_date
    audit.record("update", "employment", employment.id, before={"end_date": None},
                 after={"end_date": end_date.isoformat(), "end_reason": employment.end_reason}, reason=reason,
                 employee_id=employment.employee_id)
    # Leaving ends pay protection.
    end_for_leaver(employment.employee_id, end_date, f"Left: {reason.strip()}")
    return employment


def latest_assignment(employee_id: int) -> Assignment | None:
    """The latest-starting assignment of the person's current employment (may be future-dated)."""
    return db.session.scalars(
        select(Assignment).join(Employment).where(Employment.employee_id == employee_id, Employment.end_date.is_(None))
        .order_by(Assignment.effective_from.desc()).limit(1)).first()


def employee(employee_id: int) -> Employee | None:
    """The person with this id, as the session now holds them; None if there is none."""
    return db.session.get(Employee, employee_id)


def employee_id_with_number(person_number: str) -> int | None:
    """The id of the person with this person number (any case, spaces around it ignored); None if
    nobody has it."""
    return db.session.scalar(select(Employee.id).where(Employee.person_number == person_number.strip().upper()))


def people_by_id(ids: Collection[int]) -> dict[int, Employee]:
    """Those people, each by id (a lookup: no order); no query for none."""
    if not ids:
        return {}
    return {e.id: e for e in db.session.scalars(select(Employee).where(Employee.id.in_(ids)))}
