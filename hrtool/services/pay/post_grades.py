"""Dated grades of posts: the `post_grades` table, kept in step with its sources.

The rule (domain/grading.py): the grade of a post on a date D is the band, in its council's grade
boundaries in force on D, that holds its job evaluation score on D. The score on D is that of the
latest job evaluation under the post's own council's conventions dated on or before D (of two on
one day, the one recorded last); before the post's first evaluation, the score recorded on the
post. `domain.grading.grade_timeline` turns a post's sources into dated rows from the day it is
established to the day it closes; they are written ahead, so a version of the bands starting
on 1 April 2027 is a row from 1 April 2027 and nothing has to run on the day.

Sources, listed in services/platform/derived.py: the post (score, council, dates), its job evaluations
and its council's band versions. Writing any of them through the ORM notes the posts they reach;
`derived.settle` calls `refresh_scopes` before the unit of work commits. Bulk inserts of posts
(demo data, imports) call `refresh` (or `derived.note`) themselves. `Post.grade` reads the row in
force today; `grade_on` / `grades_on` / `grade_at` read another date.
"""
from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import delete, insert, or_, select

from ...domain.grading import BandVersion, DatedGrade, GradeBand, ScoreStep, grade_in_force, grade_timeline
from ...extensions import db
from ...formatting import money, uk_date
from ...models import GradeBand as GradeBandRow
from ...models import GradeConvention, JobEvaluation, Post, PostGrade
from ...models.grading import GRADING_STATUSES
from ..platform import audit

CHUNK = 500  # ids per IN (...) list


@dataclass(frozen=True)
class PostSources:
    """What a post's dated grades are derived from, apart from its council's bands."""

    post_id: int
    post_number: str
    council_id: int
    established_on: date
    closed_on: date | None
    recorded_score: int | None
    evaluations: tuple[ScoreStep, ...]


def _chunks(ids: Collection[int]) -> Iterator[list[int]]:
    ordered = sorted(ids)
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start:start + CHUNK]


def band_versions(council_ids: Collection[int] | None = None) -> dict[int, list[BandVersion]]:
    """Every dated version of each council's bands (all councils unless named), oldest first."""
    query = select(GradeConvention.id, GradeConvention.council_id, GradeConvention.effective_from,
                   GradeConvention.effective_to).order_by(GradeConvention.effective_from, GradeConvention.id)
    if council_ids is not None:
        query = query.where(GradeConvention.council_id.in_(list(council_ids)))
    conventions = db.session.execute(query).all()
    bands: dict[int, list[GradeBand]] = {}
    if conventions:
        for row in db.session.execute(
                select(GradeBandRow.convention_id, GradeBandRow.grade, GradeBandRow.points_min,
                       GradeBandRow.points_max, GradeBandRow.scp_min, GradeBandRow.scp_max)
                .where(GradeBandRow.convention_id.in_([c.id for c in conventions]))
                .order_by(GradeBandRow.points_min)):
            bands.setdefault(row.convention_id, []).append(
                GradeBand(row.grade, row.points_min, row.points_max, row.scp_min, row.scp_max))
    versions: dict[int, list[BandVersion]] = {}
    for c in conventions:
        versions.setdefault(c.council_id, []).append(
            BandVersion(c.id, c.effective_from, c.effective_to, tuple(bands.get(c.id, ()))))
    return versions


def post_sources(post_ids: Collection[int] | None = None, council_ids: Collection[int] | None = None
                 ) -> list[PostSources]:
    """The sources of the named posts (or of every post of the named councils, or of every post)."""
    def load(where: Any) -> list[PostSources]:
        posts = db.session.execute(
            select(Post.id, Post.post_number, Post.council_id, Post.established_on, Post.closed_on, Post.je_score)
            .where(where).order_by(Post.id)).all()
        steps: dict[int, list[ScoreStep]] = {}
        for post_id, evaluated_on, score in db.session.execute(
                select(JobEvaluation.post_id, JobEvaluation.evaluated_on, JobEvaluation.score)
                .join(Post, Post.id == JobEvaluation.post_id)
                .where(where, JobEvaluation.council_id == Post.council_id,
                       JobEvaluation.status.in_(GRADING_STATUSES))  # a draft grades nothing
                .order_by(JobEvaluation.post_id, JobEvaluation.evaluated_on, JobEvaluation.id)):
            steps.setdefault(post_id, []).append(ScoreStep(evaluated_on, score))
        return [PostSources(p.id, p.post_number, p.council_id, p.established_on, p.closed_on, p.je_score,
                            tuple(steps.get(p.id, ()))) for p in posts]

    if post_ids is None and council_ids is None:
        return load(Post.id.is_not(None))
    found: list[PostSources] = []
    if council_ids:
        found += load(Post.council_id.in_(list(council_ids)))
    seen = {s.post_id for s in found}
    for chunk in _chunks([i for i in post_ids or () if i not in seen]):
        found += load(Post.id.in_(chunk))
    return found


def timeline_of(source: PostSources, versions: dict[int, list[BandVersion]]) -> list[DatedGrade]:
    return grade_timeline(source.established_on, source.closed_on, source.recorded_score, source.evaluations,
                          versions.get(source.council_id, []))


def fresh_timelines(post_ids: Collection[int] | None = None, council_ids: Collection[int] | None = None,
                    versions: dict[int, list[BandVersion]] | None = None) -> dict[int, list[DatedGrade]]:
    """Each post's dated grades worked out from its sources now (`versions` to try bands not yet
    saved: a band change's preview)."""
    sources = post_sources(post_ids, council_ids)
    if versions is None:
        versions = band_versions({s.council_id for s in sources})
    return {s.post_id: timeline_of(s, versions) for s in sources}


def held_timelines(post_ids: Collection[int] | None = None) -> dict[int, list[DatedGrade]]:
    """The dated grades held for the named posts (every post if None), oldest first."""
    columns = select(PostGrade.post_id, PostGrade.effective_from, PostGrade.effective_to, PostGrade.je_score,
                     PostGrade.grade, PostGrade.convention_id).order_by(PostGrade.post_id, PostGrade.effective_from)
    held: dict[int, list[DatedGrade]] = {}
    batches = [columns] if post_ids is None else [columns.where(PostGrade.post_id.in_(c)) for c in _chunks(post_ids)]
    for query in batches:
        for row in db.session.execute(query):
            held.setdefault(row.post_id, []).append(
                DatedGrade(row.effective_from, row.effective_to, row.je_score, row.grade, row.convention_id))
    return held


def _story(rows: Sequence[DatedGrade]) -> dict[date, str | None]:
    """The grade from each date it changes (ignoring changes of score or version that keep it)."""
    story: dict[date, str | None] = {}
    last: object = object()
    for row in rows:
        if row.grade != last:
            story[row.effective_from] = row.grade
            last = row.grade
    return story


def _grade_differences(old: Sequence[DatedGrade], new: Sequence[DatedGrade]) -> tuple[dict[str, Any], dict[str, Any]]:
    """For the audit trail: 'grade from YYYY-MM-DD' before and after, where they differ."""
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for start in sorted(set(_story(old)) | set(_story(new))):
        was, now = grade_in_force(old, start), grade_in_force(new, start)
        if (was.grade if was else None) != (now.grade if now else None):
            key = f"grade from {start.isoformat()}"
            before[key], after[key] = (was.grade if was else None), (now.grade if now else None)
    return before, after


def refresh(post_ids: Collection[int] | None = None, why: str = "", *, council_ids: Collection[int] | None = None,
            whys: dict[int, str] | None = None) -> int:
    """Bring the held dated grades of these posts (or of every post of these councils, or of every
    post) in step with their sources: the rows of each post whose timeline differs are replaced,
    in one DELETE and one INSERT per batch. A change to a post's grade on some date (not a first
    timeline, not a change of score or version that keeps the grade) is audited on the post with
    `why`. Returns how many posts' rows changed."""
    fresh = fresh_timelines(post_ids, council_ids)
    held = held_timelines(fresh.keys() if post_ids is not None or council_ids is not None else None)
    changed = [post_id for post_id, rows in fresh.items() if held.get(post_id, []) != rows]
    gone = [post_id for post_id in (post_ids or ()) if post_id not in fresh and held.get(post_id)]
    if not changed and not gone:
        return 0
    for chunk in _chunks(changed + gone):
        db.session.execute(delete(PostGrade).where(PostGrade.post_id.in_(chunk)).execution_options(
            synchronize_session=False))
    rows = [{"post_id": post_id, "effective_from": r.effective_from, "effective_to": r.effective_to,
             "je_score": r.je_score, "grade": r.grade, "convention_id": r.convention_id}
            for post_id in changed for r in fresh[post_id]]
    if rows:
        db.session.execute(insert(PostGrade), rows)
    _audit_grade_changes(changed, held, fresh, why, whys or {})
    _expire_grades(set(changed) | set(gone))
    return len(changed) + len(gone)


def _audit_grade_changes(changed: list[int], held: dict[int, list[DatedGrade]], fresh: dict[int, list[DatedGrade]],
                         why: str, whys: dict[int, str]) -> None:
    """Audit each changed post whose grade on some date changed, batched by reason."""
    events: list[dict[str, Any]] = []
    for post_id in changed:
        if not held.get(post_id):
            continue  # a new post's first grades: its creation is audited
        before, after = _grade_differences(held[post_id], fresh[post_id])
        if after:
            events.append({"action": "update", "entity_type": "post", "entity_id": post_id, "before": before,
                           "after": after, "reason": whys.get(post_id, why)})
    if events:
        by_reason: dict[str, list[dict[str, Any]]] = {}
        for event in events:
            by_reason.setdefault(event.pop("reason"), []).append(event)
        for reason, batch in by_reason.items():
            audit.record_many(batch, reason=reason)


def _expire_grades(post_ids: set[int]) -> None:
    """Posts already loaded in this session read their grade again on next use."""
    for obj in list(db.session.identity_map.values()):
        if isinstance(obj, Post) and obj.id in post_ids:
            db.session.expire(obj, ["grade"])


def refresh_scopes(items: list[tuple[tuple[Any, ...], str]]) -> int:
    """The recompute `derived.settle` calls: scopes ("post", id), ("council", id), ("convention", id)
    and ("all",), each with why it is due. Returns how many posts' rows changed."""
    posts: dict[int, str] = {}
    councils: dict[int, str] = {}
    everything: str | None = None
    for scope, why in items:
        kind = scope[0]
        if kind == "all":
            everything = everything or why
        elif kind == "post" and scope[1] is not None:
            posts.setdefault(scope[1], why)
        elif kind == "council" and scope[1] is not None:
            councils.setdefault(scope[1], why)
        elif kind == "convention" and scope[1] is not None:
            council_id = db.session.scalar(select(GradeConvention.council_id).where(GradeConvention.id == scope[1]))
            if council_id is not None:
                councils.setdefault(council_id, why)
    if everything is not None:
        return refresh(None, everything)
    if not posts and not councils:
        return 0
    whys = dict(posts)
    if councils:
        for post_id, council_id in db.session.execute(select(Post.id, Post.council_id)
                                                      .where(Post.council_id.in_(list(councils)))):
            whys.setdefault(post_id, councils[council_id])
    return refresh(list(posts), "", council_ids=list(councils) or None, whys=whys)


# -- reading ------------------------------------------------------------------------------------

def _in_force(on: date) -> Any:
    return (PostGrade.effective_from <= on) & or_(PostGrade.effective_to.is_(None), PostGrade.effective_to >= on)


def row_on(post_id: int, on: date) -> PostGrade | None:
    """The held grade row of a post in force on a date (None if the post does not exist then)."""
    return db.session.scalars(select(PostGrade).where(PostGrade.post_id == post_id, _in_force(on))
                              .order_by(PostGrade.effective_from.desc()).limit(1)).first()


def grade_on(post_id: int, on: date) -> str | None:
    """A post's grade on a date (None: no grade then, or the post does not exist then)."""
    row = row_on(post_id, on)
    return row.grade if row is not None else None


def grades_on(post_ids: Iterable[int], on: date) -> dict[int, str | None]:
    """Many posts' grades on one date, in one query (for many posts, every post's grade that day
    is read and the rest dropped, so the number of queries never grows with the workforce)."""
    wanted = set(post_ids)
    if not wanted:
        return {}
    query = select(PostGrade.post_id, PostGrade.grade).where(_in_force(on))
    if len(wanted) <= CHUNK:
        query = query.where(PostGrade.post_id.in_(sorted(wanted)))
    return {post_id: grade for post_id, grade in db.session.execute(query) if post_id in wanted}


def grade_at(post_id: Any, on: Any) -> Any:
    """SQL for the grade of the post `post_id` (a column) on `on` (a date or a column): for
    filtering and sorting lists as at a date."""
    return (select(PostGrade.grade).where(PostGrade.post_id == post_id, _in_force(on))
            .order_by(PostGrade.effective_from.desc()).limit(1).scalar_subquery())


def timeline(post_id: int) -> list[PostGrade]:
    """A post's held dated grades, oldest first."""
    return list(db.session.scalars(select(PostGrade).where(PostGrade.post_id == post_id)
                                   .order_by(PostGrade.effective_from)))


@dataclass(frozen=True)
class GradeAhead:
    """A change of a post's grade after today: 'Grade G from 1 April 2027'."""

    on: date
    grade: str | None

    @property
    def words(self) -> str:
        return f"{_grade_name(self.grade)} from {uk_date(self.on)}"


def _grade_name(grade: str | None) -> str:
    if grade is None:
        return "No grade (above the top grade)"
    return grade if grade.lower().startswith("grade") else f"Grade {grade}"


def changes_ahead(post_id: int, today: date) -> list[GradeAhead]:
    """The dates after `today` on which the post's grade changes, and the grade from each."""
    return _ahead([_dated(r) for r in timeline(post_id)], today)


def _current(rows: Sequence[DatedGrade], today: date) -> DatedGrade | None:
    """The row `Post.grade` reads: the latest starting on or before today (a closed post keeps
    the grade it closed with), or the first row of a post established after today."""
    if not rows:
        return None
    day = max(today, rows[0].effective_from)
    return [r for r in rows if r.effective_from <= day][-1]


def _ahead(rows: Sequence[DatedGrade], today: date) -> list[GradeAhead]:
    current = _current(rows, today)
    last = current.grade if current is not None else None
    ahead = []
    for row in rows:
        if row.effective_from > today and (current is None or row.effective_from > current.effective_from):
            if row.grade != last:
                ahead.append(GradeAhead(row.effective_from, row.grade))
            last = row.grade
    return ahead


@dataclass(frozen=True)
class GradeStatus:
    """What the post page and the evaluations page say about a post's grade: the row in force
    today (the same one `Post.grade` reads) and the changes dated after today."""

    today: date
    row: DatedGrade | None
    ahead: list[GradeAhead]
    rows: list[DatedGrade]

    @property
    def grade(self) -> str | None:
        return self.row.grade if self.row is not None else None

    @property
    def je_score(self) -> int | None:
        return self.row.je_score if self.row is not None else None

    def words(self, post: Post) -> str:
        """The grade in force today and each dated change ahead, in one line: the same words on
        the post page and the evaluations page."""
        if self.grade is not None:
            now = f"{self.grade} ({post.council.short_name} grading)"
        elif post.is_chief_officer:
            now = f"Local band {money(post.band_min)} to {money(post.band_max)}"
        elif self.je_score is not None:
            now = "No grade: above the top grade"
        else:
            now = "No grade: not evaluated"
        return "; ".join([now, *(a.words for a in self.ahead)])


def status(post_id: int, today: date) -> GradeStatus:
    rows = [_dated(r) for r in timeline(post_id)]
    return GradeStatus(today, _current(rows, today), _ahead(rows, today), rows)


def _dated(row: PostGrade) -> DatedGrade:
    return DatedGrade(row.effective_from, row.effective_to, row.je_score, row.grade, row.convention_id)


def band_of(convention_id: int | None, grade: str | None) -> GradeBand | None:
    """The band (points and SCP range) of a grade in a version of the bands."""
    if convention_id is None or grade is None:
        return None
    band = db.session.scalars(select(GradeBandRow).where(GradeBandRow.convention_id == convention_id,
                                                         GradeBandRow.grade == grade)).first()
    return GradeBand(band.grade, band.points_min, band.points_max, band.scp_min, band.scp_max) if band else None


def report(on: date) -> list[dict[str, Any]]:
    """`hrtool report grades`: every post open on `on`, its score and grade that day (the held
    dated rows) and the people holding it that day, by post number."""
    from ...models import Assignment, Council, Employee, Employment

    posts = db.session.execute(
        select(Post.id, Post.post_number, Council.code, PostGrade.je_score, PostGrade.grade)
        .join(Council, Council.id == Post.council_id)
        .outerjoin(PostGrade, (PostGrade.post_id == Post.id) & _in_force(on))
        .where(Post.established_on <= on, or_(Post.closed_on.is_(None), Post.closed_on >= on))
        .order_by(Post.post_number)).all()
    people: dict[int, list[str]] = {}
    for post_id, number in db.session.execute(
            select(Assignment.post_id, Employee.person_number)
            .join(Employment, Employment.id == Assignment.employment_id)
            .join(Employee, Employee.id == Employment.employee_id)
            .where(Assignment.effective_from <= on, or_(Assignment.effective_to.is_(None), Assignment.effective_to >= on))
            .order_by(Employee.person_number)):
        people.setdefault(post_id, []).append(number)
    return [{"post_number": p.post_number, "council": p.code, "je_score": p.je_score, "grade": p.grade,
             "people": sorted(set(people.get(p.id, [])))} for p in posts]
