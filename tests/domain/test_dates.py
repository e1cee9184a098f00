"""Dated records, pay years, ages and complete years, against hand-worked cases."""
from dataclasses import dataclass
from datetime import date

import pytest

from hrtool.domain.dates import age_on, complete_years, in_force_on, pay_year_start, record_on


@dataclass(frozen=True)
class R:
    effective_from: date
    effective_to: date | None
    label: str = ""


HISTORY = [R(date(2015, 4, 1), date(2019, 8, 31), "first"), R(date(2019, 9, 1), date(2021, 3, 31), "second"),
           R(date(2021, 4, 1), None, "third")]


@pytest.mark.parametrize("on, expected", [
    (date(2015, 3, 31), None),
    (date(2015, 4, 1), "first"),
    (date(2019, 8, 31), "first"),  # the last day is included
    (date(2019, 9, 1), "second"),
    (date(2021, 4, 1), "third"),
    (date(2040, 1, 1), "third"),  # no end date: still in force
])
def test_record_on_finds_the_one_record_in_force(on, expected):
    found = record_on(HISTORY, on)
    assert (found.label if found else None) == expected


def test_in_force_on_includes_both_ends():
    r = R(date(2020, 1, 1), date(2020, 1, 31))
    assert in_force_on(r, date(2020, 1, 1)) and in_force_on(r, date(2020, 1, 31))
    assert not in_force_on(r, date(2019, 12, 31)) and not in_force_on(r, date(2020, 2, 1))


@pytest.mark.parametrize("on, start", [
    (date(2024, 4, 1), date(2024, 4, 1)),
    (date(2024, 3, 31), date(2023, 4, 1)),
    (date(2025, 1, 15), date(2024, 4, 1)),
    (date(2024, 12, 31), date(2024, 4, 1)),
])
def test_pay_year_starts_on_1_april(on, start):
    assert pay_year_start(on) == start


@pytest.mark.parametrize("dob, on, age", [
    (date(1980, 6, 15), date(2021, 6, 14), 40),
    (date(1980, 6, 15), date(2021, 6, 15), 41),  # attains the age at the start of the birthday
    (date(2000, 2, 29), date(2021, 2, 28), 20),
    (date(2000, 2, 29), date(2021, 3, 1), 21),
])
def test_age_on(dob, on, age):
    assert age_on(dob, on) == age


@pytest.mark.parametrize("start, end, years", [
    (date(2023, 1, 1), date(2024, 12, 31), 2),  # DOMAIN.md 3.6's own example
    (date(2023, 1, 1), date(2024, 12, 30), 1),
    (date(2023, 1, 2), date(2024, 12, 31), 1),
    (date(2010, 4, 1), date(2010, 4, 1), 0),
    (date(2010, 4, 1), date(2011, 3, 31), 1),
    (date(2024, 1, 1), date(2023, 1, 1), 0),
])
def test_complete_years_count_both_days(start, end, years):
    assert complete_years(start, end) == years
