"""Pay protection records (issue 7; DOMAIN.md 3.5): creating them, computing and storing each
schedule month by month, recomputing it when pay awards, increments, changes of hours or early
endings change it, and ending protection early.

The rules are in `hrtool.domain.protection`; this module reads what they need from the database:
- the council's `pay_protection` Policy in force on the start date (a changed policy applies only
  to protections starting after it, because each protection keeps the policy it started under);
- the new salary over time: the full-time salary given on the start date, then on each later
  change (1 April, or an assignment change on the person's record) the pay spine of that pay year
  at the person's spinal column point. Where a pay year's spine is not held yet, the latest known
  year is used and those months are marked projected;
- the hours over time, from the person's assignments (the hours given on the start date first).

Every function flushes and leaves the commit to the caller. Each change is audited.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, func, or_, select

from ..domain.dates import pay_year_start
from ..domain.protection import (
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
    pay_year_starts,
    protection_end,
    protection_schedule,
    salary_steps,
)
from ..errors import DomainError
from ..extensions import db
from ..models import (
    Assignment,
    Council,
    Employee,
    Employment,
    PaySpinePoint,
    Policy,
    Post,
    Protection,
    ProtectionMonthRow,
)
from ..models.protection import PROTECTION_SOURCES
from . import audit
from .records import rule_value

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
           "new_post_id", "old_grade", "new_grade", "old_salary", "new_salary", "new_scp", "hours_per_week",
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


def save_policy_version(council_id: int, effective_from: date, body: dict[str, Any], reason: str) -> Policy:
    """A new version of a council's pay protection policy from a date. The version in force
    closes the day before; protections keep the policy they started under, so the change applies
    to protections starting on or after `effective_from`. Audited."""
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
    new_salary: list[tuple[date, Decimal]]  # full-time annual, dated
    hours: list[tuple[date, Decimal]]
    full_time_hours: Decimal
    known_until: date | None  # the last pay year whose spine is held (its 1 April); None: none held
    early: date | None


def _latest_spine_year() -> date | None:
    return db.session.scalar(select(func.max(PaySpinePoint.pay_year_from)).where(PaySpinePoint.spine == NJC))


class _Spine:
    """Spine values by pay year, read once per year asked for."""

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
            rows = db.session.execute(select(PaySpinePoint.scp, PaySpinePoint.annual_salary).where(
                PaySpinePoint.spine == NJC, PaySpinePoint.pay_year_from == held)) if held else []
            self.years[year] = {s: v for s, v in rows}
        return self.years[year].get(scp)


def _assignments(record: Protection) -> list[Assignment]:
    """The person's assignments that the schedule follows: those of the employment protected,
    in force on or after the start, on the new post when one is named."""
    query = select(Assignment).join(Employment).where(
        Employment.employee_id == record.employee_id,
        or_(Assignment.effective_to.is_(None), Assignment.effective_to >= record.start_date))
    if record.employment_id is not None:
        query = query.where(Assignment.employment_id == record.employment_id)
    if record.new_post_id is not None:
        query = query.where(Assignment.post_id == record.new_post_id)
    return list(db.session.scalars(query.order_by(Assignment.effective_from)))


def _in_force(assignments: list[Assignment], on: date) -> Assignment | None:
    found = [a for a in assignments if a.effective_from <= on and (a.effective_to is None or a.effective_to >= on)]
    return found[-1] if found else None


def schedule_inputs(record: Protection, policy: Policy | None = None) -> Inputs:
    policy = policy or db.session.get(Policy, record.policy_id)
    if policy is None:
        raise DomainError("The protection's policy no longer exists")
    rules = policy_rules(policy)
    horizon = add_months(record.start_date, rules.months)
    assignments = _assignments(record)
    spine = _Spine()
    changes = pay_year_starts(record.start_date, horizon) + [
        a.effective_from for a in assignments if record.start_date < a.effective_from < horizon]

    def full_time_salary(day: date) -> Decimal:
        assignment = _in_force(assignments, day)
        if assignment is not None and assignment.local_salary is not None:
            return assignment.local_salary
        scp = assignment.scp if assignment is not None and assignment.scp is not None else record.new_scp
        value = spine.salary(scp, day) if scp is not None else None
        return value if value is not None else record.new_salary

    def hours(day: date) -> Decimal:
        assignment = _in_force(assignments, day)
        return assignment.hours_per_week if assignment is not None else record.hours_per_week

    return Inputs(rules=rules,
                  new_salary=salary_steps(record.start_date, record.new_salary, changes, full_time_salary),
                  hours=salary_steps(record.start_date, record.hours_per_week, changes, hours),
                  full_time_hours=Decimal(rule_value("full_time_hours", record.start_date)),
                  known_until=spine.latest, early=record.ended_early_on)


def compute(record: Protection, policy: Policy | None = None) -> tuple[ProtectionEnd, list[ProtectionMonth], Inputs]:
    inputs = schedule_inputs(record, policy)
    end = protection_end(inputs.rules, record.old_salary, inputs.new_salary, record.start_date, inputs.early)
    months = protection_schedule(inputs.rules, record.old_salary, inputs.new_salary, record.start_date,
                                 inputs.hours, inputs.full_time_hours, inputs.early)
    return end, months, inputs


def is_projected(month: date, known_until: date | None) -> bool:
    """A month is projected when its pay year's spine is not held yet (the latest is carried on)."""
    return known_until is None or pay_year_start(month) > known_until


def _end_reason(end: ProtectionEnd, record: Protection) -> str:
    return end_in_words(end, record.ended_early_kind)


def _summary(record: Protection) -> dict[str, Any]:
    rows = record.months
    return {"ends_on": record.ends_on.isoformat() if record.ends_on else None, "months": len(rows),
            "total_payments": str(sum((r.payment for r in rows), Decimal(0))),
            "projected_months": sum(1 for r in rows if r.projected)}


def _store(record: Protection, end: ProtectionEnd, months: list[ProtectionMonth], known_until: date | None) -> bool:
    """Replace the stored schedule; True if anything changed."""
    new_rows = [(m.month, m.phase, m.new_salary, m.protection, m.payment, is_projected(m.month, known_until))
                for m in months]
    old_rows = [(r.month, r.phase, r.new_salary, r.protection, r.payment, r.projected) for r in record.months]
    reason = _end_reason(end, record)
    if new_rows == old_rows and record.ends_on == end.ends_on and record.end_reason == reason:
        return False
    record.ends_on = end.ends_on
    record.end_reason = reason
    record.months.clear()
    db.session.flush()  # delete the old rows before the new ones take their (protection, month) places
    for month, phase, salary, protection, payment, projected in new_rows:
        record.months.append(ProtectionMonthRow(month=month, phase=phase, new_salary=salary, protection=protection,
                                                payment=payment, projected=projected))
    return True


# -- creating ----------------------------------------------------------------------------------

def _employment_on(employee_id: int, on: date) -> Employment | None:
    employments = db.session.scalars(select(Employment).where(Employment.employee_id == employee_id)
                                     .order_by(Employment.start_date)).all()
    current = [e for e in employments if e.start_date <= on and (e.end_date is None or e.end_date >= on)]
    if current:
        return current[-1]
    later = [e for e in employments if e.start_date > on]
    return later[0] if later else None


def create_protection(*, employee_id: int, start_date: date, source: str, source_ref: str,
                      reason: str, old_salary: Decimal, new_salary: Decimal,
                      hours_per_week: Decimal, old_post_id: int | None = None,
                      new_post_id: int | None = None, old_grade: str = "", new_grade: str = "",
                      new_scp: int | None = None, council_id: int | None = None) -> Protection:
    """Protect someone who moves to a lower salary: salaries are annual and full-time on the start
    date. The council (the employer on the start date unless given) and its policy in force on
    the start date apply; the schedule is computed and stored. Audited; flushes, does not commit."""
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
    record = Protection(
        employee_id=employee_id, employment_id=employment.id if employment else None, council_id=council_id,
        policy_id=policy.id, source=source, source_ref=source_ref.strip()[:200], reason=reason.strip(),
        start_date=start_date, old_post_id=old_post_id, new_post_id=new_post_id, old_grade=old_grade[:40],
        new_grade=new_grade[:40], old_salary=old_salary, new_salary=new_salary, new_scp=new_scp,
        hours_per_week=hours_per_week, created_by_id=audit._actor()[0], end_reason="", ended_early_kind="")
    db.session.add(record)
    end, months, inputs = compute(record, policy)
    _store(record, end, months, inputs.known_until)
    db.session.flush()
    audit.record("create", "protection", record.id, after={**audit.snapshot(record, AUDITED), **_summary(record)},
                 reason=reason.strip() or f"{SOURCE_LABELS[source]}: {source_ref}", employee_id=employee_id)
    return record


def protect_holders_after_regrade(post_id: int, old_grade: str | None, new_grade: str | None, on: date, *,
                                  source: str = "re-evaluation", source_ref: str = "") -> list[Protection]:
    """A post re-graded lower from a date: each holder whose point is above the new grade's top
    moves to that top point from the date (a dated assignment change) and is protected from the
    old salary. Holders still within the new grade keep their pay and need no protection."""
    from .employees import AssignmentChange, change_assignment
    from .posts import bands_on
    from .records import spine_on

    post = db.session.get(Post, post_id)
    if post is None or not old_grade or not new_grade or old_grade == new_grade:
        return []
    bands = {band.grade: band for band in bands_on(post.council_id, on)}
    old_band, new_band = bands.get(old_grade), bands.get(new_grade)
    if old_band is None or new_band is None or new_band.scp_max >= old_band.scp_max:
        return []
    _, spine = spine_on(on)
    holders = db.session.scalars(select(Assignment).where(
        Assignment.post_id == post_id, Assignment.effective_from <= on, Assignment.local_salary.is_(None),
        Assignment.scp > new_band.scp_max, or_(Assignment.effective_to.is_(None), Assignment.effective_to >= on))).all()
    created = []
    why = f"{post.title} ({post.post_number}) re-graded from {old_grade} to {new_grade} on {on:%d/%m/%Y}"
    for assignment in holders:
        scp = assignment.scp
        assert scp is not None
        if scp not in spine or new_band.scp_max not in spine:
            raise DomainError(f"SCP {scp} or {new_band.scp_max} is not on the pay spine for {on:%d/%m/%Y}: "
                              "the holders' protection cannot be worked out")
        if assignment.effective_from >= on:
            raise DomainError(f"A holder's assignment starts on {assignment.effective_from:%d/%m/%Y}: date the "
                              "re-grading after it so their pay can move to the new grade", field="evaluated_on")
        employee_id = assignment.employment.employee_id
        change_assignment(assignment.id, AssignmentChange(on, post_id, assignment.hours_per_week, new_band.scp_max,
                                                          None, why))
        created.append(create_protection(
            employee_id=employee_id, start_date=on, source=source, source_ref=source_ref or why, reason=why,
            old_salary=spine[scp], new_salary=spine[new_band.scp_max], hours_per_week=assignment.hours_per_week,
            old_post_id=post_id, new_post_id=post_id, old_grade=old_grade, new_grade=new_grade,
            new_scp=new_band.scp_max, council_id=assignment.employment.employer_id))
    return created


# -- recomputing and ending ----------------------------------------------------------------------

def recompute(record: Protection, why: str) -> bool:
    """Recompute a schedule after something it follows changed (a pay award, an increment, a change
    of hours, an early ending). Audited when the schedule changes; True if it did."""
    before = _summary(record)
    end, months, inputs = compute(record)
    if not _store(record, end, months, inputs.known_until):
        return False
    db.session.flush()
    audit.record("recompute", "protection", record.id, before=before, after=_summary(record), reason=why,
                 employee_id=record.employee_id)
    return True


def active_on(on: date) -> Any:
    """Protections still running on a date (started, not yet ended)."""
    return and_(Protection.start_date <= on, or_(Protection.ends_on.is_(None), Protection.ends_on > on))


def not_ended_by(on: date) -> Any:
    """Protections whose schedule reaches past a date (running or starting later)."""
    return or_(Protection.ends_on.is_(None), Protection.ends_on > on)


def recompute_for_employees(employee_ids: set[int] | list[int], why: str, since: date | None = None) -> int:
    """Recompute every protection of these people that runs past `since` (default: all of theirs
    not yet over). Returns how many schedules changed."""
    if not employee_ids:
        return 0
    query = select(Protection).where(Protection.employee_id.in_(list(employee_ids)))
    if since is not None:
        query = query.where(not_ended_by(since))
    return sum(1 for record in db.session.scalars(query).all() if recompute(record, why))


def recompute_all(why: str, since: date) -> int:
    """Recompute every protection running past a date (after a pay award). Returns how many changed."""
    return sum(1 for record in db.session.scalars(select(Protection).where(not_ended_by(since))).all()
               if recompute(record, why))


def recompute_scopes(items: list[tuple[tuple[Any, ...], str]]) -> int:
    """Recompute the schedules a unit of work's changes reach (`derived.settle` calls this):
    scopes ("protection", id), ("employment", id), ("employee", id), ("since", date) and
    ("rule", key). Returns how many schedules changed."""
    ids: dict[int, str] = {}
    employments: dict[int, str] = {}
    employees: dict[int, str] = {}
    since: date | None = None
    since_why = ""
    for scope, why in items:
        kind = scope[0]
        if kind == "protection" and scope[1] is not None:
            ids.setdefault(scope[1], why)
        elif kind == "employment" and scope[1] is not None:
            employments.setdefault(scope[1], why)
        elif kind == "employee" and scope[1] is not None:
            employees.setdefault(scope[1], why)
        elif kind == "since":
            if since is None or scope[1] < since:
                since, since_why = scope[1], why
        elif kind == "rule" and scope[1] == "full_time_hours":
            since, since_why = date.min, why
    changed = 0
    if since is not None:
        for record in db.session.scalars(select(Protection).where(not_ended_by(since))).all():
            changed += recompute(record, f"The pay spine or rules changed ({since_why})")
            ids.pop(record.id, None)
    if employments:
        for record in db.session.scalars(select(Protection).join(Employment, Employment.employee_id ==
                                                                  Protection.employee_id)
                                         .where(Employment.id.in_(list(employments)))).unique().all():
            if record.id not in ids:
                ids[record.id] = "The person's record changed"
    if employees:
        for record in db.session.scalars(select(Protection).where(Protection.employee_id.in_(list(employees)))).all():
            ids.setdefault(record.id, employees[record.employee_id])
    for record_id, why in ids.items():
        record = db.session.get(Protection, record_id)
        if record is not None:
            changed += recompute(record, why)
    return changed


def early_kinds(record: Protection) -> list[str]:
    """The events HR can record as ending this protection: those its policy lists, and leaving."""
    policy = db.session.get(Policy, record.policy_id)
    kinds = early_ending_kinds(ends_early_on(policy)) if policy else []
    return kinds if LEAVING in kinds else [*kinds, LEAVING]


def end_early(record: Protection, kind: str, first_day_without: date, reason: str) -> Protection:
    """Record an early-ending event (promotion, a voluntary move to a lower post, leaving) that the
    protection's policy lists: protection stops from `first_day_without`. Audited."""
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
    before = audit.snapshot(record, ["ended_early_on", "ended_early_kind"])
    record.ended_early_on = first_day_without
    record.ended_early_kind = kind
    db.session.flush()
    audit.record("update", "protection", record.id, before=before,
                 after=audit.snapshot(record, ["ended_early_on", "ended_early_kind"]), reason=reason.strip(),
                 employee_id=record.employee_id)
    recompute(record, f"Ended early ({kind}): {reason.strip()}")
    return record


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
    "policy_in_force",
    "recompute",
    "recompute_all",
    "recompute_for_employees",
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
    record = Protection(start_date=start, old_salary=old, new_salary=new, new_scp=new_scp, hours_per_week=hours,
                        policy_id=policy.id, council_id=council.id, ended_early_kind="")
    end, months, inputs = compute(record, policy)
    return Calculation(council, policy, old, new, hours, end,
                       [(m, is_projected(m.month, inputs.known_until)) for m in months])


# -- in plain words (the employee's view and statement) ------------------------------------------

def _pounds(amount: Decimal) -> str:
    return f"£{amount:,.2f}"


def _share(share: Decimal) -> str:
    if share == 1:
        return "the whole of"
    if share == Decimal("0.5"):
        return "half of"
    return f"{(share * 100).normalize():f}% of"


def in_plain_words(record: Protection) -> list[str]:
    """What the protection means for the person, in plain words (amounts as on the start date)."""
    policy = db.session.get(Policy, record.policy_id)
    rules = policy_rules(policy) if policy else None
    council = record.council.name
    why = PLAIN_SOURCES[record.source]
    reason = record.reason.strip().rstrip(".")
    because = f"{why} ({reason})" if why and reason else (why or reason or "your pay went down")
    words = [(f"Your pay went down on {record.start_date:%-d %B %Y} because of {because}. {council}'s pay "
              f"protection policy protects your pay for up to {rules.months if rules else '?'} months from that date.")]
    if rules is not None and rules.kind == "tapered":
        difference = record.old_salary - record.new_salary
        parts = []
        for start, _number, phase in rules.phase_starts(record.start_date):
            parts.append(f"from {start:%-d %B %Y}, {_share(phase.share_of_difference)} it "
                         f"({_pounds(difference * phase.share_of_difference)} a year)")
        words.append(f"The difference between your old salary ({_pounds(record.old_salary)} a year) and your new "
                     f"salary ({_pounds(record.new_salary)} a year) on that date is {_pounds(difference)} a year, "
                     f"fixed in pounds. You are paid {'; then '.join(parts)}. Pay awards and increments on your "
                     "new salary are paid on top.")
    elif rules is not None:
        shares = {phase.share_of_difference for phase in rules.phases}
        share = _share(next(iter(shares))) if len(shares) == 1 else "a share of"
        words.append(f"Your old salary of {_pounds(record.old_salary)} a year is protected: you are paid "
                     f"{share} the difference between it and your new salary, which was "
                     f"{_pounds(record.new_salary)} a year on that date: a difference of "
                     f"{_pounds(record.old_salary - record.new_salary)} a year. Pay awards and increments on your "
                     "new salary make the payment smaller, until your new salary catches up.")
    full_time = Decimal(rule_value("full_time_hours", record.start_date))
    if record.hours_per_week != full_time:
        words.append(f"These are full-time amounts. You are paid for your hours ({record.hours_per_week.normalize():f} "
                     f"a week out of a full-time week of {full_time.normalize():f}), so the table below shows "
                     "your share.")
    if record.ends_on is not None:
        last = record.ends_on - timedelta(days=1)
        words.append(f"Your last day of protection is {last:%-d %B %Y}. {record.end_reason}")
    return words


def for_employee(employee_id: int) -> list[Protection]:
    return list(db.session.scalars(select(Protection).where(Protection.employee_id == employee_id)
                                   .order_by(Protection.start_date.desc(), Protection.id.desc())))


PROJECTED_NOTE = ("Months marked projected use the latest pay spine held, because the pay award for that year has "
                  "not been agreed yet. They will change when it is.")


def statement_pdf(employee_id: int, today: date) -> bytes:
    """The person's pay protection statement (every protection they have had), audited as a view
    of personal data."""
    from ..reports.protection_pdf import Statement, StatementSection, render

    employee = db.session.get(Employee, employee_id)
    records = for_employee(employee_id)
    if employee is None or not records:
        raise DomainError("There is no pay protection to show")
    sections = []
    for record in records:
        last = record.ends_on - timedelta(days=1) if record.ends_on else None
        facts = [("Council", record.council.name), ("Why", SOURCE_LABELS[record.source]),
                 ("Started", f"{record.start_date:%-d %B %Y}"),
                 ("Last day of protection", f"{last:%-d %B %Y}" if last else "Not known yet"),
                 ("Grade", f"{record.old_grade} to {record.new_grade}" if record.old_grade and record.new_grade
                  else "Not recorded"),
                 ("Salary, full-time, a year", f"{_pounds(record.old_salary)} before, {_pounds(record.new_salary)} after")]
        rows = [[f"{m.month:%B %Y}", str(m.phase), _pounds(m.new_salary), _pounds(m.protection), _pounds(m.payment),
                 "Projected" if m.projected else ""] for m in record.months]
        sections.append(StatementSection(f"Protection from {record.start_date:%-d %B %Y}", facts,
                                         in_plain_words(record), rows))
    council = records[0].council.name
    pdf = render(Statement(council, employee.full_name, employee.person_number, f"{today:%-d %B %Y}", sections,
                           [PROJECTED_NOTE, ("Annual amounts are for your contractual hours. A month in which "
                                             "protection starts or ends part way pays for the days protected.")]))
    audit.record("export", "protection_statement", employee_id, after={"protections": [r.id for r in records]},
                 employee_id=employee_id)
    return pdf
