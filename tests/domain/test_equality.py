"""The equality picture: counts by sex and age band, mean and median hourly pay gaps, worked by
hand. With everyone on the same weekly hours the 52.143-week constant cancels out of a gap,
so the gaps below are worked from annual salaries."""
from __future__ import annotations

from decimal import Decimal as D

import pytest

from hrtool.domain.equality import (
    DOWN,
    FEMALE,
    MALE,
    OTHER_AGES,
    SAME,
    UP,
    Movement,
    Person,
    age_band,
    equality_picture,
    hourly_pay,
    parse_age_bands,
    pay_gap,
)

BANDS = parse_age_bands("16-24, 25-34, 35-44, 45-54, 55-64, 65+")
FT = D(37)


def person(sex, age, before, after, hours=FT):
    before, after = D(before), D(after)
    direction = UP if after > before else DOWN if after < before else SAME
    return Person(sex, age, D(hours), before, after, direction)


# Two men and three women, all full-time.
#   man   age 30: 30,000 -> 31,000 up        woman age 24: 25,000 -> 28,000 up
#   man   age 58: 40,000 -> 38,000 down      woman age 45: 26,000 -> 26,000 same
#                                            woman age 65: 39,000 -> 36,000 down
PEOPLE = [
    person(MALE, 30, "30000", "31000"), person(MALE, 58, "40000", "38000"),
    person(FEMALE, 24, "25000", "28000"), person(FEMALE, 45, "26000", "26000"), person(FEMALE, 65, "39000", "36000"),
]


def test_counts_by_sex_and_age_band():
    picture = equality_picture(PEOPLE, BANDS)
    assert picture.by_sex == {FEMALE: Movement(up=1, same=1, down=1), MALE: Movement(up=1, down=1)}
    # Every band is listed, in order, even when nobody is in it.
    assert picture.by_age_band == {
        "16 to 24": Movement(up=1), "25 to 34": Movement(up=1), "35 to 44": Movement(),
        "45 to 54": Movement(same=1), "55 to 64": Movement(down=1), "65 and over": Movement(down=1)}


def test_mean_and_median_gap_before_and_after():
    picture = equality_picture(PEOPLE, BANDS)
    # Before: men mean (30,000 + 40,000) / 2 = 35,000, median 35,000;
    #         women mean (25,000 + 26,000 + 39,000) / 3 = 30,000, median 26,000.
    #         mean gap (35,000 - 30,000) / 35,000 x 100 = 14.2857 -> 14.3
    #         median gap (35,000 - 26,000) / 35,000 x 100 = 25.714 -> 25.7
    assert (picture.gap_before.mean, picture.gap_before.median) == (D("14.3"), D("25.7"))
    # After:  men mean (31,000 + 38,000) / 2 = 34,500, median 34,500;
    #         women mean (28,000 + 26,000 + 36,000) / 3 = 30,000, median 28,000.
    #         mean gap 4,500 / 34,500 x 100 = 13.043 -> 13.0
    #         median gap 6,500 / 34,500 x 100 = 18.840 -> 18.8
    assert (picture.gap_after.mean, picture.gap_after.median) == (D("13.0"), D("18.8"))
    assert (picture.gap_after.men, picture.gap_after.women) == (2, 3)


def test_hourly_pay_uses_52_143_weeks_and_contractual_hours():
    # 52.143 x 37 = 1,929.291 hours a year; 30,000 / 1,929.291 = 15.54975... -> 15.5498 an hour.
    assert hourly_pay(D(30000), FT).quantize(D("0.0001")) == D("15.5498")
    # A part-timer on 18.5 hours paid 13,500 earns 13,500 / (52.143 x 18.5) = 13,500 / 964.6455
    # = 13.99478... -> 13.9948 an hour, the same as 27,000 full-time.
    assert hourly_pay(D(13500), D("18.5")).quantize(D("0.0001")) == D("13.9948")
    assert hourly_pay(D(26000), FT, weeks_per_year=D(52)) == D(26000) / D(1924)


def test_part_timers_are_compared_by_hourly_pay():
    # A man on 30,000 full-time against a woman on 13,500 for 18.5 hours (27,000 full-time):
    # (30,000 - 27,000) / 30,000 x 100 = 10.0 for both mean and median.
    people = [person(MALE, 40, "30000", "30000"), person(FEMALE, 40, "13500", "13500", hours="18.5")]
    gap = equality_picture(people, BANDS).gap_before
    assert (gap.mean, gap.median) == (D("10.0"), D("10.0"))


def test_gap_rounds_half_up_and_can_be_negative():
    # Hourly pay given directly: men 1,000, women 997.50 -> 2.50 / 1,000 x 100 = 0.25 -> 0.3 (half up).
    assert pay_gap([(MALE, D(1000)), (FEMALE, D("997.50"))]).mean == D("0.3")
    # Women paid more: (1,000 - 1,200) / 1,000 x 100 = -20.0.
    assert pay_gap([(MALE, D(1000)), (FEMALE, D(1200))]).median == D("-20.0")
    # Median of an even count is the mean of the middle two: men 10 and 20 -> 15; women 12 -> (15 - 12) / 15 = 20.0.
    assert pay_gap([(MALE, D(10)), (MALE, D(20)), (FEMALE, D(12))]).median == D("20.0")


def test_no_gap_without_both_sexes():
    gap = pay_gap([(FEMALE, D(10)), (FEMALE, D(12))])
    assert (gap.mean, gap.median, gap.men, gap.women) == (None, None, 0, 2)


@pytest.mark.parametrize("age, label", [(16, "16 to 24"), (24, "16 to 24"), (25, "25 to 34"), (64, "55 to 64"),
                                        (65, "65 and over"), (80, "65 and over"), (15, OTHER_AGES)])
def test_age_band_edges(age, label):
    assert age_band(age, BANDS) == label


def test_people_outside_every_band_are_counted_apart():
    picture = equality_picture([person(FEMALE, 15, "20000", "21000")], BANDS)
    assert picture.by_age_band[OTHER_AGES] == Movement(up=1)


@pytest.mark.parametrize("text", ["16-24, 20-30", "16-24, 65+, 70+", "30-20", "young", "16-24,"])
def test_bad_age_bands(text):
    with pytest.raises(ValueError):
        parse_age_bands(text)
