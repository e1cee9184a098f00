"""Plausible windows for the dates people enter ("dates within sense, as rules").

Every kind of date the tool takes from a person (a transfer date, a date of birth, the date an
award was agreed ...) has a window it can sensibly fall in, held as dated rule settings an
administrator can change (README: "Rules are data"; the defaults are in
hrtool/reference_data/date_windows.csv). A window has at most one lower and one upper bound
of each sort:

- `earliest`: a fixed first day (a transfer not before 1 April 1974, when today's councils
  began under the Local Government Act 1972);
- `earliest_years_ago`: no more than N years before today (a date of birth within 100 years);
- `latest_years_ahead`: no more than N years after today, 0 meaning not after today (a
  transfer at most 5 years ahead; an objection not in the future);
- `latest_years_ago`: at least N years before today (a date of birth of someone of working
  age: at least 15 years ago).

A check may add dates from the same record the value must not fall before or after (an
objection not after the transfer date; an award agreed not before its pay year starts), each
named in words. When several bounds of one side apply, the tightest one is the window's edge.

Counting years: a bound N years from today falls on the same day and month. Where that is
29 February in a year that is not a leap year, the window is never wider than it says: a lower
bound moves to 1 March and an upper bound to 28 February (so "at least 15 years ago" agrees with
`dates.age_on`: someone born on 29 February is 15 on 1 March in a common year).

Pure: values in, words out; `today` is passed in."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

# The bounds a window can hold: the last part of its rule settings' keys.
EARLIEST = "earliest"
EARLIEST_YEARS_AGO = "earliest_years_ago"
LATEST_YEARS_AHEAD = "latest_years_ahead"
LATEST_YEARS_AGO = "latest_years_ago"
PARTS = (EARLIEST, EARLIEST_YEARS_AGO, LATEST_YEARS_AHEAD, LATEST_YEARS_AGO)
KEY_PREFIX = "date_window"

# Each kind of date, as the person entering it would name it.
LABELS: dict[str, str] = {
    "transfer_date": "The transfer date",
    "objected_on": "The date of the objection",
    "step_done_on": "The date the step was done",
    "cases_checked_on": "The date the records were checked",
    "case_opened_on": "The date the matter was opened",
    "case_closed_on": "The date the matter was closed",
    "date_of_birth": "The date of birth",
    "continuous_service_date": "The continuous service date",
    "employment_start": "The employment start date",
    "change_effective_from": "The date the change takes effect",
    "leaving_date": "The last day of employment",
    "protection_start": "The protection start date",
    "protection_early_end": "The first day without protection",
    "evaluated_on": "The date of the job evaluation panel",
    "bands_from": "The date the new bands take effect",
    "policy_from": "The date the new policy version takes effect",
    "restructure_date": "The date the new structure starts",
    "appointment_start": "The start date in the new post",
    "increment_run_on": "The increment date",
    "pay_year": "The start of the pay year",
    "award_agreed_on": "The date the award was agreed",
}


def setting_key(kind: str, part: str) -> str:
    """The rule setting holding one bound of a kind's window, e.g. date_window.transfer_date.earliest."""
    return f"{KEY_PREFIX}.{kind}.{part}"


# How many years before its pay year starts an award may be agreed: a rule setting of its own,
# since the bound follows the award's pay year, not today.
YEARS_BEFORE_PAY_YEAR = setting_key("award_agreed_on", "years_before_pay_year")


@dataclass(frozen=True)
class DateWindow:
    """The bounds held for one kind of date; None where the kind has no bound of that sort."""

    earliest: date | None = None
    earliest_years_ago: int | None = None
    latest_years_ahead: int | None = None
    latest_years_ago: int | None = None


@dataclass(frozen=True)
class Anchor:
    """Another date of the same record the value must not fall before (or after), in words:
    Anchor("the transfer date", date(2027, 6, 1))."""

    name: str
    on: date


@dataclass(frozen=True)
class Edge:
    """One end of a window on a given day: the first (or last) day allowed, and why in words."""

    day: date
    words: str


@dataclass(frozen=True)
class Bounds:
    """A window on a given day: the first and last days allowed (None: open on that side)."""

    first: Edge | None
    last: Edge | None

    def holds(self, value: date) -> bool:
        return (self.first is None or value >= self.first.day) and (self.last is None or value <= self.last.day)

    def words(self) -> str:
        """The window in words: "on or after 1 April 1974 and no more than 5 years ahead (by ...)"."""
        parts = [edge.words for edge in (self.first, self.last) if edge is not None]
        return " and ".join(parts) if parts else "any date"


def long_date(day: date) -> str:
    """1 April 1974 (no leading zero)."""
    return f"{day.day} {day:%B %Y}"


def years_from(day: date, years: int, *, leap_day_to_march: bool) -> date:
    """The same day and month `years` later (earlier if negative). 29 February in a year that is
    not a leap year becomes 1 March if `leap_day_to_march`, otherwise 28 February."""
    year = day.year + years
    try:
        return day.replace(year=year)
    except ValueError:  # 29 February, and `year` is not a leap year
        return date(year, 3, 1) if leap_day_to_march else date(year, 2, 28)


def _years(n: int) -> str:
    return "1 year" if n == 1 else f"{n} years"


def _years_edge(today: date, n: int, on_today: str, otherwise: str, *, ahead: bool = False,
                leap_day_to_march: bool = False) -> Edge:
    """The day `n` whole years ahead of or ago from `today`, worded `on_today` when n is 0 and
    else by `otherwise` (its {years} and {day} filled in)."""
    day = years_from(today, n if ahead else -n, leap_day_to_march=leap_day_to_march)
    return Edge(day, f"{on_today} ({long_date(day)})" if n == 0 else
                otherwise.format(years=_years(n), day=long_date(day)))


def award_agreed_anchor(pay_year_starts: date, years_before: int) -> Anchor:
    """The earliest an award for the pay year starting `pay_year_starts` can sensibly have been
    agreed: that day (0), or up to `years_before` years earlier (a two-year agreement, like the
    NJC's of May 2016 for 2016/17 and 2017/18, is agreed before its second year starts)."""
    if years_before == 0:
        return Anchor("the start of its pay year", pay_year_starts)
    return Anchor(f"{_years(years_before)} before its pay year starts",
                  years_from(pay_year_starts, -years_before, leap_day_to_march=True))


def bounds(window: DateWindow, today: date, not_before: Sequence[Anchor] = (),
           not_after: Sequence[Anchor] = ()) -> Bounds:
    """The first and last days `window` allows on `today`, with the dates of the same record a
    value must not fall before or after. Where several bounds limit one side, the tightest wins."""
    lower: list[Edge] = []
    upper: list[Edge] = []
    if window.earliest is not None:
        lower.append(Edge(window.earliest, f"on or after {long_date(window.earliest)}"))
    if window.earliest_years_ago is not None:
        lower.append(_years_edge(today, window.earliest_years_ago, "no earlier than today",
                                 "no more than {years} ago (on or after {day})", leap_day_to_march=True))
    for anchor in not_before:
        lower.append(Edge(anchor.on, f"on or after {anchor.name} ({long_date(anchor.on)})"))
    if window.latest_years_ahead is not None:
        upper.append(_years_edge(today, window.latest_years_ahead, "no later than today",
                                 "no more than {years} ahead (by {day})", ahead=True))
    if window.latest_years_ago is not None:
        upper.append(_years_edge(today, window.latest_years_ago, "no later than today",
                                 "at least {years} ago (on or before {day})"))
    for anchor in not_after:
        upper.append(Edge(anchor.on, f"no later than {anchor.name} ({long_date(anchor.on)})"))
    # The tightest edge of each side; on a tie the first named (a held bound before an anchor):
    # max and min keep the first of equal items.
    return Bounds(max(lower, key=lambda e: e.day) if lower else None,
                  min(upper, key=lambda e: e.day) if upper else None)


def date_problem(label: str, value: date, window: DateWindow, today: date, not_before: Sequence[Anchor] = (),
                 not_after: Sequence[Anchor] = ()) -> str | None:
    """None if `value` falls in the window on `today`; otherwise the problem in words naming the
    date and the whole window: "The transfer date must be on or after 1 April 1974 and no more
    than 5 years ahead (by 3 December 2031)"."""
    found = bounds(window, today, not_before, not_after)
    if found.holds(value):
        return None
    return f"{label} must be {found.words()}"


def held_warning(what: str, value: date, window: DateWindow, today: date, not_before: Sequence[Anchor] = (),
                 not_after: Sequence[Anchor] = (), action: str = "correct it") -> str | None:
    """For a date already held that falls outside its window (entered before the window was a
    rule): "This transfer's date, 1 January 1900, is outside the plausible window (on or after
    ...): correct it." (`action` says what the reader should do.) None if it is inside."""
    found = bounds(window, today, not_before, not_after)
    if found.holds(value):
        return None
    return f"{what}, {long_date(value)}, is outside the plausible window ({found.words()}): {action}."


def window_from(values: Mapping[str, date | int]) -> DateWindow:
    """A window from its held values by part (the last part of each setting's key). A part held
    with the wrong type is a ValueError: the rules editor keeps each setting to its type."""
    def as_date(part: str) -> date | None:
        value = values.get(part)
        if value is None:
            return None
        if not isinstance(value, date):
            raise ValueError(f"{part} must be a date, not {value!r}")
        return value

    def as_years(part: str) -> int | None:
        value = values.get(part)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"{part} must be a whole number of years, 0 or more, not {value!r}")
        return value

    return DateWindow(earliest=as_date(EARLIEST), earliest_years_ago=as_years(EARLIEST_YEARS_AGO),
                      latest_years_ahead=as_years(LATEST_YEARS_AHEAD), latest_years_ago=as_years(LATEST_YEARS_AGO))
