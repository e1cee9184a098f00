"""Pay by pay year (domain/salary_history.py), worked by hand."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from hrtool.domain.salary_history import PayEvent, PaySpan, pay_year_start, pay_years

FT = Decimal("37")


def span(start: date, end: date | None, annual: str | None, hours: str = "37", pay: str = "SCP 20",
         post: str = "Officer (P1)", employer: str = "SBC", reason: str = "") -> PaySpan:
    return PaySpan(start, end, employer, post, Decimal(hours), FT, Decimal(annual) if annual else None, pay, reason)


def test_a_whole_year_full_time_is_the_annual_salary():
    (year,) = pay_years([span(date(2024, 4, 1), None, "30000")], {}, [], today=date(2025, 3, 31))
    assert (year.label, year.basic, year.protection, year.total, year.in_progress) == (
        "2024/25", Decimal("30000.00"), Decimal("0.00"), Decimal("30000.00"), False)


def test_a_part_month_counts_by_calendar_days_and_hours_pro_rata():
    # Starts 16 June 2024 on 18.5 of 37 hours, full-time £24,000: £1,000 a month at half time.
    # June: 15 of 30 days = £500; July 2024 to March 2025: 9 months x £1,000 = £9,000. Total £9,500.
    (year,) = pay_years([span(date(2024, 6, 16), None, "24000", hours="18.5")], {}, [], today=date(2025, 3, 31))
    assert year.basic == Decimal("9500.00")
    assert year.changes[0].what.startswith("Began: Officer (P1), SBC, 18.5 hours a week, SCP 20")


def test_a_pay_award_and_a_change_of_point_are_listed_with_their_reason():
    spans = [span(date(2023, 4, 1), date(2024, 3, 31), "24000"),
             span(date(2024, 4, 1), date(2024, 9, 30), "25200"),  # the award: +5%
             span(date(2024, 10, 1), None, "26400", pay="SCP 21", reason="Increment on the anniversary")]
    years = pay_years(spans, {}, [], today=date(2025, 3, 31))
    assert [y.label for y in years] == ["2024/25", "2023/24"]
    latest = years[0]
    # 6 months x £2,100 + 6 months x £2,200 = £12,600 + £13,200 = £25,800.
    assert latest.basic == Decimal("25800.00")
    assert (latest.full_time_at_start, latest.full_time_at_end) == (Decimal("25200"), Decimal("26400"))
    assert [(c.on, c.what, c.why) for c in latest.changes] == [
        (date(2024, 4, 1), "Pay award: full-time salary £24,000.00 to £25,200.00", ""),
        (date(2024, 10, 1), "Changed: SCP 20 to SCP 21", "Increment on the anniversary")]


def test_a_year_in_progress_is_counted_to_today_and_protection_is_added():
    # £36,000 a year is £3,000 a month. Today 10 December 2026: April to November = 8 x £3,000 =
    # £24,000, plus 10 of 31 days of December: £3,000 x 10/31 = £967.741... -> £24,967.74.
    # Protection £100 a month from 1 October: October, November £200, December 10/31 x £100 =
    # £32.258... -> £232.26.
    months = {date(2026, 10, 1): Decimal("100"), date(2026, 11, 1): Decimal("100"),
              date(2026, 12, 1): Decimal("100"), date(2027, 1, 1): Decimal("100")}
    (year,) = pay_years([span(date(2026, 4, 1), None, "36000")], months,
                        [PayEvent(date(2026, 10, 1), "Pay protection began")], today=date(2026, 12, 10))
    assert (year.basic, year.protection, year.total) == (Decimal("24967.74"), Decimal("232.26"),
                                                         Decimal("25200.00"))
    assert year.in_progress and year.counted_to == date(2026, 12, 10)
    assert [c.what for c in year.changes][-1] == "Pay protection began"


def test_a_leaver_and_an_unknown_salary():
    # Left 30 September 2024: 6 months x £2,000 = £12,000; the gap of 92 days on a point with no
    # salary held is counted as unknown, not as £0 silently.
    spans = [span(date(2024, 4, 1), date(2024, 6, 30), "24000"),
             span(date(2024, 7, 1), date(2024, 9, 30), None, pay="SCP 99")]
    (year,) = pay_years(spans, {}, [], today=date(2025, 6, 1))
    assert (year.basic, year.unknown_days, year.counted_to) == (Decimal("6000.00"), 92, date(2024, 9, 30))
    assert year.changes[-1] == type(year.changes[-1])(date(2024, 10, 1), "Left")


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31)))
def test_the_pay_year_starts_on_1_april(on):
    start = pay_year_start(on)
    assert start.month == 4 and start.day == 1 and start <= on < date(start.year + 1, 4, 1)
