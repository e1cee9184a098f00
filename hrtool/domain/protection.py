"""Pay protection: a person's schedule month by month, and its cost by financial year.

DOMAIN.md 3.5 defines the two policy kinds exactly; this module applies them and nothing else:

- **tapered** (CCDC's illustrative policy): the *difference* is the old salary minus the new
  salary on the start date, fixed in cash. Each phase, run back to back from the start date,
  pays its share of that difference. The new salary still receives pay awards and increments,
  so the person's total can rise above the old salary; that is the policy, not a slip.
- **cash-frozen** (SBC's): the *protected salary* is the old salary on the start date. While a
  phase lasts it pays its share of (protected salary minus the new salary on that date), never
  below zero, so awards and increments on the new salary erode it.

Under both, protection ends at the end of the last phase, on the first date the new salary
reaches the old salary on the start date, or on an early-ending event (promotion, a voluntary
move, leaving...), whichever comes first. All salaries given here are annual and full-time;
payments are pro rata to contractual hours over the full-time week when the policy says so.
Money rounds half up to the penny on output (each month's payment is what payroll pays, so a
cost is the sum of those rounded payments).
"""
from __future__ import annotations

import calendar
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from itertools import pairwise

from .dates import pay_year_start
from .pay import to_pennies

TAPERED = "tapered"
CASH_FROZEN = "cash-frozen"
KINDS = (TAPERED, CASH_FROZEN)

END_LAST_PHASE = "the last phase ended"
END_CAUGHT_UP = "the new salary reached the old salary"
END_EARLY = "an early-ending event"

MONTHS_A_YEAR = Decimal(12)

# (from_date, value) pairs sorted by date: a value holds from its date until the next one's.
Steps = Sequence[tuple[date, Decimal]]


class PolicyProblem(ValueError):
    """A pay protection policy body that cannot be applied (unknown kind, bad phases)."""


@dataclass(frozen=True)
class Phase:
    months: int
    share_of_difference: Decimal  # 0 to 1: the part of the difference this phase pays


@dataclass(frozen=True)
class ProtectionPolicy:
    kind: str
    phases: tuple[Phase, ...]
    pro_rata_for_hours: bool = True
    name: str = ""

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise PolicyProblem(f"unknown pay protection kind {self.kind!r} (known: {', '.join(KINDS)})")
        if not self.phases:
            raise PolicyProblem("a pay protection policy needs at least one phase")
        for phase in self.phases:
            if phase.months < 1:
                raise PolicyProblem("each phase must last at least one month")
            if not Decimal(0) <= phase.share_of_difference <= Decimal(1):
                raise PolicyProblem("each phase's share of the difference must be between 0 and 1")

    @property
    def months(self) -> int:
        """How long protection can last at most, in months."""
        return sum(phase.months for phase in self.phases)

    @classmethod
    def from_body(cls, body: Mapping[str, object], name: str = "") -> ProtectionPolicy:
        """A policy from a `pay_protection` Policy body (policies_illustrative.toml): kind, phases
        of {months, share_of_difference} with numbers as Decimal strings, pro_rata_for_hours."""
        raw_phases = body.get("phases")
        if not isinstance(raw_phases, list):
            raise PolicyProblem("the policy has no list of phases")
        phases = []
        for raw in raw_phases:
            if not isinstance(raw, Mapping):
                raise PolicyProblem("each phase must give months and share_of_difference")
            try:
                months = int(str(raw["months"]))
                share = Decimal(str(raw["share_of_difference"]))
            except (KeyError, ValueError, InvalidOperation):
                raise PolicyProblem("each phase must give whole months and a share_of_difference number") from None
            phases.append(Phase(months, share))
        return cls(kind=str(body.get("kind", "")), phases=tuple(phases),
                   pro_rata_for_hours=bool(body.get("pro_rata_for_hours", True)), name=name)

    def phase_starts(self, start: date) -> list[tuple[date, int, Phase]]:
        """Each phase's first day, its number (from 1) and the phase, running back to back from
        `start`."""
        starts, months = [], 0
        for number, phase in enumerate(self.phases, start=1):
            starts.append((add_months(start, months), number, phase))
            months += phase.months
        return starts


@dataclass(frozen=True)
class ProtectionEnd:
    ends_on: date  # the first day without protection
    reason: str  # END_LAST_PHASE, END_CAUGHT_UP or END_EARLY


@dataclass(frozen=True)
class ProtectionMonth:
    """One calendar month of a schedule. Annual figures are at the person's contractual hours and
    are those in force on the month's first protected day."""

    month: date  # the first day of the calendar month
    starts_on: date  # the first day protected in this month (the start date in the first month)
    ends_on: date  # the last day protected in this month (earlier in the month protection ends)
    phase: int  # numbered from 1
    share_of_difference: Decimal
    new_salary: Decimal  # annual
    protection: Decimal  # annual rate of the protection payment
    total: Decimal  # annual: new salary plus protection
    payment: Decimal  # paid for this month


def _days_in_month(year: int, month: int) -> int:
    if month == 2:
        return 29 if calendar.isleap(year) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def add_months(start: date, months: int) -> date:
    """The same day `months` later, or the month's last day if it is shorter (31 Jan + 1 = 28/29 Feb).
    Always counted from `start`, so a schedule from 31 January keeps returning to the 31st."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, _days_in_month(year, month)))


def value_on(steps: Steps, on: date) -> Decimal:
    """The value of a step series in force on a date."""
    current: Decimal | None = None
    for from_date, value in steps:
        if from_date > on:
            break
        current = value
    if current is None:
        raise ValueError(f"no value is given from {on} or earlier")
    return current


def _check_steps(steps: Steps, start: date, what: str) -> None:
    if not steps:
        raise ValueError(f"give at least one {what}")
    dates = [d for d, _ in steps]
    if dates != sorted(dates) or len(set(dates)) != len(dates):
        raise ValueError(f"{what} steps must be in date order, one per date")
    if dates[0] > start:
        raise ValueError(f"the first {what} must apply on or before the start date {start}")


def protection_end(policy: ProtectionPolicy, old_salary: Decimal, new_salary: Steps, start: date,
                   ends_early_on: date | None = None) -> ProtectionEnd:
    """When protection stops (DOMAIN.md 3.5): the earliest of the end of the last phase, the first
    date the new salary reaches the old salary on the start date, and an early-ending event. If the
    new salary already reaches the old one on the start date, protection ends where it starts."""
    _check_steps(new_salary, start, "new salary")
    candidates = [(add_months(start, policy.months), END_LAST_PHASE)]
    if value_on(new_salary, start) >= old_salary:
        candidates.append((start, END_CAUGHT_UP))
    else:
        caught_up = next((d for d, salary in new_salary if d > start and salary >= old_salary), None)
        if caught_up is not None:
            candidates.append((caught_up, END_CAUGHT_UP))
    if ends_early_on is not None:
        candidates.append((max(ends_early_on, start), END_EARLY))
    # min keeps the first of equal dates: the phases running out is the plainest reason to give.
    ends_on, reason = min(candidates, key=lambda c: c[0])
    return ProtectionEnd(ends_on, reason)


def protection_schedule(policy: ProtectionPolicy, old_salary: Decimal, new_salary: Steps, start: date,
                        hours: Decimal | Steps, full_time_hours: Decimal,
                        ends_early_on: date | None = None) -> list[ProtectionMonth]:
    """The schedule calendar month by calendar month from `start` until protection ends
    (DOMAIN.md 3.5).

    `old_salary` is the full-time annual salary before the move; `new_salary` gives the
    full-time annual salary of the new post as dated steps (the first on or before `start`),
    so pay awards and increments are steps; `hours` is the contractual week, fixed or as steps.

    A month's payment is one twelfth of the annual protection for each day at that rate over
    the days in the month: a full month at one rate pays annual / 12, and a month that protection
    starts or ends in part way, or in which the phase, the new salary or the hours change, adds
    up each part at its own rate. The payment is rounded half up to the penny once.
    """
    end = protection_end(policy, old_salary, new_salary, start, ends_early_on)
    hour_steps: Steps = hours if not isinstance(hours, Decimal) else [(start, hours)]
    _check_steps(hour_steps, start, "hours")
    difference = old_salary - value_on(new_salary, start)  # tapered: fixed in cash on the start date
    phases = policy.phase_starts(start)
    changes = sorted({d for d, _ in new_salary} | {d for d, _ in hour_steps} | {d for d, _, _ in phases})

    def rates_on(day: date) -> tuple[int, Phase, Decimal, Decimal]:
        """Phase number, phase, annual new salary and annual protection (at the hours) on a day."""
        _, number, phase = [p for p in phases if p[0] <= day][-1]
        full_time_new = value_on(new_salary, day)
        if policy.kind == TAPERED:
            full_time_protection = phase.share_of_difference * difference
        else:
            full_time_protection = max(Decimal(0), phase.share_of_difference * (old_salary - full_time_new))
        share_of_week = value_on(hour_steps, day) / full_time_hours
        protection = full_time_protection * (share_of_week if policy.pro_rata_for_hours else Decimal(1))
        return number, phase, full_time_new * share_of_week, protection

    schedule: list[ProtectionMonth] = []
    month = date(start.year, start.month, 1)
    while month < end.ends_on:
        next_month = add_months(month, 1)
        first, stop = max(month, start), min(next_month, end.ends_on)
        cuts = [first, *[d for d in changes if first < d < stop], stop]
        days_in_month = Decimal((next_month - month).days)
        payment = sum((rates_on(a)[3] / MONTHS_A_YEAR * Decimal((b - a).days) / days_in_month
                       for a, b in pairwise(cuts)), Decimal(0))
        number, phase, salary, protection = rates_on(first)
        schedule.append(ProtectionMonth(
            month=month, starts_on=first, ends_on=stop - timedelta(days=1), phase=number,
            share_of_difference=phase.share_of_difference, new_salary=to_pennies(salary),
            protection=to_pennies(protection), total=to_pennies(salary + protection), payment=to_pennies(payment)))
        month = next_month
    return schedule


def financial_year(on: date) -> str:
    """The financial year (April to March) holding a date, as councils write it: '2026/27'."""
    first = pay_year_start(on).year
    return f"{first}/{(first + 1) % 100:02d}"


def cost_by_financial_year(schedule: Sequence[ProtectionMonth]) -> dict[str, Decimal]:
    """The protection payments summed by financial year (April to March), in year order."""
    costs: dict[str, Decimal] = {}
    for month in schedule:
        year = financial_year(month.month)
        costs[year] = costs.get(year, Decimal(0)) + month.payment
    return dict(sorted(costs.items()))


# -- following the new post's pay over time ------------------------------------------

# The events that can end protection early, as the illustrative policies name them
# (`ends_early_on`), with how the tool says each in plain words. Catching up is worked out from
# the schedule itself; the others are recorded by HR with the date.
PROMOTION = "promotion"
VOLUNTARY_MOVE = "voluntary move to a lower graded post"
CATCHING_UP = "new salary reaches protected salary"
LEAVING = "leaving"
EARLY_ENDINGS = {
    PROMOTION: "promoted",
    VOLUNTARY_MOVE: "moved voluntarily to a lower graded post",
    LEAVING: "left the council's employment",
}


def pay_year_starts(after: date, before: date) -> list[date]:
    """Every 1 April strictly after `after` and strictly before `before`: the days pay awards
    take effect."""
    year = after.year if (after.month, after.day) < (4, 1) else after.year + 1
    starts = []
    while date(year, 4, 1) < before:
        starts.append(date(year, 4, 1))
        year += 1
    return starts


def salary_steps(start: date, start_value: Decimal, change_dates: Sequence[date],
                 value_on_day: Callable[[date], Decimal]) -> list[tuple[date, Decimal]]:
    """A dated series from `start_value` on `start`, then `value_on_day` on each change date after
    the start (pay years, increments, changes of hours...), leaving out steps that change nothing."""
    steps = [(start, start_value)]
    for day in sorted({d for d in change_dates if d > start}):
        value = value_on_day(day)
        if value != steps[-1][1]:
            steps.append((day, value))
    return steps


def early_ending_kinds(ends_early_on: Sequence[str]) -> list[str]:
    """The events HR can record from a policy's `ends_early_on` list (catching up is automatic)."""
    return [kind for kind in ends_early_on if kind in EARLY_ENDINGS]


def end_in_words(end: ProtectionEnd, early_kind: str = "") -> str:
    """Why protection ends, in plain words for the person protected."""
    if end.reason == END_EARLY:
        return f"Your protection ends because you {EARLY_ENDINGS.get(early_kind, 'had an early-ending event')}."
    if end.reason == END_CAUGHT_UP:
        return "Your protection ends because your new salary reaches the salary you had before."
    return "Your protection ends because the protection period in your council's policy comes to an end."


# -- months already paid, and what a statement says ---------------------------------

@dataclass(frozen=True)
class MonthAdjustment:
    """A month already paid whose payment changed: `paid` is what had been paid (or settled) for
    it, `due` what is due now. More than 0 in `difference` is an underpayment."""

    month: date
    paid: Decimal
    due: Decimal

    @property
    def difference(self) -> Decimal:
        return self.due - self.paid


def is_paid(month: date, changed_on: date) -> bool:
    """A month counts as paid once it has ended: its last day is before the day of the change."""
    return add_months(month, 1) <= changed_on


def paid_months_changed(held: Mapping[date, Decimal], due: Mapping[date, Decimal],
                        changed_on: date) -> list[MonthAdjustment]:
    """The adjustments a change of schedule on `changed_on` makes. `held` is each
    month's payment in the schedule held before the change, `due` in the schedule after it. Every
    month that has ended before `changed_on` (is_paid) and whose payment changed gets one: what was
    held counts as paid (a month not held was paid nothing) and what is due now replaces it, so
    the difference is paid or recovered instead of being silently rewritten. Months still to come
    change freely. In month order."""
    found = []
    for month in sorted(set(held) | set(due)):
        if not is_paid(month, changed_on):
            continue
        paid, now = held.get(month, Decimal("0.00")), due.get(month, Decimal("0.00"))
        if paid != now:
            found.append(MonthAdjustment(month, paid, now))
    return found


@dataclass(frozen=True)
class AdjustmentSpan:
    """Adjustments of consecutive months recorded together, all one way (all underpaid or all
    overpaid), for a statement: "Underpaid £90.12 for October 2025 to March 2026"."""

    first_month: date
    last_month: date
    difference: Decimal  # their sum: more than 0 underpaid, less than 0 overpaid
    recorded_on: date
    why: str


def adjustment_spans(adjustments: Sequence[tuple[date, Decimal, date, str]]) -> list[AdjustmentSpan]:
    """Group (month, difference, recorded on, why) into spans of consecutive months with the same
    recording, the same reason and the same direction, in the order recorded, then by month."""
    spans: list[AdjustmentSpan] = []
    for month, difference, recorded_on, why in sorted(adjustments, key=lambda a: (a[2], a[3], a[0])):
        if difference == 0:
            continue
        last = spans[-1] if spans else None
        if (last is not None and last.recorded_on == recorded_on and last.why == why
                and (last.difference > 0) == (difference > 0) and add_months(last.last_month, 1) == month):
            spans[-1] = AdjustmentSpan(last.first_month, month, last.difference + difference, recorded_on, why)
        else:
            spans.append(AdjustmentSpan(month, month, difference, recorded_on, why))
    return spans


@dataclass(frozen=True)
class PhaseSpan:
    """A phase as a schedule actually reaches it: its first and last protected days."""

    number: int
    first_day: date
    last_day: date
    share_of_difference: Decimal


def phases_reached(policy: ProtectionPolicy, start: date, ends_on: date) -> list[PhaseSpan]:
    """The policy's phases from `start` that begin before protection ends on `ends_on` (the first
    day without), each cut at that end: what a statement may promise, no more."""
    spans = []
    starts = policy.phase_starts(start)
    for index, (first, number, phase) in enumerate(starts):
        if first >= ends_on:
            break
        following = starts[index + 1][0] if index + 1 < len(starts) else add_months(start, policy.months)
        spans.append(PhaseSpan(number, first, min(following, ends_on) - timedelta(days=1),
                               phase.share_of_difference))
    return spans


def length_of(start: date, ends_on: date) -> tuple[int, int]:
    """How long protection lasts from `start` to `ends_on` (the first day without), as whole
    months counted as add_months does, then days."""
    if ends_on <= start:
        return 0, 0
    months = 0
    while add_months(start, months + 1) <= ends_on:
        months += 1
    return months, (ends_on - add_months(start, months)).days
