"""Leavers' records due for deletion under the retention rule, and deleting one (UK GDPR Article
5(1)(e), storage limitation).

The period is the rule setting `leaver_retention_years` (6: "termination of employment + 6 years"
for personnel files in the IRMS Retention Guidelines for Local Authorities, which the councils'
retention schedules follow; the Limitation Act 1980 period for claims in contract). A record with
an open disciplinary matter, grievance or claim is held.

Deleting a record, per table (the tables are found by the same walk as the subject access export,
so a new table holding a person's rows is deleted with the rest):

- the `erase` audit event is written first: it records that person N's record was deleted under
  the rule, when, by whom and why, with how many rows of each kind, and no personal data;
- every row the walk finds is deleted (employments, assignments, terms, protections, cases,
  elections, transfer memberships, letters ...), except:
- the person's sign-in account is kept but anonymised (it is named as the actor of audit events,
  which must keep pointing somewhere): name and username replaced, password unusable, sessions and
  sign-in attempts deleted;
- a restructure appointment is kept without the person (the post was filled; by whom is erased);
- protected terms and letters are immutable: the database lets them be deleted only for a person
  whose `erase` event is already in the audit trail (migration 0008), and they are;
- saved harmonisation results lose the person's entry in their list of people (the model's totals
  are a record of the model as run and are left alone);
- `audit_events` and `record_views` about the person are KEPT, unchanged: they are append-only
  (the database refuses UPDATE and DELETE) because they are the accountability record, including
  of this deletion. They still hold the values recorded with each change (names, pay). Their own
  retention is a decision for the councils' information governance leads, not made here.

All or nothing: one unit of work (`@transaction`); any failure leaves everything as it was.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import case, delete, func, select, update

from ...domain.retention import RetentionStatus, retention_status
from ...errors import DomainError
from ...extensions import db
from ...models import (
    Employee,
    EmployeeCase,
    Employment,
    HarmonisationModel,
    LoginAttempt,
    User,
    UserSession,
)
from ..platform import audit
from ..platform.unit_of_work import transaction
from .records import rule_value
from .subject_access import collect, embedded_entries, tables

RULE = "leaver_retention_years"
KEPT_AS_ANONYMOUS = {"users", "appointments"}


@dataclass(frozen=True)
class Leaver:
    employee_id: int
    person_number: str
    name: str
    status: RetentionStatus


def retention_years(on: date) -> int:
    return int(rule_value(RULE, on))


def leavers_due(today: date) -> list[Leaver]:
    """Everyone whose last employment ended at least the retention period ago, the longest overdue
    first; held records (an open case) are listed with the reason, not left out."""
    years = retention_years(today)
    open_employments = func.sum(case((Employment.end_date.is_(None), 1), else_=0))
    left = (select(Employment.employee_id, func.max(Employment.end_date).label("left_on"))
            .group_by(Employment.employee_id)
            .having(open_employments == 0, func.max(Employment.end_date) < date(today.year - years + 1, 1, 1))
            .subquery())
    open_cases = (select(func.count(EmployeeCase.id)).where(EmployeeCase.employee_id == Employee.id,
                                                             EmployeeCase.closed_on.is_(None))
                  .correlate(Employee).scalar_subquery())
    rows = db.session.execute(
        select(Employee.id, Employee.person_number, Employee.first_name, Employee.last_name, left.c.left_on, open_cases)
        .join(left, left.c.employee_id == Employee.id))
    found = [Leaver(i, number, f"{first} {last}", retention_status(left_on, years, today, cases))
             for i, number, first, last, left_on, cases in rows]
    return sorted((x for x in found if x.status.due), key=lambda x: (x.status.due_on, x.person_number))


def status_of(employee_id: int, today: date) -> Leaver | None:
    """The person's retention status, or None if they are not a leaver due for deletion."""
    return next((x for x in leavers_due(today) if x.employee_id == employee_id), None)


@transaction
def erase(employee_id: int, reason: str, today: date) -> dict[str, Any]:
    """Delete a leaver's record under the retention rule (see the module docstring). Returns what
    was done, table by table. Refused unless the record is due and not held."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Give the reason for deleting this record.", field="reason")
    leaver = status_of(employee_id, today)
    if leaver is None:
        raise DomainError("This record is not due for deletion under the retention rule.")
    if leaver.status.held_by:
        raise DomainError(f"This record is held: {', '.join(leaver.status.held_by)}.")
    found = collect(employee_id)
    deleted = {name: len(ids) for name, ids in found.items() if name not in KEPT_AS_ANONYMOUS}
    anonymised = {name: len(found[name]) for name in KEPT_AS_ANONYMOUS if name in found}
    models = [m for m in db.session.scalars(select(HarmonisationModel)) if embedded_entries(m, employee_id)]
    summary = {"rule": RULE, "years": retention_years(today), "due_on": leaver.status.due_on.isoformat(),
               "deleted": deleted, "anonymised": anonymised, "harmonisation_models": len(models)}
    # First, so the immutable tables accept the deletion (migration 0008), and so the fact outlives it.
    audit.record("erase", "employee", employee_id, employee_id=employee_id, reason=reason, after=summary)
    db.session.flush()

    meta = tables()
    _erase_accounts(sorted(found.get("users", ())))
    if "appointments" in found:
        appointments = meta["appointments"]
        db.session.execute(update(appointments).where(appointments.c.id.in_(sorted(found["appointments"]))).values(
            employee_id=None, protection_id=None, salary=None, note="",
            external_name="Former employee (record deleted under the retention rule)"))
    for model in models:
        results = dict(model.results or {})
        results["affected"] = [e for e in results.get("affected", [])
                               if not (isinstance(e, dict) and e.get("employee_id") == employee_id)]
        model.results = results
    db.session.flush()
    # Children before parents: the reverse of the schema's dependency order.
    for table in reversed(db.metadata.sorted_tables):
        if table.name in deleted:
            pk = next(iter(table.primary_key.columns))
            db.session.execute(delete(table).where(pk.in_(sorted(found[table.name]))))
    db.session.expire_all()
    return summary


def _erase_accounts(user_ids: list[int]) -> None:
    """Close the person's sign-in accounts and take their names off (the rows stay); their sign-in
    attempts and sessions go."""
    for user_id in user_ids:
        user = db.session.get(User, user_id)
        assert user is not None, "found among the person's records above"
        db.session.execute(delete(LoginAttempt).where(LoginAttempt.username == user.username))
        db.session.execute(delete(UserSession).where(UserSession.user_id == user_id))
        db.session.execute(update(User).where(User.id == user_id).values(
            username=f"erased-{user_id}@erased.invalid", display_name="Deleted account", password_hash="!",
            active=False, employee_id=None, union_id=None))
