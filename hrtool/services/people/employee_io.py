"""Employees in and out as spreadsheets: import from a payroll export, and export in the same
columns so that an export re-imports as a no-op (the columns are in README.md,
"Importing and exporting employees").

An import is all or nothing, and streams so that 100,000 rows fit in modest memory:

- pass 1 reads the file and checks every row against the rules and the database, keeping only
  the person numbers seen, the posts named, the errors and the first changes (for a preview);
- pass 2 (not on a dry run, and only if pass 1 found nothing wrong) reads the file again and
  applies it in chunks: one query per chunk for the people in it, new rows added in bulk, the
  session flushed and emptied after each chunk.

Both passes plan each row with the same functions, so what the preview says is what happens.
`import_employees` is one unit of work: a dry run or a file with errors writes nothing, and a
failure in pass 2 (ImportFailed) rolls back everything. `apply_import` is the confirmed import.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple

from sqlalchemy import Select, func, or_, select

from ...domain.grading import BandVersion, DatedGrade
from ...errors import DomainError
from ...extensions import db
from ...formatting import hours as hours_text
from ...formatting import money, uk_date
from ...models import (
    Assignment,
    AuditEvent,
    Council,
    Employee,
    Employment,
    Post,
    PostGrade,
    Service,
    TermsRecord,
)
from ..pay import post_grades
from ..platform import audit, derived, locks, planner_stats, tabular
from ..platform.bulk import execute_many, insert_many
from ..platform.tabular import Cell, FileProblem
from ..platform.unit_of_work import transaction
from ..rules import date_windows
from .employee_rows import (
    COLUMNS,
    DETAILS,
    KINDS,
    REQUIRED,
    TWO_DIGIT_YEARS,
    PostRef,
    References,
    Row,
    RowError,
    parse_row,
    text_value,
)
from .employees import AssignmentChange, change_assignment
from .identifiers import ambiguous, lost_zeros, read_as

CHUNK = 1000
SUMMED = ("hours_per_week", "scp", "local_salary")  # a row blank in person_number with their sums is a totals row
KEEP_ERRORS = 10_000  # every error is counted; this many are kept to show, so a hopeless file cannot fill memory

EMPLOYEE_AUDIT = ["person_number", "first_name", "last_name", "date_of_birth", "sex", "email", "phone", "address",
                  "postcode", "continuous_service_date", "redundancy_service_date"]


# -- what an import reports -------------------------------------------------------------------

@dataclass(frozen=True)
class PersonChange:
    """What importing one line changes: action is create, update or post (only a post changes)."""

    line: int
    person_number: str
    name: str
    action: str
    changes: tuple[str, ...]

    def __str__(self) -> str:
        return f"line {self.line}: {self.person_number} {self.name}: {self.action}: {'; '.join(self.changes)}"


@dataclass
class ImportReport:
    """What an import found (pass 1) or did (pass 2): counts, problems and changes."""

    file_name: str
    effective_on: date
    dry_run: bool
    format: str = ""
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    posts_created: int = 0
    posts_retitled: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    changes: list[PersonChange] = field(default_factory=list)
    change_count: int = 0
    applied: bool = False
    event_id: int | None = None  # the import's summary audit event, once applied
    header_line: int = 1
    # What was done about the sheet's shape, each said once: rows above the header skipped,
    # hidden columns read, totals rows skipped.
    notes: list[str] = field(default_factory=list)
    # Identifiers a spreadsheet stripped of their leading zeros, matched to those held; phone
    # numbers that lost one, kept as held (services/people/identifiers.py).
    repairs: list[str] = field(default_factory=list)
    repair_count: int = 0

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    @property
    def changed(self) -> int:
        return self.created + self.updated

    def add_error(self, error: RowError) -> None:
        self.error_count += 1
        if len(self.errors) < KEEP_ERRORS:
            self.errors.append(error)

    def add_repair(self, repair: str) -> None:
        self.repair_count += 1
        if len(self.repairs) < KEEP_ERRORS:
            self.repairs.append(repair)

    def summary(self) -> dict[str, Any]:
        return {"file": self.file_name, "format": self.format, "rows": self.rows, "created": self.created,
                "updated": self.updated, "unchanged": self.unchanged, "posts_created": self.posts_created,
                "posts_retitled": self.posts_retitled, "effective_date": self.effective_on.isoformat(),
                "notes": self.notes, "repairs": self.repair_count}


IMPORT_BUSY = "Another import of employees is running now: try again when it has finished"


class ImportFailed(DomainError):
    """Pass 2 met a problem pass 1 did not (the records changed in between): roll back."""

    def __init__(self, report: ImportReport):
        first = report.errors[0] if report.errors else "unknown problem"
        super().__init__(f"The import stopped and nothing has been imported: {first}")
        self.report = report


class _Claim(NamedTuple):
    """The first line of the file naming a post, and what it said about it."""

    line: int
    council_id: int
    service_id: int
    title: str


@dataclass
class _FileState:
    """What one pass remembers between rows: who it has seen and what each post was said to be."""

    seen: dict[str, int] = field(default_factory=dict)
    posts: dict[str, _Claim] = field(default_factory=dict)
    two_digit_years: bool = False  # said once for the file


# -- a row against the records -------------------------------------------------------------------

@dataclass
class _Held:
    """A person already on record: their current employment and its latest assignment."""

    employee: Employee
    employment: Employment | None
    assignment: Assignment | None
    post_number: str | None  # the latest assignment's post


@dataclass
class _Plan:
    """What a valid row will do: the same in the preview (pass 1) as when applied (pass 2)."""

    row: Row
    held: _Held | None
    action: str  # create / update / unchanged
    details: list[str]
    new_assignment: bool
    post: str  # "", "create" or "retitle"
    old_title: str = ""
    repairs: list[str] = field(default_factory=list)


def _employment_in_force(on: date) -> Any:
    return (select(Employment.id)
            .where(Employment.employee_id == Employee.id, Employment.start_date <= on,
                   or_(Employment.end_date.is_(None), Employment.end_date >= on))
            .order_by(Employment.start_date.desc(), Employment.id.desc()).limit(1)
            .correlate(Employee).scalar_subquery())


def _current_employment(today: date) -> Any:
    """The employment in force today; else one starting later (a future starter); else the
    last one (a leaver, so the row can say so)."""
    later = (select(Employment.id).where(Employment.employee_id == Employee.id, Employment.start_date > today)
             .order_by(Employment.start_date, Employment.id).limit(1).correlate(Employee).scalar_subquery())
    last = (select(Employment.id).where(Employment.employee_id == Employee.id)
            .order_by(Employment.start_date.desc(), Employment.id.desc()).limit(1).correlate(Employee).scalar_subquery())
    return func.coalesce(_employment_in_force(today), later, last)


def _latest_assignment() -> Any:
    """The employment's latest-starting assignment, future-dated or not: a change from the
    file follows it, as a change on the employee page does."""
    return (select(Assignment.id).where(Assignment.employment_id == Employment.id)
            .order_by(Assignment.effective_from.desc(), Assignment.id.desc()).limit(1)
            .correlate(Employment).scalar_subquery())


def _existing(numbers: list[str], today: date) -> dict[str, _Held]:
    """The people of a chunk who are already on record, in four indexed queries. The ids come
    first from correlated subqueries in the select list: as a join condition, PostgreSQL cannot
    use them to look up the row, and read every employment for every person instead (an import
    of 100,000 rows took 35 times as long as one of 10,000)."""
    if not numbers:
        return {}
    # Which are on record at all, by the unique index alone: a chunk of new people (most of a
    # first import) needs nothing more, and loading no one as ORM objects still costs.
    held = list(db.session.scalars(select(Employee.person_number).where(Employee.person_number.in_(numbers))))
    if not held:
        return {}
    people = db.session.execute(select(Employee, _current_employment(today))
                                .where(Employee.person_number.in_(held))).all()
    employment_ids = [e for _, e in people if e is not None]
    employments = {e.id: e for e in db.session.scalars(
        select(Employment).where(Employment.id.in_(employment_ids)))} if employment_ids else {}
    latest: dict[int | None, int | None] = dict(db.session.execute(select(Employment.id, _latest_assignment())
                                     .where(Employment.id.in_(employment_ids))).all()) if employment_ids else {}
    assignment_ids = [a for a in latest.values() if a is not None]
    assignments: dict[int | None, tuple[Assignment | None, str | None]] = {a.id: (a, number) for a, number in db.session.execute(
        select(Assignment, Post.post_number).outerjoin(Post, Post.id == Assignment.post_id)
        .where(Assignment.id.in_(assignment_ids)))} if assignment_ids else {}
    found = {}
    for employee, employment_id in people:
        assignment, post_number = assignments.get(latest.get(employment_id), (None, None))
        found[employee.person_number] = _Held(employee, employments.get(employment_id), assignment, post_number)
    return found


def _post_plan(row: Row, refs: References, state: _FileState) -> tuple[str, str, list[RowError]]:
    """Which post the row means, by post_number. A new one is created (council = employer);
    a known one must be the employer's and in the row's service; every row naming a post must
    agree with the first that did; a new title on a known post retitles it."""
    code = refs.council_codes[row.employer_id]
    claim = state.posts.get(row.post_number)
    if claim is not None:
        errors = []
        if (claim.council_id, claim.service_id) != (row.employer_id, row.service_id):
            errors.append(RowError(row.line, "post_number", (
                f"post {row.post_number} is given as {refs.council_codes[claim.council_id]}, "
                f"{refs.service_names[claim.service_id]} on line {claim.line}, but as {code}, "
                f"{refs.service_names[row.service_id]} here")))
        if claim.title != row.post_title:
            errors.append(RowError(row.line, "post_title", (
                f"post {row.post_number} is titled {claim.title!r} on line {claim.line}; a post has one title")))
        return "", "", errors
    known = refs.posts.get(row.post_number)
    if known is not None:
        if known.council_id != row.employer_id:
            return "", "", [RowError(row.line, "post_number", (
                f"post {row.post_number} belongs to {refs.council_codes[known.council_id]}, not {code}"))]
        if known.service_id != row.service_id:
            return "", "", [RowError(row.line, "service", (
                f"post {row.post_number} is in {refs.service_names[known.service_id]}, "
                f"not {refs.service_names[row.service_id]}"))]
    state.posts[row.post_number] = _Claim(row.line, row.employer_id, row.service_id, row.post_title)
    if known is None:
        return "create", "", []
    if known.title != row.post_title:
        return "retitle", known.title, []
    return "", "", []


def _assignment_problem(latest: Assignment, employment: Employment, starts: date) -> str:
    """The dates change_assignment refuses, found in pass 1 so the dry run reports them."""
    if starts <= latest.effective_from:
        return (f"the change of post, hours or pay would start on {starts:%d/%m/%Y}, but it must start after the "
                f"latest assignment, which starts on {latest.effective_from:%d/%m/%Y}: give a later effective_date")
    if latest.effective_to is not None and starts > latest.effective_to:
        return f"the latest assignment ends on {latest.effective_to:%d/%m/%Y}; a change must start by then"
    if employment.end_date is not None and starts > employment.end_date:
        return f"the employment ends on {employment.end_date:%d/%m/%Y}; a change must start by then"
    return ""


def _plan_row(row: Row, held: _Held | None, refs: References, state: _FileState,
              today: date) -> tuple[_Plan | None, list[RowError]]:
    """What the row does to the records, or why it cannot."""
    if held is not None:
        errors = _employment_errors(row, held, refs, today)
        if errors:
            return None, errors
    post, old_title, errors = _post_plan(row, refs, state)
    if errors:
        return None, errors
    known = refs.posts.get(row.post_number)
    if held is None:
        plan = _Plan(row, None, "create", [], True, post, old_title)
        assignment_from = row.start_date
    else:
        found = _update_plan(row, held, known, post, old_title)
        if isinstance(found, RowError):
            return None, [found]
        plan = found
        assignment_from = row.effective_on
    if plan.new_assignment and known is not None and known.closed_on is not None and known.closed_on < assignment_from:
        return None, [RowError(row.line, "post_number", (
            f"post {row.post_number} closed on {known.closed_on:%d/%m/%Y}, before {assignment_from:%d/%m/%Y}"))]
    return plan, []


def _update_plan(row: Row, held: _Held, known: PostRef | None, post: str, old_title: str) -> _Plan | RowError:
    """What the row changes for a person held: their details, and a new assignment from the
    effective date when post, hours or pay differ (which must be a date one can start from)."""
    assert held.employment is not None
    employee, latest = held.employee, held.assignment
    details = [f for f in DETAILS + list(row.contact) if getattr(employee, f) != row.value(f)]
    repairs = []
    if "phone" in details and employee.phone and lost_zeros(row.value("phone"), employee.phone):
        # 01785000000 opened as a number is 1785000000: the same phone, not a change.
        details.remove("phone")
        repairs.append(f"line {row.line}: phone {employee.phone} read as {row.value('phone')} by a "
                       "spreadsheet: kept as held")
    post_id = known.id if known is not None else None
    new_assignment = latest is None or (
        (latest.post_id, latest.hours_per_week, latest.scp, latest.local_salary)
        != (post_id, row.hours_per_week, row.scp, row.local_salary))
    if new_assignment and latest is not None:
        problem = _assignment_problem(latest, held.employment, row.effective_on)
        if problem:
            return RowError(row.line, "effective_date", problem)
    elif new_assignment and row.effective_on < held.employment.start_date:
        return RowError(row.line, "effective_date", "is before the start of the employment")
    action = "update" if details or new_assignment else "unchanged"
    return _Plan(row, held, action, details, new_assignment, post, old_title, repairs)


def _employment_errors(row: Row, held: _Held, refs: References, today: date) -> list[RowError]:
    """A person held must have a current employment, with the row's employer and start date."""
    employment = held.employment
    if employment is None:
        return [RowError(row.line, "person_number", (
            f"{row.person_number} has no employment on record: record one on the employee page"))]
    if employment.end_date is not None and employment.end_date < today:
        return [RowError(row.line, "person_number", (
            f"{row.person_number} left {refs.council_codes[employment.employer_id]} on "
            f"{employment.end_date:%d/%m/%Y}; re-employment is recorded on the employee page, not by an import"))]
    errors: list[RowError] = []
    if employment.employer_id != row.employer_id:
        errors.append(RowError(row.line, "employer", (
            f"employer differs from the current employer ({refs.council_codes[employment.employer_id]}); "
            "transfers are recorded through a TUPE transfer, not an import")))
    if employment.start_date != row.start_date:
        errors.append(RowError(row.line, "start_date", (
            f"{row.start_date:%d/%m/%Y} differs from the start of the current employment "
            f"({employment.start_date:%d/%m/%Y}); correct it on the employee page")))
    return errors


def _describe(plan: _Plan, refs: References) -> PersonChange | None:
    """A plain-English line for the preview and the dry run."""
    row = plan.row
    pay = f"SCP {row.scp}" if row.local_salary is None else f"local salary {money(row.local_salary)}"
    assignment = f"{row.post_number} {row.post_title}, {hours_text(row.hours_per_week)} hours a week, {pay}"
    changes: list[str] = []
    if plan.post == "create":
        changes.append(f"new post {row.post_number} {row.post_title!r}")
    elif plan.post == "retitle":
        changes.append(f"post {row.post_number} retitled {plan.old_title!r} to {row.post_title!r}")
    if plan.action == "create":
        changes.append(f"new employee of {refs.council_codes[row.employer_id]} from {uk_date(row.start_date)}: "
                       f"{assignment}")
    elif plan.held is not None:
        employee = plan.held.employee
        for name in plan.details:
            was, now = getattr(employee, name), row.value(name)
            changes.append(f"{name} {_shown(was)} to {_shown(now)}")
        if plan.new_assignment:
            changes.append(f"from {uk_date(row.effective_on)}: {_assignment_changes(plan.held, row) or assignment}")
    if not changes:
        return None
    action = plan.action if plan.action != "unchanged" else "post"
    return PersonChange(row.line, row.person_number, row.name, action, tuple(changes))


def _assignment_changes(held: _Held, row: Row) -> str:
    """Which of post, hours and pay change, old to new."""
    latest = held.assignment
    if latest is None:
        return ""
    pairs = [("post", held.post_number, row.post_number),
             ("hours", hours_text(latest.hours_per_week), hours_text(row.hours_per_week)),
             ("SCP", latest.scp, row.scp),
             ("local salary", money(latest.local_salary), money(row.local_salary))]
    return ", ".join(f"{label} {was or 'none'} to {now or 'none'}" for label, was, now in pairs if was != now)


def _shown(value: Any) -> str:
    if isinstance(value, date):
        return uk_date(value)
    return repr(value) if value else "(blank)"


# -- applying a chunk --------------------------------------------------------------------------

@dataclass(frozen=True)
class _Apply:
    """How pass 2 writes: the reason and the person recorded on every record and audit event."""

    reason: str
    actor: tuple[int | None, str]
    # New posts' first dated grades, by (council, established on): a post the import creates has
    # no score or evaluation yet, so its timeline depends on nothing else.
    first_grades: dict[tuple[int, date], list[DatedGrade]] = field(default_factory=dict)
    versions: dict[int, list[BandVersion]] = field(default_factory=dict)

    def first_grades_of(self, council_id: int, established_on: date) -> list[DatedGrade]:
        key = (council_id, established_on)
        found = self.first_grades.get(key)
        if found is None:
            if not self.versions:
                self.versions.update(post_grades.band_versions())
            found = self.first_grades[key] = post_grades.timeline_of(
                post_grades.PostSources(0, "", council_id, established_on, None, None, ()), self.versions)
        return found

    def record(self, action: str, entity: str, entity_id: int, after: dict[str, Any], employee_id: int | None,
               before: dict[str, Any] | None = None) -> None:
        audit.record(action, entity, entity_id, before=before, after=after, reason=self.reason,
                     employee_id=employee_id, actor=self.actor)

    def record_many(self, events: list[dict[str, Any]]) -> None:
        audit.record_many(events, reason=self.reason, actor=self.actor)


def _apply(plans: list[_Plan], refs: References, how: _Apply) -> None:
    """Write one chunk's plans: posts first (people refer to them by id), then new people in
    bulk, then details and dated assignment changes of people on record."""
    _create_posts([p.row for p in plans if p.post == "create"], refs, how)
    retitled = {refs.posts[p.row.post_number].id: p.row.post_title for p in plans if p.post == "retitle"}
    for post in db.session.scalars(select(Post).where(Post.id.in_(retitled))) if retitled else []:
        before = {"title": post.title}
        post.title = retitled[post.id]
        refs.posts[post.post_number] = refs.posts[post.post_number]._replace(title=post.title)
        how.record("update", "post", post.id, {"title": post.title}, None, before=before)
    _create_people([p.row for p in plans if p.action == "create"], refs, how)
    updates = [p for p in plans if p.action == "update"]
    post_ids = {refs.posts[p.row.post_number].id for p in updates if p.new_assignment}
    if post_ids:  # loaded once for the chunk, so change_assignment finds each in the session
        db.session.scalars(select(Post).where(Post.id.in_(post_ids))).all()
    for plan in updates:
        _update_person(plan, refs, how)


def _insert(model: Any, rows: list[dict[str, Any]]) -> list[int]:
    """Many new rows in one batched INSERT, their ids back in the same order."""
    return insert_many(model, rows)


def _create_posts(rows: list[Row], refs: References, how: _Apply) -> None:
    """A post the file names that does not exist yet: the employer's, in the row's service,
    established on the row's start date."""
    ids = _insert(Post, [{"post_number": r.post_number, "council_id": r.employer_id, "service_id": r.service_id,
                          "title": r.post_title, "established_on": r.start_date} for r in rows])
    events = []
    grades = []
    for row, post_id in zip(rows, ids, strict=True):
        # The post's dated grades (a derived fact, services/pay/post_grades.py) written with it by
        # the same rule `post_grades.refresh` applies, as demo data does: a new post has no
        # grades held to compare or replace, so noting it for the settle would only read back
        # what was just written (a quarter of a 100,000-row import's time).
        grades += [{"post_id": post_id, "effective_from": g.effective_from, "effective_to": g.effective_to,
                    "je_score": g.je_score, "grade": g.grade, "convention_id": g.convention_id}
                   for g in how.first_grades_of(row.employer_id, row.start_date)]
        refs.posts[row.post_number] = PostRef(post_id, row.employer_id, row.service_id, row.post_title, None)
        events.append({"action": "create", "entity_type": "post", "entity_id": post_id, "after": {
            "post_number": row.post_number, "council": refs.council_codes[row.employer_id],
            "service": refs.service_names[row.service_id], "title": row.post_title,
            "established_on": row.start_date.isoformat()}})
    execute_many(PostGrade, grades)
    how.record_many(events)


def _create_people(rows: list[Row], refs: References, how: _Apply) -> None:
    """New people: appointed by the employer from start_date, in the post from that date, on
    the employer's own terms; each record audited."""
    people = [{name: row.value(name) for name in EMPLOYEE_AUDIT} for row in rows]
    employee_ids = _insert(Employee, people)
    employment_ids = _insert(Employment, [
        {"employee_id": employee_id, "employer_id": row.employer_id, "start_date": row.start_date,
         "began_by": "appointment"} for row, employee_id in zip(rows, employee_ids, strict=True)])
    dated = {"reason": how.reason, "recorded_by_id": how.actor[0]}
    assignments = [{**dated, "employment_id": employment_id, "post_id": refs.posts[row.post_number].id,
                    "hours_per_week": row.hours_per_week, "scp": row.scp, "local_salary": row.local_salary,
                    "effective_from": row.start_date} for row, employment_id in zip(rows, employment_ids, strict=True)]
    assignment_ids = _insert(Assignment, assignments)
    # Derived facts of the new records (services/platform/derived.py), noted as a bulk write must: saved
    # harmonisation models no longer describe the workforce. (A new employment has no protection,
    # so no protection schedule is reached.)
    derived.note("harmonisation_results", "all", why="New employees imported")
    terms_ids = _insert(TermsRecord, [
        {**dated, "employment_id": employment_id, "basis": "own", "terms_council_id": row.employer_id,
         "effective_from": row.start_date} for row, employment_id in zip(rows, employment_ids, strict=True)])
    # One audit event per new person, holding every record made for them, written in bulk: an
    # import of 100,000 people is 100,000 events, not 400,000 ORM objects.
    plain = audit._plain
    events = []
    for row, person, employee_id, employment_id, assignment_id, terms_id in zip(
            rows, people, employee_ids, employment_ids, assignment_ids, terms_ids, strict=True):
        starts, employer = row.start_date.isoformat(), refs.council_codes[row.employer_id]
        events.append({
            "action": "create", "entity_type": "employee", "entity_id": employee_id, "employee_id": employee_id,
            "after": {**{name: plain(value) for name, value in person.items()},
                      "employment": {"id": employment_id, "employer": employer, "start_date": starts,
                                     "began_by": "appointment"},
                      "assignment": {"id": assignment_id, "post": row.post_number,
                                     "hours_per_week": str(row.hours_per_week), "scp": row.scp,
                                     "local_salary": plain(row.local_salary), "effective_from": starts,
                                     "effective_to": None},
                      "terms_record": {"id": terms_id, "basis": "own", "terms_council": employer,
                                       "effective_from": starts, "effective_to": None}}})
    how.record_many(events)


def _assignment_after(assignment: Assignment, post_number: str) -> dict[str, Any]:
    """An assignment in the audit trail: the post by number, as change_assignment writes it."""
    return {"post": post_number, **audit.snapshot(
        assignment, ["hours_per_week", "scp", "local_salary", "effective_from", "effective_to"])}


def _update_person(plan: _Plan, refs: References, how: _Apply) -> None:
    """Changed details as one audited update (changed fields only); a changed post, hours or pay
    as a new dated assignment through change_assignment, the same rule as the employee page."""
    assert plan.held is not None and plan.held.employment is not None
    row, employee = plan.row, plan.held.employee
    if plan.details:
        before = audit.snapshot(employee, plan.details)
        for name in plan.details:
            setattr(employee, name, row.value(name))
        how.record("update", "employee", employee.id, audit.snapshot(employee, plan.details), employee.id,
                   before=before)
    if not plan.new_assignment:
        return
    post_id = refs.posts[row.post_number].id
    assert post_id is not None
    latest = plan.held.assignment
    if latest is not None:
        change_assignment(latest.id, AssignmentChange(row.effective_on, post_id, row.hours_per_week, row.scp,
                                                      row.local_salary, how.reason))
        return
    # An employment with no assignment at all (not made by hrtool): its first one, from the date.
    assignment = Assignment(employment_id=plan.held.employment.id, post_id=post_id, hours_per_week=row.hours_per_week,
                            scp=row.scp, local_salary=row.local_salary, effective_from=row.effective_on,
                            reason=how.reason, recorded_by_id=how.actor[0])
    db.session.add(assignment)
    db.session.flush()
    how.record("create", "assignment", assignment.id, _assignment_after(assignment, row.post_number), employee.id)


# -- the two passes ----------------------------------------------------------------------------

def _chunks(rows: Iterator[tuple[int, dict[str, Cell]]], size: int) -> Iterator[list[tuple[int, dict[str, Cell]]]]:
    while chunk := list(islice(rows, size)):
        yield chunk


def _release(keep: list[Any]) -> None:
    """Write the chunk and forget its objects, so memory stays flat however long the file.
    Objects the caller had loaded before the import (the signed-in user) stay in the session."""
    db.session.flush()
    db.session.expunge_all()
    for obj in keep:
        db.session.add(obj)


def _pass(path: Path, report: ImportReport, refs: References, today: date, how: _Apply | None, keep_changes: int | None,
          on_change: Callable[[PersonChange], None] | None, parsed: list[list[Row]] | None = None) -> None:
    """Plan every row, chunk by chunk; apply each chunk's plans if `how` is given.

    Pass 1 reads and parses the file and, if `parsed` is a list, keeps each chunk's rows in it;
    pass 2 is given those rows back, so a file is parsed once however many passes it takes
    (the rows of a 100,000-line file take about as much memory as the file's text)."""
    state = _FileState()
    keep = list(db.session.identity_map.values())
    if how is not None and parsed is not None:
        chunks: Iterable[list[Row]] = parsed
        growth = planner_stats.GrowthWatch(planner_stats.IMPORT_TABLES,
                                           db.session.scalar(select(func.count()).select_from(Employee)) or 0)
        for rows in chunks:
            report.rows += len(rows)
            _plan_and_apply(rows, report, refs, state, today, how, keep_changes, on_change)
            growth.grew(len(rows))
            _release(keep)
        return
    with tabular.open_table(path, report.file_name, required=REQUIRED, identifier="person_number",
                            summed=SUMMED) as table:
        report.format, report.header_line = table.format, table.header_line
        present = frozenset(table.headers)
        for chunk in _chunks(table.rows, CHUNK):
            rows = []  # list[Row], as in the branch above
            for line, cells in chunk:
                report.rows += 1
                if not _restore_zeros(line, cells, refs, report):
                    continue
                number = text_value(cells.get("person_number"))
                if number in state.seen:
                    report.add_error(RowError(line, "person_number",
                                              f"{number} already appears on line {state.seen[number]}"))
                    continue
                if number:
                    state.seen[number] = line
                row, errors = parse_row(line, cells, present, refs, report.effective_on, today)
                for error in errors:
                    if error.two_digit_year:
                        if not state.two_digit_years:
                            state.two_digit_years = True
                            report.add_error(RowError(None, error.column, (
                                f"{TWO_DIGIT_YEARS[0].upper()}{TWO_DIGIT_YEARS[1:]} (the first is on line {line}: "
                                f"{text_value(cells.get(error.column))!r})")))
                        continue
                    report.add_error(error)
                if row is not None:
                    rows.append(row)
            if parsed is not None:
                parsed.append(rows)
            _plan_and_apply(rows, report, refs, state, today, how, keep_changes, on_change)
            _release(keep)
        report.notes = list(table.notes)  # complete now the rows are read


def _person_held(number: str) -> bool:
    return db.session.scalar(select(Employee.id).where(Employee.person_number == number)) is not None


def _restore_zeros(line: int, cells: dict[str, Cell], refs: References, report: ImportReport) -> bool:
    """Give back the leading zeros a spreadsheet stripped from the row's person and post numbers,
    where the number zero-padded is one held and is not itself held; False (with the error)
    where two held numbers fit."""
    for column, padded in (("person_number", refs.padded_people), ("post_number", refs.padded_posts)):
        if not padded:
            continue
        value = text_value(cells.get(column))
        candidates = padded.candidates(value)
        if not candidates or (value in refs.posts if column == "post_number" else _person_held(value)):
            continue
        if len(candidates) > 1:
            report.add_error(RowError(line, column, ambiguous(column, value, candidates)))
            return False
        cells[column] = candidates[0]
        report.add_repair(f"line {line}: {read_as(column, candidates[0], value)}")
    return True


def _plan_and_apply(rows: list[Row], report: ImportReport, refs: References, state: _FileState, today: date,
                    how: _Apply | None, keep_changes: int | None,
                    on_change: Callable[[PersonChange], None] | None) -> None:
    plans: list[_Plan] = []
    held = _existing([r.person_number for r in rows], today)
    for row in rows:
        plan, errors = _plan_row(row, held.get(row.person_number), refs, state, today)
        for error in errors:
            report.add_error(error)
        if plan is not None:
            plans.append(plan)
            for repair in plan.repairs:
                report.add_repair(repair)
            _count(report, plan, refs, keep_changes, on_change)
    if how is not None:
        if not report.ok:
            raise ImportFailed(report)
        _apply(plans, refs, how)


def _finish(report: ImportReport) -> None:
    if report.rows == 0 and report.ok:
        report.add_error(RowError(None, "", "the file has a header but no rows of data"))


def _count(report: ImportReport, plan: _Plan, refs: References, keep_changes: int | None,
           on_change: Callable[[PersonChange], None] | None) -> None:
    counter = {"create": "created", "update": "updated", "unchanged": "unchanged"}[plan.action]
    setattr(report, counter, getattr(report, counter) + 1)
    report.posts_created += plan.post == "create"
    report.posts_retitled += plan.post == "retitle"
    if not (plan.post or plan.action == "create" or plan.details or (plan.held is not None and plan.new_assignment)):
        return  # nothing changes: _describe would say nothing
    report.change_count += 1
    keep = keep_changes is None or len(report.changes) < keep_changes
    if not keep and on_change is None:
        return  # counted; its words are not wanted (a 100,000-row import keeps the first 200)
    change = _describe(plan, refs)
    assert change is not None
    if keep:
        report.changes.append(change)
    if on_change is not None:
        on_change(change)


@transaction
def import_employees(path: Path, *, file_name: str | None = None, effective_on: date | None = None,
                     dry_run: bool = False, keep_changes: int | None = 200,
                     on_change: Callable[[PersonChange], None] | None = None) -> ImportReport:
    """Import employees and their current assignment from a CSV or XLSX file (all or nothing).

    Returns pass 1's report if the file has errors or on a dry run (nothing written, not even
    an audit event); otherwise applies it and returns pass 2's report, having written every
    change's audit event and one `import` summary event; if this raises ImportFailed, nothing of
    pass 2 is kept. `file_name` is the name shown to people (an upload's own name);
    `effective_on` (default today) is when changes to people on record take effect unless a row
    gives its own effective_date."""
    today = date.today()
    file_name = file_name or path.name
    effective_on = effective_on or today
    report = ImportReport(file_name, effective_on, dry_run)
    if found := date_windows.problem("change_effective_from", effective_on, today=today):
        report.add_error(RowError(None, "effective_date", found))
        return report
    if not dry_run:
        # One import at a time: a second one while this transaction is open is
        # refused at once, as a problem with nothing imported; previews (dry runs) never wait.
        try:
            locks.hold("employee_import", IMPORT_BUSY)
        except locks.Busy as busy:
            report.add_error(RowError(None, "", busy.message))
            return report
    refs = References.load()
    parsed: list[list[Row]] = []
    try:
        _pass(path, report, refs, today, None, keep_changes, on_change, parsed)
        _finish(report)
    except FileProblem as problem:  # the file as a whole: its rows' problems are beside the point
        report.errors, report.error_count = [], 0
        report.add_error(RowError(None, "", problem.message))
    report.errors.sort(key=lambda e: e.line or 0)  # a chunk finds format errors before record errors
    if dry_run or not report.ok:
        return report
    actor = audit._actor()
    applied = ImportReport(file_name, effective_on, dry_run=False)
    how = _Apply(reason=f"Import of {file_name}", actor=actor)
    try:
        _pass(path, applied, refs, today, how, keep_changes, None, parsed)
    except ImportFailed:
        raise
    except DomainError as error:  # the file or the records changed between the passes
        applied.add_error(RowError(None, "", error.message))
        raise ImportFailed(applied) from None
    if not applied.ok:
        raise ImportFailed(applied)
    # What pass 1 said about the file's shape and the numbers it repaired (pass 2 reads no file).
    applied.header_line, applied.notes = report.header_line, report.notes
    applied.repairs, applied.repair_count = report.repairs, report.repair_count
    applied.applied = True
    event = audit.record("import", "employee_import", after=applied.summary(), reason=how.reason, actor=actor)
    db.session.flush()
    applied.event_id = event.id
    return applied


@transaction
def apply_import(path: Path, *, file_name: str | None = None, effective_on: date | None = None,
                 keep_changes: int | None = 200) -> ImportReport:
    """Import a file for real as one unit of work (the page's confirm button, `hrtool
    import-employees`): every change, its audit events and the planner's statistics after a bulk
    change are committed together; or, if the file or the records are wrong (ImportFailed with
    the report of what was wrong, including a refused second import at once), nothing is."""
    report = import_employees(path, file_name=file_name, effective_on=effective_on, keep_changes=keep_changes)
    if not report.ok:
        raise ImportFailed(report)
    planner_stats.refresh_after(report.changed)  # a bulk change: keep the planner choosing the right index
    return report


# -- export ------------------------------------------------------------------------------------

def _export_rows(person_ids: Select[Any] | None, on: date) -> Select[*tuple[Any, ...]]:
    """Everyone employed on `on`, with their employment's latest assignment: the values the
    import compares with, so an export re-imports unchanged."""
    query = (
        select(Employee.person_number, Employee.first_name, Employee.last_name, Employee.date_of_birth, Employee.sex,
               Council.code, Service.name, Post.post_number, Post.title, Assignment.hours_per_week, Assignment.scp,
               Employee.continuous_service_date, Employment.start_date, Employee.email, Employee.phone,
               Employee.address, Employee.postcode, Assignment.effective_from, Assignment.local_salary,
               Employee.redundancy_service_date)
        .join(Employment, Employment.id == _employment_in_force(on))
        .join(Council, Council.id == Employment.employer_id)
        .join(Assignment, Assignment.id == _latest_assignment())
        .join(Post, Post.id == Assignment.post_id)
        .join(Service, Service.id == Post.service_id)
        .order_by(Employee.person_number)
    )
    if person_ids is not None:
        query = query.where(Employee.id.in_(person_ids))
    return query


def _export_values(rows: Iterable[Any], on: date) -> Iterator[list[Any]]:
    effective = COLUMNS.index("effective_date")
    for row in rows:
        values = list(row)
        # The effective_date column is only filled for a change already recorded from a later
        # date; otherwise it is blank, so an edited export takes effect from the import's date.
        values[effective] = values[effective] if values[effective] > on else None
        yield values


@transaction
def export_employees(out: BinaryIO, fmt: str, person_ids: Select[Any] | None = None, on: date | None = None,
                     filters: dict[str, Any] | None = None) -> int:
    """Write current employees (employed on `on`, default today) with their current assignment
    to `out` as CSV or XLSX, in the import's columns, streaming in batches; `person_ids` (a
    select of Employee.id) narrows who, and `filters` (the list page's search) says how, for
    the audit trail. Writes an `export` audit event; one unit of work. Returns the number of rows."""
    if fmt not in tabular.FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    on = on or date.today()
    result = db.session.execute(_export_rows(person_ids, on).execution_options(yield_per=1000))
    columns = [(name, KINDS.get(name, "text")) for name in COLUMNS]
    count = tabular.write_table(out, fmt, columns, _export_values(result, on))
    # The list page's filters are kept so the trail says who was exported.
    filters = filters if filters is not None and person_ids is not None else {}
    audit.record("export", "employee_export", after={"count": count, "format": fmt, "filters": filters,
                                                     "on": on.isoformat()})
    return count


def _imports() -> Select[AuditEvent]:
    return select(AuditEvent).where(AuditEvent.action == "import", AuditEvent.entity_type == "employee_import")


def import_event(event_id: int) -> AuditEvent | None:
    """The summary event of the employee import with this event id; None if it is not one."""
    return db.session.scalar(_imports().where(AuditEvent.id == event_id))


def recent_imports(limit: int = 20) -> list[AuditEvent]:
    """The summary events of the latest `limit` employee imports, newest first (highest id)."""
    return list(db.session.scalars(_imports().order_by(AuditEvent.id.desc()).limit(limit)))
