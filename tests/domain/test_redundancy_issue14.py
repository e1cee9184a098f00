"""Issue 14, worked by hand from the statute: the week's pay cap on each side of its changes and
after the latest held (ERA 1996 s.227, raised by order), the relevant date moved by pay in lieu
of notice (s.145(5)), and the service date for redundancy that counts earlier local-government
service (the 1999 Modification Order).

Reminders used in the working (DOMAIN.md 3.6): the years counted run back from the day after
the relevant date; a year earns 1.5 weeks if the person was 41 or over at its start, 1 week if
22 or over, else 0.5; at most 20 years; nothing under 2 complete years; the week's pay is capped
at the limit in force on the relevant date."""
from datetime import date
from decimal import Decimal

import pytest

from hrtool.domain.redundancy import (
    RedundancyInputError,
    relevant_date,
    service_date_for_redundancy,
    statutory_redundancy,
)

from .test_redundancy import CAPS

# -- the cap -------------------------------------------------------------------------------------


@pytest.mark.parametrize("leaving, cap, amount", [
    # Born 1 Jun 1985, continuous service from 6 Apr 2024, £1,000 a week. To 5 Apr 2026 is 2 complete
    # years; counting back from 6 Apr 2026 the years start 6 Apr 2025 (age 39) and 6 Apr 2024 (38):
    # 1 week each. The £719 cap of 6 Apr 2025: 2 x 1.0 x £719 = £1,438.
    (date(2026, 4, 5), Decimal(719), Decimal("1438.00")),
    # A day later the 2026 Order's cap applies (still 2 complete years, aged 40 on the day):
    # 2 x 1.0 x £751 = £1,502.
    (date(2026, 4, 6), Decimal(751), Decimal("1502.00")),
])
def test_the_2026_cap_either_side_of_6_april(leaving, cap, amount):
    pay = statutory_redundancy(date(1985, 6, 1), date(2024, 4, 6), leaving, Decimal(1000), CAPS)
    assert (pay.age, pay.complete_years, pay.weeks, pay.cap, pay.amount, pay.warnings) == (
        40, 2, Decimal(2), cap, amount, ())


@pytest.mark.parametrize("leaving, cap, amount", [
    # Born 1 Jan 1960, service from 1 Apr 2000: 22 complete years by 31 Mar 2022, so 20 count.
    # The earliest counted year starts 6 Apr 2002 (or 7 Apr), at 42: all 20 at 1.5 weeks = 30 weeks.
    # Before 6 Apr 2022 the 2021 cap, £544: 30 x £544 = £16,320 (refused before this issue).
    (date(2022, 4, 5), Decimal(544), Decimal("16320.00")),
    # From 6 Apr 2022, £571: 30 x £571 = £17,130.
    (date(2022, 4, 6), Decimal(571), Decimal("17130.00")),
])
def test_the_2022_cap_either_side_of_6_april(leaving, cap, amount):
    pay = statutory_redundancy(date(1960, 1, 1), date(2000, 4, 1), leaving, Decimal(900), CAPS)
    assert (pay.complete_years, len(pay.counted_years), pay.weeks, pay.cap, pay.amount) == (
        22, 20, Decimal(30), cap, amount)


@pytest.mark.parametrize("leaving, cap, amount", [
    # Born 10 Mar 1975, service from 1 Sep 2005, £450 a week. To 31 Jan 2011: 5 complete years,
    # starting 1 Feb 2010 .. 1 Feb 2006 at ages 34 .. 30: 5 weeks. The 2009 cap (£380) is in force
    # until 31 Jan 2011: 5 x £380 = £1,900.
    (date(2011, 1, 31), Decimal(380), Decimal("1900.00")),
    # To 30 Jun 2011: still 5 complete years (the 6th ends 31 Aug 2011), starting 1 Jul 2010 ..
    # 1 Jul 2006 at ages 35 .. 31: 5 weeks; the 2010 Order's £400 from 1 Feb 2011: £2,000.
    (date(2011, 6, 30), Decimal(400), Decimal("2000.00")),
])
def test_a_2011_leaving_date_uses_the_cap_of_the_day(leaving, cap, amount):
    pay = statutory_redundancy(date(1975, 3, 10), date(2005, 9, 1), leaving, Decimal(450), CAPS)
    assert (pay.complete_years, pay.weeks, pay.cap, pay.amount) == (5, Decimal(5), cap, amount)


def test_the_most_statutory_pay_from_6_april_2026_is_22530():
    # Born 1 Jan 1960, service from 1 Jan 1990, leaving 30 Jun 2026: 36 complete years, the latest 20
    # all begun at 46 or over: 20 x 1.5 = 30 weeks x £751 = £22,530 (the Order's stated maximum).
    pay = statutory_redundancy(date(1960, 1, 1), date(1990, 1, 1), date(2026, 6, 30), Decimal(5000), CAPS)
    assert (pay.weeks, pay.week_pay, pay.amount) == (Decimal(30), Decimal(751), Decimal("22530.00"))


def test_a_leaving_date_after_the_latest_cap_still_answers_with_a_warning():
    # The latest cap held is £751 from 6 Apr 2026; the next Order is due a year later, 6 Apr 2027.
    # Same person as the 2026 case, leaving 6 Apr 2027: 3 complete years (6 Apr 2024 - 5 Apr 2027),
    # starting at 40, 39, 38: 3 weeks x £751 = £2,253, with a warning that a newer cap is due.
    pay = statutory_redundancy(date(1985, 6, 1), date(2024, 4, 6), date(2027, 4, 6), Decimal(1000), CAPS)
    assert (pay.weeks, pay.cap, pay.cap_from, pay.amount) == (Decimal(3), Decimal(751), date(2026, 4, 6),
                                                             Decimal("2253.00"))
    assert pay.warnings == ("No cap is published for dates from 6 April 2027 yet: £751 used",)
    # The day before the next cap is due, £751 is the cap in force: no warning.
    assert statutory_redundancy(date(1985, 6, 1), date(2024, 4, 6), date(2027, 4, 5), Decimal(1000),
                                CAPS).warnings == ()


# -- the relevant date: pay in lieu of notice (s.145(5)) -----------------------------------------


def test_pay_in_lieu_moves_the_relevant_date_across_the_41st_birthday():
    # Born 20 Jun 1984 (41 on 20 Jun 2025); continuous service from 1 May 2014; dismissed on
    # 10 Jun 2026 with pay in lieu of notice (none worked).
    born, service, leaving, week = date(1984, 6, 20), date(2014, 5, 1), date(2026, 6, 10), Decimal(600)
    # Without s.145(5): 12 complete years (1 May 2014 - 30 Apr 2026). Counting back from 11 Jun
    # 2026 the latest year starts 11 Jun 2025, at 40 (the birthday is 9 days later): every year
    # earns 1 week. 12 x £600 (under the cap) = £7,200.
    assert statutory_redundancy(born, service, leaving, week, CAPS).amount == Decimal("7200.00")
    # s.145(5)-(6): no notice was given, so the material date is 10 Jun 2026; 12 complete years
    # then, so the s.86 minimum is 12 weeks = 84 days: 10 Jun + 84 = 2 Sep 2026.
    relevant = relevant_date(service, leaving, pilon=True)
    assert (relevant.material_on, relevant.statutory_weeks, relevant.relevant_on, relevant.moved) == (
        leaving, 12, date(2026, 9, 2), True)
    assert "s.145(5)" in relevant.why and "pay in lieu" in relevant.why
    # From 2 Sep 2026: still 12 complete years, but the latest year starts 3 Sep 2025, at 41:
    # 1.5 + 11 x 1 = 12.5 weeks x £600 = £7,500.
    pay = statutory_redundancy(born, service, relevant.relevant_on, week, CAPS)
    assert (pay.complete_years, pay.weeks, pay.amount) == (12, Decimal("12.5"), Decimal("7500.00"))
    assert pay.counted_years[0].age_at_start == 41


def test_short_notice_moves_the_relevant_date_across_an_anniversary():
    # Born 15 Jan 1990; continuous service from 1 Sep 2016; notice given 15 Jul 2026 and employment
    # ended 31 Jul 2026 (the rest paid in lieu). At 31 Jul 2026: 9 complete years (the 10th ends
    # 31 Aug 2026), all begun at 26..35: 9 weeks x £500 = £4,500.
    born, service, leaving, week = date(1990, 1, 15), date(2016, 9, 1), date(2026, 7, 31), Decimal(500)
    assert statutory_redundancy(born, service, leaving, week, CAPS).amount == Decimal("4500.00")
    # Notice given 15 Jul 2026 after 9 complete years: 9 weeks = 63 days, ending 16 Sep 2026 (16 days
    # to 31 Jul, 31 to 31 Aug, 16 more), after the leaving date: the relevant date moves there.
    relevant = relevant_date(service, leaving, date(2026, 7, 15), pilon=True)
    assert (relevant.material_on, relevant.statutory_weeks, relevant.relevant_on) == (
        date(2026, 7, 15), 9, date(2026, 9, 16))
    # To 16 Sep 2026: 10 complete years: 10 weeks x £500 = £5,000.
    pay = statutory_redundancy(born, service, relevant.relevant_on, week, CAPS)
    assert (pay.complete_years, pay.amount) == (10, Decimal("5000.00"))


def test_pay_in_lieu_can_reach_the_two_years_needed():
    # Born 5 May 1980; service from 1 Aug 2024; dismissed 26 Jul 2026 with pay in lieu. At 26 Jul
    # 2026: 1 complete year (the 2nd ends 31 Jul 2026): nothing is due.
    born, service, leaving = date(1980, 5, 5), date(2024, 8, 1), date(2026, 7, 26)
    assert not statutory_redundancy(born, service, leaving, Decimal(700), CAPS).entitled
    # s.86(1)(a): over a month but under two years: 1 week, ending 2 Aug 2026, the relevant date.
    # 1 Aug 2024 - 31 Jul 2026: 2 complete years, starting 3 Aug 2025 (45) and 3 Aug 2024 (44):
    # 1.5 + 1.5 = 3 weeks x £700 = £2,100.
    relevant = relevant_date(service, leaving, pilon=True)
    assert relevant.relevant_on == date(2026, 8, 2)
    pay = statutory_redundancy(born, service, relevant.relevant_on, Decimal(700), CAPS)
    assert (pay.complete_years, pay.weeks, pay.amount) == (2, Decimal(3), Decimal("2100.00"))


def test_pay_in_lieu_across_6_april_takes_the_new_cap():
    # 16 complete years by 20 Mar 2026 (service from 1 Mar 2010): 12 weeks' statutory notice from
    # a dismissal with pay in lieu on 20 Mar 2026 ends 12 Jun 2026, after 6 April: the £751 cap.
    relevant = relevant_date(date(2010, 3, 1), date(2026, 3, 20), pilon=True)
    assert relevant.relevant_on == date(2026, 6, 12)
    pay = statutory_redundancy(date(1970, 1, 1), date(2010, 3, 1), relevant.relevant_on, Decimal(1000), CAPS)
    assert pay.cap == Decimal(751)


def test_notice_worked_in_full_or_not_stated_keeps_the_leaving_date():
    # Notice given 1 Apr 2026 after 9 complete years (service from 1 Sep 2016): 9 weeks end 3 Jun
    # 2026, before the leaving date of 31 Jul 2026: the leaving date stands.
    worked = relevant_date(date(2016, 9, 1), date(2026, 7, 31), date(2026, 4, 1))
    assert (worked.relevant_on, worked.moved, worked.statutory_ends_on) == (date(2026, 7, 31), False, date(2026, 6, 3))
    unstated = relevant_date(date(2016, 9, 1), date(2026, 7, 31))
    assert unstated.relevant_on == date(2026, 7, 31) and unstated.material_on is None
    assert "taken to have been at least the statutory minimum" in unstated.why
    with pytest.raises(RedundancyInputError, match="on or before the leaving date"):
        relevant_date(date(2016, 9, 1), date(2026, 7, 31), date(2026, 8, 1))


# -- two service dates ---------------------------------------------------------------------------


def test_an_earlier_local_government_service_date_counts_for_redundancy_pay():
    # Born 1 Mar 1970; continuous service with this council from 1 Apr 2018; before that, from
    # 1 Apr 2008, with another local authority. Leaving 31 Mar 2026, £800 a week (cap £719).
    born, continuous, earlier, leaving = date(1970, 3, 1), date(2018, 4, 1), date(2008, 4, 1), date(2026, 3, 31)
    # The continuous service date alone: 8 complete years, starting 1 Apr 2025 .. 1 Apr 2018 at
    # 55 .. 48: 8 x 1.5 = 12 weeks x £719 = £8,628.
    assert statutory_redundancy(born, continuous, leaving, Decimal(800), CAPS).amount == Decimal("8628.00")
    service = service_date_for_redundancy(continuous, earlier)
    assert (service.used, service.basis) == (earlier, "service date for redundancy")
    assert "Modification" in service.why and "Order 1999" in service.why
    # From 1 Apr 2008: 18 complete years. Years starting 1 Apr 2011 .. 2025 (15) began at 41 or over
    # (41 on 1 Mar 2011): 22.5 weeks; 2008, 2009, 2010 at 38, 39, 40: 3 weeks. 25.5 x £719 = £18,334.50.
    pay = statutory_redundancy(born, service.used, leaving, Decimal(800), CAPS)
    assert (pay.complete_years, pay.weeks, pay.amount) == (18, Decimal("25.5"), Decimal("18334.50"))
    # Without one, the continuous service date is used; a later one would count less and is refused.
    assert service_date_for_redundancy(continuous, None).basis == "continuous service date"
    with pytest.raises(RedundancyInputError, match="on or before the continuous service date"):
        service_date_for_redundancy(continuous, date(2019, 1, 1))
