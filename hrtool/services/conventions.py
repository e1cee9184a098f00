"""Grade conventions: each council's grade boundaries (points bands to grades, grades to SCP
ranges), dated, with the council's factor-level interpretations as notes (DOMAIN.md 3.2).

A change never edits the bands that were in force: it adds a version from a chosen date and
closes the previous one the day before, so every past date keeps the bands it had. Posts take
their grade from their council's bands, so after a change each open post is re-graded."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from ..domain.grading import GradeBand, GradeNotFound, band_problems, grade_for_points
from ..errors import DomainError
from ..extensions import db
from ..models import Council, GradeConvention, Post
from ..models import GradeBand as GradeBandRow
from . import audit
from .posts import bands_on
from .records import spine_on
from .side_by_side import GradeRange, compare_score

CONVENTION_FIELDS = ["council_id", "name", "effective_from", "effective_to", "notes"]


class InvalidBands(DomainError):
    """The bands have gaps, overlaps or points off the spine: each problem is listed."""

    def __init__(self, problems: list[str]):
        super().__init__("The grade bands have problems: " + "; ".join(problems))
        self.problems = problems


def history(council_id: int) -> list[GradeConvention]:
    """Every version of a council's bands, newest first."""
    return list(db.session.scalars(
        select(GradeConvention).options(selectinload(GradeConvention.bands))
        .where(GradeConvention.council_id == council_id).order_by(GradeConvention.effective_from.desc())))


def latest(council_id: int) -> GradeConvention | None:
    """The version that starts last: a change of bands must start after it."""
    return db.session.scalars(select(GradeConvention).where(GradeConvention.council_id == council_id)
                              .order_by(GradeConvention.effective_from.desc()).limit(1)).first()


def in_force(council_id: int, on: date) -> GradeConvention | None:
    return db.session.scalars(
        select(GradeConvention).where(GradeConvention.council_id == council_id, GradeConvention.effective_from <= on,
                                      or_(GradeConvention.effective_to.is_(None), GradeConvention.effective_to >= on))
        .order_by(GradeConvention.effective_from.desc()).limit(1)).first()


@dataclass(frozen=True)
class CouncilConventions:
    council: Council
    current: GradeConvention | None
    versions: int
    next_change: GradeConvention | None  # a version starting after `on`, if one is planned


def overview(on: date) -> list[CouncilConventions]:
    councils = db.session.scalars(select(Council).order_by(Council.code)).all()
    counts = dict(db.session.execute(select(GradeConvention.council_id, func.count())
                                     .group_by(GradeConvention.council_id)).all())
    result = []
    for council in councils:
        upcoming = db.session.scalars(select(GradeConvention).where(
            GradeConvention.council_id == council.id, GradeConvention.effective_from > on)
            .order_by(GradeConvention.effective_from).limit(1)).first()
        result.append(CouncilConventions(council, in_force(council.id, on), counts.get(council.id, 0), upcoming))
    return result


def _band_dict(band: GradeBand) -> dict[str, object]:
    return {"grade": band.grade, "points_min": band.points_min, "points_max": band.points_max,
            "scp_min": band.scp_min, "scp_max": band.scp_max}


@dataclass(frozen=True)
class Regraded:
    post_id: int
    post_number: str
    title: str
    before: str | None
    after: str | None


@dataclass(frozen=True)
class BandsChanged:
    convention: GradeConvention
    closed: GradeConvention | None
    regraded: list[Regraded]


def change_bands(council_id: int, effective_from: date, name: str, notes: str, bands: Sequence[GradeBand],
                 reason: str) -> BandsChanged:
    """A new version of the council's bands from `effective_from` (issue 4). The bands are
    checked with `band_problems` against the spine of the pay year holding that date; the
    version in force then is closed the day before; every open post of the council is re-graded
    from its job evaluation score under the new bands (as `posts.grade_for` does), audited."""
    council = db.session.get(Council, council_id)
    if council is None:
        raise DomainError("No such council")
    if not bands:
        raise DomainError("Enter at least one grade band", field="bands")
    seen: set[str] = set()
    for band in bands:
        if band.grade in seen:
            raise InvalidBands([f"{band.grade} appears more than once"])
        seen.add(band.grade)
    previous = latest(council_id)
    if previous is not None and effective_from <= previous.effective_from:
        raise DomainError(f"The new bands must start after {previous.effective_from:%-d %B %Y}, when the latest "
                          "version began: versions already in force are never changed", field="effective_from")
    year, spine = spine_on(effective_from)
    if year is None:
        raise DomainError("There is no pay spine for that date to check the SCP ranges against",
                          field="effective_from")
    problems = band_problems(bands, sorted(spine))
    if problems:
        raise InvalidBands(problems)

    closed = None
    if previous is not None and (previous.effective_to is None or previous.effective_to >= effective_from):
        before = audit.snapshot(previous, CONVENTION_FIELDS)
        previous.effective_to = effective_from - timedelta(days=1)
        was, now = audit.changed(before, audit.snapshot(previous, CONVENTION_FIELDS))
        audit.record("update", "grade_convention", previous.id, before=was, after=now, reason=reason)
        closed = previous
    convention = GradeConvention(council_id=council_id, name=name, effective_from=effective_from, notes=notes)
    for band in sorted(bands, key=lambda b: b.points_min):
        convention.bands.append(GradeBandRow(grade=band.grade, points_min=band.points_min,
                                             points_max=band.points_max, scp_min=band.scp_min,
                                             scp_max=band.scp_max))
    db.session.add(convention)
    db.session.flush()
    audit.record("create", "grade_convention", convention.id,
                 after=dict(audit.snapshot(convention, CONVENTION_FIELDS),
                            bands=[_band_dict(b) for b in sorted(bands, key=lambda b: b.points_min)]),
                 reason=reason)
    return BandsChanged(convention, closed, _regrade_posts(council_id, effective_from, reason))


def _regrade_posts(council_id: int, on: date, reason: str) -> list[Regraded]:
    """Each post of the council still open on `on` takes the grade its score earns under the
    bands in force then: `posts.grade_for`, with the bands loaded once for all posts."""
    new_bands = bands_on(council_id, on)
    posts = db.session.scalars(select(Post).where(Post.council_id == council_id,
                                                  or_(Post.closed_on.is_(None), Post.closed_on >= on))
                               .order_by(Post.post_number)).all()
    regraded = []
    for post in posts:
        grade = None
        if post.je_score is not None:
            try:
                grade = grade_for_points(post.je_score, new_bands).grade
            except GradeNotFound:
                grade = None
        if grade != post.grade:
            audit.record("update", "post", post.id, before={"grade": post.grade}, after={"grade": grade},
                         reason=f"Grade boundaries from {on:%-d %B %Y}: {reason}")
            regraded.append(Regraded(post.id, post.post_number, post.title, post.grade, grade))
            post.grade = grade
    db.session.flush()
    return regraded


@dataclass(frozen=True)
class GradeLookup:
    council_code: str
    council_name: str
    pay_year: date | None  # the spine's pay year used for salaries
    grade: GradeRange | None  # None: the points are outside every band of the council


def lookup_grade(points: int, on: date) -> list[GradeLookup]:
    """The grade, SCP range and full-time salary range a score earns under each council's bands
    in force on a date; salaries from the pay year holding the date, or the latest known."""
    year, ranges = compare_score(points, on)
    names = dict(db.session.execute(select(Council.code, Council.name)).all())
    return [GradeLookup(code, names[code], year, grade) for code, grade in ranges.items()]
