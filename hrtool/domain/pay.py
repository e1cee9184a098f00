"""Salaries from the pay spine, pro rata for hours. Money is Decimal; rounding happens once."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

PENNY = Decimal("0.01")


class SpinePointMissing(LookupError):
    """The pay spine holds no salary for this point in this pay year."""


def to_pennies(amount: Decimal) -> Decimal:
    """Round half up to the penny: the one rounding rule, applied at the edge (DOMAIN.md 3.5)."""
    return amount.quantize(PENNY, rounding=ROUND_HALF_UP)


def fraction_to_pennies(value: Fraction) -> Decimal:
    """An exact amount rounded once, half up (away from zero) to the penny, as `to_pennies`."""
    pennies = abs(value) * 100
    whole = int(pennies + Fraction(1, 2))
    return to_pennies(Decimal(whole if value >= 0 else -whole) / 100)


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


# -- pay awards --------------------------------------------------------------------------------

AWARD_KINDS = ("flat_gbp", "percent")


@dataclass(frozen=True)
class AwardRule:
    """A pay award as the NJC states it: a flat amount in pounds (`flat_gbp`) or a percentage
    (`percent`) added to every point from `scp_from` to `scp_to` (both included), with some
    points deleted from the new spine (DOMAIN.md 3.2; hrtool/reference_data/njc_pay_awards.csv)."""

    kind: str
    amount: Decimal
    scp_from: int
    scp_to: int
    deleted_scps: frozenset[int] = frozenset()

    def __post_init__(self) -> None:
        if self.kind not in AWARD_KINDS:
            raise ValueError(f"unknown award kind {self.kind!r}")
        if self.scp_to < self.scp_from:
            raise ValueError(f"award range runs backwards ({self.scp_from} to {self.scp_to})")


def round_half_up_to(amount: Decimal, step: Decimal) -> Decimal:
    """Round half up to a multiple of `step` (1 gives whole pounds, 0.01 pennies)."""
    return (amount / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step


def apply_award(spine: Mapping[int, Decimal], award: AwardRule, rounding: Decimal) -> dict[int, Decimal]:
    """Next year's spine from this year's: points in the award's range get the flat amount
    added, or are raised by the percentage and rounded half up to `rounding` (the rule setting
    `spine_rounding`: £1, as NJC spines are whole pounds); points outside the range are
    unchanged; deleted points are left out. Points not on `spine` are not invented."""
    next_spine: dict[int, Decimal] = {}
    for scp, salary in sorted(spine.items()):
        if scp in award.deleted_scps:
            continue
        if award.scp_from <= scp <= award.scp_to:
            if award.kind == "flat_gbp":
                salary = salary + award.amount
            else:
                salary = round_half_up_to(salary * (100 + award.amount) / 100, rounding)
        next_spine[scp] = salary
    return next_spine


def parse_scps(text: str) -> frozenset[int]:
    """Points written as '1', '1, 2' or '1;2' (as njc_pay_awards.csv holds deleted points);
    ValueError for anything else."""
    parts = [p for p in text.replace(";", ",").replace(" ", ",").split(",") if p]
    if not all(p.isdigit() for p in parts):
        raise ValueError(f"not a list of spinal column points: {text!r}")
    return frozenset(int(p) for p in parts)
