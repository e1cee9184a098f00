"""England and Wales bank holidays, for the working day to plan a due date by.

From the maintained `holidays` package (PyPI), subdivision England (`holidays.UK(subdiv="ENG")`;
Wales has the same bank holidays), not a hand-kept list: it carries the substitute days (Boxing
Day on Monday 28 December 2026) and the one-off days (the state funeral on 19 September 2022).
Upgrading the package is how new one-off days arrive. Whether a day is a working day, and the
words for it, are the domain's (`domain.tupe.plan_by`, `plan_note`)."""
from __future__ import annotations

from datetime import date
from functools import lru_cache

import holidays

from ...domain.tupe import PlanBy, plan_by, plan_note

SUBDIVISION = "ENG"


@lru_cache(maxsize=256)
def _year(year: int) -> frozenset[date]:
    if not 1 <= year <= 9999:
        return frozenset()
    return frozenset(holidays.country_holidays("UK", subdiv=SUBDIVISION, years=year))


def around(day: date) -> frozenset[date]:
    """The bank holidays in the year of `day` and the years either side (enough for the run of
    closed days around any date)."""
    return _year(day.year - 1) | _year(day.year) | _year(day.year + 1)


def plan_for(due_on: date) -> PlanBy:
    """The due date and the working day to plan by."""
    return plan_by(due_on, around(due_on))


def note_for(due_on: date | None) -> str | None:
    """The words for the pages where the day to plan by differs from the due date, else None."""
    return plan_note(plan_for(due_on)) if due_on is not None else None
