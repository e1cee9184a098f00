"""Redundancy pay and the duties that come with dismissals (DOMAIN.md 3.6). Values in, values
out: the weekly pay caps, each council's discretionary policy and the consultation thresholds
are data the caller passes in.

- Statutory redundancy pay: Employment Rights Act 1996 s.162 and s.227 (the cap on a week's pay,
  raised by order each year: Employment Relations Act 1999 s.34). A relevant date after the
  latest cap held still answers, with that cap and a warning that a newer one is due.
- The relevant date: the day employment ends (s.145(2)), moved later where the statutory
  minimum notice, given on the day notice was given (or, with none given, the day employment
  ended), would have ended later: pay in lieu of notice, or notice shorter than s.86 requires
  (s.145(5) and (6)). It is the date service, age and the cap are taken on (s.155, s.162(1)).
- Two service dates: for redundancy pay only, continuous service with other local-government
  employers counts (Redundancy Payments (Continuity of Employment in Local Government, etc.)
  (Modification) Order 1999), so the caller passes the earlier "service date for redundancy"
  where the person has one; statutory notice counts from the continuous service date.
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
from .notice import statutory_notice_weeks, statutory_reason

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
    cap_from: date | None = None  # the day the cap used came into force
    warnings: tuple[str, ...] = ()  # e.g. no newer cap is held for the relevant date

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
    return cap_in_force(caps, on).amount


@dataclass(frozen=True)
class CapInForce:
    amount: Decimal
    effective_from: date
    next_due_on: date  # when the next value of the cap is expected (a year after the latest held)
    warning: str | None  # set when `on` is on or after next_due_on: a newer cap may apply


def _pounds(amount: Decimal) -> str:
    return f"£{amount:,.0f}" if amount == amount.to_integral_value() else f"£{amount:,.2f}"


def _long_date(on: date) -> str:
    return f"{on.day} {on:%B %Y}"


def next_due(latest_from: date) -> date:
    """When the value after one in force from `latest_from` is expected: the limits are raised by
    order once a year (Employment Relations Act 1999 s.34), on the same day each year (6 April
    since 2014; 1 February before), so a year later; 29 February gives 1 March."""
    try:
        return latest_from.replace(year=latest_from.year + 1)
    except ValueError:
        return date(latest_from.year + 1, 3, 1)


def cap_in_force(caps: Sequence[WeekPayCap], on: date) -> CapInForce:
    """The cap in force on `on`, and a warning if `on` is on or after the day the next cap was due
    and none is held: the answer uses the latest cap held, which may be too low."""
    in_force = [c for c in caps if c.effective_from <= on]
    if not in_force:
        raise RedundancyInputError(f"No statutory limit on a week's pay is held for {on:%d/%m/%Y}")
    used = max(in_force, key=lambda c: c.effective_from)
    latest = max(caps, key=lambda c: c.effective_from)
    due = next_due(latest.effective_from) if latest.effective_from.year < date.max.year else date.max
    warning = None
    if used is latest and on >= due:
        warning = f"No cap is published for dates from {_long_date(due)} yet: {_pounds(used.amount)} used"
    return CapInForce(used.amount, used.effective_from, due, warning)


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
    cap_used = cap_in_force(caps, leaving_on)
    cap = cap_used.amount
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
    return StatutoryRedundancy(age_on(date_of_birth, leaving_on), years, tuple(counted), weeks, used, cap, amount,
                               cap_used.effective_from, (cap_used.warning,) if cap_used.warning else ())


LG_CONTINUITY_ORDER = ("Redundancy Payments (Continuity of Employment in Local Government, etc.) (Modification) "
                       "Order 1999")


@dataclass(frozen=True)
class ServiceDate:
    """The day continuous employment began for redundancy pay, and why that day."""

    used: date
    basis: str  # "service date for redundancy" or "continuous service date"
    why: str


def service_date_for_redundancy(continuous_from: date, redundancy_from: date | None) -> ServiceDate:
    """For redundancy pay, continuous service with other local-government employers counts (the
    1999 Modification Order), so a person's earlier service date for redundancy is used where
    they have one; otherwise their continuous service date. A later one would count less service
    than the law gives and is refused."""
    if redundancy_from is None:
        return ServiceDate(continuous_from, "continuous service date", (
            f"The continuous service date, {continuous_from:%d/%m/%Y}: no earlier service date for redundancy is "
            "held"))
    if redundancy_from > continuous_from:
        raise RedundancyInputError(
            f"The service date for redundancy ({redundancy_from:%d/%m/%Y}) must be on or before the continuous "
            f"service date ({continuous_from:%d/%m/%Y}): it adds earlier local-government service")
    if redundancy_from == continuous_from:
        return ServiceDate(redundancy_from, "continuous service date", (
            f"The continuous service date, {continuous_from:%d/%m/%Y} (the service date for redundancy is the "
            "same day)"))
    return ServiceDate(redundancy_from, "service date for redundancy", (
        f"The service date for redundancy, {redundancy_from:%d/%m/%Y}: continuous service with other "
        f"local-government employers counts for redundancy pay ({LG_CONTINUITY_ORDER}); the continuous service "
        f"date, {continuous_from:%d/%m/%Y}, counts for notice and other rights"))


def _sixteenth_birthday(born: date) -> date:
    try:
        return born.replace(year=born.year + 16)
    except ValueError:
        return date(born.year + 16, 3, 1)


def redundancy_service_date_problem(value: date, continuous_from: date | None, born: date | None) -> str | None:
    """What is wrong with a person's service date for redundancy, in words (None if nothing): it
    adds earlier local-government service, so it is on or before the continuous service date,
    and it cannot begin before the person was 16."""
    if continuous_from is not None and value > continuous_from:
        return (f"The service date for redundancy must be on or before the continuous service date "
                f"({continuous_from:%d/%m/%Y}): it adds earlier local-government service")
    if born is not None and value < _sixteenth_birthday(born):
        return f"The service date for redundancy must be on or after the person's 16th birthday ({_sixteenth_birthday(born):%d/%m/%Y})"
    return None


@dataclass(frozen=True)
class RelevantDate:
    """The relevant date of a redundancy payment and why (ERA 1996 s.145)."""

    leaving_on: date  # the day employment ended (s.145(2))
    material_on: date | None  # s.145(6): the day notice was given, or employment ended where none was; None: not stated
    statutory_weeks: int | None  # the s.86 minimum owed on the material date
    statutory_ends_on: date | None  # the day that minimum, given on the material date, would end
    relevant_on: date
    pilon: bool
    why: str

    @property
    def moved(self) -> bool:
        return self.relevant_on != self.leaving_on


def relevant_date(continuous_from: date, leaving_on: date, notice_given_on: date | None = None,
                  pilon: bool = False) -> RelevantDate:
    """The relevant date for the statutory calculation (ERA 1996 s.145(5) and (6)). Where notice
    was paid in lieu, or was shorter than the statutory minimum (s.86), it is the day the
    statutory minimum would have ended had it been given on the material date: the day notice
    was given, or, where none was given (`pilon` without a notice date), the day employment
    ended. It is never earlier than the leaving date. With neither a notice date nor pay in lieu,
    the leaving date is used: notice is taken to have been worked. The statutory minimum counts
    continuous employment with this employer (`continuous_from`)."""
    if notice_given_on is not None and notice_given_on > leaving_on:
        raise RedundancyInputError("Notice cannot be given after the employment has ended: the date notice was "
                                   "given must be on or before the leaving date")
    if notice_given_on is None and not pilon:
        return RelevantDate(leaving_on, None, None, None, leaving_on, False, (
            f"The leaving date, {leaving_on:%d/%m/%Y} (s.145(2)): no date notice was given and no pay in lieu "
            "of notice, so the notice is taken to have been at least the statutory minimum."))
    material = notice_given_on if notice_given_on is not None else leaving_on
    weeks = statutory_notice_weeks(continuous_from, material)
    ends = material + timedelta(weeks=weeks)
    given = (f"notice given on {material:%d/%m/%Y}" if notice_given_on is not None
             else f"no notice given: employment ended on {material:%d/%m/%Y}")
    paid = ", with pay in lieu of notice" if pilon else ""
    minimum = f"the statutory minimum notice of {weeks} week{'' if weeks == 1 else 's'} ({statutory_reason(continuous_from, material)})"
    if ends > leaving_on:
        return RelevantDate(leaving_on, material, weeks, ends, ends, pilon, (
            f"Moved from the leaving date, {leaving_on:%d/%m/%Y}, to {ends:%d/%m/%Y} (s.145(5)): {given}{paid}; "
            f"{minimum}, given then, would have ended on {ends:%d/%m/%Y}."))
    return RelevantDate(leaving_on, material, weeks, ends, leaving_on, pilon, (
        f"The leaving date, {leaving_on:%d/%m/%Y} (s.145(2)): {given}{paid}; {minimum} ended on "
        f"{ends:%d/%m/%Y}, not later."))


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
