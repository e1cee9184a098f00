"""The NJC Job Evaluation Scheme's arithmetic: points from factor levels, local
conventions applied to an evaluation, and where two evaluations of the same job part.

The scheme has 13 factors in four groups; each factor has 5 to 8 levels, each level weighted
points (the factor plan, `njc_jes_factors.csv`, held by dated version in the database). An
evaluation is one level per factor; its points are the sum of those levels' points under the
version in force on the evaluation date (1,000 at most under the NJC weights). A local convention
(NJC Technical Note 1) is a council's agreed level for a situation that recurs in its jobs; where a
convention decided a factor's level, evaluating the same job under another set of conventions
changes that level to the other set's level for the same situation, and leaves the rest.

Pure functions on plain values: no database, no Flask."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise

FACTOR_COUNT = 13


@dataclass(frozen=True)
class Factor:
    number: int
    name: str
    group: str
    points: Mapping[int, int]  # level -> weighted points

    @property
    def top(self) -> int:
        return max(self.points)

    @property
    def bottom(self) -> int:
        return min(self.points)


@dataclass(frozen=True)
class Plan:
    """One dated version of the factor plan."""

    effective_from: date
    factors: Sequence[Factor]

    def factor(self, number: int) -> Factor:
        for found in self.factors:
            if found.number == number:
                return found
        raise KeyError(number)


class LevelOutOfRange(ValueError):
    """A level the factor does not have: names the factor and its range."""

    def __init__(self, factor: Factor, level: int):
        super().__init__(f"Factor {factor.number}, {factor.name}: level {level} is outside its range "
                         f"{factor.bottom} to {factor.top}")
        self.factor, self.level = factor, level


class WrongNumberOfLevels(ValueError):
    pass


@dataclass(frozen=True)
class FactorScore:
    number: int
    factor: str
    level: int
    points: int


@dataclass(frozen=True)
class Score:
    points: int
    factors: list[FactorScore]


def plan_problems(plan: Plan) -> list[str]:
    """What is wrong with a factor plan: the 13 factors each once, levels numbered 1 upwards
    without a gap, points that never fall as the level rises."""
    problems = []
    numbers = sorted(f.number for f in plan.factors)
    if numbers != list(range(1, FACTOR_COUNT + 1)):
        problems.append(f"the plan must have factors 1 to {FACTOR_COUNT}, each once")
    for factor in plan.factors:
        levels = sorted(factor.points)
        if levels != list(range(1, len(levels) + 1)):
            problems.append(f"factor {factor.number} ({factor.name}): levels must run 1, 2, 3... without a gap")
        elif any(factor.points[a] > factor.points[b] for a, b in pairwise(levels)):
            problems.append(f"factor {factor.number} ({factor.name}): points fall as the level rises")
        if any(p < 0 for p in factor.points.values()):
            problems.append(f"factor {factor.number} ({factor.name}): points cannot be negative")
    return problems


def score(levels: Sequence[int], plan: Plan) -> Score:
    """The points of one level per factor, in scheme order (factor 1 first)."""
    if len(levels) != len(plan.factors):
        raise WrongNumberOfLevels(f"give {len(plan.factors)} levels, one per factor in scheme order; "
                                  f"{len(levels)} given")
    rows = []
    for factor, level in zip(sorted(plan.factors, key=lambda f: f.number), levels, strict=True):
        if level not in factor.points:
            raise LevelOutOfRange(factor, level)
        rows.append(FactorScore(factor.number, factor.name, level, factor.points[level]))
    return Score(sum(r.points for r in rows), rows)


def maximum(plan: Plan) -> int:
    return sum(f.points[f.top] for f in plan.factors)


def in_force(plans: Sequence[Plan], on: date) -> Plan | None:
    """The version whose date is the latest on or before `on`."""
    earlier = [p for p in plans if p.effective_from <= on]
    return max(earlier, key=lambda p: p.effective_from) if earlier else None


@dataclass(frozen=True)
class Level:
    """One factor's level in an evaluation, and the situation of the convention that decided it."""

    factor_number: int
    level: int
    situation_id: int | None = None


@dataclass(frozen=True)
class Reading:
    """A convention as re-evaluation needs it: in some set, this situation is this level."""

    situation_id: int
    factor_number: int
    level: int
    convention_id: int | None = None


@dataclass(frozen=True)
class Change:
    factor_number: int
    before: int
    after: int
    situation_id: int
    convention_id: int | None


@dataclass(frozen=True)
class Reevaluation:
    levels: list[Level]
    changes: list[Change] = field(default_factory=list)


def reevaluate(levels: Sequence[Level], conventions: Mapping[int, Reading]) -> Reevaluation:
    """The same job under another set of conventions (keyed by situation id): a level a
    convention decided takes that set's level for the same situation; a level no convention
    decided, or whose situation the set has no reading of, stays."""
    out, changes = [], []
    for level in levels:
        reading = conventions.get(level.situation_id) if level.situation_id is not None else None
        if reading is None or reading.factor_number != level.factor_number:
            out.append(level)
            continue
        out.append(Level(level.factor_number, reading.level, level.situation_id))
        if reading.level != level.level:
            changes.append(Change(level.factor_number, level.level, reading.level, reading.situation_id,
                                  reading.convention_id))
    return Reevaluation(out, changes)


@dataclass(frozen=True)
class FactorDifference:
    number: int
    factor: str
    level_a: int
    level_b: int
    points_a: int
    points_b: int

    @property
    def points(self) -> int:
        """b minus a."""
        return self.points_b - self.points_a


def differences(a: Score, b: Score) -> list[FactorDifference]:
    """The factors where two evaluations of the same job part, largest effect first."""
    found = [FactorDifference(x.number, x.factor, x.level, y.level, x.points, y.points)
             for x, y in zip(a.factors, b.factors, strict=True) if x.level != y.level]
    return sorted(found, key=lambda d: (-abs(d.points), d.number))


def profile_for(target: int, plan: Plan, fixed: Mapping[int, int] | None = None) -> list[int]:
    """Levels (scheme order) whose points come closest to `target` (an exact total if one
    exists; of two equally close, the lower), with the levels in `fixed` (factor -> level) kept.
    For demo data, and for bringing a typed total into the scheme's terms: never for grading."""
    return closest_profile(target, profiles(plan, fixed))


def profiles(plan: Plan, fixed: Mapping[int, int] | None = None) -> dict[int, list[int]]:
    """Every total the plan can reach with the levels in `fixed` kept -> the most even set of
    levels (scheme order) reaching it: of the profiles with that total, the one whose levels sit
    at the most similar height in their factors' ranges (least sum of squared fractions of the
    range, which for a fixed total spreads the points evenly), so a demo job reads like a job and
    not like level 1 on every factor but one. Worked out once, for many targets (`closest_profile`)."""
    fixed = fixed or {}
    factors = sorted(plan.factors, key=lambda f: f.number)
    # reachable[total] = (cost, levels chosen so far); one factor at a time (at most ~1,000 totals each).
    reachable: dict[int, tuple[float, list[int]]] = {0: (0.0, [])}
    for factor in factors:
        options = [fixed[factor.number]] if factor.number in fixed else sorted(factor.points)
        span = max(factor.top - factor.bottom, 1)
        step: dict[int, tuple[float, list[int]]] = {}
        for total, (cost, chosen) in reachable.items():
            for level in options:
                key, value = total + factor.points[level], cost + ((level - factor.bottom) / span) ** 2
                held = step.get(key)
                if held is None or value < held[0]:
                    step[key] = (value, chosen + [level])
        reachable = step
    return {total: levels for total, (_, levels) in reachable.items()}


def closest_profile(target: int, reachable: Mapping[int, list[int]]) -> list[int]:
    """Of `profiles(...)`, the levels whose total is closest to `target` (of two, the lower)."""
    best = min(reachable, key=lambda total: (abs(total - target), total))
    return list(reachable[best])
