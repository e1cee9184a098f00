"""Back-dated arrears, worked by hand. SCP 10: 2023/24 £25,545, 2024/25 £26,835 (NJC), so the
award is worth £1,290 a year, £107.50 a month full time. The 2024 award took effect on 1 April
2024 and was agreed in October 2024; the new rates are first paid on 1 November 2024, so
arrears run April to October: 7 months."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from hrtool.domain.arrears import Arrears, PaySpell, arrears_months, arrears_owed

OLD, NEW, WEEK = Decimal("25545"), Decimal("26835"), Decimal("37")
APRIL, NOVEMBER = date(2024, 4, 1), date(2024, 11, 1)


def spell(start: date = date(2020, 1, 1), end: date | None = None, hours: str = "37",
          old: Decimal = OLD, new: Decimal = NEW) -> PaySpell:
    return PaySpell(start, end, Decimal(hours), old, new)


def owed(*spells: PaySpell, effective: date = APRIL, paid: date = NOVEMBER) -> Arrears:
    return arrears_owed(list(spells), effective, paid, WEEK)


@pytest.mark.parametrize("spells, months, total", [
    # full time all period: 7 x 107.50
    ([spell()], 7, "752.50"),
    # part time, 18.5 of 37 hours: 7 x 53.75
    ([spell(hours="18.5")], 7, "376.25"),
    # a starter on 16 June: June 15/30 x 107.50 = 53.75, then July-October 4 x 107.50 = 430
    ([spell(start=date(2024, 6, 16))], 5, "483.75"),
    # a leaver on 10 August: April-July 4 x 107.50 = 430, August 10/31 x 107.50 = 34.677... -> 464.68
    ([spell(end=date(2024, 8, 10))], 5, "464.68"),
    # hours cut from 37 to 22.5 on 1 September: 5 x 107.50 + 2 x 65.3716... (22.5/37 x 1290/12) = 668.24
    ([spell(end=date(2024, 8, 31)), spell(start=date(2024, 9, 1), hours="22.5")], 7, "668.24"),
    # an increment on 1 July from SCP 10 to 11 (2023/24 £25,979, 2024/25 £27,269: also £1,290)
    ([spell(end=date(2024, 6, 30)), spell(start=date(2024, 7, 1), old=Decimal("25979"), new=Decimal("27269"))],
     7, "752.50"),
    # two part-time posts at once: arrears on each
    ([spell(hours="20"), spell(hours="17")], 7, "752.50"),
    # left before the award took effect: nothing
    ([spell(end=date(2024, 3, 31))], 0, "0.00"),
    # started after the new rates were first paid: nothing
    ([spell(start=date(2024, 11, 1))], 0, "0.00"),
])
def test_arrears(spells, months, total):
    result = owed(*spells)
    assert (result.months, result.total) == (months, Decimal(total))


def test_monthly_rows_show_the_part_month():
    result = owed(spell(start=date(2024, 6, 16)))
    assert [(r.month, r.days, r.days_in_month) for r in result.rows] == [
        (date(2024, 6, 1), 15, 30), (date(2024, 7, 1), 31, 31), (date(2024, 8, 1), 31, 31),
        (date(2024, 9, 1), 30, 30), (date(2024, 10, 1), 31, 31)]
    assert [r.amount for r in result.rows] == [Decimal("53.75")] + [Decimal("107.5")] * 4


def test_rounding_happens_once_on_the_total():
    # 1 of 31 days in each of two 31-day months at £100 a month: 2 x 3.2258... = 6.4516 -> 6.45,
    # where rounding each month first would give 3.23 + 3.23 = 6.46.
    monthly_100 = spell(old=Decimal("0"), new=Decimal("1200"))
    result = arrears_owed([PaySpell(date(2024, 5, 31), date(2024, 5, 31), WEEK, Decimal("0"), Decimal("1200")),
                           PaySpell(date(2024, 7, 31), date(2024, 7, 31), WEEK, Decimal("0"), Decimal("1200"))],
                          APRIL, NOVEMBER, WEEK)
    assert result.total == Decimal("6.45")
    assert owed(monthly_100).total == Decimal("700.00")


def test_an_exact_half_penny_rounds_up():
    # £0.06 a year full time over one month = £0.005 -> £0.01
    result = arrears_owed([spell(old=Decimal("0"), new=Decimal("0.06"))], APRIL, date(2024, 5, 1), WEEK)
    assert result.total == Decimal("0.01")


def test_an_award_effective_part_way_through_a_month():
    # effective 16 April, paid from 1 May: 15/30 of 107.50
    assert owed(spell(), effective=date(2024, 4, 16), paid=date(2024, 5, 1)).total == Decimal("53.75")


@pytest.mark.parametrize("effective, paid, expected", [
    (APRIL, NOVEMBER, 7),
    (APRIL, date(2024, 11, 15), 7),  # paid part way through November: November is paid at the new rate
    (APRIL, APRIL, 0),
    (date(2024, 12, 1), date(2025, 2, 1), 2),  # across the new year
])
def test_arrears_months(effective, paid, expected):
    assert len(arrears_months(effective, paid)) == expected
