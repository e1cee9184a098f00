"""Plausible date windows (issue 13; domain/date_windows.py), as a table of hand-worked cases.

Worked by hand from the rule in the module's docstring: a bound N years from today is the same
day and month; a 29 February that does not exist moves to 1 March for a lower bound and to
28 February for an upper bound, so a window is never wider than it says."""
from __future__ import annotations

from datetime import date

import pytest

from hrtool.domain.date_windows import (
    Anchor,
    DateWindow,
    award_agreed_anchor,
    bounds,
    date_problem,
    held_warning,
    setting_key,
    window_from,
    years_from,
)

TODAY = date(2026, 12, 3)
LEAP_TODAY = date(2028, 2, 29)
TRANSFER = DateWindow(earliest=date(1974, 4, 1), latest_years_ahead=5)
BIRTH = DateWindow(earliest_years_ago=100, latest_years_ago=15)
RECENT = DateWindow(earliest_years_ago=5, latest_years_ahead=0)


@pytest.mark.parametrize(("window", "today", "value", "ok"), [
    # A transfer: 1 April 1974 to 5 years ahead. 3 Dec 2026 + 5 years = 3 Dec 2031.
    (TRANSFER, TODAY, date(1974, 4, 1), True),       # the first allowed day
    (TRANSFER, TODAY, date(1974, 3, 31), False),     # the day before it
    (TRANSFER, TODAY, date(1900, 1, 1), False),      # the defect in issue 13
    (TRANSFER, TODAY, date(2031, 12, 3), True),      # the last allowed day
    (TRANSFER, TODAY, date(2031, 12, 4), False),     # the day after it
    # From 29 Feb 2028, 5 years ahead is 29 Feb 2033, which does not exist: the last day is 28 Feb.
    (TRANSFER, LEAP_TODAY, date(2033, 2, 28), True),
    (TRANSFER, LEAP_TODAY, date(2033, 3, 1), False),
    # A date of birth: at most 100 and at least 15 years ago. From 3 Dec 2026: 3 Dec 1926 to 3 Dec 2011.
    (BIRTH, TODAY, date(1926, 12, 3), True),
    (BIRTH, TODAY, date(1926, 12, 2), False),
    (BIRTH, TODAY, date(2011, 12, 3), True),         # 15 today
    (BIRTH, TODAY, date(2011, 12, 4), False),        # 15 tomorrow
    # From 29 Feb 2028: 29 Feb 1928 exists (a leap year); 29 Feb 2013 does not, so the latest is
    # 28 Feb 2013 (born 1 March 2013 is still 14: dates.age_on).
    (BIRTH, LEAP_TODAY, date(1928, 2, 29), True),
    (BIRTH, LEAP_TODAY, date(1928, 2, 28), False),
    (BIRTH, LEAP_TODAY, date(2013, 2, 28), True),
    (BIRTH, LEAP_TODAY, date(2013, 3, 1), False),
    (BIRTH, TODAY, date(2000, 2, 29), True),         # a leap day inside the window is just a day
    # No more than 5 years ago, not after today. From 29 Feb 2028, 5 years ago would be 29 Feb
    # 2023, which does not exist: the first day is 1 March 2023 (never wider than 5 years).
    (RECENT, LEAP_TODAY, date(2023, 3, 1), True),
    (RECENT, LEAP_TODAY, date(2023, 2, 28), False),
    (RECENT, LEAP_TODAY, date(2028, 2, 29), True),   # today
    (RECENT, LEAP_TODAY, date(2028, 3, 1), False),   # tomorrow
    (DateWindow(), TODAY, date(1, 1, 1), True),      # no bounds held: anything
])
def test_the_window_holds_its_first_and_last_days_and_nothing_outside(window, today, value, ok):
    assert bounds(window, today).holds(value) is ok
    assert (date_problem("The date", value, window, today) is None) is ok


def test_the_problem_names_the_field_and_the_whole_window():
    assert date_problem("The transfer date", date(1900, 1, 1), TRANSFER, TODAY) == (
        "The transfer date must be on or after 1 April 1974 and no more than 5 years ahead (by 3 December 2031)")
    assert date_problem("The date of birth", date(2020, 1, 1), BIRTH, TODAY) == (
        "The date of birth must be no more than 100 years ago (on or after 3 December 1926) and "
        "at least 15 years ago (on or before 3 December 2011)")
    assert date_problem("The date of the objection", date(2030, 1, 1), RECENT, TODAY) == (
        "The date of the objection must be no more than 5 years ago (on or after 3 December 2021) and "
        "no later than today (3 December 2026)")
    one = DateWindow(latest_years_ahead=1)
    assert date_problem("The start date", date(2029, 1, 1), one, TODAY) == (
        "The start date must be no more than 1 year ahead (by 3 December 2027)")


@pytest.mark.parametrize(("value", "words"), [
    # An objection to a transfer on 1 June 2026, entered on 3 Dec 2026: the transfer date is the
    # tighter upper bound, so it is the one named.
    (date(2026, 6, 2), "no later than the transfer date (1 June 2026)"),
    (date(2026, 6, 1), None),
])
def test_a_date_of_the_same_record_limits_the_window_when_it_is_tighter(value, words):
    found = date_problem("The date of the objection", value, RECENT, TODAY,
                         not_after=[Anchor("the transfer date", date(2026, 6, 1))])
    assert found == (None if words is None else
                     f"The date of the objection must be no more than 5 years ago (on or after 3 December 2021) and {words}")


AGREED = DateWindow(earliest=date(1997, 4, 1), latest_years_ahead=0)


def test_an_award_agreed_before_its_pay_year_started_is_refused_and_on_its_first_day_accepted():
    starts = [award_agreed_anchor(date(2025, 4, 1), 0)]  # 0 years before: not before 1 April 2025
    assert date_problem("The date the award was agreed", date(2025, 4, 1), AGREED, TODAY, not_before=starts) is None
    assert date_problem("The date the award was agreed", date(2025, 3, 31), AGREED, TODAY, not_before=starts) == (
        "The date the award was agreed must be on or after the start of its pay year (1 April 2025) and "
        "no later than today (3 December 2026)")
    # Agreed on 1 January 2030 (issue 13): after today.
    assert "no later than today" in date_problem("The date the award was agreed", date(2030, 1, 1), AGREED, TODAY,
                                                 not_before=starts)


def test_a_two_year_agreement_is_agreed_up_to_a_year_before_its_second_pay_year():
    # The NJC agreement of 16 May 2016 covered 2016/17 and 2017/18: the 2017/18 award (from
    # 1 April 2017) was agreed 10 months before that year began, within 1 year of it (1 April 2016).
    day = date(2018, 1, 1)
    year_ahead = [award_agreed_anchor(date(2017, 4, 1), 1)]
    assert year_ahead[0].on == date(2016, 4, 1)
    assert date_problem("The date the award was agreed", date(2016, 5, 16), AGREED, day, not_before=year_ahead) is None
    assert date_problem("The date the award was agreed", date(2016, 3, 31), AGREED, day, not_before=year_ahead) == (
        "The date the award was agreed must be on or after 1 year before its pay year starts (1 April 2016) and "
        "no later than today (1 January 2018)")


def test_a_held_date_outside_its_window_gets_a_warning_naming_it():
    assert held_warning("This transfer's date", date(1900, 1, 1), TRANSFER, TODAY) == (
        "This transfer's date, 1 January 1900, is outside the plausible window (on or after 1 April 1974 and "
        "no more than 5 years ahead (by 3 December 2031)): correct it.")
    assert held_warning("This transfer's date", date(2027, 6, 1), TRANSFER, TODAY) is None


@pytest.mark.parametrize(("day", "years", "to_march", "expected"), [
    (date(2026, 12, 3), 5, False, date(2031, 12, 3)),
    (date(2026, 12, 3), -100, True, date(1926, 12, 3)),
    (date(2028, 2, 29), 1, False, date(2029, 2, 28)),
    (date(2028, 2, 29), 1, True, date(2029, 3, 1)),
    (date(2028, 2, 29), 4, False, date(2032, 2, 29)),  # a leap year again: nothing moves
    (date(2028, 2, 29), -100, True, date(1928, 2, 29)),
    (date(2028, 2, 29), -15, False, date(2013, 2, 28)),
])
def test_years_from(day, years, to_march, expected):
    assert years_from(day, years, leap_day_to_march=to_march) == expected


def test_a_window_is_read_from_its_held_values_by_part():
    assert setting_key("transfer_date", "earliest") == "date_window.transfer_date.earliest"
    assert window_from({"earliest": date(1974, 4, 1), "latest_years_ahead": 5}) == TRANSFER
    assert window_from({}) == DateWindow()
    for bad in ({"earliest": 5}, {"latest_years_ahead": date(2020, 1, 1)}, {"earliest_years_ago": -1},
                {"latest_years_ago": True}):
        with pytest.raises(ValueError):
            window_from(bad)
