"""Disciplinary and grievance matters and claims, per employee: what the transferor must pass on
in the employee liability information (TUPE 2006 reg. 11(2)(c) and (d)). Recording a case, and
recording that a transferring person's cases were checked, are audited. Each change is one unit of work (`@transaction`)."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import select

from ...domain.eli import within_lookback
from ...errors import DomainError
from ...extensions import db
from ...models import EmployeeCase, TransferMember
from ..platform import audit
from ..platform.unit_of_work import transaction
from ..rules import date_windows

KINDS = {
    "disciplinary": "Disciplinary",
    "grievance": "Grievance",
    "claim": "Claim (court or tribunal)",
}
FIELDS = ("kind", "opened_on", "closed_on", "summary", "outcome")


def cases_for(employee_id: int) -> list[EmployeeCase]:
    """A person's cases, the most recently opened first."""
    return list(db.session.scalars(select(EmployeeCase).where(EmployeeCase.employee_id == employee_id)
                                   .order_by(EmployeeCase.opened_on.desc(), EmployeeCase.id.desc())))


def case_of(employee_id: int, case_id: int) -> EmployeeCase | None:
    """The case, if it is this person's (so a URL cannot reach someone else's through another id)."""
    case = db.session.get(EmployeeCase, case_id)
    return case if case is not None and case.employee_id == employee_id else None


def _clean(values: dict[str, Any], today: date) -> dict[str, Any]:
    date_windows.check("case_opened_on", values.get("opened_on"), field="opened_on", today=today)
    date_windows.check("case_closed_on", values.get("closed_on"), field="closed_on", today=today)
    clean = {name: values.get(name) for name in FIELDS}
    clean["summary"] = (clean["summary"] or "").strip()
    clean["outcome"] = (clean["outcome"] or "").strip()
    if clean["kind"] not in KINDS:
        raise DomainError("Choose whether this is a disciplinary matter, a grievance or a claim", field="kind")
    if clean["opened_on"] is None:
        raise DomainError("Enter the date it was opened", field="opened_on")
    if clean["opened_on"] > today:
        raise DomainError("The date opened cannot be in the future", field="opened_on")
    if clean["closed_on"] is not None:
        if clean["closed_on"] < clean["opened_on"]:
            raise DomainError("The date closed must be on or after the date opened", field="closed_on")
        if clean["closed_on"] > today:
            raise DomainError("The date closed cannot be in the future", field="closed_on")
    if not clean["summary"]:
        raise DomainError("Enter a summary of the matter", field="summary")
    return clean


@transaction
def create_case(employee_id: int, values: dict[str, Any], today: date) -> EmployeeCase:
    """Record a disciplinary matter, grievance or claim (reg. 11(2)(c)-(d)), audited."""
    case = EmployeeCase(employee_id=employee_id, **_clean(values, today))
    db.session.add(case)
    db.session.flush()
    audit.record("create", "employee_case", case.id, after=audit.snapshot(case, list(FIELDS)),
                 employee_id=employee_id)
    return case


@transaction
def update_case(case: EmployeeCase, values: dict[str, Any], reason: str, today: date) -> bool:
    """Correct or update a case (for example, record its outcome when it closes), audited with
    the fields that changed and the reason. Returns False when nothing changed."""
    if not reason.strip():
        raise DomainError("Enter the reason for the change", field="reason")
    clean = _clean(values, today)
    before, after = audit.changed(audit.snapshot(case, list(FIELDS)),
                                  {k: audit._plain(v) for k, v in clean.items()})
    if not after:
        return False
    for name, value in clean.items():
        setattr(case, name, value)
    audit.record("update", "employee_case", case.id, before=before, after=after, reason=reason.strip(),
                 employee_id=case.employee_id)
    return True


def cases_within(employee_ids: Iterable[int], start: date, end: date) -> dict[int, list[EmployeeCase]]:
    """Everyone's cases open at any time from `start` to `end`, in one query per 500 people,
    by employee, oldest first (the look-back of reg. 11(2)(c)-(d))."""
    ids = sorted(set(employee_ids))
    found: dict[int, list[EmployeeCase]] = {i: [] for i in ids}
    for chunk in (ids[i:i + 500] for i in range(0, len(ids), 500)):
        rows = db.session.scalars(select(EmployeeCase).where(
            EmployeeCase.employee_id.in_(chunk), EmployeeCase.opened_on <= end,
            (EmployeeCase.closed_on.is_(None)) | (EmployeeCase.closed_on >= start))
            .order_by(EmployeeCase.opened_on, EmployeeCase.id))
        for case in rows:
            # The query and the rule agree; the rule is the one with tests.
            if within_lookback(case.opened_on, case.closed_on, start, end):
                found[case.employee_id].append(case)
    return found


@transaction
def mark_cases_checked(member: TransferMember, checked_on: date, today: date) -> None:
    """Record that HR checked this person's disciplinary, grievance and claims records for the
    employee liability information (reg. 11(2)(c)-(d)): one of the completeness checks."""
    date_windows.check("cases_checked_on", checked_on, field="checked_on", today=today)
    if member.transfer.status != "planned":
        raise DomainError(f"This transfer is {member.transfer.status}: its information can no longer change")
    if member.status not in ("proposed", "confirmed"):
        raise DomainError("Only someone who is transferring needs this check: this person is "
                          f"{member.status}")
    if checked_on > today:
        raise DomainError("The date checked cannot be in the future", field="checked_on")
    before = member.eli_cases_checked_on
    member.eli_cases_checked_on = checked_on
    audit.record("update", "transfer_member", member.id,
                 before={"eli_cases_checked_on": before.isoformat() if before else None},
                 after={"eli_cases_checked_on": checked_on.isoformat()},
                 reason="Disciplinary, grievance and claims checked for the employee liability information",
                 employee_id=member.employee_id)
