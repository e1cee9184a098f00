"""Redundancy pay and the duties that come with dismissals (DOMAIN.md 3.6). Values in, values
out: the weekly pay caps, each council's discretionary policy and the consultation thresholds
are data the caller passes in.

- Statutory redundancy pay: Employment Rights Act 1996 s.162 and s.227 (the cap on a week's pay).
- Discretionary pay: the Local Government (Early Termination of Employment) (Discretionary
  Compensation) (England and Wales) Regulations 2006, reg. 5 and 6 (up to 104 weeks' pay in all,
  actual weekly pay instead of the cap).
- Collective consultation: Trade Union and Labour Relations (Consolidation) Act 1992 s.188(1A)
  and s.193 (form HR1).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from .dates import age_on, complete_years

PENNY = Decimal("0.01")
HALF = Decimal("0.5")
ONE = Decimal(1)
ONE_AND_A_HALF = Decimal("1.5")
MAX_YEARS = 20  # s.162(3): at most twenty years count
MIN_YEARS = 2  # s.155: two years' continuous employment are needed


class RedundancyInputError(ValueError):
    """The dates or pay given cannot describe a redundancy (shown to the user as is)."""


@dataclass(frozen=True)
class WeekPayCap:
    effective_from: date
    amount: Decimal


@dataclass(frozen=True)
class CountedYear:
    starts_on: date
    ends_on: date
    age_at_start: int
    weeks: Decimal


@dataclass(frozen=True)
class StatutoryRedundancy:
    age: int
    complete_years: int  # all complete years of continuous employment
    counted_years: tuple[CountedYear, ...]  # the at most 20 years counted back from the relevant date
    weeks: Decimal
    week_pay: Decimal  # the actual week's pay, capped
    cap: Decimal
    amount: Decimal  # to the penny

    @property
    def entitled(self) -> bool:
        return self.complete_years >= MIN_YEARS


@dataclass(frozen=True)
class CouncilPolicy:
    """A council's discretionary redundancy policy (policies `redundancy` kind)."""
    week_pay: str  # "actual" (actual weekly pay) or "statutory" (the capped week's pay)
    multiplier_of_statutory_weeks: Decimal
    max_weeks: Decimal


@dataclass(frozen=True)
class CouncilRedundancy:
    weeks: Decimal
    week_pay: Decimal
    amount: Decimal  # the whole redundancy payment under the policy, statutory pay included
    top_up: Decimal  # amount beyond statutory pay
    capped_at_max_weeks: bool


def week_pay_cap(caps: Sequence[WeekPayCap], on: date) -> Decimal:
    """The limit on a week's pay in force on the relevant date (ERA 1996 s.227; raised each
    6 April by order). RedundancyInputError before the first limit held."""
    in_force = [c for c in caps if c.effective_from <= on]
    if not in_force:
        raise RedundancyInputError(f"No statutory limit on a week's pay is held for {on:%d/%m/%Y}")
    return max(in_force, key=lambda c: c.effective_from).amount


def _years_back(day_after: date, years: int) -> date:
    """The same day `years` years earlier; 29 February becomes 1 March in other years."""
    try:
        return day_after.replace(year=day_after.year - years)
    except ValueError:
        return date(day_after.year - years, 3, 1)


def _weeks_for_age(age: int) -> Decimal:
    """s.162(2): a year throughout which the employee was 41 or over earns one and a half
    weeks, 22 or over one week, younger half a week. Age only rises, so the age at the start
    of the year is the age throughout it."""
    if age >= 41:
        return ONE_AND_A_HALF
    if age >= 22:
        return ONE
    return HALF


def statutory_redundancy(date_of_birth: date, service_from: date, leaving_on: date, week_pay: Decimal,
                         caps: Sequence[WeekPayCap]) -> StatutoryRedundancy:
    """Statutory redundancy pay (ERA 1996 s.162): for each complete year of continuous
    employment, counted back from the relevant date and at most 20, a week's pay times the
    weeks the employee's age earns; nothing under two complete years. The employment runs
    from the day it began to the relevant date, both included. Rounded half up to the penny."""
    if leaving_on < service_from:
        raise RedundancyInputError("The leaving date is before the start of continuous service")
    if service_from <= date_of_birth:
        raise RedundancyInputError("Continuous service cannot start before the date of birth")
    if week_pay < 0:
        raise RedundancyInputError("A week's pay cannot be negative")
    cap = week_pay_cap(caps, leaving_on)
    years = complete_years(service_from, leaving_on)
    counted: list[CountedYear] = []
    if years >= MIN_YEARS:
        day_after = leaving_on + timedelta(days=1)
        for k in range(1, min(years, MAX_YEARS) + 1):
            starts = _years_back(day_after, k)
            ends = _years_back(day_after, k - 1) - timedelta(days=1)
            age = age_on(date_of_birth, starts)
            counted.append(CountedYear(starts, ends, age, _weeks_for_age(age)))
    weeks = sum((y.weeks for y in counted), Decimal(0))
    used = min(week_pay, cap)
    amount = (weeks * used).quantize(PENNY, rounding=ROUND_HALF_UP)
    return StatutoryRedundancy(age_on(date_of_birth, leaving_on), years, tuple(counted), weeks, used, cap, amount)


def council_redundancy(statutory: StatutoryRedundancy, actual_week_pay: Decimal,
                       policy: CouncilPolicy) -> CouncilRedundancy:
    """A council's discretionary payment (2006 Regulations): the statutory weeks times the
    policy's multiplier, at most `max_weeks` (the Regulations allow 104 in all), on actual
    weekly pay or the capped week's pay as the policy says. Nothing where there is no
    statutory entitlement. The amount includes the statutory payment."""
    if policy.week_pay not in ("actual", "statutory"):
        raise RedundancyInputError(f"Unknown week's pay basis {policy.week_pay!r}: use actual or statutory")
    week_pay = actual_week_pay if policy.week_pay == "actual" else statutory.week_pay
    if not statutory.entitled:
        return CouncilRedundancy(Decimal(0), week_pay, Decimal("0.00"), Decimal("0.00"), False)
    wanted = statutory.weeks * policy.multiplier_of_statutory_weeks
    weeks = min(wanted, policy.max_weeks)
    amount = max((weeks * week_pay).quantize(PENNY, rounding=ROUND_HALF_UP), statutory.amount)
    return CouncilRedundancy(weeks, week_pay, amount, amount - statutory.amount, wanted > policy.max_weeks)


def pension_strain_flag(age: int, lgps_years: int, min_age: int = 55, min_years: int = 2) -> bool:
    """LGPS members made redundant at 55 or over with two years' membership get their pension
    at once, unreduced; the employer pays the strain cost (worked out by the fund)."""
    return age >= min_age and lgps_years >= min_years


@dataclass(frozen=True)
class ConsultationBand:
    from_dismissals: int
    days: int


@dataclass(frozen=True)
class ConsultationDuty:
    dismissals: int
    days: int
    first_dismissal_on: date
    consult_by: date  # consultation begins on or before this date
    hr1_by: date  # the Secretary of State is notified (form HR1) on or before this date


def collective_consultation(dismissals: int, bands: Sequence[ConsultationBand],
                            first_dismissal_on: date) -> ConsultationDuty | None:
    """TULRCA 1992 s.188(1A) and s.193: proposals to dismiss 20 or more at one establishment
    within 90 days need consultation to begin at least 30 days before the first dismissal takes
    effect (45 days for 100 or more), and form HR1 by the same date. None below the lowest band."""
    days = None
    for band in sorted(bands, key=lambda b: b.from_dismissals):
        if dismissals >= band.from_dismissals:
            days = band.days
    if days is None:
        return None
    latest = first_dismissal_on - timedelta(days=days)
    return ConsultationDuty(dismissals, days, first_dismissal_on, latest, latest)


def weekly_pay(annual_salary: Decimal) -> Decimal:
    """A week's pay for someone on an annual salary: the salary over 52 weeks, to the penny
    (ERA 1996 s.221: normal working hours with pay that does not vary)."""
    return (annual_salary / 52).quantize(PENNY, rounding=ROUND_HALF_UP)
