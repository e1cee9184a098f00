"""Finding employees: the HR list's search, filters and sort, as one query that pages with
LIMIT/OFFSET and exports as it stands. Each person appears once, with their latest employment
that has started by the date, and that employment's latest assignment and terms in force."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Date, Select, and_, case, exists, func, literal, or_, select, union
from sqlalchemy.orm import aliased

from ..models import Assignment, Council, Employee, Employment, Post, PostGrade, Service, TermsRecord
from .records import rule_value

SORTS: dict[str, Any] = {
    "name": (Employee.last_name, Employee.first_name),
    "person_number": (Employee.person_number,),
    "employer": (Council.short_name, Employee.last_name),
    "service": (Service.name, Employee.last_name),
    "post": (Post.title, Employee.last_name),
    "grade": (PostGrade.grade, Employee.last_name),  # the grade on the date searched (joined below)
    "hours": (Assignment.hours_per_week, Employee.last_name),
}
PERSON_NUMBER = re.compile(r"[a-z]{1,3}\d{3,}")
STATUSES = {"active": "Working here", "left": "Left", "all": "Everyone"}


@dataclass(frozen=True)
class EmployeeFilters:
    q: str = ""
    employer: str = ""  # council code
    service_id: int | None = None
    post: str = ""  # post number
    grade: str = ""
    terms: str = ""  # own / protected
    part_time: str = ""  # yes / no
    status: str = "active"
    sort: str = "name"
    descending: bool = False

    def as_params(self) -> dict[str, Any]:
        """The filters as query-string parameters, leaving out defaults."""
        params = {"q": self.q, "employer": self.employer, "service": self.service_id or "", "post": self.post,
                  "grade": self.grade, "terms": self.terms, "part_time": self.part_time,
                  "status": "" if self.status == "active" else self.status,
                  "sort": "" if self.sort == "name" else self.sort, "desc": "1" if self.descending else ""}
        return {k: v for k, v in params.items() if v}


def _employment_of_interest(on: date, status: str) -> Any:
    """Each person's latest employment that has started by `on` (a later one would make this
    one history). Written as NOT EXISTS so the database walks indexes instead of sorting."""
    later = aliased(Employment)
    newest = ~exists().where(later.employee_id == Employment.employee_id, later.start_date > Employment.start_date,
                             later.start_date <= on)
    condition = and_(Employment.employee_id == Employee.id, Employment.start_date <= on, newest)
    if status == "active":
        condition = and_(condition, or_(Employment.end_date.is_(None), Employment.end_date >= on))
    elif status == "left":
        condition = and_(condition, Employment.end_date < on)
    return condition


def _in_force(model: Any, on: Any) -> Any:
    return and_(model.employment_id == Employment.id, model.effective_from <= on,
                or_(model.effective_to.is_(None), model.effective_to >= on))


def _starts(column: Any, prefix: str) -> Any:
    """lower(column) starts with `prefix`: the range lets the index on lower(column) find the
    candidates, the LIKE (wildcards in the prefix escaped) keeps the match exact."""
    key = func.lower(column)
    return and_(key >= prefix, key < prefix + "\uffff", key.startswith(prefix, autoescape=True))


def _matching(word: str) -> Any:
    """Ids of the people whose first or last name starts with `word`, or whose person number it is."""
    return union(select(Employee.id).where(_starts(Employee.last_name, word)),
                 select(Employee.id).where(_starts(Employee.first_name, word)),
                 select(Employee.id).where(Employee.person_number == word.upper()))


def search(filters: EmployeeFilters, on: date) -> Select[Any]:
    """Rows of (Employee, Employment, Assignment, Post, Service, Council, TermsRecord) matching the
    filters, sorted. For people still employed, the assignment and terms in force on `on`; for
    leavers, those in force on their last day. Plain indexed joins: no per-row subquery sorts."""
    seen_on = case((Employment.end_date < on, Employment.end_date), else_=literal(on, Date))
    # A filter on the post or the terms needs a row there anyway, so those joins become inner
    # joins when one is set: the database may then start from the posts of one service (or one
    # post, or one grade) instead of walking every employment of the employer.
    by_post = bool(filters.service_id or filters.post or filters.grade)
    by_assignment = by_post or filters.part_time in ("yes", "no")
    by_terms = filters.terms in ("own", "protected")
    q = filters.q.strip().lower()
    words = [] if PERSON_NUMBER.fullmatch(q) else q.split()[:4]
    query = select(Employee, Employment, Assignment, Post, Service, Council, TermsRecord)
    if words:
        # Each word must start the first or the last name ("ann smi" finds Anne Smith), or be a
        # whole person number: prefixes walk the lower-cased name indexes, where a match
        # anywhere in the name would read every row. The first word's matches (a UNION of three
        # index lookups) come first in FROM, so the database starts from those few people; as a
        # WHERE ... IN, PostgreSQL joined the whole workforce first (1.2 s at 100,000 people).
        first = _matching(words[0]).subquery("matching")
        query = query.select_from(first).join(Employee, Employee.id == first.c.id)
        for word in words[1:]:
            query = query.where(Employee.id.in_(_matching(word).scalar_subquery()))
    else:
        query = query.select_from(Employee)
    query = (
        query
        .join(Employment, _employment_of_interest(on, filters.status))
        .join(Council, Council.id == Employment.employer_id)
        .join(Assignment, _in_force(Assignment, seen_on), isouter=not by_assignment)
        .join(Post, Post.id == Assignment.post_id, isouter=not by_post)
        .outerjoin(Service, Service.id == Post.service_id)
        .join(TermsRecord, _in_force(TermsRecord, seen_on), isouter=not by_terms)
    )
    if PERSON_NUMBER.fullmatch(q):
        # A person number is found through its unique index, not by scanning names.
        query = query.where(Employee.person_number == q.upper())
    if filters.employer:
        query = query.where(Council.code == filters.employer)
    if filters.service_id:
        query = query.where(Post.service_id == filters.service_id)
    if filters.post:
        query = query.where(Post.post_number == filters.post.strip().upper())
    if filters.grade or filters.sort == "grade":
        # The post's grade on the day the row is seen (dated, services/post_grades.py).
        query = query.join(PostGrade, and_(PostGrade.post_id == Post.id, PostGrade.effective_from <= seen_on,
                                           or_(PostGrade.effective_to.is_(None), PostGrade.effective_to >= seen_on)),
                           isouter=not filters.grade)
    if filters.grade:
        query = query.where(PostGrade.grade == filters.grade)
    if filters.terms in ("own", "protected"):
        query = query.where(TermsRecord.basis == filters.terms)
    if filters.part_time in ("yes", "no"):
        full_time = rule_value("full_time_hours", on)
        query = query.where(Assignment.hours_per_week < full_time if filters.part_time == "yes"
                            else Assignment.hours_per_week >= full_time)
    columns = SORTS.get(filters.sort, SORTS["name"])
    order = [c.desc() if filters.descending else c for c in columns]
    return query.order_by(*order, Employee.id)


def person_ids(filters: EmployeeFilters, on: date) -> Select[Any]:
    """Just the ids of the people the filters find (for export)."""
    return search(filters, on).with_only_columns(Employee.id).order_by(None)


def filter_choices() -> dict[str, Any]:
    """Values for the filter drop-downs."""
    from ..extensions import db

    return {
        "employers": db.session.execute(select(Council.code, Council.short_name).order_by(Council.code)).all(),
        "services": db.session.execute(select(Service.id, Service.name).order_by(Service.name)).all(),
        "grades": [g for g, in db.session.execute(select(PostGrade.grade).where(PostGrade.grade.is_not(None))
                                                   .distinct().order_by(PostGrade.grade))],
    }


