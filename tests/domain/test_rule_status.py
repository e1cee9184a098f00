"""When a dated rule is current, due or overdue (issue 14; hrtool/domain/rule_status.py), worked
by hand at the edges: statutory limits renew each 6 April (tolerance 0: due on 6 April, overdue
from 7 April); the NJC pay award each 1 April, and a provisional award leaves its own year due
until the tolerance after 1 April is spent."""
from __future__ import annotations

from datetime import date

import pytest

from hrtool.domain.rule_status import next_yearly, rule_status

APR6, APR1 = (4, 6), (4, 1)


@pytest.mark.parametrize("latest_from, renews, settled, expected", [
    (date(2026, 4, 6), APR6, True, date(2027, 4, 6)),  # the 2026 cap covers 2026/27: next on 6 April 2027
    (date(2009, 10, 1), APR6, True, date(2010, 4, 6)),  # the October 2009 cap: the next Order was April 2010
    (date(2011, 2, 1), APR6, True, date(2011, 4, 6)),  # a February value: the same year's 6 April
    (date(2025, 4, 1), APR1, True, date(2026, 4, 1)),  # 2025/26 agreed: 2026/27's award is next, 1 April 2026
    (date(2026, 4, 1), APR1, False, date(2026, 4, 1)),  # 2026/27 provisional: its own 1 April is still awaited
])
def test_when_the_next_value_is_expected(latest_from, renews, settled, expected):
    assert next_yearly(latest_from, *renews, settled=settled) == expected


# Statutory cap, latest value 6 April 2026, tolerance 0 days: expected 6 April 2027, overdue from
# 6 April 2027 + (0 + 1) days = 7 April 2027.
@pytest.mark.parametrize("today, state", [
    (date(2026, 4, 6), "current"),  # the day the latest value took effect
    (date(2027, 4, 5), "current"),  # the day before the next is expected
    (date(2027, 4, 6), "due"),  # expected today; with no tolerance, the one day it is due
    (date(2027, 4, 7), "overdue"),
    (date(2027, 5, 1), "overdue"),
])
def test_statutory_limit_either_side_of_6_april(today, state):
    status = rule_status(next_yearly(date(2026, 4, 6), *APR6), 0, today)
    assert (status.state, status.expected_on, status.overdue_from) == (state, date(2027, 4, 6), date(2027, 4, 7))


# NJC award 2026/27 provisional, tolerance 334 days: expected 1 April 2026; 1 April 2026 + 334
# days = 1 March 2027 (1 April 2026 + 365 = 1 April 2027, less March's 31 days), the last day it
# is due; overdue from 2 March 2027.
@pytest.mark.parametrize("today, state", [
    (date(2026, 3, 31), "current"),  # before the pay year starts
    (date(2026, 4, 1), "due"),  # the pay year starts with its award not agreed
    (date(2026, 12, 3), "due"),  # today: months late, as awards often are, but within the tolerance
    (date(2027, 3, 1), "due"),  # the tolerance's last day
    (date(2027, 3, 2), "overdue"),
])
def test_provisional_award_from_1_april_and_the_tolerance_after_it(today, state):
    status = rule_status(next_yearly(date(2026, 4, 1), *APR1, settled=False), 334, today)
    assert (status.state, status.expected_on, status.overdue_from) == (state, date(2026, 4, 1), date(2027, 3, 2))


def test_an_agreed_award_is_current_until_the_next_pay_year():
    expected = next_yearly(date(2025, 4, 1), *APR1, settled=True)  # 1 April 2026
    assert rule_status(expected, 334, date(2026, 3, 31)).state == "current"
    assert rule_status(expected, 334, date(2026, 4, 1)).state == "due"


def test_a_review_date_with_a_tolerance():
    # Review on 30 June 2026 with 14 days' grace: due 30 June to 14 July, overdue from 15 July.
    review = date(2026, 6, 30)
    assert [rule_status(review, 14, d).state for d in (date(2026, 6, 29), date(2026, 6, 30), date(2026, 7, 14),
                                                       date(2026, 7, 15))] == ["current", "due", "due", "overdue"]


def test_a_negative_tolerance_is_refused():
    with pytest.raises(ValueError, match="tolerance"):
        rule_status(date(2026, 4, 6), -1, date(2026, 4, 6))
