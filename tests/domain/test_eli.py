"""Employee liability information (TUPE 2006 reg. 11): the day the information is as at, and
which matters fall in "the previous two years", worked by hand."""
from __future__ import annotations

from datetime import date

import pytest

from hrtool.domain.eli import information_as_at, lookback_start, within_lookback

START, END = date(2024, 11, 1), date(2026, 10, 31)  # a transfer on 1 November 2026


def test_information_is_as_at_the_day_before_the_transfer():
    assert information_as_at(date(2026, 11, 1)) == date(2026, 10, 31)
    assert information_as_at(date(2027, 1, 1)) == date(2026, 12, 31)


@pytest.mark.parametrize("transfer_date, start", [
    (date(2026, 11, 1), date(2024, 11, 1)),
    (date(2028, 2, 29), date(2026, 2, 28)),  # no 29 February in 2026: the longer period
    (date(2027, 3, 1), date(2025, 3, 1)),
])
def test_lookback_starts_two_years_before_the_transfer(transfer_date, start):
    assert lookback_start(transfer_date) == start


@pytest.mark.parametrize("opened, closed, counts", [
    (date(2025, 3, 3), date(2025, 5, 1), True),    # wholly inside
    (date(2023, 1, 10), date(2024, 10, 31), False),  # closed the day before the period began
    (date(2023, 1, 10), date(2024, 11, 1), True),   # closed on its first day
    (date(2019, 5, 1), None, True),                 # still open, however old (reg. 11(2)(d)(ii) for claims)
    (date(2026, 10, 31), None, True),               # opened on the last day
    (date(2026, 11, 1), None, False),               # opened on the transfer date: after the information's date
])
def test_a_matter_counts_if_open_at_any_time_in_the_period(opened, closed, counts):
    assert within_lookback(opened, closed, START, END) is counts
