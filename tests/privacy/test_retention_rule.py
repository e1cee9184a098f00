"""The retention date rule as a table of hand-worked cases (no app)."""
from __future__ import annotations

from datetime import date

import pytest

from hrtool.domain.retention import add_years, retention_status


@pytest.mark.parametrize(("left_on", "years", "due_on"), [
    (date(2019, 3, 31), 6, date(2025, 3, 31)),  # the sixth anniversary of the last day
    (date(2020, 2, 29), 6, date(2026, 2, 28)),  # no 29 February in 2026: the period has run by the 28th
    (date(2020, 2, 29), 4, date(2024, 2, 29)),  # a leap year again
    (date(2024, 12, 31), 0, date(2024, 12, 31)),
])
def test_due_on_is_the_anniversary(left_on, years, due_on):
    assert add_years(left_on, years) == due_on
    assert retention_status(left_on, years, due_on).due_on == due_on


@pytest.mark.parametrize(("today", "due"), [
    (date(2025, 3, 30), False),  # the day before the sixth anniversary
    (date(2025, 3, 31), True),  # the anniversary itself
    (date(2030, 1, 1), True),
])
def test_due_from_the_anniversary(today, due):
    status = retention_status(date(2019, 3, 31), 6, today)
    assert status.due is due and status.deletable is due and status.held_by == ()


def test_an_open_case_holds_a_due_record():
    status = retention_status(date(2010, 1, 1), 6, date(2025, 1, 1), open_cases=2)
    assert status.due and not status.deletable
    assert status.held_by == ("2 open cases or claims",)
    assert retention_status(date(2010, 1, 1), 6, date(2025, 1, 1), open_cases=1).held_by == ("1 open case or claim",)


def test_a_negative_period_is_refused():
    with pytest.raises(ValueError):
        retention_status(date(2010, 1, 1), -1, date(2025, 1, 1))
