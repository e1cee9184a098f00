"""What follows for the people in a post when its grade changes from a date: a change
of grade bands (services/pay/conventions.py) or a job re-evaluation (services/pay/job_evaluations.py).

The plan is worked out before anything is written, so HR sees it first (the band change's
preview, `hrtool grading set-bands --dry-run`), and the change then does exactly what the plan
says. For each post whose grade on some date from the change differs from what it was, and for
each person holding the post on that date (`domain.grading.fit_scp`):

- their point is above the new grade's top: they move to the top point from that date, and their
  council's pay protection policy in force then protects them from that date
  (`protections.protect_holders_after_regrade`), like any other lowering (DOMAIN.md 3.5);
- their point is below the new grade's lowest point: they move up to it from that date; but where
  that point was set by a move down on the same post from the same date (a downgrade now reversed,
  as an appeal upheld from the date of the evaluation appealed), they go back to the point they
  held before it, within the new grade: the reversal undoes the downgrade rather than leaving them
  worse off than before it. The protection the move down started then has nothing to protect and
  ends on its first day (its schedule is recomputed in the same unit of work);
- their point is within the new grade's range: nothing changes.

People on protected terms (TUPE) keep the pay they transferred with: a change of the new
employer's grading cannot be imposed on them (DOMAIN.md 3.3), so they are listed and left alone.
People paid a local salary, and posts with no grade under the new bands (above the top grade),
are listed and left alone too. A later record of a holder in the same post (an increment or a
change of hours dated after the change) is fitted to the new grade from its own start, so no one
is outside their post's grade on any date from the change.
"""
from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import or_, select

from ...domain.grading import BandVersion, DatedGrade, GradeBand, GradeChange, fit_scp, grade_changes, grade_in_force
from ...errors import DomainError
from ...extensions import db
from ...models import Assignment, Employee, Employment, Post, Protection, TermsRecord
from ..platform import audit

NEW_VERSION = 0  # the convention id standing for bands not saved yet (a preview)

DOWN, UP, NONE, PROTECTED_TERMS, LOCAL_PAY, NO_GRADE = "down", "up", "none", "protected terms", "local pay", "no grade"


@dataclass(frozen=True)
class HolderEffect:
    """One person's record in a post whose grade changes, and what follows for it."""

    employee_id: int
    employment_id: int
    person_number: str
    name: str
    employer_id: int
    starts_on: date  # the date it follows from: the change, or a later record's own start
    scp: int | None
    new_scp: int | None
    outside: bool  # the point is outside the new grade's range
    outcome: str  # DOWN / UP / NONE / PROTECTED_TERMS / LOCAL_PAY / NO_GRADE
    policy: str = ""  # the protection policy that applies to a DOWN
    later_record: bool = False  # a record starting after the change, fitted from its own start
    restores: bool = False  # an UP that puts back the point a move down from the same date took away

    @property
    def follows(self) -> str:
        """What follows, in words."""
        when = f"{self.starts_on:%-d %B %Y}"
        if self.outcome == DOWN and self.later_record:
            return f"Their later record from {when} is corrected to SCP {self.new_scp}"
        if self.outcome == DOWN:
            return f"Moves down to SCP {self.new_scp} from {when}, with pay protection under {self.policy}"
        if self.outcome == UP and self.restores:
            return (f"Goes back to SCP {self.new_scp} from {when}, the point held before the move down from that date"
                    + (" (a later record)" if self.later_record else ""))
        if self.outcome == UP:
            return f"Moves up to SCP {self.new_scp} from {when}" + (" (a later record)" if self.later_record else "")
        return {NONE: "No change: the point is within the new grade",
                PROTECTED_TERMS: "No change: on protected terms (TUPE), their pay is not the new employer's grading",
                LOCAL_PAY: "No change: paid a local salary, not on the spine",
                NO_GRADE: "No change: the post has no grade under the bands (above the top grade)"}[self.outcome]


@dataclass(frozen=True)
class PostEffect:
    """A post whose grade differs from a date, and the people holding it then."""

    post_id: int
    post_number: str
    title: str
    council_id: int
    on: date
    old_grade: str | None
    new_grade: str | None
    new_band: GradeBand | None
    holders: tuple[HolderEffect, ...]

    @property
    def direction(self) -> str:
        return "new grade" if self.old_grade is None else ("no grade" if self.new_grade is None else "changed")


@dataclass(frozen=True)
class RegradePlan:
    since: date
    posts: tuple[PostEffect, ...]
    problems: tuple[str, ...] = field(default=())

    @property
    def holders(self) -> list[HolderEffect]:
        return [h for p in self.posts for h in p.holders]

    def count(self, outcome: str) -> int:
        return sum(1 for h in self.holders if h.outcome == outcome)

    @property
    def people(self) -> int:
        return len({h.employee_id for h in self.holders})


def _band(versions: dict[int, list[BandVersion]], council_id: int, convention_id: int | None,
          grade: str | None) -> GradeBand | None:
    for version in versions.get(council_id, []):
        if version.convention_id == convention_id:
            return next((b for b in version.bands if b.grade == grade), None)
    return None


@dataclass
class _Record:
    id: int
    employment_id: int
    post_id: int
    starts: date
    ends: date | None
    scp: int | None
    local_salary: Decimal | None
    employee_id: int
    person_number: str
    name: str
    employer_id: int


def _records(post_ids: Collection[int], since: date) -> dict[int, list[_Record]]:
    """Every assignment of these posts in force on or after `since`, by post."""
    found: dict[int, list[_Record]] = {}
    ordered = sorted(post_ids)
    for start in range(0, len(ordered), 500):
        rows = db.session.execute(
            select(Assignment.id, Assignment.employment_id, Assignment.post_id, Assignment.effective_from,
                   Assignment.effective_to, Assignment.scp, Assignment.local_salary, Employee.id,
                   Employee.person_number, Employee.first_name, Employee.last_name, Employment.employer_id)
            .join(Employment, Employment.id == Assignment.employment_id)
            .join(Employee, Employee.id == Employment.employee_id)
            .where(Assignment.post_id.in_(ordered[start:start + 500]),
                   or_(Assignment.effective_to.is_(None), Assignment.effective_to >= since))
            .order_by(Employee.person_number, Assignment.effective_from))
        for (a_id, employment_id, post_id, starts, ends, scp, local, employee_id, number, first, last,
             employer_id) in rows:
            found.setdefault(post_id, []).append(_Record(a_id, employment_id, post_id, starts, ends, scp, local,
                                                         employee_id, number, f"{first} {last}", employer_id))
    return found


def _protected_terms(employment_ids: Collection[int]) -> dict[int, list[tuple[date, date | None]]]:
    """When each employment was on protected (TUPE) terms."""
    spans: dict[int, list[tuple[date, date | None]]] = {}
    ordered = sorted(employment_ids)
    for start in range(0, len(ordered), 500):
        for employment_id, starts, ends in db.session.execute(
                select(TermsRecord.employment_id, TermsRecord.effective_from, TermsRecord.effective_to)
                .where(TermsRecord.employment_id.in_(ordered[start:start + 500]), TermsRecord.basis == "protected")):
            spans.setdefault(employment_id, []).append((starts, ends))
    return spans


def _covers(starts: date, ends: date | None, on: date) -> bool:
    return starts <= on and (ends is None or on <= ends)


def plan(old: dict[int, list[DatedGrade]], new: dict[int, list[DatedGrade]], versions: dict[int, list[BandVersion]],
         since: date) -> RegradePlan:
    """The posts whose grade differs between two sets of timelines on or after `since`, with
    each holder then and what follows for them (module docstring). Reads, never writes."""
    changes = {post_id: grade_changes(old.get(post_id, []), rows, since) for post_id, rows in new.items()}
    changes = {post_id: found for post_id, found in changes.items() if found}
    if not changes:
        return RegradePlan(since, ())
    posts = {p.id: p for p in db.session.execute(
        select(Post.id, Post.post_number, Post.title, Post.council_id).where(Post.id.in_(list(changes)))).all()} \
        if len(changes) <= 500 else {p.id: p for p in db.session.execute(
            select(Post.id, Post.post_number, Post.title, Post.council_id)).all() if p.id in changes}
    records = _records(changes, since)
    protected = _protected_terms({r.employment_id for rs in records.values() for r in rs})
    checks = _DownChecks(moved_down=_moves_down(changes, since))
    effects: list[PostEffect] = []
    for post_id in sorted(changes, key=lambda i: posts[i].post_number):
        post = posts[post_id]
        simulated: dict[int, int | None] = {}  # employment -> point after an earlier change of this plan
        post_changes = changes[post_id]
        for index, change in enumerate(post_changes):
            until = post_changes[index + 1].on - timedelta(days=1) if index + 1 < len(post_changes) else None
            band = _band(versions, post.council_id, change.convention_id, change.new)
            holders = [effect for record in records.get(post_id, [])
                       if (effect := _holder_effect(record, change, until, band, (old.get(post_id, []), new[post_id]),
                                                    protected, simulated, checks)) is not None]
            effects.append(PostEffect(post_id, post.post_number, post.title, post.council_id, change.on,
                                      change.old, change.new, band, tuple(holders)))
    return RegradePlan(since, tuple(effects), tuple(dict.fromkeys(checks.problems)))


@dataclass
class _DownChecks:
    """What a move down needs (a protection policy, both points on the spine), looked up once per
    council and date, and the problems found."""

    policies: dict[tuple[int, date], Any] = field(default_factory=dict)
    spines: dict[date, dict[int, Decimal]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    # (employee, post, date) -> (point moved down to, point held before): earlier moves down
    # this plan may reverse (`_moves_down`).
    moved_down: dict[tuple[int, int, date], tuple[int, int]] = field(default_factory=dict)
    restored: dict[int, tuple[int, int]] = field(default_factory=dict)  # employment -> (from, to) put back

    def policy_name(self, record: _Record, starts_on: date, scp: int, new_scp: int) -> str:
        """The protection policy's name ("" if none is in force, a problem)."""
        from ..people.records import spine_on
        from ..protection.protections import policy_in_force

        key = (record.employer_id, starts_on)
        if key not in self.policies:
            self.policies[key] = policy_in_force(record.employer_id, starts_on)
        found = self.policies[key]
        if found is None:
            self.problems.append(f"{record.name} ({record.person_number}) would move down from "
                                 f"{starts_on:%-d %B %Y}, but their council has no pay protection policy in force then")
        if starts_on not in self.spines:
            self.spines[starts_on] = spine_on(starts_on)[1]
        missing = [p for p in (scp, new_scp) if p not in self.spines[starts_on]]
        if missing:
            self.problems.append(f"{record.name} ({record.person_number}): SCP {missing[0]} is not on the "
                                 f"pay spine for {starts_on:%-d %B %Y}, so their protection cannot be worked out")
        return found.name if found is not None else ""


def _moves_down(post_ids: Collection[int], since: date) -> dict[tuple[int, int, date], tuple[int, int]]:
    """The moves down a regrade made on these posts from `since` on, each known by the protection
    it started (same post before and after, both points held): (employee, post, date) -> (point
    moved down to, point held before). Early-ended protections are left out: an event HR recorded
    (a promotion, leaving) has moved on from that move."""
    rows = db.session.execute(select(Protection.employee_id, Protection.new_post_id, Protection.start_date,
                                     Protection.new_scp, Protection.old_scp).where(
        Protection.source.in_(("re-evaluation", "regrade")), Protection.start_date >= since,
        Protection.new_post_id.in_(list(post_ids)), Protection.old_post_id == Protection.new_post_id,
        Protection.old_scp.is_not(None), Protection.new_scp.is_not(None), Protection.ended_early_on.is_(None)))
    return {(employee_id, post_id, on): (down_to, before) for employee_id, post_id, on, down_to, before in rows
            if post_id is not None and down_to is not None and before is not None}


def _reversal(record: _Record, change: GradeChange, band: GradeBand | None, scp: int | None,
              checks: _DownChecks) -> int | None:
    """The point to put back if `scp` is where a move down on this post from this date put the
    holder and the new grade is above it (an UP): the point held before, within the new grade."""
    found = checks.moved_down.get((record.employee_id, record.post_id, change.on))
    if band is None or scp is None or found is None or found[0] != scp or scp >= band.scp_min:
        return None
    return fit_scp(found[1], band)


def _put_back(record: _Record, change: GradeChange, band: GradeBand | None, scp: int | None, later: bool,
              checks: _DownChecks) -> int | None:
    """For a move up: the point to put back where it reverses a move down (`_reversal`), noted
    for the person's later records on the point that move gave; None for the usual rule."""
    if not later:
        back = _reversal(record, change, band, scp, checks)
        if back is not None and scp is not None:
            checks.restored[record.employment_id] = (scp, back)
        return back
    moved = checks.restored.get(record.employment_id)
    return moved[1] if moved is not None and moved[0] == scp else None


def _reached(record: _Record, change: GradeChange, until: date | None,
             timelines: tuple[list[DatedGrade], list[DatedGrade]]) -> date | None:
    """The date a grade change reaches a record from: the change's date for one in force then;
    its own start for a later one (up to the next change) made while the grade still differed
    (else it was made under the new grade already). None if the change does not reach it."""
    later = record.starts > change.on
    if not _covers(record.starts, record.ends, change.on) and not (later and (until is None or record.starts <= until)):
        return None
    starts_on = max(change.on, record.starts)
    if later:
        was, now = (grade_in_force(rows, starts_on) for rows in timelines)
        if (was.grade if was else None) == (now.grade if now else None):
            return None
    return starts_on


def _holder_effect(record: _Record, change: GradeChange, until: date | None, band: GradeBand | None,
                   timelines: tuple[list[DatedGrade], list[DatedGrade]],
                   protected: dict[int, list[tuple[date, date | None]]], simulated: dict[int, int | None],
                   checks: _DownChecks) -> HolderEffect | None:
    """What a grade change means for one record of the post: one in force on the change's date, or
    a later one (up to the next change) made while the grade still differed. None for the others.
    `simulated` carries each person's point after this plan's earlier changes of the post."""
    starts_on = _reached(record, change, until, timelines)
    if starts_on is None:
        return None
    later = record.starts > change.on
    scp = simulated.get(record.employment_id, record.scp) if not later else record.scp
    on_protected = any(_covers(s, e, starts_on) for s, e in protected.get(record.employment_id, []))
    outside = band is not None and scp is not None and not band.scp_min <= scp <= band.scp_max
    outcome, new_scp = _outcome(record, scp, band, on_protected, outside)
    back = _put_back(record, change, band, scp, later, checks) if outcome == UP else None
    restores = back is not None
    new_scp = back if back is not None else new_scp
    policy = ""
    if outcome == DOWN and not later:
        assert scp is not None and new_scp is not None
        policy = checks.policy_name(record, starts_on, scp, new_scp)
    if outcome in (DOWN, UP) and not later:
        simulated[record.employment_id] = new_scp
    return HolderEffect(record.employee_id, record.employment_id, record.person_number, record.name,
                        record.employer_id, starts_on, scp, new_scp, outside, outcome, policy, later, restores)


def _outcome(record: _Record, scp: int | None, band: GradeBand | None, on_protected: bool,
             outside: bool) -> tuple[str, int | None]:
    """The outcome for a record on `scp`, and the point it moves to (for DOWN and UP)."""
    if record.local_salary is not None or scp is None:
        return LOCAL_PAY, None
    if band is None:
        return NO_GRADE, None
    if on_protected:
        return PROTECTED_TERMS, None
    if not outside:
        return NONE, None
    new_scp = fit_scp(scp, band)
    return (DOWN if new_scp < scp else UP), new_scp


def apply(regrade: RegradePlan, *, source: str, source_ref: str, reason: str) -> list[Protection]:
    """Do what the plan says (it must have no problems): move the points, protect those moving
    down. The caller's unit of work commits; the grades themselves follow from the sources."""
    from ..protection.protections import protect_holders_after_regrade

    if regrade.problems:
        raise DomainError("The change cannot be made: " + "; ".join(regrade.problems))
    created: list[Protection] = []
    for effect in regrade.posts:
        why = (f"{effect.title} ({effect.post_number}) re-graded from {effect.old_grade or 'no grade'} to "
               f"{effect.new_grade or 'no grade'} on {effect.on:%d/%m/%Y}: {reason}".strip().rstrip(":"))
        down = {h.employment_id for h in effect.holders if h.outcome == DOWN and not h.later_record}
        if down and effect.new_band is not None:
            created += protect_holders_after_regrade(
                effect.post_id, effect.old_grade, effect.new_grade, effect.on, source=source, source_ref=source_ref,
                new_band=effect.new_band, employment_ids=down, why=why)
        for holder in effect.holders:
            if holder.new_scp is not None and (holder.outcome == UP or holder.later_record):
                move_holder(holder.employment_id, effect.post_id, holder.starts_on, holder.new_scp, why)
    return created


def move_holder(employment_id: int, post_id: int, on: date, scp: int, why: str) -> Assignment:
    """Put a person's point in a post to `scp` from `on`: the record in force then is split (closed
    the day before, a new record from `on` to its old end), or corrected if it starts on `on`.
    Later records are left as they are (a regrade's plan fits them separately). Audited."""
    from ..people.employees import assignment_summary

    current = db.session.scalars(select(Assignment).where(
        Assignment.employment_id == employment_id, Assignment.post_id == post_id, Assignment.effective_from <= on,
        or_(Assignment.effective_to.is_(None), Assignment.effective_to >= on))
        .order_by(Assignment.effective_from.desc()).limit(1)).first()
    if current is None:
        raise DomainError(f"No record in that post on {on:%d/%m/%Y} to move")
    employee_id = current.employment.employee_id
    if current.scp == scp:
        return current
    if current.effective_from == on:
        before = audit.snapshot(current, ["scp"])
        current.scp = scp
        db.session.flush()
        audit.record("update", "assignment", current.id, before=before, after=audit.snapshot(current, ["scp"]),
                     reason=why, employee_id=employee_id)
        return current
    ends = current.effective_to
    before = audit.snapshot(current, ["effective_to"])
    current.effective_to = on - timedelta(days=1)
    new = Assignment(employment_id=employment_id, post_id=post_id, hours_per_week=current.hours_per_week, scp=scp,
                     local_salary=None, effective_from=on, effective_to=ends, reason=why[:500],
                     recorded_by_id=audit._actor()[0])
    db.session.add(new)
    db.session.flush()
    audit.record("update", "assignment", current.id, before=before, after=audit.snapshot(current, ["effective_to"]),
                 reason=why, employee_id=employee_id)
    audit.record("create", "assignment", new.id, after=assignment_summary(new), reason=why, employee_id=employee_id)
    return new


def describe(regrade: RegradePlan) -> Iterable[str]:
    """The plan as lines of text (the command line's dry run)."""
    if not regrade.posts:
        yield "No post's grade changes."
        return
    yield (f"{len(regrade.posts)} post grade change(s); {regrade.people} person(s) holding them: "
           f"{regrade.count(DOWN)} move down with pay protection, {regrade.count(UP)} move up, "
           f"{regrade.count(NONE)} stay within the new grade, {regrade.count(PROTECTED_TERMS)} on protected terms")
    for effect in regrade.posts:
        band = f" (SCP {effect.new_band.scp_min}-{effect.new_band.scp_max})" if effect.new_band else ""
        yield (f"{effect.post_number} {effect.title}: {effect.old_grade or 'no grade'} -> "
               f"{effect.new_grade or 'no grade'}{band} from {effect.on:%Y-%m-%d}")
        if not effect.holders:
            yield f"  vacant on {effect.on:%Y-%m-%d}"
        for h in effect.holders:
            outside = " (outside the new range)" if h.outside else ""
            yield f"  {h.person_number} {h.name}, SCP {h.scp if h.scp is not None else '-'}{outside}: {h.follows}"
    for problem in regrade.problems:
        yield f"Problem: {problem}"


def fit_new_record(assignment: Assignment, why: str) -> list[Protection]:
    """A record of a person in a post made after the post's grading was settled (a change of post,
    hours or point; an increment) must agree with the post's grade on every date it covers, so
    that the same events give the same result whatever order they were recorded in:

    - on its first day its point must be in the post's grade then (refused otherwise, naming the
      grade and its range), unless the person is on protected terms or paid a local salary;
    - where the post's grade changes later within the record (a band change or re-evaluation
      dated ahead), what `plan` does for a holder then happens to this record too: down to the new
      top point with pay protection, or up to the new lowest point.
    """
    return _fit(assignment, assignment.effective_from, why, refuse=True)[1]


def fit_after_election(employment_id: int, on: date, why: str, *, source_ref: str = "") -> list[Protection]:
    """A person who elects onto the lead authority's terms leaves the pay they transferred with:
    from the election's date their point must be in their post's grade under the lead authority's
    conventions, like anyone else's (services/tupe/protected_terms.countersign). Each record in force
    on or after the date is fitted from max(date, its start): a point below the grade moves up to
    its lowest point; a point above it moves down to the top point, and the record in force on
    the date is protected from the old salary under the council's policy (source "harmonisation",
    DOMAIN.md 3.5: the lower pay follows from the employer's grading of the post, not from any
    change in the job). Later grade changes within each record are fitted as `plan` does. The
    caller has already closed the protected terms, so `_fit` sees the person on own terms."""
    ids = list(db.session.scalars(select(Assignment.id).where(
        Assignment.employment_id == employment_id, Assignment.scp.is_not(None), Assignment.local_salary.is_(None),
        or_(Assignment.effective_to.is_(None), Assignment.effective_to >= on)).order_by(Assignment.effective_from)))
    created: list[Protection] = []
    for assignment_id in ids:
        assignment = db.session.get(Assignment, assignment_id)
        assert assignment is not None
        since = max(on, assignment.effective_from)
        created += _fit(assignment, since, why, refuse=False, protect=since == on, source_ref=source_ref)[1]
    return created


def _fit(assignment: Assignment, since: date, why: str, *, refuse: bool, protect: bool = False,
         source_ref: str = "") -> tuple[Assignment, list[Protection]]:
    """Fit one record to its post's grades from `since` (fit_new_record, fit_after_election).
    At `since` a point outside the grade is refused (`refuse`) or moved to the nearest end of the
    range, with pay protection when it moves down and `protect`; then later grade changes within
    the record are fitted by `plan`. Returns the record in force from `since` and any protections."""
    from .post_grades import band_versions, held_timelines

    if assignment.scp is None or assignment.local_salary is not None:
        return assignment, []
    council_id = db.session.scalar(select(Post.council_id).where(Post.id == assignment.post_id))
    versions = band_versions([council_id]) if council_id is not None else {}
    rows = held_timelines([assignment.post_id]).get(assignment.post_id, [])
    start = grade_in_force(rows, since)
    protected = _protected_terms([assignment.employment_id]).get(assignment.employment_id, [])
    if any(_covers(s, e, since) for s, e in protected):
        return assignment, []
    band = _band(versions, council_id, start.convention_id, start.grade) if start and council_id else None
    created: list[Protection] = []
    if band is not None and not band.scp_min <= assignment.scp <= band.scp_max:
        if refuse:
            raise DomainError(f"SCP {assignment.scp} is outside grade {band.grade} of this post (SCP {band.scp_min} "
                              f"to {band.scp_max}) on {since:%-d %B %Y}: choose a point in the grade", field="scp")
        assignment, created = _fit_into_band(assignment, band, start, since, why, protect=protect,
                                             source_ref=source_ref)
    if start is None:
        return assignment, created
    return assignment, created + _fit_later_changes(assignment, start, rows, versions, since, why)


def _fit_into_band(assignment: Assignment, band: GradeBand, start: DatedGrade | None, since: date, why: str, *,
                   protect: bool, source_ref: str) -> tuple[Assignment, list[Protection]]:
    """Move the record to the nearest end of the band from `since`, protected if it moves down and `protect`."""
    from ..people.records import spine_on
    from ..protection.protections import create_protection

    assert assignment.scp is not None
    old_scp, new_scp = assignment.scp, fit_scp(assignment.scp, band)
    employment = assignment.employment
    hours, post_id = assignment.hours_per_week, assignment.post_id
    assignment = move_holder(assignment.employment_id, post_id, since, new_scp, why)
    if not (new_scp < old_scp and protect):
        return assignment, []
    _, spine = spine_on(since)
    if old_scp not in spine or new_scp not in spine:
        raise DomainError(f"SCP {old_scp} or {new_scp} is not on the pay spine for {since:%-d %B %Y}, so "
                          "the pay protection cannot be worked out")
    return assignment, [create_protection(
        employee_id=employment.employee_id, start_date=since, source="harmonisation",
        source_ref=(source_ref or why)[:200], reason=why, old_salary=spine[old_scp],
        new_salary=spine[new_scp], hours_per_week=hours, old_post_id=post_id, new_post_id=post_id,
        old_grade=band.grade if start is None else start.grade or "", new_grade=band.grade, new_scp=new_scp,
        old_scp=old_scp, council_id=employment.employer_id)]


def _fit_later_changes(assignment: Assignment, start: DatedGrade, rows: list[DatedGrade],
                       versions: dict[int, list[BandVersion]], since: date, why: str) -> list[Protection]:
    """Apply the post's grade changes after `since` to this record alone."""
    # The record as if the post kept its grade on `since`, against its real grades.
    steady = {assignment.post_id: [DatedGrade(since, None, start.je_score, start.grade, start.convention_id)]}
    found = plan(steady, {assignment.post_id: rows}, versions, since)
    effects = []
    for effect in found.posts:
        mine = tuple(h for h in effect.holders if h.employment_id == assignment.employment_id and not h.later_record)
        if mine:
            effects.append(PostEffect(effect.post_id, effect.post_number, effect.title, effect.council_id, effect.on,
                                      effect.old_grade, effect.new_grade, effect.new_band, mine))
    if not effects:
        return []
    return apply(RegradePlan(found.since, tuple(effects), found.problems), source="regrade",
                 source_ref=why[:200], reason=why)
