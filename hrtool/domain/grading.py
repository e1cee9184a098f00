"""Grades from job evaluation points under a council's grade boundaries (DOMAIN.md 3.2)."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
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
