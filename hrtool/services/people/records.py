"""Reading employment history: what was true for a person on a date, and salaries from the spine."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, and_, func, or_, select

from ...domain.dates import pay_year_start
from ...domain.pay import fte, pro_rata_salary
from ...extensions import db
from ...formatting import hours
from ...models import Assignment, Employee, Employment, PaySpinePoint, Post, RuleSetting, TermsRecord


def _in_force(model: Any, on: date) -> Any:
    return and_(model.effective_from <= on, or_(model.effective_to.is_(None), model.effective_to >= on))


def employed_on(on: date) -> Any:
    return and_(Employment.start_date <= on, or_(Employment.end_date.is_(None), Employment.end_date >= on))


def as_at(on: date) -> Select[*tuple[Any, ...]]:
    """One query for what was true on a date: each person's employment, assignment (post, hours,
    SCP) and terms record in force that day. A person with two posts gives two rows."""
    return (
        select(Employee, Employment, Assignment, Post, TermsRecord)
        .join(Employment, and_(Employment.employee_id == Employee.id, employed_on(on)))
        .outerjoin(Assignment, and_(Assignment.employment_id == Employment.id, _in_force(Assignment, on)))
        .outerjoin(Post, Post.id == Assignment.post_id)
        .outerjoin(TermsRecord, and_(TermsRecord.employment_id == Employment.id, _in_force(TermsRecord, on)))
    )


@dataclass(frozen=True)
class Picture:
    """A person's position on a date."""

    on: date
    employee: Employee
    employment: Employment | None
    assignment: Assignment | None
    post: Post | None
    terms: TermsRecord | None
    full_time_salary: Decimal | None
    salary: Decimal | None
    pay_year_used: date | None
    fte: Decimal | None = None
    grade: str | None = None  # the post's grade on `on` (post_grades), not today's


def rule_value(key: str, on: date) -> str:
    """The setting's value in force on `on`. A day before its first value (records reach back
    before the reference data's illustrative start) takes that first value: the best known, and
    never an error page."""
    value = db.session.scalar(
        select(RuleSetting.value).where(RuleSetting.key == key, RuleSetting.effective_from <= on)
        .order_by(RuleSetting.effective_from.desc()).limit(1))
    if value is None:
        value = db.session.scalar(select(RuleSetting.value).where(RuleSetting.key == key)
                                  .order_by(RuleSetting.effective_from).limit(1))
    if value is None:
        raise LookupError(f"rule setting {key!r} has no value on {on}")
    return value


def spine_on(on: date, spine: str = "NJC") -> tuple[date | None, dict[int, Decimal]]:
    """The pay spine for the pay year holding `on`; if that year is not yet known, the latest
    known year before it (returned, so pages can say which year they used)."""
    year = db.session.scalar(
        select(func.max(PaySpinePoint.pay_year_from)).where(
            PaySpinePoint.spine == spine, PaySpinePoint.pay_year_from <= pay_year_start(on)))
    if year is None:
        return None, {}
    rows = db.session.execute(
        select(PaySpinePoint.scp, PaySpinePoint.annual_salary).where(
            PaySpinePoint.spine == spine, PaySpinePoint.pay_year_from == year))
    return year, {scp: salary for scp, salary in rows}


def picture_on(employee_id: int, on: date) -> Picture | None:
    employee = db.session.get(Employee, employee_id)
    if employee is None:
        return None
    row = db.session.execute(as_at(on).where(Employee.id == employee_id).limit(1)).first()
    if row is None:
        return Picture(on, employee, None, None, None, None, None, None, None)
    _, employment, assignment, post, terms = row
    full_time = salary = year = fte_value = None
    if assignment is not None:
        full_time_hours = Decimal(rule_value("full_time_hours", on))
        fte_value = fte(assignment.hours_per_week, full_time_hours).quantize(Decimal("0.01"))
        if assignment.local_salary is not None:
            full_time = assignment.local_salary
        elif assignment.scp is not None:
            year, spine = spine_on(on)
            full_time = spine.get(assignment.scp)
        if full_time is not None:
            salary = pro_rata_salary(full_time, assignment.hours_per_week, full_time_hours)
    grade = None
    if post is not None:
        from ..pay.post_grades import grade_on

        grade = grade_on(post.id, on)
    return Picture(on, employee, employment, assignment, post, terms, full_time, salary, year, fte_value, grade)


@dataclass(frozen=True)
class TimelineEntry:
    on: date
    until: date | None
    kind: str  # employment / assignment / terms
    summary: str
    reason: str
    recorded_by: str


def timeline(employee_id: int) -> list[TimelineEntry]:
    """Every dated record of a person's employment history, newest first."""
    from ...models import User

    entries: list[TimelineEntry] = []
    employments = db.session.scalars(select(Employment).where(Employment.employee_id == employee_id)).all()
    users = dict(db.session.execute(select(User.id, User.display_name)).all()) if employments else {}
    for employment in employments:
        employer = employment.employer.short_name
        how = {"tupe": "by TUPE transfer", "cosop": "by TUPE-equivalent transfer (COSOP)"}.get(employment.began_by, "")
        entries.append(TimelineEntry(employment.start_date, employment.end_date, "Employment",
                                     f"Employed by {employer} {how}".strip(), employment.end_reason, ""))
        for a in employment.assignments:
            pay = f"SCP {a.scp}" if a.scp is not None else (f"local salary £{a.local_salary:,}" if a.local_salary else "")
            entries.append(TimelineEntry(a.effective_from, a.effective_to, "Assignment",
                                         f"{a.post.title} ({a.post.post_number}), {hours(a.hours_per_week)} hours a week, {pay}",
                                         a.reason, users.get(a.recorded_by_id, "") if a.recorded_by_id else "system"))
        for t in employment.terms_records:
            source = f" (protected from transfer {t.transfer.reference})" if t.transfer else ""
            basis = "Protected terms" if t.basis == "protected" else "Own terms"
            entries.append(TimelineEntry(t.effective_from, t.effective_to, "Terms",
                                         f"{basis}: {t.terms_council.short_name} terms{source}", t.reason,
                                         users.get(t.recorded_by_id, "") if t.recorded_by_id else "system"))
    return sorted(entries, key=lambda e: (e.on, e.kind), reverse=True)


def current_assignment(employee_id: int, on: date) -> Assignment | None:
    """The assignment in force on a date for a person (the latest-starting if several)."""
    return db.session.scalars(
        select(Assignment).join(Employment).where(
            Employment.employee_id == employee_id, Assignment.effective_from <= on,
            (Assignment.effective_to.is_(None)) | (Assignment.effective_to >= on))
        .order_by(Assignment.effective_from.desc()).limit(1)).first()
