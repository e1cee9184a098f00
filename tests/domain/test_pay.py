"""Pro rata pay and the rounding rule (half up to the penny, once)."""
from decimal import Decimal

import pytest

from hrtool.domain.pay import SpinePointMissing, fte, full_time_salary, pro_rata_salary, to_pennies


@pytest.mark.parametrize("full, hours, expected", [
    ("37000", "18.5", "18500.00"),
    ("25000", "22.5", "15202.70"),  # 25,000 x 22.5 / 37 = 15,202.7027...
    ("26357", "37", "26357.00"),
    ("37.37", "0.5", "0.51"),  # 0.505 rounds half up, not to even
])
def test_pro_rata_salary(full, hours, expected):
    assert pro_rata_salary(Decimal(full), Decimal(hours), Decimal("37")) == Decimal(expected)


def test_fte_is_hours_over_the_full_week():
    assert fte(Decimal("18.5"), Decimal("37")) == Decimal("0.5")


def test_to_pennies_rounds_half_up():
    assert to_pennies(Decimal("2.345")) == Decimal("2.35")
    assert to_pennies(Decimal("-2.345")) == Decimal("-2.35")


def test_missing_spine_point_is_an_error():
    with pytest.raises(SpinePointMissing):
        full_time_salary(99, {1: Decimal("1")})
