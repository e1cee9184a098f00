"""Dated records and pay years."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Protocol, TypeVar


class Dated(Protocol):
    @property
    def effective_from(self) -> date: ...

    @property
    def effective_to(self) -> date | None: ...


D = TypeVar("D", bound=Dated)


def in_force_on(record: Dated, on: date) -> bool:
    """A record applies from effective_from to effective_to, both days included; no end means open."""
    return record.effective_from <= on and (record.effective_to is None or on <= record.effective_to)


def record_on(records: Sequence[D], on: date) -> D | None:
    """The one record of a history in force on a date, or None. Histories never overlap, so the
    latest-starting record in force is the answer."""
    candidates = [r for r in records if in_force_on(r, on)]
    return max(candidates, key=lambda r: r.effective_from) if candidates else None


def pay_year_start(on: date) -> date:
    """Pay years (and financial years) start on 1 April."""
    return date(on.year if on.month >= 4 else on.year - 1, 4, 1)


def age_on(date_of_birth: date, on: date) -> int:
    """Age in complete years; a person attains an age at the start of their birthday."""
    had_birthday = (on.month, on.day) >= (date_of_birth.month, date_of_birth.day)
    return on.year - date_of_birth.year - (0 if had_birthday else 1)


def complete_years(start: date, end: date) -> int:
    """Complete years from start to end with both days included, so 1 Jan 2023 to 31 Dec 2024
    is 2 (ERA 1996 counting). Someone who started on 29 February completes a year on 1 March."""
    if end < start:
        return 0
    day_after = end + timedelta(days=1)
    behind = (day_after.month, day_after.day) < (start.month, start.day)
    return day_after.year - start.year - (1 if behind else 0)
