"""Salaries from the pay spine, pro rata for hours. Money is Decimal; rounding happens once."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Mapping

PENNY = Decimal("0.01")


class SpinePointMissing(LookupError):
    """The pay spine holds no salary for this point in this pay year."""


def to_pennies(amount: Decimal) -> Decimal:
    """Round half up to the penny: the one rounding rule, applied at the edge (DOMAIN.md 3.5)."""
    return amount.quantize(PENNY, rounding=ROUND_HALF_UP)


def fte(hours_per_week: Decimal, full_time_hours: Decimal) -> Decimal:
    """Full-time equivalent of a contract: hours over the full-time week (37 under the Green Book)."""
    return hours_per_week / full_time_hours


def full_time_salary(scp: int, spine: Mapping[int, Decimal]) -> Decimal:
    try:
        return spine[scp]
    except KeyError:
        raise SpinePointMissing(f"SCP {scp} is not on the pay spine") from None


def pro_rata_salary(full_time: Decimal, hours_per_week: Decimal, full_time_hours: Decimal) -> Decimal:
    """Part-time pay is pro rata to the full-time week (DOMAIN.md 3.2), rounded to the penny."""
    return to_pennies(full_time * hours_per_week / full_time_hours)
