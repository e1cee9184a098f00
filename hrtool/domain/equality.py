"""The equality picture of a pay change (DOMAIN.md 3.2, harmonisation modelling): who goes up,
stays the same or goes down by sex and by age band, and the mean and median hourly pay gap
between men and women before and after.

The gap follows the gender pay gap rules that bind English councils, the Equality Act 2010
(Specific Duties and Public Authorities) Regulations 2017 (SI 2017/353), Schedule 1 (the same
method as SI 2017/172 for private employers):

- hourly pay (paragraph 6): pay for a period, times 7 over the days in the period, divided by
  weekly working hours. For an annual salary over a 365-day year that is
  salary / (365/7 x weekly hours), and 365/7 = 52.142857... is written 52.143 weeks, the figure
  the official guidance uses. It is a parameter (`weeks_per_year`) so a council can use another.
- the mean gap (paragraph 8) is (A - B) / A x 100 with A and B the mean hourly pay of men and
  of women; the median gap (paragraph 9) is the same with medians.

Percentages are rounded half up to one decimal place once, on output; hourly pay is kept exact.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from statistics import median

WEEKS_PER_YEAR = Decimal("52.143")  # 365 / 7, as above
MALE, FEMALE = "M", "F"
UP, SAME, DOWN = "up", "same", "down"
OTHER_AGES = "Other ages"
ONE_PLACE = Decimal("0.1")


@dataclass(frozen=True)
class AgeBand:
    label: str
    from_age: int
    to_age: int | None  # inclusive; None for "and over"

    def holds(self, age: int) -> bool:
        return self.from_age <= age and (self.to_age is None or age <= self.to_age)


def parse_age_bands(text: str) -> tuple[AgeBand, ...]:
    """Bands written as '16-24, 25-34, ..., 65+', in order and without overlaps."""
    bands: list[AgeBand] = []
    for part in (p.strip() for p in text.split(",")):
        found = re.fullmatch(r"(\d+)\s*(?:[-\u2013]\s*(\d+)|\+)", part)
        if not found:
            raise ValueError(f"{part!r} is not an age band like 25-34 or 65+")
        low, high = int(found.group(1)), int(found.group(2)) if found.group(2) else None
        if high is not None and high < low:
            raise ValueError(f"the age band {part} runs backwards")
        if bands and (bands[-1].to_age is None or low <= bands[-1].to_age):
            raise ValueError(f"the age band {part} overlaps the one before")
        label = f"{low} to {high}" if high is not None else f"{low} and over"
        bands.append(AgeBand(label, low, high))
    return tuple(bands)


def age_band(age: int, bands: Sequence[AgeBand]) -> str:
    return next((band.label for band in bands if band.holds(age)), OTHER_AGES)


@dataclass(frozen=True)
class Person:
    """One person (or post held) in the picture: annual salaries at their contractual hours."""

    sex: str  # "F" or "M"
    age: int
    weekly_hours: Decimal
    salary_before: Decimal
    salary_after: Decimal
    direction: str  # UP, SAME or DOWN, as the harmonisation model decided it


@dataclass(frozen=True)
class Movement:
    up: int = 0
    same: int = 0
    down: int = 0

    @property
    def total(self) -> int:
        return self.up + self.same + self.down

    def add(self, direction: str) -> Movement:
        return Movement(self.up + (direction == UP), self.same + (direction == SAME), self.down + (direction == DOWN))


@dataclass(frozen=True)
class PayGap:
    """Mean and median hourly pay gap in per cent of men's pay (positive: men are paid more).
    None when there are no men or no women to compare."""

    mean: Decimal | None
    median: Decimal | None
    men: int
    women: int


@dataclass(frozen=True)
class EqualityPicture:
    by_sex: dict[str, Movement]
    by_age_band: dict[str, Movement]
    gap_before: PayGap
    gap_after: PayGap


def hourly_pay(annual_salary: Decimal, weekly_hours: Decimal, weeks_per_year: Decimal = WEEKS_PER_YEAR) -> Decimal:
    """Hourly pay as the gender pay gap regulations work it out from an annual salary."""
    return annual_salary / (weeks_per_year * weekly_hours)


def _gap(men: Decimal, women: Decimal) -> Decimal:
    return ((men - women) / men * 100).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


def pay_gap(hourly: Sequence[tuple[str, Decimal]]) -> PayGap:
    """Mean and median gap from (sex, hourly pay) pairs."""
    men = [pay for sex, pay in hourly if sex == MALE]
    women = [pay for sex, pay in hourly if sex == FEMALE]
    if not men or not women:
        return PayGap(None, None, len(men), len(women))
    mean_men, mean_women = sum(men, Decimal(0)) / len(men), sum(women, Decimal(0)) / len(women)
    return PayGap(_gap(mean_men, mean_women), _gap(median(men), median(women)), len(men), len(women))


def movements(people: Sequence[Person], group: Callable[[Person], str],
              order: Sequence[str] = ()) -> dict[str, Movement]:
    """Counts up / same / down per group; groups in `order` come first (listed even when empty),
    then any others alphabetically."""
    counts: dict[str, Movement] = {label: Movement() for label in order}
    for person in people:
        label = group(person)
        counts[label] = counts.get(label, Movement()).add(person.direction)
    extra = sorted(label for label in counts if label not in order)
    return {label: counts[label] for label in [*order, *extra]}


def equality_picture(people: Sequence[Person], age_bands: Sequence[AgeBand],
                     weeks_per_year: Decimal = WEEKS_PER_YEAR) -> EqualityPicture:
    """Up / same / down by sex and by age band, and the hourly pay gap before and after."""
    by_sex = movements(people, lambda p: p.sex, (FEMALE, MALE))
    by_age = movements(people, lambda p: age_band(p.age, age_bands), [b.label for b in age_bands])
    before = pay_gap([(p.sex, hourly_pay(p.salary_before, p.weekly_hours, weeks_per_year)) for p in people])
    after = pay_gap([(p.sex, hourly_pay(p.salary_after, p.weekly_hours, weeks_per_year)) for p in people])
    return EqualityPicture(by_sex, by_age, before, after)
