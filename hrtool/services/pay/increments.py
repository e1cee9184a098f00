"""Increment runs: preview who moves up a spinal column point and who does not (with the
reason), then apply the moves as dated assignment changes, audited, once per council and date."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from ...domain.increments import IncrementDecision, IncrementFacts, IncrementPolicy, increment_decision
from ...errors import DomainError
from ...extensions import db
from ...models import Assignment, Council, Employee, Employment, IncrementRun, Policy
from ..people.posts import bands_on
from ..people.records import as_at
from ..platform import audit
from ..platform.unit_of_work import transaction
from ..rules import date_windows
from .post_grades import grades_on


@dataclass(frozen=True)
class IncrementLine:
    employee_id: int
    person_number: str
    name: str
    post_title: str
    grade: str | None
    terms_council: str
    assignment_id: int
    decision: IncrementDecision


@dataclass(frozen=True)
class IncrementPreview:
    council: Council
    run_on: date
    date_rule: str
    moves: list[IncrementLine]
    stays: list[IncrementLine]
    already_applied: bool


def increment_policy(council_id: int, on: date) -> IncrementPolicy:
    policy = db.session.scalars(
        select(Policy).where(Policy.kind == "increments", Policy.council_id == council_id, Policy.effective_from <= on)
        .order_by(Policy.effective_from.desc()).limit(1)).first()
    if policy is None:
        raise DomainError("No increments policy is held for this council: add one under reference data")
    return IncrementPolicy(policy.body["date_rule"], int(policy.body["min_months_in_post"]))


def _in_post_since(history: list[Assignment], current: Assignment) -> date:
    """Start of the unbroken run of assignments in the current post (a change of hours is not a
    new appointment; a change of post is)."""
    since = current.effective_from
    for earlier in sorted((a for a in history if a.effective_from < current.effective_from),
                          key=lambda a: a.effective_from, reverse=True):
        if earlier.post_id != current.post_id or earlier.effective_to != since - timedelta(days=1):
            break
        since = earlier.effective_from
    return since


def preview(council_id: int, run_on: date) -> IncrementPreview:
    """Everyone employed by the council on the run date, with the decision for each. Three bulk
    queries whatever the workforce size."""
    date_windows.check("increment_run_on", run_on, field="run_on")
    council = db.session.get(Council, council_id)
    if council is None:
        raise DomainError("Choose a council")
    rows = db.session.execute(
        as_at(run_on).where(Employment.employer_id == council_id, Assignment.id.is_not(None))
        .order_by(Employee.last_name, Employee.first_name, Employee.id)).all()
    history = _assignment_history([row[1].id for row in rows])
    policies: dict[int, IncrementPolicy] = {}
    bands = {b.grade: b for b in bands_on(council_id, run_on)}
    grades = grades_on({row[3].id for row in rows if row[3] is not None}, run_on)  # each post's grade that day
    codes = dict(db.session.execute(select(Council.id, Council.short_name)).all())
    moves: list[IncrementLine] = []
    stays: list[IncrementLine] = []
    for employee, employment, assignment, post, terms in rows:
        terms_council = terms.terms_council_id if terms is not None else council_id
        if terms_council not in policies:
            policies[terms_council] = increment_policy(terms_council, run_on)
        grade = grades.get(post.id)
        band = bands.get(grade) if grade else None
        later = [a.effective_from for a in history.get(employment.id, []) if a.effective_from > assignment.effective_from]
        facts = IncrementFacts(
            scp=assignment.scp if assignment.local_salary is None else None, grade=grade,
            scp_min=band.scp_min if band else None, scp_max=band.scp_max if band else None,
            in_post_since=_in_post_since(history.get(employment.id, []), assignment),
            later_change_on=min(later) if later else None)
        decision = increment_decision(facts, policies[terms_council], run_on)
        if decision.moves and decision.effective_on == assignment.effective_from:
            decision = IncrementDecision(False, None, None, "a change on the increment date is already recorded")
        line = IncrementLine(employee.id, employee.person_number, employee.full_name, post.title, grade,
                             codes[terms_council], assignment.id, decision)
        (moves if decision.moves else stays).append(line)
    applied = db.session.scalar(select(IncrementRun.id).where(IncrementRun.council_id == council_id,
                                                              IncrementRun.run_on == run_on)) is not None
    date_rule = increment_policy(council_id, run_on).date_rule
    return IncrementPreview(council, run_on, date_rule, moves, stays, applied)


def _assignment_history(employment_ids: list[int]) -> dict[int, list[Assignment]]:
    """Every assignment of these employments, by employment (a query per thousand)."""
    history: dict[int, list[Assignment]] = {}
    for start in range(0, len(employment_ids), 1000):
        chunk = employment_ids[start:start + 1000]
        for a in db.session.scalars(select(Assignment).where(Assignment.employment_id.in_(chunk))):
            history.setdefault(a.employment_id, []).append(a)
    return history


@transaction
def apply(council_id: int, run_on: date) -> IncrementRun:
    """Apply the run: each mover's assignment closes the day before the increment and a new one
    opens on the next point. All or nothing; refused if this run was already applied."""
    result = preview(council_id, run_on)
    if result.already_applied:
        raise DomainError(f"The increment run for {result.council.short_name} on {run_on:%d/%m/%Y} has already been applied")
    actor_id, _ = audit._actor()
    reason = f"Annual increment (run for {run_on:%d/%m/%Y})"
    created: list[Assignment] = []
    for line in result.moves:
        current = db.session.get(Assignment, line.assignment_id)
        effective = line.decision.effective_on
        assert current is not None and effective is not None
        ends = current.effective_to
        current.effective_to = effective - timedelta(days=1)
        new = Assignment(employment_id=current.employment_id, post_id=current.post_id,
                         hours_per_week=current.hours_per_week, scp=line.decision.new_scp,
                         local_salary=None, effective_from=effective, effective_to=ends, reason=reason,
                         recorded_by_id=actor_id)
        db.session.add(new)
        db.session.flush()
        created.append(new)
        audit.record("update", "assignment", current.id, before={"effective_to": None if ends is None else ends.isoformat()},
                     after={"effective_to": current.effective_to.isoformat()}, reason=reason, employee_id=line.employee_id)
        audit.record("create", "assignment", new.id, after={"scp": new.scp, "effective_from": effective.isoformat()},
                     reason=reason, employee_id=line.employee_id)
    run = IncrementRun(council_id=council_id, run_on=run_on, moved=len(result.moves), not_moved=len(result.stays),
                       applied_by_id=actor_id)
    db.session.add(run)
    db.session.flush()
    audit.record("apply", "increment_run", run.id, after={"council": result.council.code, "run_on": run_on.isoformat(),
                                                           "moved": run.moved, "not_moved": run.not_moved})
    # A new point must agree with a change of its post's grade dated ahead: only the
    # posts with one are looked at, so a run costs the same few queries for everyone else.
    from ...models import PostGrade
    from .regrading import fit_new_record

    post_ids = sorted({a.post_id for a in created})
    ahead: set[int] = set()
    for start in range(0, len(post_ids), 500):
        ahead.update(db.session.scalars(select(PostGrade.post_id).where(
            PostGrade.post_id.in_(post_ids[start:start + 500]), PostGrade.effective_from > run_on)))
    for new in created:
        if new.post_id in ahead:
            fit_new_record(new, reason)
    # Increments erode or end pay protection: the new assignments reach the movers'
    # schedules through services/platform/derived.py before the unit of work commits.
    return run


