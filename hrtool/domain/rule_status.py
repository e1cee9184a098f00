"""Rules that know they are due. A dated rule expects its next value on a known date:
statutory limits each 6 April (the yearly Employment Rights (Increase of Limits) Order), the NJC
pay award each 1 April (often agreed months later: an award still provisional leaves its year
due), a policy on its review date. Given when the next value is expected, a tolerance in days
(held as a rule setting) and today, a rule is

- current: the next value is not expected yet (today is before the expected date);
- due: expected on or before today, and today is within the tolerance after it;
- overdue: today is more than the tolerance after the expected date.

So with a tolerance of 0 a value expected on 6 April is due on 6 April and overdue from 7 April.
Pure: no clock, no database; the caller passes today."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

State = Literal["current", "due", "overdue"]
STATES: tuple[State, ...] = ("current", "due", "overdue")


@dataclass(frozen=True)
class RuleStatus:
    state: State
    expected_on: date  # when the next value is (or was) expected
    overdue_from: date  # the first day it counts as overdue


def next_yearly(latest_from: date, month: int, day: int, *, settled: bool = True) -> date:
    """When the next value of a rule renewed every year on (month, day) is expected, given the
    date its latest value applies from. A settled latest value (in force, or an award agreed)
    covers its year, so the next is expected on the first anniversary after it; an unsettled one
    (a provisional award) leaves its own year expected: the first anniversary on or after it.
    next_yearly(6 Apr 2026, 4, 6) = 6 Apr 2027; next_yearly(1 Apr 2026, 4, 1, settled=False) =
    1 Apr 2026; next_yearly(1 Oct 2009, 4, 6) = 6 Apr 2010."""
    anniversary = date(latest_from.year, month, day)
    if anniversary < latest_from or (settled and anniversary == latest_from):
        anniversary = date(latest_from.year + 1, month, day)
    return anniversary


def rule_status(expected_on: date, tolerance_days: int, today: date) -> RuleStatus:
    """Current before `expected_on`; due from it until `tolerance_days` after it; overdue after."""
    if tolerance_days < 0:
        raise ValueError("the tolerance is a number of days, 0 or more")
    overdue_from = expected_on + timedelta(days=tolerance_days + 1)
    state: State = "current" if today < expected_on else "due" if today < overdue_from else "overdue"
    return RuleStatus(state, expected_on, overdue_from)
