"""Pay protection records (DOMAIN.md 3.5): creating them, computing and storing
each schedule month by month, recomputing it whenever something it follows changes, recording an
adjustment when a month already paid changes, and ending protection early.

The rules are in `hrtool.domain.protection`; this module reads what they need from the database
(`schedule_inputs` says exactly what):
- the council's `pay_protection` Policy in force on the start date (a changed policy applies only
  to protections starting after it, because each protection keeps the policy it started under);
- the old and new salaries on the start date: spine points (old_scp, new_scp) are read from the
  spine of the pay year holding the start date AS HELD NOW, so a pay award applied later and
  back-dated reaches them; local pay (a chief officer's salary) is kept as given;
- the new salary and hours over time, from the person's assignments after the move (1 April, an
  increment, a change of hours or SCP). Where a pay year's spine is not held yet, the latest known
  year is used and those months are marked projected;
- an early end: one HR recorded, or leaving (the employment protected ends with none carrying it on).

What is derived and when it is recomputed is in services/platform/derived.py: writing any of those sources
through the ORM is enough, `recompute_scopes` runs before the unit of work commits. Paid months
are never silently rewritten: a month that had ended before the day of the change and whose
payment changes gets a ProtectionAdjustment (domain `paid_months_changed` states the rule). Each
change is audited with why. Functions flush; the `@transaction` entry points (record_by_hand,
end_protection_early, save_policy_version) commit once.
"""
from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import SessionTransaction

from ...domain.dates import pay_year_start
from ...domain.grading import GradeBand
from ...domain.pay import to_pennies
from ...domain.protection import (
    CATCHING_UP,
    EARLY_ENDINGS,
    LEAVING,
    PolicyProblem,
    ProtectionEnd,
    ProtectionMonth,
    ProtectionPolicy,
    add_months,
    early_ending_kinds,
    end_in_words,
    paid_months_changed,
    pay_year_starts,
    protection_end,
    protection_schedule,
    salary_steps,
)
from ...errors import DomainError
from ...extensions import db
from ...models import (
    Assignment,
    Council,
    Employee,
    Employment,
    PaySpinePoint,
    Policy,
    Post,
    Protection,
    ProtectionAdjustment,
    ProtectionMonthRow,
)
from ...models.protection import PROTECTION_SOURCES
from ..people.records import current_assignment, rule_value
from ..platform import audit, derived
from ..platform.unit_of_work import transaction
from ..rules import date_windows

POLICY_KIND = "pay_protection"
SOURCE_LABELS = {
    "restructure": "Restructure",
    "re-evaluation": "Job re-evaluation",
    "harmonisation": "Pay harmonisation",
    "regrade": "Regrade",
    "manual": "Recorded by HR",
}
PLAIN_SOURCES = {"restructure": "a restructure", "re-evaluation": "a job re-evaluation of your post",
                 "harmonisation": "pay harmonisation", "regrade": "a regrade", "manual": ""}
AUDITED = ["employee_id", "council_id", "policy_id", "source", "source_ref", "reason", "start_date", "old_post_id",
           "new_post_id", "old_grade", "new_grade", "old_salary", "new_salary", "old_scp", "new_scp", "hours_per_week",
           "ends_on", "end_reason", "ended_early_on", "ended_early_kind"]
NJC = "NJC"


# -- policies -----------------------------------------------------------------------------------

def policy_in_force(council_id: int, on: date) -> Policy | None:
    """The council's pay protection policy in force on a date (the latest to start, if several)."""
    return db.session.scalars(
        select(Policy).where(Policy.kind == POLICY_KIND, Policy.council_id == council_id, Policy.effective_from <= on,
                             or_(Policy.effective_to.is_(None), Policy.effective_to >= on))
        .order_by(Policy.effective_from.desc(), Policy.id.desc()).limit(1)).first()


def policy_rules(policy: Policy) -> ProtectionPolicy:
    try:
        return ProtectionPolicy.from_body(policy.body, policy.name)
    except PolicyProblem as problem:
        raise DomainError(f"The pay protection policy “{policy.name}” cannot be applied: {problem}") from None


def ends_early_on(policy: Policy) -> list[str]:
    listed = policy.body.get("ends_early_on") or []
    return [str(kind) for kind in listed] if isinstance(listed, list) else []


def policies(council_id: int | None = None) -> list[Policy]:
    """Every pay protection policy version, by council and date (newest first)."""
    query = select(Policy).where(Policy.kind == POLICY_KIND)
    if council_id is not None:
        query = query.where(Policy.council_id == council_id)
    return list(db.session.scalars(query.order_by(Policy.council_id, Policy.effective_from.desc(), Policy.id.desc())))


def check_policy_body(body: dict[str, Any]) -> ProtectionPolicy:
    """The policy a body describes, or a DomainError naming the field that is wrong."""
    try:
        rules = ProtectionPolicy.from_body(body)
    except PolicyProblem as problem:
        raise DomainError(str(problem).capitalize(), field="phases") from None
    unknown = [k for k in body.get("ends_early_on", []) if k not in EARLY_ENDINGS and k != CATCHING_UP]
    if unknown:
        raise DomainError(f"Unknown early-ending event: {unknown[0]}", field="ends_early_on")
    return rules


@transaction
def save_policy_version(council_id: int, effective_from: date, body: dict[str, Any], reason: str) -> Policy:
    """A new version of a council's pay protection policy from a date. The version in force
    closes the day before; protections keep the policy they started under, so the change applies
    to protections starting on or after `effective_from`. Audited."""
    date_windows.check("policy_from", effective_from, field="effective_from")
    council = db.session.get(Council, council_id)
    if council is None:
        raise DomainError("Choose a council", field="council_id")
    if not reason.strip():
        raise DomainError("Enter the reason for the change", field="reason")
    rules = check_policy_body(body)
    latest = db.session.scalars(select(Policy).where(Policy.kind == POLICY_KIND, Policy.council_id == council_id)
                                .order_by(Policy.effective_from.desc()).limit(1)).first()
    if latest is not None and effective_from <= latest.effective_from:
        raise DomainError(f"The new version must start after the current one, which starts on "
                          f"{latest.effective_from:%d/%m/%Y}", field="effective_from")
    started = db.session.scalar(select(func.count()).select_from(Protection).where(
        Protection.council_id == council_id, Protection.start_date >= effective_from))
    if started:
        raise DomainError(f"{started} protection(s) at {council.short_name} already start on or after that date under "
                          "the current policy: choose a later date", field="effective_from")
    if latest is not None and (latest.effective_to is None or latest.effective_to >= effective_from):
        before = audit.snapshot(latest, ["effective_to"])
        latest.effective_to = effective_from - timedelta(days=1)
        audit.record("update", "policy", latest.id, before=before, after=audit.snapshot(latest, ["effective_to"]),
                     reason=reason.strip())
    body = dict(body, kind=rules.kind)
    policy = Policy(council_id=council_id, kind=POLICY_KIND, effective_from=effective_from, body=body,
                    name=f"{council.code} pay protection from {effective_from:%d/%m/%Y}", source=reason.strip())
    db.session.add(policy)
    db.session.flush()
    audit.record("create", "policy", policy.id, after=audit.snapshot(policy, ["council_id", "kind", "name",
                                                                          "effective_from", "body"]),
                 reason=reason.strip())
    return policy


# -- the schedule's inputs from the database ---------------------------------------------------

@dataclass(frozen=True)
class Inputs:
    rules: ProtectionPolicy
    old_salary: Decimal  # full-time annual on the start date
    new_salary: list[tuple[date, Decimal]]  # full-time annual, dated (the first on the start date)
    new_scp: int | None  # the new spinal column point on the start date (None: local pay)
    hours: list[tuple[date, Decimal]]
    full_time_hours: Decimal
    known_until: date | None  # the last pay year whose spine is held (its 1 April); None: none held
    on_spine: bool  # the old or the new pay is a spine point at some time (else nothing is projected)
    early: date | None  # the first day without protection because of an early-ending event
    early_kind: str  # which event: the one HR recorded, or leaving when the employment ended


def _latest_spine_year() -> date | None:
    return db.session.scalar(select(func.max(PaySpinePoint.pay_year_from)).where(PaySpinePoint.spine == NJC))


class _Spine:
    """Spine values by pay year as held now, read once per year asked for. A date in a pay year
    not held yet reads the latest year held (so those months are projected)."""

    def __init__(self) -> None:
        self.years: dict[date, dict[int, Decimal]] = {}
        self.latest = _latest_spine_year()

    def salary(self, scp: int, on: date) -> Decimal | None:
        year = pay_year_start(on)
        if self.latest is not None and year > self.latest:
            year = self.latest
        if year not in self.years:
            held = db.session.scalar(select(func.max(PaySpinePoint.pay_year_from)).where(
                PaySpinePoint.spine == NJC, PaySpinePoint.pay_year_from <= year))
            rows: Iterable[Any] = db.session.execute(select(PaySpinePoint.scp, PaySpinePoint.annual_salary).where(
                PaySpinePoint.spine == NJC, PaySpinePoint.pay_year_from == held)) if held else []
            self.years[year] = {s: v for s, v in rows}
        return self.years[year].get(scp)


def _employments(record: Protection) -> list[Employment]:
    """The employment protected and each that carries it on without a break (a TUPE transfer ends
    one employment the day before the transferee's starts, on the same terms), in order."""
    if record.employee_id is None:
        return []
    employments = list(db.session.scalars(select(Employment).where(Employment.employee_id == record.employee_id)
                                          .order_by(Employment.start_date, Employment.id)))
    first = next((e for e in employments if e.id == record.employment_id), None) if record.employment_id else None
    if first is None:
        on = [e for e in employments if e.start_date <= record.start_date
              and (e.end_date is None or e.end_date >= record.start_date)]
        first = on[-1] if on else next((e for e in employments if e.start_date > record.start_date), None)
    chain = [first] if first is not None else []
    while chain and chain[-1].end_date is not None:
        following = chain[-1].end_date + timedelta(days=1)
        carried_on = next((e for e in employments if e.start_date == following and e not in chain), None)
        if carried_on is None:
            break
        chain.append(carried_on)
    return chain


def _assignments(record: Protection, employments: list[Employment]) -> list[Assignment]:
    """The assignments whose pay and hours the schedule follows: those of the employments
    protected that are in force on or after the start date and are the person's pay AFTER the
    move: they begin on or after the start date, or are on the new post when one is named. An
    assignment that began earlier on another post is the old pay (a chief officer appointed to a
    new post on a lower local salary still holds the old post until the record is changed), so it
    is never followed."""
    if not employments:
        return []
    found = db.session.scalars(select(Assignment).where(
        Assignment.employment_id.in_([e.id for e in employments]),
        or_(Assignment.effective_to.is_(None), Assignment.effective_to >= record.start_date))
        .order_by(Assignment.effective_from, Assignment.id)).all()
    return [a for a in found if a.effective_from >= record.start_date
            or (record.new_post_id is not None and a.post_id == record.new_post_id)]


def _in_force(assignments: list[Assignment], on: date) -> Assignment | None:
    found = [a for a in assignments if a.effective_from <= on and (a.effective_to is None or a.effective_to >= on)]
    return found[-1] if found else None


def _assignment_pay(assignment: Assignment, on: date, spine: _Spine) -> Decimal | None:
    """An assignment's full-time annual pay on a date: its local salary, or its point on the spine."""
    if assignment.local_salary is not None:
        return assignment.local_salary
    return spine.salary(assignment.scp, on) if assignment.scp is not None else None


def schedule_inputs(record: Protection, policy: Policy | None = None) -> Inputs:
    """What the schedule follows, read from the database as it is now (DOMAIN.md 3.5):

    - the old full-time salary on the start date: the old SCP's salary in the spine of the pay
      year holding the start date (the latest year held if that one is not held yet), so a pay
      award applied later and back-dated changes it; on local pay (no old SCP), the salary given;
    - the new full-time salary over time: on the start date and on every later change (1 April,
      an assignment change), the followed assignment's local salary or its SCP on that pay year's
      spine; with no assignment followed, the new SCP on the spine; on local pay, the salary given;
    - the hours over time, from the same assignments;
    - an early end: the one HR recorded, or leaving (the day after the employment protected, and
      any carrying it on without a break, ends), whichever comes first."""
    policy = policy or db.session.get(Policy, record.policy_id)
    if policy is None:
        raise DomainError("The protection's policy no longer exists")
    rules = policy_rules(policy)
    start = record.start_date
    horizon = add_months(start, rules.months)
    employments = _employments(record)
    assignments = _assignments(record, employments)
    spine = _Spine()
    changes = pay_year_starts(start, horizon) + [a.effective_from for a in assignments
                                                 if start < a.effective_from < horizon]
    given_new = spine.salary(record.new_scp, start) if record.new_scp is not None else None
    given_new = given_new if given_new is not None else record.new_salary

    def full_time_salary(day: date) -> Decimal:
        assignment = _in_force(assignments, day)
        pay = _assignment_pay(assignment, day, spine) if assignment is not None else None
        if pay is None and record.new_scp is not None and (assignment is None or assignment.scp is None):
            pay = spine.salary(record.new_scp, day)
        return pay if pay is not None else given_new

    def hours(day: date) -> Decimal:
        assignment = _in_force(assignments, day)
        return assignment.hours_per_week if assignment is not None else record.hours_per_week

    on_start = _in_force(assignments, start)
    new_scp = (on_start.scp if on_start.local_salary is None else None) if on_start is not None else record.new_scp
    old = spine.salary(record.old_scp, start) if record.old_scp is not None else None
    early, early_kind = record.ended_early_on, record.ended_early_kind
    if employments and employments[-1].end_date is not None:
        leaving = max(employments[-1].end_date + timedelta(days=1), start)
        if early is None or leaving < early:
            early, early_kind = leaving, LEAVING
    return Inputs(rules=rules, old_salary=old if old is not None else record.old_salary,
                  new_salary=salary_steps(start, full_time_salary(start), changes, full_time_salary),
                  new_scp=new_scp, hours=salary_steps(start, hours(start), changes, hours),
                  full_time_hours=Decimal(rule_value("full_time_hours", start)),
                  known_until=spine.latest, early=early, early_kind=early_kind,
                  on_spine=record.old_scp is not None or new_scp is not None
                  or any(a.local_salary is None and a.scp is not None for a in assignments))


def compute(record: Protection, policy: Policy | None = None) -> tuple[ProtectionEnd, list[ProtectionMonth], Inputs]:
    inputs = schedule_inputs(record, policy)
    end = protection_end(inputs.rules, inputs.old_salary, inputs.new_salary, record.start_date, inputs.early)
    months = protection_schedule(inputs.rules, inputs.old_salary, inputs.new_salary, record.start_date,
                                 inputs.hours, inputs.full_time_hours, inputs.early)
    return end, months, inputs


def is_projected(month: date, known_until: date | None) -> bool:
    """A month is projected when its pay year's spine is not held yet (the latest is carried on)."""
    return known_until is None or pay_year_start(month) > known_until


def month_projected(month: date, inputs: Inputs) -> bool:
    """A schedule's month is projected when it follows the spine and that year's is not held yet;
    a schedule on local pay alone (a chief officer's) follows no spine, so nothing is projected."""
    return inputs.on_spine and is_projected(month, inputs.known_until)


def end_reason(end: ProtectionEnd, inputs: Inputs) -> str:
    """Why the schedule ends, in the words stored with it and shown to the person."""
    return end_in_words(end, inputs.early_kind)


def _summary(record: Protection) -> dict[str, Any]:
    rows = record.months
    return {"ends_on": record.ends_on.isoformat() if record.ends_on else None, "months": len(rows),
            "total_payments": str(sum((r.payment for r in rows), Decimal(0))),
            "projected_months": sum(1 for r in rows if r.projected),
            "old_salary": str(record.old_salary), "new_salary": str(record.new_salary)}


# A protection whose schedule was first stored in the current database transaction has never been
# paid, whatever its months: a recompute in the same unit of work records no adjustment for it.
_NEW_KEY = "hrtool_protections_stored_new"


def _mark_new(record: Protection) -> None:
    session = db.session()
    transaction = session.get_transaction()
    entry: tuple[SessionTransaction | None, set[int]] | None = session.info.get(_NEW_KEY)
    if entry is None or entry[0] is not transaction:
        entry = (transaction, set())
        session.info[_NEW_KEY] = entry
    entry[1].add(record.id)


def _stored_in_this_transaction(record: Protection) -> bool:
    session = db.session()
    entry = session.info.get(_NEW_KEY)
    return entry is not None and entry[0] is session.get_transaction() and record.id in entry[1]


def _store(record: Protection, end: ProtectionEnd, months: list[ProtectionMonth], inputs: Inputs, *,
           changed_on: date | None = None, why: str = "") -> tuple[bool, list[ProtectionAdjustment]]:
    """Replace the stored schedule and keep the start-date salaries in step. With `changed_on`,
    every month already paid whose payment changes gets an adjustment (domain
    `paid_months_changed`: a month is paid once it ended before that day; what was held counts as
    paid). Returns whether anything changed, and the adjustments recorded."""
    new_rows = [(m.month, m.phase, m.new_salary, m.protection, m.payment, month_projected(m.month, inputs))
                for m in months]
    old_rows = [(r.month, r.phase, r.new_salary, r.protection, r.payment, r.projected) for r in record.months]
    reason = end_reason(end, inputs)
    start_values = (to_pennies(inputs.old_salary), to_pennies(inputs.new_salary[0][1]), inputs.new_scp,
                    inputs.hours[0][1])
    if (new_rows == old_rows and record.ends_on == end.ends_on and record.end_reason == reason
            and (record.old_salary, record.new_salary, record.new_scp, record.hours_per_week) == start_values):
        return False, []
    adjustments = []
    if changed_on is not None:
        held = {r.month: r.payment for r in record.months}
        due = {m.month: m.payment for m in months}
        for change in paid_months_changed(held, due, changed_on):
            adjustment = ProtectionAdjustment(month=change.month, paid=change.paid, due=change.due,
                                              difference=change.difference, recorded_on=changed_on, why=why[:2000])
            record.adjustments.append(adjustment)
            adjustments.append(adjustment)
    record.old_salary, record.new_salary, record.new_scp, record.hours_per_week = start_values
    record.ends_on = end.ends_on
    record.end_reason = reason
    if new_rows != old_rows:
        record.months.clear()
        db.session.flush()  # delete the old rows before the new ones take their (protection, month) places
        for month, phase, salary, protection, payment, projected in new_rows:
            record.months.append(ProtectionMonthRow(month=month, phase=phase, new_salary=salary,
                                                    protection=protection, payment=payment, projected=projected))
    return True, adjustments


# -- creating ----------------------------------------------------------------------------------

def _employment_on(employee_id: int, on: date) -> Employment | None:
    employments = db.session.scalars(select(Employment).where(Employment.employee_id == employee_id)
                                     .order_by(Employment.start_date)).all()
    current = [e for e in employments if e.start_date <= on and (e.end_date is None or e.end_date >= on)]
    if current:
        return current[-1]
    later = [e for e in employments if e.start_date > on]
    return later[0] if later else None


def _spine_point(scp: int, salary: Decimal, on: date, spine: _Spine, field: str, which: str) -> int:
    """A spinal column point given with a salary: the salary must be the point's on that date."""
    value = spine.salary(scp, on)
    if value is None:
        raise DomainError(f"SCP {scp} is not on the pay spine on {on:%d/%m/%Y}", field=field)
    if value != salary:
        raise DomainError(f"SCP {scp} is {_pounds(value)} a year on {on:%d/%m/%Y}, not {_pounds(salary)}: enter "
                          f"that as the {which} salary, or leave the point empty for pay not on the spine",
                          field=field)
    return scp


def _old_scp_on_record(employment: Employment | None, start: date, old_salary: Decimal, spine: _Spine) -> int | None:
    """The old pay's point, read from the person's record: their assignment the day before the
    start date, if it is on the spine and its salary on the start date is the old salary given."""
    if employment is None:
        return None
    day_before = start - timedelta(days=1)
    before = db.session.scalars(select(Assignment).where(
        Assignment.employment_id == employment.id, Assignment.effective_from <= day_before,
        or_(Assignment.effective_to.is_(None), Assignment.effective_to >= day_before))
        .order_by(Assignment.effective_from.desc()).limit(1)).first()
    if before is None or before.scp is None or before.local_salary is not None:
        return None
    return before.scp if spine.salary(before.scp, start) == old_salary else None


@transaction
def create_protection(*, employee_id: int, start_date: date, source: str, source_ref: str,
                      reason: str, old_salary: Decimal, new_salary: Decimal,
                      hours_per_week: Decimal, old_post_id: int | None = None,
                      new_post_id: int | None = None, old_grade: str = "", new_grade: str = "",
                      new_scp: int | None = None, council_id: int | None = None,
                      old_scp: int | None = None) -> Protection:
    """Protect someone who moves to a lower salary: salaries are annual and full-time on the start
    date. The council (the employer on the start date unless given) and its policy in force on
    the start date apply; the schedule is computed and stored. Audited. One unit of work (joins
    the caller's: a restructure appointment, a re-grading).

    Spine points: a point given must be the salary given on the start date. Without
    one, the old point is read from the person's record (their point the day before, if its
    salary is the old salary); the new point is that of the assignment the schedule follows on
    the start date, whose pay must then be the new salary given (the schedule follows the record,
    so the two may not disagree). Pay not on the spine (a chief officer's local salary) is kept as
    given."""
    date_windows.check("protection_start", start_date, field="start_date")
    employee = db.session.get(Employee, employee_id)
    if employee is None:
        raise DomainError("That employee does not exist", field="employee_id")
    if source not in PROTECTION_SOURCES:
        raise DomainError(f"Unknown source of protection {source!r}", field="source")
    if old_salary <= 0 or new_salary <= 0:
        raise DomainError("Enter salaries of more than £0", field="new_salary")
    if new_salary >= old_salary:
        raise DomainError("The new salary is not lower than the old one, so there is nothing to protect",
                          field="new_salary")
    if not Decimal(0) < hours_per_week <= Decimal(48):
        raise DomainError("Enter hours a week between 0 and 48", field="hours_per_week")
    if source == "manual" and not reason.strip():
        raise DomainError("Enter the reason for the protection", field="reason")
    employment = _employment_on(employee_id, start_date)
    if council_id is None:
        if employment is None:
            raise DomainError(f"{employee.full_name} has no employment on or after {start_date:%d/%m/%Y}",
                              field="start_date")
        council_id = employment.employer_id
    council = db.session.get(Council, council_id)
    if council is None:
        raise DomainError("That council does not exist", field="council_id")
    policy = policy_in_force(council_id, start_date)
    if policy is None:
        raise DomainError(f"{council.short_name} has no pay protection policy in force on {start_date:%d/%m/%Y}",
                          field="start_date")
    for post_id in (old_post_id, new_post_id):
        if post_id is not None and db.session.get(Post, post_id) is None:
            raise DomainError("That post does not exist", field="new_post_id")
    spine = _Spine()
    if old_scp is not None:
        _spine_point(old_scp, old_salary, start_date, spine, "old_scp", "old")
    else:
        old_scp = _old_scp_on_record(employment, start_date, old_salary, spine)
    record = Protection(
        employee_id=employee_id, employment_id=employment.id if employment else None, council_id=council_id,
        policy_id=policy.id, source=source, source_ref=source_ref.strip()[:200], reason=reason.strip(),
        start_date=start_date, old_post_id=old_post_id, new_post_id=new_post_id, old_grade=old_grade[:40],
        new_grade=new_grade[:40], old_salary=old_salary, new_salary=new_salary, old_scp=old_scp,
        hours_per_week=hours_per_week, created_by_id=audit._actor()[0], end_reason="", ended_early_kind="")
    followed = _in_force(_assignments(record, _employments(record)), start_date)
    record.new_scp = _new_scp(employee, followed, start_date, new_salary, new_scp, spine)
    db.session.add(record)
    end, months, inputs = compute(record, policy)
    _store(record, end, months, inputs)
    db.session.flush()
    _mark_new(record)
    audit.record("create", "protection", record.id, after={**audit.snapshot(record, AUDITED), **_summary(record)},
                 reason=reason.strip() or f"{SOURCE_LABELS[source]}: {source_ref}", employee_id=employee_id)
    return record


def _new_scp(employee: Employee, followed: Assignment | None, start_date: date, new_salary: Decimal,
             new_scp: int | None, spine: _Spine) -> int | None:
    """The new point: that of the record the schedule follows on the start date (whose pay must be
    the new salary given), else the point given, which must be the new salary on the spine."""
    if followed is None:
        if new_scp is not None:
            _spine_point(new_scp, new_salary, start_date, spine, "new_scp", "new")
        return new_scp
    pay = _assignment_pay(followed, start_date, spine)
    point = f" (SCP {followed.scp})" if followed.local_salary is None and followed.scp is not None else ""
    if pay is not None and pay != new_salary:
        raise DomainError(f"{employee.full_name}'s record shows {_pounds(pay)} a year full-time{point} from "
                          f"{start_date:%d/%m/%Y}: the schedule follows the record, so enter that as the new "
                          "salary, or correct the record first", field="new_salary")
    if new_scp is not None and followed.local_salary is None and new_scp != followed.scp:
        raise DomainError(f"{employee.full_name}'s record shows SCP {followed.scp} from {start_date:%d/%m/%Y}",
                          field="new_scp")
    return followed.scp if followed.local_salary is None else None


@transaction
def record_by_hand(*, person_number: str, start_date: date, source: str, reason: str, old_salary: Decimal,
                   new_salary: Decimal, hours_per_week: Decimal, new_scp: int | None = None,
                   old_scp: int | None = None) -> Protection:
    """HR records a protection by hand (the "Record a protection" page): the person's posts and
    grades before and after are read from their record on the day before and the start date."""
    employee = db.session.scalar(select(Employee).where(Employee.person_number == person_number.strip()))
    if employee is None:
        raise DomainError("No employee has that person number", field="person_number")
    before = current_assignment(employee.id, start_date - timedelta(days=1))
    after = current_assignment(employee.id, start_date)
    return create_protection(
        employee_id=employee.id, start_date=start_date, source=source, source_ref="Recorded by HR", reason=reason,
        old_salary=old_salary, new_salary=new_salary, hours_per_week=hours_per_week, new_scp=new_scp,
        old_scp=old_scp, old_post_id=before.post_id if before else None,
        new_post_id=after.post_id if after else None,
        old_grade=(before.post.grade or "") if before else "", new_grade=(after.post.grade or "") if after else "")


def protect_holders_after_regrade(post_id: int, old_grade: str | None, new_grade: str | None, on: date, *,
                                  source: str = "re-evaluation", source_ref: str = "",
                                  new_band: GradeBand | None = None, employment_ids: Collection[int] | None = None,
                                  why: str = "") -> list[Protection]:
    """A post re-graded lower from a date: each holder whose point is above the new grade's top
    moves to that top point from the date (their record then is split, or corrected if it starts
    that day: `regrading.move_holder`) and is protected from the old salary. Holders still within
    the new grade keep their pay and need no protection. A regrade's plan (services/pay/regrading.py)
    passes the new grade's band and the holders it found; otherwise both are looked up."""
    from ..pay.regrading import move_holder
    from ..people.posts import bands_on
    from ..people.records import spine_on

    post = db.session.get(Post, post_id)
    if post is None or not old_grade or not new_grade or old_grade == new_grade:
        return []
    if new_band is None:
        bands = {band.grade: band for band in bands_on(post.council_id, on)}
        old_band, new_band = bands.get(old_grade), bands.get(new_grade)
        if old_band is None or new_band is None or new_band.scp_max >= old_band.scp_max:
            return []
    _, spine = spine_on(on)
    query = select(Assignment).where(
        Assignment.post_id == post_id, Assignment.effective_from <= on, Assignment.local_salary.is_(None),
        Assignment.scp > new_band.scp_max, or_(Assignment.effective_to.is_(None), Assignment.effective_to >= on))
    if employment_ids is not None:
        query = query.where(Assignment.employment_id.in_(list(employment_ids)))
    holders = db.session.scalars(query).all()
    created = []
    why = why or f"{post.title} ({post.post_number}) re-graded from {old_grade} to {new_grade} on {on:%d/%m/%Y}"
    for assignment in holders:
        scp = assignment.scp
        assert scp is not None
        if scp not in spine or new_band.scp_max not in spine:
            raise DomainError(f"SCP {scp} or {new_band.scp_max} is not on the pay spine for {on:%d/%m/%Y}: "
                              "the holders' protection cannot be worked out")
        employee_id = assignment.employment.employee_id
        hours = assignment.hours_per_week
        employer_id = assignment.employment.employer_id
        move_holder(assignment.employment_id, post_id, on, new_band.scp_max, why)
        created.append(create_protection(
            employee_id=employee_id, start_date=on, source=source, source_ref=source_ref or why, reason=why,
            old_salary=spine[scp], new_salary=spine[new_band.scp_max], hours_per_week=hours,
            old_post_id=post_id, new_post_id=post_id, old_grade=old_grade, new_grade=new_grade,
            new_scp=new_band.scp_max, old_scp=scp, council_id=employer_id))
    return created


# -- recomputing and ending ----------------------------------------------------------------------

def recompute(record: Protection, why: str) -> bool:
    """Recompute a schedule after something it follows changed (a pay award, an increment, a change
    of hours or SCP, leaving, an early ending). Audited with `why` when the schedule changes; a
    month already paid whose payment changes gets an adjustment (`_store`), audited too. True if
    the schedule changed."""
    before = _summary(record)
    end, months, inputs = compute(record)
    changed_on = None if _stored_in_this_transaction(record) else derived.today()
    changed, adjustments = _store(record, end, months, inputs, changed_on=changed_on, why=why)
    if not changed:
        return False
    db.session.flush()
    audit.record("recompute", "protection", record.id, before=before,
                 after={**_summary(record), "adjustments": len(adjustments)}, reason=why,
                 employee_id=record.employee_id)
    if adjustments:
        audit.record("adjust", "protection", record.id, reason=why, employee_id=record.employee_id, after={
            "recorded_on": changed_on.isoformat() if changed_on else None,
            "months": [{"month": f"{a.month:%Y-%m}", "paid": str(a.paid), "due": str(a.due),
                        "difference": str(a.difference)} for a in adjustments]})
    return True


def active_on(on: date) -> Any:
    """Protections still running on a date (started, not yet ended)."""
    return and_(Protection.start_date <= on, or_(Protection.ends_on.is_(None), Protection.ends_on > on))


def not_ended_by(on: date) -> Any:
    """Protections whose schedule reaches past a date (running or starting later)."""
    return or_(Protection.ends_on.is_(None), Protection.ends_on > on)


def recompute_scopes(items: list[tuple[tuple[Any, ...], str]]) -> int:
    """Recompute the schedules a unit of work's changes reach (`derived.settle` calls this), each
    audited with why (services/platform/derived.py words it from the change). Scopes:
    ("protection", id); ("employment", id) and ("employee", id): every protection of the person;
    ("since", date): every protection not over by that date (a spine year changed); ("rule", key):
    every protection, when the full-time week changes. Returns how many schedules changed."""
    # One recompute per protection, audited with the first why that reaches it, the broadest
    # first: a pay award or rule, then the person's record, then the protection's own change.
    own, employments, employees, since = _scopes_by_kind(items)
    whys: dict[int, str] = {}
    for day, why in sorted(since.items()):
        for record_id in db.session.scalars(select(Protection.id).where(not_ended_by(day))).all():
            whys.setdefault(record_id, why)
    if employments:
        people = dict(db.session.execute(select(Employment.id, Employment.employee_id)
                                         .where(Employment.id.in_(list(employments)))).all())
        for employment_id, why in employments.items():
            if employment_id in people:
                employees.setdefault(people[employment_id], why)
    if employees:
        for record_id, employee_id in db.session.execute(select(Protection.id, Protection.employee_id).where(
                Protection.employee_id.in_(list(employees)))).all():
            whys.setdefault(record_id, employees[employee_id])
    for record_id, why in own.items():
        whys.setdefault(record_id, why)
    changed = 0
    for record_id, why in sorted(whys.items()):
        record = db.session.get(Protection, record_id)
        if record is not None:
            changed += recompute(record, why)
    return changed


def _scopes_by_kind(items: list[tuple[tuple[Any, ...], str]]) -> tuple[dict[int, str], dict[int, str],
                                                                      dict[int, str], dict[date, str]]:
    """The scopes' ids (or dates) by kind, each with the first why that names it: protections,
    employments, employees, and the dates from which every protection is reached."""
    own: dict[int, str] = {}
    employments: dict[int, str] = {}
    employees: dict[int, str] = {}
    since: dict[date, str] = {}
    for scope, why in items:
        kind = scope[0]
        if kind == "protection" and scope[1] is not None:
            own.setdefault(scope[1], why)
        elif kind == "employment" and scope[1] is not None:
            employments.setdefault(scope[1], why)
        elif kind == "employee" and scope[1] is not None:
            employees.setdefault(scope[1], why)
        elif kind == "since":
            since.setdefault(scope[1], why)
        elif kind == "rule" and scope[1] == "full_time_hours":
            since.setdefault(date.min, why or "The full-time week changed")
    return own, employments, employees, since


def early_kinds(record: Protection) -> list[str]:
    """The events HR can record as ending this protection: those its policy lists, and leaving."""
    policy = db.session.get(Policy, record.policy_id)
    kinds = early_ending_kinds(ends_early_on(policy)) if policy else []
    return kinds if LEAVING in kinds else [*kinds, LEAVING]


@transaction
def end_early(record: Protection, kind: str, first_day_without: date, reason: str) -> Protection:
    """Record an early-ending event (promotion, a voluntary move to a lower post, leaving) that the
    protection's policy lists: protection stops from `first_day_without`. Audited. One unit of
    work (joins the caller's, e.g. recording a leaver): the schedule is recomputed before it
    commits (services/platform/derived.py: the protection's ended_early_on is a source of its schedule)."""
    date_windows.check("protection_early_end", first_day_without, field="first_day_without")
    if kind not in EARLY_ENDINGS:
        raise DomainError("Choose what happened", field="kind")
    if kind != LEAVING and kind not in early_kinds(record):  # nobody is paid after leaving, whatever the policy
        raise DomainError(f"This protection's policy does not end protection on {kind}", field="kind")
    if not reason.strip():
        raise DomainError("Enter the reason", field="reason")
    if first_day_without < record.start_date:
        raise DomainError(f"The date is before the protection started on {record.start_date:%d/%m/%Y}",
                          field="first_day_without")
    if record.ended_early_on is not None:
        raise DomainError(f"This protection already ended early on {record.ended_early_on:%d/%m/%Y}")
    if record.ends_on is not None and first_day_without >= record.ends_on:
        raise DomainError(f"Protection already ends on {record.ends_on:%d/%m/%Y}, before that date",
                          field="first_day_without")
    derived.note("protection_schedules", "protection", record.id, why=f"Ended early ({kind}): {reason.strip()}")
    before = audit.snapshot(record, ["ended_early_on", "ended_early_kind"])
    record.ended_early_on = first_day_without
    record.ended_early_kind = kind
    db.session.flush()
    audit.record("update", "protection", record.id, before=before,
                 after=audit.snapshot(record, ["ended_early_on", "ended_early_kind"]), reason=reason.strip(),
                 employee_id=record.employee_id)
    return record


@transaction
def end_protection_early(protection_id: int, kind: str, first_day_without: date, reason: str) -> Protection:
    """HR ends a protection early (the "End protection early" page): one unit of work."""
    record = db.session.get(Protection, protection_id)
    if record is None:
        raise DomainError("That protection no longer exists")
    return end_early(record, kind, first_day_without, reason)


def end_for_leaver(employee_id: int, last_day: date, reason: str) -> int:
    """A leaver's protections stop the day after their last day (nobody is paid protection after
    leaving). Returns how many were ended."""
    ended = 0
    for record in db.session.scalars(select(Protection).where(
            Protection.employee_id == employee_id, Protection.ended_early_on.is_(None),
            not_ended_by(last_day))).all():
        # A protection due to start after the last day never begins.
        end_early(record, LEAVING, max(last_day + timedelta(days=1), record.start_date),
                  reason or "Left the council's employment")
        ended += 1
    return ended


__all__ = [
    "CATCHING_UP",
    "SOURCE_LABELS",
    "create_protection",
    "end_early",
    "end_for_leaver",
    "end_protection_early",
    "policy_in_force",
    "recompute",
    "recompute_scopes",
    "record_by_hand",
]


# -- the calculator (`hrtool calc protection`, and its page) --------------------------------------

@dataclass(frozen=True)
class Calculation:
    council: Council
    policy: Policy
    old_salary: Decimal  # full-time on the start date
    new_salary: Decimal
    hours: Decimal
    end: ProtectionEnd
    months: list[tuple[ProtectionMonth, bool]]  # with projected

    def as_json(self) -> dict[str, Any]:
        return {"policy": self.policy.name, "ends_on": self.end.ends_on.isoformat(), "end_reason": self.end.reason,
                "months": [{"month": f"{m.month:%Y-%m}", "phase": m.phase, "new_salary": f"{m.new_salary:.2f}",
                            "protection": f"{m.protection:.2f}", "total": f"{m.total:.2f}", "projected": projected}
                           for m, projected in self.months]}


def calculate(council_code: str, old_scp: int, new_scp: int, start: date, hours: Decimal | None = None) -> Calculation:
    """Someone moving from `old_scp` to `new_scp` on `start` at a council: its policy in force on
    that date, the new SCP kept as given with pay awards from the spine (projected where the
    spine is not held yet). Annual amounts at the hours given (default full time)."""
    date_windows.check("protection_start", start, field="start")
    council = db.session.scalar(select(Council).where(Council.code == council_code.strip().upper()))
    if council is None:
        codes = ", ".join(db.session.scalars(select(Council.code).order_by(Council.code)))
        raise DomainError(f"Unknown council {council_code!r} (known: {codes})", field="council")
    policy = policy_in_force(council.id, start)
    if policy is None:
        raise DomainError(f"{council.short_name} has no pay protection policy in force on {start:%d/%m/%Y}",
                          field="start")
    full_time_hours = Decimal(rule_value("full_time_hours", start))
    hours = full_time_hours if hours is None else hours
    if not Decimal(0) < hours <= Decimal(48):
        raise DomainError("Enter hours a week between 0 and 48", field="hours")
    spine = _Spine()
    old, new = spine.salary(old_scp, start), spine.salary(new_scp, start)
    if old is None:
        raise DomainError(f"SCP {old_scp} is not on the pay spine on {start:%d/%m/%Y}", field="old_scp")
    if new is None:
        raise DomainError(f"SCP {new_scp} is not on the pay spine on {start:%d/%m/%Y}", field="new_scp")
    if new >= old:
        raise DomainError(f"SCP {new_scp} (£{new:,}) is not lower than SCP {old_scp} (£{old:,}): nothing to protect",
                          field="new_scp")
    record = Protection(start_date=start, old_salary=old, new_salary=new, old_scp=old_scp, new_scp=new_scp,
                        hours_per_week=hours,
                        policy_id=policy.id, council_id=council.id, ended_early_kind="")
    end, months, inputs = compute(record, policy)
    return Calculation(council, policy, old, new, hours, end,
                       [(m, is_projected(m.month, inputs.known_until)) for m in months])


# -- in plain words (the employee's view and statement) ------------------------------------------
# One computation per statement: the text, the month-by-month table, the employee's own
# view and the PDF all come from one `Statement` (services/protection/protection_statements.py).

def _pounds(amount: Decimal) -> str:
    return f"£{amount:,.2f}"


def in_plain_words(record: Protection) -> list[str]:
    """What the protection means for the person, in plain words (its statement's words)."""
    from .protection_statements import statement

    return statement(record).words


def for_employee(employee_id: int) -> list[Protection]:
    return list(db.session.scalars(select(Protection).where(Protection.employee_id == employee_id)
                                   .order_by(Protection.start_date.desc(), Protection.id.desc())))


def posts_of(record: Protection) -> dict[int, Post]:
    """The protection's old and new posts (those it names), each by id."""
    ids = [i for i in (record.old_post_id, record.new_post_id) if i is not None]
    return {p.id: p for p in db.session.scalars(select(Post).where(Post.id.in_(ids)))}


PROJECTED_NOTE = ("Months marked projected use the latest pay spine held, because the pay award for that year has "
                  "not been agreed yet. They will change when it is.")
