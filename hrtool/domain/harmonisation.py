"""Harmonisation modelling (DOMAIN.md 3.2): put every post-holder into one proposed set of grade
bands and say who goes up, who stays the same and who goes down, and what it costs.

Assimilation rule (the default `nearest_point_in_range`): the post's job evaluation score picks
the grade under the model's bands; the person keeps their spinal column point if it lies in the
new grade's SCP range, otherwise they move to the nearest end of that range (the bottom if
they were below it, the top if above). Both councils pay on the one NJC spine, so the same SCP
is the same salary and the salary follows from the spine. Another rule can be passed in as
`assimilate`. Direction (up / same / down) compares full-time salaries before and after.

Chief officers (a local salary under JNC terms, or a score above the model's top grade) are not
on the spine and are left out, counted by reason, as are posts without a score.

Common conventions: a model may re-evaluate each post under one set of local
conventions before grading it (`under_conventions`): a factor level that a convention decided
takes the set's level for the same situation, the other levels stay, and the points are worked
out again under the factor plan in force on the model's date.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from .equality import DOWN, SAME, UP
from .grading import GradeBand, GradeNotFound, grade_for_points
from .job_evaluation import Level, Plan, Reading, Score, reevaluate, score
from .pay import pro_rata_salary, to_pennies

CHIEF_OFFICER = "chief officer (local salary, not on the pay spine)"
NOT_EVALUATED = "post has no job evaluation score"
NO_SCP = "no spinal column point recorded"
OFF_SPINE = "spinal column point not on the pay spine"
OUTSIDE_BANDS = "score below or between the model's bands"
EXCLUSION_REASONS = (CHIEF_OFFICER, NOT_EVALUATED, NO_SCP, OFF_SPINE, OUTSIDE_BANDS)

Assimilate = Callable[[int, GradeBand], int]


@dataclass(frozen=True)
class Position:
    """One person in one post on the as-at date. Salaries are annual and full-time."""

    ref: int  # the caller's key (an assignment id)
    employer: str  # council code
    je_score: int | None
    scp: int | None
    full_time_salary: Decimal | None  # from the spine, or the local salary
    hours: Decimal
    sex: str
    age: int
    grade: str | None = None  # under the employer's own bands today
    local_salary: bool = False  # chief officers paid a local salary under JNC terms


@dataclass(frozen=True)
class Outcome:
    position: Position
    grade: str
    scp: int
    full_time_salary: Decimal  # under the model

    @property
    def direction(self) -> str:
        before = self.position.full_time_salary or Decimal(0)
        return UP if self.full_time_salary > before else DOWN if self.full_time_salary < before else SAME


@dataclass(frozen=True)
class Exclusion:
    position: Position
    reason: str  # one of EXCLUSION_REASONS


@dataclass(frozen=True)
class Harmonisation:
    outcomes: tuple[Outcome, ...]
    excluded: tuple[Exclusion, ...]

    def excluded_by_reason(self) -> dict[str, int]:
        counts = {reason: 0 for reason in EXCLUSION_REASONS}
        for exclusion in self.excluded:
            counts[exclusion.reason] += 1
        return {reason: n for reason, n in counts.items() if n}


@dataclass(frozen=True)
class GroupSummary:
    """People in a group and their pay bill (annual, at contractual hours) before and after."""

    people: int = 0
    up: int = 0
    same: int = 0
    down: int = 0
    pay_before: Decimal = Decimal(0)
    pay_after: Decimal = Decimal(0)

    @property
    def change(self) -> Decimal:
        return self.pay_after - self.pay_before


def nearest_point_in_range(scp: int, band: GradeBand) -> int:
    """The same SCP if the new grade's range holds it, else the nearest end of the range."""
    return min(max(scp, band.scp_min), band.scp_max)


def assimilate(position: Position, bands: Sequence[GradeBand], spine: Mapping[int, Decimal],
               rule: Assimilate = nearest_point_in_range) -> Outcome | Exclusion:
    """One person's grade, SCP and full-time salary under the model, or why they are left out."""
    if position.local_salary:
        return Exclusion(position, CHIEF_OFFICER)
    if position.je_score is None:
        return Exclusion(position, NOT_EVALUATED)
    if position.scp is None:
        return Exclusion(position, NO_SCP)
    if position.full_time_salary is None:
        return Exclusion(position, OFF_SPINE)
    try:
        band = grade_for_points(position.je_score, bands)
    except GradeNotFound:
        above_top = all(position.je_score > b.points_max for b in bands)
        return Exclusion(position, CHIEF_OFFICER if above_top else OUTSIDE_BANDS)
    scp = rule(position.scp, band)
    if scp not in spine:
        return Exclusion(position, OFF_SPINE)
    return Outcome(position, band.grade, scp, spine[scp])


def harmonise(positions: Sequence[Position], bands: Sequence[GradeBand], spine: Mapping[int, Decimal],
              rule: Assimilate = nearest_point_in_range) -> Harmonisation:
    """Everyone's outcome under the model, and everyone left out."""
    outcomes: list[Outcome] = []
    excluded: list[Exclusion] = []
    for position in positions:
        result = assimilate(position, bands, spine, rule)
        if isinstance(result, Outcome):
            outcomes.append(result)
        else:
            excluded.append(result)
    return Harmonisation(tuple(outcomes), tuple(excluded))


def pay_before(outcome: Outcome, full_time_hours: Decimal) -> Decimal:
    """Annual pay now at contractual hours, rounded to the penny as payroll pays it."""
    return pro_rata_salary(outcome.position.full_time_salary or Decimal(0), outcome.position.hours, full_time_hours)


def pay_after(outcome: Outcome, full_time_hours: Decimal) -> Decimal:
    return pro_rata_salary(outcome.full_time_salary, outcome.position.hours, full_time_hours)


def summarise(outcomes: Sequence[Outcome], group: Callable[[Outcome], str], full_time_hours: Decimal,
              order: Sequence[str] = ()) -> dict[str, GroupSummary]:
    """Counts and pay bills per group (groups in `order` first, even when empty)."""
    groups: dict[str, GroupSummary] = {label: GroupSummary() for label in order}
    for outcome in outcomes:
        label = group(outcome)
        s = groups.get(label, GroupSummary())
        direction = outcome.direction
        groups[label] = GroupSummary(
            s.people + 1, s.up + (direction == UP), s.same + (direction == SAME), s.down + (direction == DOWN),
            s.pay_before + pay_before(outcome, full_time_hours), s.pay_after + pay_after(outcome, full_time_hours))
    return groups


def with_on_costs(amount: Decimal, on_cost_rate: Decimal) -> Decimal:
    """An amount of pay with the employer's on-costs (NI and pension) added, rounded once."""
    return to_pennies(amount * (1 + on_cost_rate))


@dataclass(frozen=True)
class ConventionEffect:
    """One factor level a set of conventions changed, and what that did to the points."""

    factor_number: int
    factor: str
    situation_id: int
    convention_id: int | None  # the set's convention that now decides the level
    level_before: int
    level_after: int
    points: int  # after minus before, under the plan the post is re-scored with


@dataclass(frozen=True)
class Rescored:
    score: Score
    effects: list[ConventionEffect]

    @property
    def points(self) -> int:
        return self.score.points


def under_conventions(levels: Sequence[Level], readings: Mapping[int, Reading], plan: Plan) -> Rescored:
    """A post's factor levels under another set of conventions (readings keyed by situation id),
    scored under `plan`: only the levels a convention decided change (NJC Technical Note 1: a
    convention reads a recurring situation; it never re-interprets the levels), the others stay.
    Raises LevelOutOfRange if the plan has no such level."""
    result = reevaluate(levels, readings)
    scored = score([lv.level for lv in sorted(result.levels, key=lambda lv: lv.factor_number)], plan)
    effects = []
    for change in result.changes:
        factor = plan.factor(change.factor_number)
        effects.append(ConventionEffect(change.factor_number, factor.name, change.situation_id, change.convention_id,
                                        change.before, change.after,
                                        factor.points[change.after] - factor.points[change.before]))
    return Rescored(scored, sorted(effects, key=lambda e: (-abs(e.points), e.factor_number)))
