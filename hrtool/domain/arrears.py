"""Back-dated pay award arrears (DOMAIN.md 3.2: "awards are sometimes agreed late and
back-dated").

An award takes effect from its effective date (1 April, the start of the pay year) but is often
agreed months later, so people are paid the old rates until the new ones reach the payroll. The
arrears owed to a person are, for each calendar month from the month of the effective date up
to, but not including, the month the new rates are first paid:

    monthly difference = (new annual salary - old annual salary)
                         x contractual hours / full-time hours          (pro rata, Green Book)
                         / 12

A month the person was paid for only in part (they started or left part way through, changed
post, hours or point, or the award took effect part way through) counts pro rata by calendar
days: the days covered over the days in that month. A person who held two posts at once is
owed arrears on each. The total is rounded once, half up to the penny; the monthly rows are
exact, so rows shown to the penny may differ from the total by a penny or two.

Arithmetic is exact (fractions), so a total that is exactly a half penny rounds up, never down.
"""
from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from .pay import fraction_to_pennies


@dataclass(frozen=True)
class PaySpell:
    """A stretch of one contract at one rate: from `start` to `end` (both included, None for
    still going), at `hours_per_week`, with the full-time annual salary before and after the
    award."""

    start: date
    end: date | None
    hours_per_week: Decimal
    old_annual: Decimal
    new_annual: Decimal


@dataclass(frozen=True)
class ArrearsMonth:
    """One calendar month of arrears: `month` is its first day; `days` the days paid in it."""

    month: date
    days: int
    days_in_month: int
    amount: Decimal  # exact (not rounded)


@dataclass(frozen=True)
class Arrears:
    months: int  # calendar months with any arrears (a part month counts as one)
    rows: tuple[ArrearsMonth, ...]
    total: Decimal  # rounded once, half up to the penny


def first_of_month(on: date) -> date:
    return on.replace(day=1)


def next_month(month: date) -> date:
    return date(month.year + (month.month == 12), month.month % 12 + 1, 1)


def arrears_months(effective_from: date, first_paid_on: date) -> list[date]:
    """The calendar months arrears are owed for: the month of the effective date up to, not
    including, the month the new rates are first paid."""
    months: list[date] = []
    month, stop = first_of_month(effective_from), first_of_month(first_paid_on)
    while month < stop:
        months.append(month)
        month = next_month(month)
    return months


def _decimal(value: Fraction) -> Decimal:
    return Decimal(value.numerator) / Decimal(value.denominator)


def _round_half_up_to_penny(value: Fraction) -> Decimal:
    return fraction_to_pennies(value)


def arrears_owed(spells: Sequence[PaySpell], effective_from: date, first_paid_on: date,
                 full_time_hours: Decimal) -> Arrears:
    """The arrears owed for `spells` (see the module docstring for the rule)."""
    if full_time_hours <= 0:
        raise ValueError("the full-time week must be positive")
    rows: list[ArrearsMonth] = []
    exact_total = Fraction(0)
    for month in arrears_months(effective_from, first_paid_on):
        days_in_month = calendar.monthrange(month.year, month.month)[1]
        month_end = next_month(month) - timedelta(days=1)
        days = 0
        amount = Fraction(0)
        for spell in spells:
            start = max(spell.start, month, effective_from)
            end = min(spell.end or month_end, month_end)
            if end < start:
                continue
            covered = (end - start).days + 1
            monthly = (Fraction(spell.new_annual) - Fraction(spell.old_annual)) \
                * Fraction(spell.hours_per_week) / Fraction(full_time_hours) / 12
            amount += monthly * Fraction(covered, days_in_month)
            days += covered
        if days:
            rows.append(ArrearsMonth(month, days, days_in_month, _decimal(amount)))
            exact_total += amount
    return Arrears(len(rows), tuple(rows), _round_half_up_to_penny(exact_total))
