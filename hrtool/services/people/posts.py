"""The establishment: posts, who has held them, and vacancies."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm.exc import StaleDataError

from ...domain.grading import GradeBand, GradeNotFound, grade_for_points
from ...errors import DomainError, StaleRecord
from ...extensions import db
from ...models import Assignment, Council, Employee, Employment, GradeConvention, JobEvaluation, Post, Service
from ..platform import audit
from ..platform.unit_of_work import transaction
from .records import rule_value

POST_FIELDS = ["post_number", "council_id", "service_id", "title", "tier", "fte", "je_score", "band_min",
               "band_max", "established_on", "closed_on", "notes"]


def bands_on(council_id: int, on: date) -> list[GradeBand]:
    """The council's grade boundaries in force on a date."""
    convention = db.session.scalars(
        select(GradeConvention).where(GradeConvention.council_id == council_id, GradeConvention.effective_from <= on,
                                      or_(GradeConvention.effective_to.is_(None), GradeConvention.effective_to >= on))
        .order_by(GradeConvention.effective_from.desc()).limit(1)).first()
    if convention is None:
        return []
    return [GradeBand(b.grade, b.points_min, b.points_max, b.scp_min, b.scp_max) for b in convention.bands]


def grade_for(council_id: int, je_score: int | None, on: date) -> str | None:
    """The grade a score earns under the council's bands; None above the top grade (chief
    officers, paid on a local band) or with no score."""
    if je_score is None:
        return None
    try:
        return grade_for_points(je_score, bands_on(council_id, on)).grade
    except GradeNotFound:
        return None


def current_holders() -> Any:
    """Per post: how many people hold it today, and their hours."""
    today = date.today()
    return (select(Assignment.post_id, func.count(Assignment.id).label("holders"),
                   func.sum(Assignment.hours_per_week).label("hours"))
            .where(Assignment.effective_from <= today,
                   or_(Assignment.effective_to.is_(None), Assignment.effective_to >= today))
            .group_by(Assignment.post_id).subquery())


def search(q: str = "", council: str = "", service_id: int | None = None, vacant: bool = False,
           include_closed: bool = False) -> Select[Any]:
    holders = current_holders()
    query = (select(Post, Council.short_name, Service.name, func.coalesce(holders.c.holders, 0),
                    func.coalesce(holders.c.hours, 0))
             .join(Council, Council.id == Post.council_id).join(Service, Service.id == Post.service_id)
             .outerjoin(holders, holders.c.post_id == Post.id))
    if q.strip():
        like = f"%{q.strip().lower()}%"
        query = query.where(or_(func.lower(Post.title).like(like), func.lower(Post.post_number).like(like)))
    if council:
        query = query.where(Council.code == council)
    if service_id:
        query = query.where(Post.service_id == service_id)
    if vacant:
        query = query.where(holders.c.holders.is_(None))
    if not include_closed:
        query = query.where(or_(Post.closed_on.is_(None), Post.closed_on >= date.today()))
    return query.order_by(Service.name, Post.title, Post.post_number)


@dataclass(frozen=True)
class Holder:
    employee_id: int
    name: str
    person_number: str
    effective_from: date
    effective_to: date | None
    hours_per_week: Decimal
    scp: int | None


def holders_over_time(post_id: int) -> list[Holder]:
    rows = db.session.execute(
        select(Employee.id, Employee.first_name, Employee.last_name, Employee.person_number, Assignment.effective_from,
               Assignment.effective_to, Assignment.hours_per_week, Assignment.scp)
        .join(Employment, Employment.employee_id == Employee.id).join(Assignment, Assignment.employment_id == Employment.id)
        .where(Assignment.post_id == post_id).order_by(Assignment.effective_from.desc()))
    return [Holder(i, f"{f} {last}", n, a, b, h, s) for i, f, last, n, a, b, h, s in rows]


def fte_held(holders: list[Holder], on: date) -> Decimal:
    full_time = Decimal(rule_value("full_time_hours", on))
    hours = sum((h.hours_per_week for h in holders
                 if h.effective_from <= on and (h.effective_to is None or h.effective_to >= on)), Decimal(0))
    return (hours / full_time).quantize(Decimal("0.01"))


@transaction
def save_post(post: Post | None, values: dict[str, Any], reason: str, seen_version: int | None = None) -> Post:
    """Create a post, or change one the user saw at `seen_version`. Its dated grades follow from
    its score and its council's bands (services/pay/post_grades.py, recomputed before the unit of
    work commits). Once a post has job evaluations under its council's conventions its score is
    theirs: a new score is recorded as an evaluation, not typed over."""
    if values.get("closed_on") and values["closed_on"] < values["established_on"]:
        raise DomainError("The closing date is before the date the post was established", field="closed_on")
    duplicate = db.session.scalar(select(Post.id).where(Post.post_number == values["post_number"]))
    if duplicate is not None and (post is None or duplicate != post.id):
        raise DomainError("Another post already has that post number", field="post_number")
    if post is not None and values.get("je_score") != post.je_score:
        evaluated = db.session.scalar(select(JobEvaluation.id).where(JobEvaluation.post_id == post.id,
                                                                     JobEvaluation.council_id == post.council_id)
                                      .limit(1))
        if evaluated is not None:
            raise DomainError("This post's score comes from its job evaluations: record a new evaluation on its "
                              "job evaluations page instead", field="je_score")
    if post is None:
        return audit.added(Post(**values), "post", POST_FIELDS, reason)
    if seen_version is not None and post.version != seen_version:
        raise StaleRecord("Someone else changed this post while you were editing it. "
                          "The saved version is shown: check it and make your change again.")
    before = audit.snapshot(post, POST_FIELDS)
    for key, value in values.items():
        setattr(post, key, value)
    was, now = audit.changed(before, audit.snapshot(post, POST_FIELDS))
    if now:
        try:
            db.session.flush()
        except StaleDataError:
            db.session.rollback()
            raise StaleRecord("Someone else changed this post while you were editing it.") from None
        audit.record("update", "post", post.id, before=was, after=now, reason=reason)
    return post


def post(post_id: int) -> Post | None:
    """The post with this id, as the session now holds it; None if there is none."""
    return db.session.get(Post, post_id)


def _open_posts(employer_id: int) -> Select[Post]:
    return select(Post).where(Post.council_id == employer_id, Post.closed_on.is_(None))


def open_post_count(employer_id: int, up_to: int) -> int:
    """How many open posts the employer has, counting no further than `up_to`."""
    # Without sorting every post: a count of 100 costs the same at 50,000 posts.
    return len(db.session.scalars(_open_posts(employer_id).with_only_columns(Post.id).limit(up_to)).all())


def open_posts(employer_id: int) -> list[Post]:
    """Every open post of the employer, by title then post number."""
    return list(db.session.scalars(_open_posts(employer_id).order_by(Post.title, Post.post_number)))


def find_open_posts(employer_id: int, find: str, limit: int) -> list[Post]:
    """Up to `limit` open posts of the employer whose number is `find` or whose title holds each
    of its first four words (any case), by title then post number."""
    words = find.lower().split()[:4]
    # Words anywhere in the title read every open post of the employer (no index answers
    # "contains"); the number is found by its index.
    return list(db.session.scalars(
        _open_posts(employer_id).where(or_(Post.post_number == find.upper(),
                                           and_(*(func.lower(Post.title).contains(w, autoescape=True) for w in words))))
        .order_by(Post.title, Post.post_number).limit(limit)))


def open_post(employer_id: int, post_id: int) -> Post | None:
    """The post with this id if it is an open post of the employer; else None."""
    return db.session.scalar(_open_posts(employer_id).where(Post.id == post_id))
