"""Statutory and discretionary redundancy pay against hand-worked cases (ERA 1996 s.162,
DOMAIN.md 3.6), and the collective consultation thresholds (TULRCA 1992 s.188)."""
from datetime import date
from decimal import Decimal

import pytest

from hrtool.domain.redundancy import (
    ConsultationBand,
    CouncilPolicy,
    RedundancyInputError,
    WeekPayCap,
    collective_consultation,
    council_redundancy,
    pension_strain_flag,
    statutory_redundancy,
    weekly_pay,
)

# The week's pay cap of each Employment Rights (Increase of Limits) Order, from the day it applies
# (statutory_limits.csv): 2009 to 2026.
CAPS = [WeekPayCap(on, Decimal(amount)) for on, amount in [
    (date(2009, 10, 1), 380), (date(2011, 2, 1), 400), (date(2012, 2, 1), 430), (date(2013, 2, 1), 450),
    (date(2014, 4, 6), 464), (date(2015, 4, 6), 475), (date(2016, 4, 6), 479), (date(2017, 4, 6), 489),
    (date(2018, 4, 6), 508), (date(2019, 4, 6), 525), (date(2020, 4, 6), 538), (date(2021, 4, 6), 544),
    (date(2022, 4, 6), 571), (date(2023, 4, 6), 643), (date(2024, 4, 6), 700), (date(2025, 4, 6), 719),
    (date(2026, 4, 6), 751)]]
CCDC = CouncilPolicy("actual", Decimal("1.5"), Decimal(104))  # policies_illustrative.toml
SBC = CouncilPolicy("actual", Decimal("1.0"), Decimal(104))


def test_issue_example_born_1970_in_service_from_2005_leaving_mid_2024():
    # 1 Sep 2005 to 30 Jun 2024 both included: 18 complete years (the 19th would end 31 Aug 2024).
    # Counting back from 1 Jul 2024: the years starting 1 Jul 2023 .. 1 Jul 2011 (13 years) began
    # at 41 or over (41st birthday 1 May 2011): 13 x 1.5 = 19.5; the years starting 1 Jul 2010 ..
    # 1 Jul 2006 (5 years) at 36-40: 5 x 1 = 5. 24.5 weeks x the £700 cap = £17,150.00.
    pay = statutory_redundancy(date(1970, 5, 1), date(2005, 9, 1), date(2024, 6, 30), Decimal(950), CAPS)
    assert (pay.age, pay.complete_years, pay.weeks, pay.week_pay, pay.amount) == (
        54, 18, Decimal("24.5"), Decimal(700), Decimal("17150.00"))
    assert pay.counted_years[12].age_at_start == 41 and pay.counted_years[13].age_at_start == 40
    # CCDC: 1.5 x 24.5 = 36.75 weeks on actual pay £950 = £34,912.50; SBC: 24.5 x £950 = £23,275.00.
    ccdc = council_redundancy(pay, Decimal(950), CCDC)
    assert (ccdc.weeks, ccdc.week_pay, ccdc.amount, ccdc.top_up) == (
        Decimal("36.75"), Decimal(950), Decimal("34912.50"), Decimal("17762.50"))
    assert council_redundancy(pay, Decimal(950), SBC).amount == Decimal("23275.00")


@pytest.mark.parametrize("dob, weeks", [
    # Service 1 Sep 2018 to 31 Aug 2024: 6 years, starting 1 Sep 2023, 2022, 2021, 2020, 2019, 2018.
    (date(2000, 3, 15), Decimal("4.0")),  # ages 23, 22 at the starts: 1 + 1; then 21, 20, 19, 18: 4 x 0.5
    (date(2000, 9, 1), Decimal("4.0")),  # 22nd birthday on 1 Sep 2022 is the start of that year: 22 throughout
    (date(2000, 9, 2), Decimal("3.5")),  # 22 only from 2 Sep 2022: that year is not "throughout" 22
])
def test_service_spanning_age_22(dob, weeks):
    pay = statutory_redundancy(dob, date(2018, 9, 1), date(2024, 8, 31), Decimal(500), CAPS)
    assert pay.complete_years == 6
    assert pay.weeks == weeks
    assert pay.amount == weeks * 500


def test_service_spanning_age_41_with_the_cap_of_the_day():
    # Born 10 Jan 1980; 10 Jan 2015 to 9 Jan 2024: 9 years. Years starting 10 Jan 2023, 2022, 2021
    # (ages 43, 42, 41): 4.5 weeks; 2020 .. 2015 (40 .. 35): 6 weeks. 10.5 x £643 (cap from
    # 6 Apr 2023) = £6,751.50.
    pay = statutory_redundancy(date(1980, 1, 10), date(2015, 1, 10), date(2024, 1, 9), Decimal(800), CAPS)
    assert (pay.complete_years, pay.weeks, pay.cap, pay.amount) == (9, Decimal("10.5"), Decimal(643),
                                                                   Decimal("6751.50"))


def test_only_twenty_years_count():
    # 34 complete years; the last 20 all began at 43 or over: 30 weeks x £643 = £19,290.00.
    pay = statutory_redundancy(date(1960, 6, 1), date(1990, 4, 1), date(2024, 3, 31), Decimal(1000), CAPS)
    assert pay.complete_years == 34 and len(pay.counted_years) == 20
    assert pay.weeks == Decimal(30) and pay.amount == Decimal("19290.00")


def test_under_two_years_gets_nothing_and_two_years_starts_on_the_day():
    short = statutory_redundancy(date(1990, 1, 1), date(2022, 7, 1), date(2024, 6, 29), Decimal(600), CAPS)
    assert short.complete_years == 1 and not short.entitled and short.amount == Decimal("0.00")
    assert council_redundancy(short, Decimal(600), CCDC).amount == Decimal("0.00")
    # 1 Jul 2022 to 30 Jun 2024, both days included, is two years: ages 33 and 32, 2 weeks x £600.
    two = statutory_redundancy(date(1990, 1, 1), date(2022, 7, 1), date(2024, 6, 30), Decimal(600), CAPS)
    assert two.complete_years == 2 and two.amount == Decimal("1200.00")


@pytest.mark.parametrize("leaving, cap, amount", [
    # 18 years either way; the year starting 6 (or 7) Apr 2011 began at 40, so 12 x 1.5 + 6 x 1 = 24.
    (date(2024, 4, 5), Decimal(643), Decimal("15432.00")),
    (date(2024, 4, 6), Decimal(700), Decimal("16800.00")),
])
def test_dismissal_either_side_of_a_cap_change(leaving, cap, amount):
    pay = statutory_redundancy(date(1970, 5, 1), date(2005, 9, 1), leaving, Decimal(900), CAPS)
    assert (pay.weeks, pay.cap, pay.amount) == (Decimal(24), cap, amount)


def test_week_pay_below_the_cap_is_used_as_it_is():
    pay = statutory_redundancy(date(1970, 5, 1), date(2005, 9, 1), date(2024, 6, 30), Decimal("412.34"), CAPS)
    assert pay.week_pay == Decimal("412.34") and pay.amount == Decimal("10102.33")  # 24.5 x 412.34 = 10102.33


def test_council_policy_max_weeks_and_statutory_basis():
    pay = statutory_redundancy(date(1960, 6, 1), date(1990, 4, 1), date(2024, 3, 31), Decimal(1000), CAPS)
    generous = council_redundancy(pay, Decimal(1000), CouncilPolicy("actual", Decimal(4), Decimal(104)))
    assert generous.weeks == Decimal(104) and generous.capped_at_max_weeks and generous.amount == Decimal("104000.00")
    capped = council_redundancy(pay, Decimal(1000), CouncilPolicy("statutory", Decimal(2), Decimal(104)))
    assert capped.week_pay == Decimal(643) and capped.amount == Decimal("38580.00")  # 60 x 643
    with pytest.raises(RedundancyInputError):
        council_redundancy(pay, Decimal(1000), CouncilPolicy("weekly", Decimal(1), Decimal(104)))


def test_bad_dates_and_dates_before_any_cap():
    with pytest.raises(RedundancyInputError):
        statutory_redundancy(date(1970, 5, 1), date(2005, 9, 1), date(2004, 1, 1), Decimal(500), CAPS)
    with pytest.raises(RedundancyInputError, match="No statutory limit"):  # the first cap held is from 1 Oct 2009
        statutory_redundancy(date(1970, 5, 1), date(2005, 9, 1), date(2009, 9, 30), Decimal(500), CAPS)


BANDS = [ConsultationBand(20, 30), ConsultationBand(100, 45)]


@pytest.mark.parametrize("count, days, by", [
    (19, None, None), (20, 30, date(2023, 6, 1)), (99, 30, date(2023, 6, 1)), (100, 45, date(2023, 5, 17))])
def test_collective_consultation_thresholds(count, days, by):
    duty = collective_consultation(count, BANDS, date(2023, 7, 1))
    if days is None:
        assert duty is None
    else:
        assert (duty.days, duty.consult_by, duty.hr1_by) == (days, by, by)


def test_pension_strain_flag_and_weekly_pay():
    assert pension_strain_flag(55, 2) and not pension_strain_flag(54, 30) and not pension_strain_flag(60, 1)
    assert weekly_pay(Decimal(78400)) == Decimal("1507.69")  # 78,400 / 52 = 1,507.6923
