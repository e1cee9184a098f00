"""What a person was paid in each pay year (1 April to 31 March), and why it changed.

The record holds dated spans of pay: a post, hours a week and a full-time annual salary (from the
pay spine for the person's point in force then, or a local salary). Basic pay for a calendar month
follows the Green Book convention the arrears use (domain/arrears.py):

    monthly pay = full-time annual salary x hours a week / full-time hours / 12

and a month paid only in part (a start, a leaving, a change of post, hours, point or rate part way
through) counts by calendar days: the days covered over the days in that month. Pay protection
payments are the months of the person's protection schedules (each month's payment as the
schedule holds it, already pro rata). A year still going is counted up to `today`, the month in
progress by its days so far, and says so.

Arithmetic is exact (fractions); each year's basic pay and protection are rounded once, half up to
the penny, and the total is the sum of the two rounded figures (so it matches what is shown).
"""
from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from .pay import fraction_to_pennies


@dataclass(frozen=True)
class PaySpan:
    """A stretch of one contract at one rate, both ends included (`end` None: still going)."""

    start: date
    end: date | None
    employer: str
    post: str  # "Title (number)"
    hours_per_week: Decimal
    full_time_hours: Decimal
    full_time_annual: Decimal | None  # None when no salary is known (a point not on the spine)
    pay: str  # "SCP 25" or "local salary"
    reason: str = ""  # why the record began (the assignment's reason), if it began then


@dataclass(frozen=True)
class PayEvent:
    """Something dated that changed pay and is not a span of its own: a protection began or ended."""

    on: date
    what: str


@dataclass(frozen=True)
class PayChange:
    on: date
    what: str
    why: str = ""


@dataclass(frozen=True)
class PayYear:
    starts: date  # 1 April
    counted_to: date  # the last day counted: 31 March, the last day employed, or today
    in_progress: bool
    full_time_at_start: Decimal | None  # the full-time salary on the first day employed in the year
    full_time_at_end: Decimal | None  # ... and on the last day counted
    basic: Decimal  # rounded half up to the penny
    protection: Decimal  # rounded half up to the penny
    unknown_days: int  # days employed with no salary known (left out of `basic`)
    changes: tuple[PayChange, ...]

    @property
    def label(self) -> str:
        return f"{self.starts.year}/{(self.starts.year + 1) % 100:02d}"

    @property
    def total(self) -> Decimal:
        return self.basic + self.protection


def pay_year_start(on: date) -> date:
    """The 1 April that starts the pay year holding `on`."""
    return date(on.year if on >= date(on.year, 4, 1) else on.year - 1, 4, 1)


def _months(start: date, end: date) -> Iterable[tuple[date, date, int]]:
    """(first day, last day, days in month) of each calendar month's part within start..end."""
    day = start
    while day <= end:
        days_in = calendar.monthrange(day.year, day.month)[1]
        month_end = date(day.year, day.month, days_in)
        yield day, min(month_end, end), days_in
        day = month_end + timedelta(days=1)


def basic_pay(span: PaySpan, start: date, end: date) -> Fraction:
    """Exact basic pay for the part of `span` from start to end (both included)."""
    if span.full_time_annual is None or end < start:
        return Fraction(0)
    monthly = (Fraction(span.full_time_annual) * Fraction(span.hours_per_week)
               / Fraction(span.full_time_hours) / 12)
    return sum((monthly * ((last - first).days + 1) / days_in for first, last, days_in in _months(start, end)),
               Fraction(0))


def _describe(before: PaySpan | None, after: PaySpan) -> str:
    if before is None:
        return (f"Began: {after.post}, {after.employer}, {after.hours_per_week.normalize():f} hours a week, "
                f"{after.pay}")
    parts = []
    if after.employer != before.employer:
        parts.append(f"employer {before.employer} to {after.employer}")
    if after.post != before.post:
        parts.append(f"post {before.post} to {after.post}")
    if after.hours_per_week != before.hours_per_week:
        parts.append(f"hours {before.hours_per_week.normalize():f} to {after.hours_per_week.normalize():f} a week")
    if after.pay != before.pay:
        parts.append(f"{before.pay} to {after.pay}")
    if parts:
        return "Changed: " + "; ".join(parts)
    if after.full_time_annual != before.full_time_annual and after.full_time_annual and before.full_time_annual:
        return (f"Pay award: full-time salary £{before.full_time_annual:,.2f} to £{after.full_time_annual:,.2f}"
                if after.full_time_annual > before.full_time_annual else
                f"Full-time salary £{before.full_time_annual:,.2f} to £{after.full_time_annual:,.2f}")
    return ""


def pay_years(spans: Sequence[PaySpan], protection_months: Mapping[date, Decimal], events: Iterable[PayEvent],
              today: date) -> list[PayYear]:
    """Each pay year the person was employed in, up to today's, newest first (module docstring).
    `spans` may come in any order and must not overlap within one contract; `protection_months`
    maps a month's first day to the protection paid for it (all schedules summed)."""
    ordered = sorted((s for s in spans if s.start <= today), key=lambda s: s.start)
    if not ordered:
        return []
    changes = _pay_changes(ordered, events, today)
    years: list[PayYear] = []
    year = pay_year_start(ordered[0].start)
    while year <= today:
        found = _pay_year(year, ordered, protection_months, changes, today)
        if found is not None:
            years.append(found)
        year = date(year.year + 1, 4, 1)
    return list(reversed(years))


def _pay_changes(ordered: Sequence[PaySpan], events: Iterable[PayEvent], today: date) -> list[PayChange]:
    """The changes of pay in words, in span order then the events: a gap between contracts is
    "No pay", an end before today is "Left"."""
    changes: list[PayChange] = []
    for index, span in enumerate(ordered):
        previous = ordered[index - 1] if index else None
        if previous is not None and previous.end is not None and previous.end < span.start - timedelta(days=1):
            changes.append(PayChange(previous.end + timedelta(days=1), "No pay: not employed"))
            previous = None
        text = _describe(previous, span)
        if text:
            changes.append(PayChange(span.start, text, span.reason))
    last = ordered[-1]
    if last.end is not None and last.end < today:
        changes.append(PayChange(last.end + timedelta(days=1), "Left"))
    return changes + [PayChange(e.on, e.what) for e in events if e.on <= today]


def _pay_year(year: date, ordered: Sequence[PaySpan], protection_months: Mapping[date, Decimal],
              changes: Sequence[PayChange], today: date) -> PayYear | None:
    """The pay year starting `year`, counted up to today if it is the current one; None when the
    person was neither employed nor paid protection in it."""
    year_end = date(year.year + 1, 3, 31)
    counted_to = min(year_end, today)
    inside = [s for s in ordered if s.start <= counted_to and (s.end is None or s.end >= year)]
    if not inside and not any(year <= m <= counted_to for m in protection_months):
        return None
    basic = Fraction(0)
    unknown = 0
    for span in inside:
        start, end = max(span.start, year), min(span.end or counted_to, counted_to)
        if span.full_time_annual is None:
            unknown += (end - start).days + 1
        basic += basic_pay(span, start, end)
    last_day = min(inside[-1].end or counted_to, counted_to) if inside else counted_to
    return PayYear(
        year, last_day, counted_to == today and today < year_end,
        inside[0].full_time_annual if inside else None, inside[-1].full_time_annual if inside else None,
        fraction_to_pennies(basic), fraction_to_pennies(_protection_paid(protection_months, year, counted_to)), unknown,
        tuple(sorted((c for c in changes if year <= c.on <= counted_to), key=lambda c: c.on)))


def _protection_paid(protection_months: Mapping[date, Decimal], start: date, counted_to: date) -> Fraction:
    """Protection paid for the months beginning from `start` to `counted_to`, the last month pro
    rata to the days of it counted."""
    protection = Fraction(0)
    for month, paid in protection_months.items():
        if start <= month <= counted_to:
            days_in = calendar.monthrange(month.year, month.month)[1]
            counted = min(days_in, (counted_to - month).days + 1)
            protection += Fraction(paid) * counted / days_in
    return protection
