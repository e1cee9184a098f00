"""Notice of dismissal against hand-worked cases: the statutory minimum of the Employment Rights
Act 1996 s.86(1) beside contractual notice, the longer given (DOMAIN.md 3.6).

s.86(1): an employee continuously employed for one month or more is owed (a) at least one week
while under two years, (b) one week for each complete year from two years to under twelve, (c)
twelve weeks from twelve years. Employment runs from the first day to the day notice is given,
both included (s.211), and notice runs from the day after it is given."""
from datetime import date

import pytest

from hrtool.domain.notice import (
    NoticeInputError,
    contractual_notice_months,
    employed_a_month,
    notice_from,
    notice_to_end_by,
    statutory_notice_weeks,
)
from hrtool.domain.tupe import NoticeBand

START = date(2020, 1, 1)


@pytest.mark.parametrize("given_on, weeks", [
    # 1 to 30 January is 30 days: the month from 1 January is complete only at the end of 31 January.
    (date(2020, 1, 30), 0),
    # 1 to 31 January both included: one month. s.86(1)(a): one week.
    (date(2020, 1, 31), 1),
    # 1 Jan 2020 to 1 Jan 2021: 1 complete year (the second ends 31 Dec 2021): still (a), one week.
    (date(2021, 1, 1), 1),
    (date(2021, 12, 30), 1),
    # 1 Jan 2020 to 31 Dec 2021: 2 complete years. s.86(1)(b): 2 weeks.
    (date(2021, 12, 31), 2),
    # 1 Jan 2020 to 31 Dec 2026: 7 complete years: 7 weeks.
    (date(2026, 12, 31), 7),
    # 1 Jan 2020 to 31 Dec 2031: 12 complete years. s.86(1)(c): 12 weeks.
    (date(2031, 12, 31), 12),
    # 1 Jan 2020 to 31 Dec 2039: 20 complete years: still 12 weeks, the most.
    (date(2039, 12, 31), 12),
])
def test_statutory_minimum_notice(given_on, weeks):
    assert statutory_notice_weeks(START, given_on) == weeks


def test_a_month_from_the_31st_is_complete_at_the_end_of_the_next_month():
    # Started 31 January 2027: February has no 31st, so the month is complete at the end of
    # 28 February (as a year begun on 29 February is complete at the end of 28 February).
    assert not employed_a_month(date(2027, 1, 31), date(2027, 2, 27))
    assert employed_a_month(date(2027, 1, 31), date(2027, 2, 28))
    assert statutory_notice_weeks(date(2027, 1, 31), date(2027, 2, 28)) == 1
    assert statutory_notice_weeks(date(2027, 1, 31), date(2027, 1, 15)) == 0  # notice before starting: none


def test_the_longer_of_statutory_and_contractual_notice_is_given_with_both_and_why():
    # Continuous service from 1 Jun 2019; notice given 15 Jun 2026: 1 Jun 2019 to 31 May 2026 is 7
    # complete years, so 7 weeks: 15 Jun + 49 days = 3 Aug 2026 (16 days to 1 Jul, 31 to 1 Aug, 2 more).
    # Two months' contractual notice from 15 Jun ends 15 Aug 2026: later, so it is the notice to give.
    notice = notice_from(date(2019, 6, 1), date(2026, 6, 15), 2, "CCDC terms, grade G")
    assert (notice.statutory_weeks, notice.statutory_ends_on) == (7, date(2026, 8, 3))
    assert (notice.contractual_months, notice.contractual_ends_on) == (2, date(2026, 8, 15))
    assert (notice.governs, notice.ends_on, notice.words) == ("contractual", date(2026, 8, 15), "2 months")
    assert "contractual notice of 2 months" in notice.why and "statutory minimum of 7 weeks" in notice.why
    assert "CCDC terms, grade G" in notice.why and "s.86(1)(b)" in notice.why
    # One month's contractual notice ends 15 Jul 2026, before 3 Aug: the statutory minimum governs.
    shorter = notice_from(date(2019, 6, 1), date(2026, 6, 15), 1)
    assert (shorter.governs, shorter.ends_on, shorter.words) == ("statutory", date(2026, 8, 3), "7 weeks")
    assert shorter.governs_words == "the statutory minimum is longer"


def test_equal_notice_and_month_ends():
    # From 1 Jan 2023 to 1 Feb 2027: 4 complete years, 4 weeks = 28 days; one month from 1 Feb 2027
    # (not a leap year) ends 1 Mar 2027, and so do the 4 weeks.
    both = notice_from(date(2023, 1, 1), date(2027, 2, 1), 1)
    assert (both.governs, both.ends_on) == ("both", date(2027, 3, 1))
    # A month's notice given on 31 January ends on the last day of February.
    assert notice_from(date(2010, 1, 1), date(2027, 1, 31), 1).contractual_ends_on == date(2027, 2, 28)


def test_no_contractual_notice_known_gives_the_statutory_minimum_and_says_why():
    notice = notice_from(START, date(2026, 12, 31), None, "no grade was given")
    assert (notice.governs, notice.words, notice.contractual_words) == ("statutory", "7 weeks", None)
    assert notice.why.startswith("No contractual notice is known (no grade was given)")


def test_the_latest_day_to_give_notice_to_end_on_a_leaving_date():
    # Continuous service from 1 Apr 2010, to end on 31 Mar 2027: 16 years, so 12 weeks (84 days):
    # given by 6 Jan 2027. Three months' contractual: by 31 Dec 2026 (31 Dec + 3 months = 31 Mar;
    # 1 Jan + 3 months = 1 Apr is too late). Both must fit: 31 Dec 2026, the contractual governing.
    notice = notice_to_end_by(date(2010, 4, 1), date(2027, 3, 31), 3)
    assert (notice.given_on, notice.governs, notice.ends_on) == (date(2026, 12, 31), "contractual", date(2027, 3, 31))
    assert notice.statutory_weeks == 12


def test_the_latest_day_steps_back_below_an_anniversary():
    # Service from 1 Mar 2020, to end 15 Mar 2027, no contractual notice. Given on 28 Feb 2027 the
    # service is 7 years (1 Mar 2020 to 28 Feb 2027): 7 weeks would end 18 Apr, too late. Before
    # 28 Feb it is 6 years: 6 weeks (42 days) end by 15 Mar if given by 1 Feb 2027.
    notice = notice_to_end_by(date(2020, 3, 1), date(2027, 3, 15), None)
    assert (notice.given_on, notice.statutory_weeks, notice.statutory_ends_on) == (
        date(2027, 2, 1), 6, date(2027, 3, 15))


def test_contractual_notice_by_grade_and_for_chief_officers():
    bands = [NoticeBand("A-F", 1), NoticeBand("G-I", 2), NoticeBand("J-L", 3), NoticeBand("Chief officers", 3)]
    assert contractual_notice_months(bands, "Grade G") == 2
    assert contractual_notice_months(bands, None, chief_officer=True) == 3
    assert contractual_notice_months(bands[:3], None, chief_officer=True) is None  # the terms hold none
    assert contractual_notice_months(bands, "Z") is None
    with pytest.raises(NoticeInputError):
        notice_from(START, date(2026, 1, 1), 61)
