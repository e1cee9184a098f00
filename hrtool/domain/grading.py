"""Grades from job evaluation points under a council's grade boundaries (DOMAIN.md 3.2), and the
dated grade of a post.

The grade of a post on a date D is the band, in the post's council's grade boundaries in force on
D, that holds the post's job evaluation score on D. The score on D is that of the latest job
evaluation under the post's own council's conventions dated on or before D (of two on the same
day, the one recorded last); before its first evaluation, the score recorded on the post. Over
the life of a post (from the day it is established to the day it closes) this gives a timeline
of dated grades, which changes only where a score or a version of the bands starts: a change of
bands from a future date changes nothing before that date.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise


@dataclass(frozen=True)
class GradeBand:
    grade: str
    points_min: int
    points_max: int
    scp_min: int
    scp_max: int


class GradeNotFound(LookupError):
    """No band of the convention holds this score (e.g. a chief officer above the top grade)."""


def grade_for_points(points: int, bands: Sequence[GradeBand]) -> GradeBand:
    """The band whose points range holds `points` (both ends included)."""
    for band in bands:
        if band.points_min <= points <= band.points_max:
            return band
    raise GradeNotFound(f"no grade holds {points} points")


def band_problems(bands: Sequence[GradeBand], spine_points: Sequence[int]) -> list[str]:
    """What is wrong with a set of grade boundaries: gaps or overlaps between points bands, and
    SCP ranges that leave the spine. An empty list means the bands are sound."""
    problems: list[str] = []
    ordered = sorted(bands, key=lambda b: b.points_min)
    for band in ordered:
        if band.points_max < band.points_min:
            problems.append(f"{band.grade}: points run backwards ({band.points_min} to {band.points_max})")
        if band.scp_max < band.scp_min:
            problems.append(f"{band.grade}: SCPs run backwards ({band.scp_min} to {band.scp_max})")
        missing = [p for p in (band.scp_min, band.scp_max) if p not in spine_points]
        if missing:
            problems.append(f"{band.grade}: SCP {missing[0]} is not on the pay spine")
    for lower, upper in pairwise(ordered):
        if upper.points_min <= lower.points_max:
            problems.append(f"{lower.grade} and {upper.grade} overlap at {upper.points_min} points")
        elif upper.points_min > lower.points_max + 1:
            problems.append(
                f"gap between {lower.grade} and {upper.grade}: {lower.points_max + 1} to {upper.points_min - 1} points"
            )
    return problems


# -- dated grades -------------------------------------------------------------------------------

@dataclass(frozen=True)
class ScoreStep:
    """A job evaluation score under the post's own council's conventions, from a date."""

    effective_from: date
    score: int


@dataclass(frozen=True)
class BandVersion:
    """One dated version of a council's grade boundaries (effective_to None: open-ended)."""

    convention_id: int
    effective_from: date
    effective_to: date | None
    bands: tuple[GradeBand, ...]

    def covers(self, on: date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)


@dataclass(frozen=True)
class DatedGrade:
    """A post's grade over a run of days: its score then, the grade that score earns under the
    version of the bands then in force (None: no score, no bands, or above the top grade, where
    chief officers are paid on a local band), and which version."""

    effective_from: date
    effective_to: date | None
    je_score: int | None
    grade: str | None
    convention_id: int | None

    def covers(self, on: date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)


def score_on(on: date, recorded_score: int | None, evaluations: Sequence[ScoreStep]) -> int | None:
    """The score of the latest evaluation dated on or before `on` (evaluations in the order they
    were recorded: of two on one day the later wins); before any, the score recorded on the post."""
    found: ScoreStep | None = None
    for step in evaluations:
        if step.effective_from <= on and (found is None or step.effective_from >= found.effective_from):
            found = step
    return found.score if found is not None else recorded_score


def version_on(on: date, versions: Sequence[BandVersion]) -> BandVersion | None:
    """The version of the bands in force on `on` (the latest-starting if versions overlap)."""
    found: BandVersion | None = None
    for version in versions:
        if version.covers(on) and (found is None or version.effective_from > found.effective_from):
            found = version
    return found


def grade_under(score: int | None, version: BandVersion | None) -> GradeBand | None:
    """The band a score earns under a version; None with no score, no version or no band."""
    if score is None or version is None:
        return None
    try:
        return grade_for_points(score, version.bands)
    except GradeNotFound:
        return None


def grade_timeline(established_on: date, closed_on: date | None, recorded_score: int | None,
                   evaluations: Sequence[ScoreStep], versions: Sequence[BandVersion]) -> list[DatedGrade]:
    """A post's dated grades from the day it is established to the day it closes (open-ended if
    it is open): a new row wherever the score, the version of the bands or the grade changes.
    Rows run back to back without gaps; none if the post closes before it opens."""
    if closed_on is not None and closed_on < established_on:
        return []
    starts = {established_on}
    for step in evaluations:
        starts.add(step.effective_from)
    for each in versions:
        starts.add(each.effective_from)
        if each.effective_to is not None:
            starts.add(each.effective_to + timedelta(days=1))
    ordered = sorted(d for d in starts if d >= established_on and (closed_on is None or d <= closed_on))
    rows: list[DatedGrade] = []
    for start in ordered:
        score = score_on(start, recorded_score, evaluations)
        version = version_on(start, versions)
        band = grade_under(score, version)
        grade = band.grade if band is not None else None
        convention_id = version.convention_id if version is not None else None
        last = rows[-1] if rows else None
        if last is not None and (last.je_score, last.grade, last.convention_id) == (score, grade, convention_id):
            continue
        if last is not None:
            rows[-1] = DatedGrade(last.effective_from, start - timedelta(days=1), last.je_score, last.grade,
                                  last.convention_id)
        rows.append(DatedGrade(start, closed_on, score, grade, convention_id))
    return rows


def grade_in_force(rows: Sequence[DatedGrade], on: date) -> DatedGrade | None:
    """The row of a timeline in force on `on`, if the post exists then."""
    for row in rows:
        if row.covers(on):
            return row
    return None


@dataclass(frozen=True)
class GradeChange:
    """From `on`, a post's grade is `new` where it was `old` (either may be None)."""

    on: date
    old: str | None
    new: str | None
    convention_id: int | None  # the version the new grade is under


def grade_changes(old: Sequence[DatedGrade], new: Sequence[DatedGrade], since: date) -> list[GradeChange]:
    """Where two timelines of one post give different grades on or after `since`: one entry for
    each date on which a difference starts or changes (so holders can be fitted to the new grade
    from that date)."""
    starts = {since} | {r.effective_from for r in (*old, *new) if r.effective_from > since}
    changes: list[GradeChange] = []
    previous: tuple[str | None, str | None] | None = None
    for start in sorted(starts):
        was, now = grade_in_force(old, start), grade_in_force(new, start)
        if now is None:  # the post no longer exists (or not yet)
            previous = None
            continue
        pair = (was.grade if was else None, now.grade)
        if pair[0] != pair[1] and pair != previous:
            changes.append(GradeChange(start, pair[0], pair[1], now.convention_id))
        previous = pair
    return changes


def fit_scp(scp: int, band: GradeBand) -> int:
    """The point a holder moves to when their post's grade changes: their own point if the new
    grade's range holds it, else the nearest end of the range (down to the top point when the
    grade falls, with pay protection; up to the lowest point when it rises)."""
    return min(max(scp, band.scp_min), band.scp_max)
