"""Grade conventions: each council's grade boundaries (points bands to grades, grades to SCP
ranges), dated, with the council's factor-level interpretations as notes (DOMAIN.md 3.2).

A change never edits the bands that were in force: it adds a version from a chosen date and
closes the previous one the day before, so every past date keeps the bands it had. A post's grade
on a date follows from the bands in force then (services/pay/post_grades.py), so a change from a
future date changes no grade before it. Before saving, `preview_bands` shows who a change affects
and what follows for them (services/pay/regrading.py); `change_bands` then does exactly that."""
from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from ...domain.grading import BandVersion, GradeBand, band_problems
from ...errors import DomainError
from ...extensions import db
from ...models import Council, GradeConvention, Protection
from ...models import GradeBand as GradeBandRow
from ..people.records import spine_on
from ..platform import audit, derived
from ..platform.unit_of_work import transaction
from ..rules import date_windows
from . import post_grades, regrading
from .regrading import NEW_VERSION, PostEffect, RegradePlan
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
class BandChangePreview:
    """What a change of bands from a date would do, before it is saved: each post whose grade
    changes (from when, old and new grade), each person holding it then and what follows for
    them (services/pay/regrading.py). `fingerprint` identifies the date, the bands and the plan, so a
    confirmation is refused if any of them changed after HR checked."""

    council: Council
    effective_from: date
    previous: GradeConvention | None
    plan: RegradePlan
    bands: tuple[GradeBand, ...]

    @property
    def fingerprint(self) -> str:
        text = repr((self.council.id, self.effective_from, sorted(self.bands, key=lambda b: b.points_min),
                     [(p.post_id, p.on, p.old_grade, p.new_grade,
                       [(h.employment_id, h.starts_on, h.scp, h.new_scp, h.outcome) for h in p.holders])
                      for p in self.plan.posts]))
        return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class BandsChanged:
    convention: GradeConvention
    closed: GradeConvention | None
    plan: RegradePlan
    protections: list[Protection]

    @property
    def regraded(self) -> tuple[PostEffect, ...]:
        return self.plan.posts


def _checked(council_id: int, effective_from: date, bands: Sequence[GradeBand]) -> tuple[Council, GradeConvention | None]:
    """The council and its latest version, if the bands may be saved from that date; else the
    problems, as DomainError (InvalidBands lists each)."""
    date_windows.check("bands_from", effective_from, field="effective_from")
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
    return council, previous


def _plan(council_id: int, effective_from: date, bands: Sequence[GradeBand]) -> RegradePlan:
    """Every post of the council graded from its sources under the versions held now, and again
    with the new version from `effective_from` (the latest one closed the day before); what
    follows for the holders where a grade differs."""
    sources = post_grades.post_sources(council_ids=[council_id])
    held = post_grades.band_versions([council_id])
    versions_now = held.get(council_id, [])
    trial = [replace(v, effective_to=effective_from - timedelta(days=1))
             if v.effective_from < effective_from and (v.effective_to is None or v.effective_to >= effective_from)
             else v for v in versions_now]
    trial.append(BandVersion(NEW_VERSION, effective_from, None,
                             tuple(sorted(bands, key=lambda b: b.points_min))))
    with_change = {council_id: trial}
    old = {s.post_id: post_grades.timeline_of(s, held) for s in sources}
    new = {s.post_id: post_grades.timeline_of(s, with_change) for s in sources}
    return regrading.plan(old, new, with_change, effective_from)


def preview_bands(council_id: int, effective_from: date, bands: Sequence[GradeBand]) -> BandChangePreview:
    """Check a change of bands and say who it affects, changing nothing."""
    council, previous = _checked(council_id, effective_from, bands)
    return BandChangePreview(council, effective_from, previous, _plan(council_id, effective_from, bands),
                             tuple(bands))


@transaction
def change_bands(council_id: int, effective_from: date, name: str, notes: str, bands: Sequence[GradeBand],
                 reason: str, expected: str | None = None) -> BandsChanged:
    """A new version of the council's bands from `effective_from`. The bands are
    checked with `band_problems` against the spine of the pay year holding that date; the
    version in force then is closed the day before. Nothing changes before `effective_from`: the
    posts' dated grades follow from the versions (services/pay/post_grades.py), and what follows for
    their holders is exactly the preview's plan (services/pay/regrading.py), dated from the change:
    points moved into the new grade's range, pay protection for those moving down. `expected`,
    the fingerprint of the preview HR confirmed, refuses the change if the plan has changed
    since. One unit of work; audited."""
    council, previous = _checked(council_id, effective_from, bands)
    if not reason.strip():
        raise DomainError("Enter the reason for the change", field="reason")
    preview = BandChangePreview(council, effective_from, previous, _plan(council_id, effective_from, bands),
                                tuple(bands))
    if expected is not None and expected != preview.fingerprint:
        raise DomainError("The posts or people this change affects have changed since you checked it: "
                          "check the change again before saving it")
    if preview.plan.problems:
        raise DomainError("The new bands cannot be saved: " + "; ".join(preview.plan.problems))
    when = f"{effective_from:%-d %B %Y}"
    derived.note("post_grades", "council", council_id, why=f"Grade boundaries from {when}: {reason.strip()}")

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
    protections = regrading.apply(preview.plan, source="regrade",
                                  source_ref=f"{council.short_name} grade boundaries from {when}",
                                  reason=f"grade boundaries from {when}: {reason.strip()}")
    return BandsChanged(convention, closed, preview.plan, protections)


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
