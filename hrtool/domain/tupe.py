"""TUPE transfers under the lead authority model (DOMAIN.md 1 and 3.3): due dates, and the
terms a person holds compared term by term. Values in, values out."""
from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal


@dataclass(frozen=True)
class StepRule:
    """A step of the transfer checklist policy: due `days_before` calendar days before the
    transfer date (practice lead times, held as data)."""
    key: str
    title: str
    days_before: int


@dataclass(frozen=True)
class Step:
    key: str
    title: str
    due_on: date


ELI_KEY = "eli_sent"
ELI_TITLE = "Employee liability information sent to the transferee (reg. 11(6))"


def eli_due_by(transfer_date: date, clear_days: int) -> date:
    """The last day employee liability information may reach the transferee (TUPE 2006 reg.
    11(6)): "not less than 28 days before the relevant transfer" (14 for transfers before 1 May
    2014) read as clear days, so neither the day it is given nor the transfer day counts. 28
    clear days before a transfer on 1 May 2014 leaves 3 to 30 April clear: the last day is
    2 April, the transfer date minus 29 days (`clear_days` + 1)."""
    if clear_days < 0:
        raise ValueError("a period of clear days cannot be negative")
    return transfer_date - timedelta(days=clear_days + 1)


def timeline(transfer_date: date, rules: Sequence[StepRule], eli_clear_days: int) -> list[Step]:
    """Each step of the checklist policy due its lead time before the transfer date, and the
    statutory step: employee liability information by the last day that leaves `eli_clear_days`
    clear days before the transfer (`eli_due_by`; the period held as dated rule data for the
    transfer date). A policy step keyed `eli_sent` (versions made before the period was held as
    a rule) gives only its title: the law, not a lead time, fixes that date. Earliest first;
    steps due the same day in the policy's order."""
    steps = [Step(r.key, r.title, transfer_date - timedelta(days=r.days_before)) for r in rules if r.key != ELI_KEY]
    title = next((r.title for r in rules if r.key == ELI_KEY), ELI_TITLE)
    steps.append(Step(ELI_KEY, title, eli_due_by(transfer_date, eli_clear_days)))
    return sorted(steps, key=lambda s: s.due_on)


def step_order_problems(rules: Sequence[StepRule]) -> list[str]:
    """Steps a policy puts the wrong way round. Regulation 13(4): the transferee gives the
    transferor its measures in time for the transferor to pass them to the unions, so the
    transferee's measures (`measures_letter`) are due before the information-and-consultation
    letter (`inform_representatives`)."""
    due = {r.key: r.days_before for r in rules}
    problems = []
    if "measures_letter" in due and "inform_representatives" in due \
            and due["measures_letter"] <= due["inform_representatives"]:
        problems.append("The transferee's measures must be due before the information-and-consultation letter "
                        "(TUPE reg. 13(4)): give the measures step more days before the transfer than the letter")
    return problems


# -- working days to plan by ---------------------------------------------------------------------

@dataclass(frozen=True)
class PlanBy:
    """A due date and the day to plan by: the due date itself when it is a working day, else the
    working day before it. `closed` are the bank holidays on weekdays in the run of days the
    office is shut around the due date (from the day after `plan_on` to the day before it opens
    again), which is why."""
    due_on: date
    plan_on: date
    closed: tuple[date, ...]

    @property
    def differs(self) -> bool:
        return self.plan_on != self.due_on


def is_working_day(day: date, bank_holidays: Collection[date]) -> bool:
    """Monday to Friday and not a bank holiday (England and Wales)."""
    return day.weekday() < 5 and day not in bank_holidays


def plan_by(due_on: date, bank_holidays: Collection[date]) -> PlanBy:
    """The working day on or before `due_on` (a legal last day on a weekend or bank holiday is
    still the legal last day; the work is planned for the working day before it)."""
    plan_on = due_on
    while not is_working_day(plan_on, bank_holidays) and plan_on > date.min + timedelta(days=7):
        plan_on -= timedelta(days=1)
    if plan_on == due_on or not is_working_day(plan_on, bank_holidays):
        return PlanBy(due_on, due_on, ())  # a working day (or none before the calendar starts)
    shut = []
    day = plan_on + timedelta(days=1)
    while day < date.max - timedelta(days=7) and (day <= due_on or not is_working_day(day, bank_holidays)):
        if day.weekday() < 5 and day in bank_holidays:
            shut.append(day)
        day += timedelta(days=1)
    return PlanBy(due_on, plan_on, tuple(shut))


def _long(day: date, year: bool = True) -> str:
    return f"{day:%A} {day.day} {day:%B}" + (f" {day.year}" if year else "")


def plan_note(plan: PlanBy) -> str | None:
    """In words, where the day to plan by differs from the due date: "Due by Sunday 5 April
    2026; plan for Thursday 2 April 2026: Friday 3 April and Monday 6 April are bank holidays"."""
    if not plan.differs:
        return None
    if plan.closed:
        days = [_long(d, year=d.year != plan.due_on.year) for d in plan.closed]
        listed = days[0] if len(days) == 1 else ", ".join(days[:-1]) + " and " + days[-1]
        why = f"{listed} {'is a bank holiday' if len(days) == 1 else 'are bank holidays'}"
    else:
        why = "the due date is at a weekend"
    return f"Due by {_long(plan.due_on)}; plan for {_long(plan.plan_on)}: {why}"


def transfer_status(stored: str, steps_done: int) -> str:
    """planned until a step is done, then in progress, until completed (or cancelled, or
    withdrawn)."""
    if stored in ("completed", "cancelled", "withdrawn"):
        return stored
    return "in progress" if steps_done else "planned"


@dataclass(frozen=True)
class LeaveBand:
    from_years: int
    days: int


def annual_leave_days(bands: Sequence[LeaveBand], complete_years_of_service: int) -> int:
    """Days of annual leave (excluding bank holidays) for a length of continuous service."""
    eligible = [b for b in bands if b.from_years <= complete_years_of_service]
    if not eligible:
        raise ValueError("no annual leave band applies")
    return max(eligible, key=lambda b: b.from_years).days


@dataclass(frozen=True)
class NoticeBand:
    grades: str  # "A-F", "1-6", "11-12"
    months: int


def _grade_key(grade: str) -> str:
    """'Grade 7' -> '7'; 'F' -> 'F'."""
    match = re.search(r"([A-Za-z]|\d+)$", grade.strip())
    return match.group(1).upper() if match else grade.strip().upper()


def notice_months(bands: Sequence[NoticeBand], grade: str | None) -> int | None:
    """Contractual notice by grade band ('A-F' covers A to F; '7-10' covers 7 to 10)."""
    if not grade:
        return None
    key = _grade_key(grade)
    for band in bands:
        low, _, high = band.grades.partition("-")
        high = high or low
        if key.isdigit() and low.isdigit() and high.isdigit():
            if int(low) <= int(key) <= int(high):
                return band.months
        elif not key.isdigit() and not low.isdigit() and low.upper() <= key <= high.upper():
            return band.months
    return None


@dataclass(frozen=True)
class TermComparison:
    term: str
    protected: str
    lead: str
    verdict: str  # "better on protected terms", "better on lead terms", "the same", "different"


def compare_number(term: str, protected: Decimal | int | None, lead: Decimal | int | None, unit: str,
                   more_is_better: bool = True) -> TermComparison:
    """One numeric term side by side, with which way it cuts for the employee. Written as people
    write them: "1 month", "2 months"; money (unit "GBP") as "£25,992.00"."""
    def shown(v: Decimal | int | None) -> str:
        if v is None:
            return "not set"
        if unit == "GBP":
            return f"£{v:,.2f}"
        return f"{v} {unit[:-1] if v == 1 and unit.endswith('s') else unit}"

    if protected is None or lead is None or protected == lead:
        verdict = "the same" if protected == lead else "different"
    else:
        side = "protected" if (protected > lead) == more_is_better else "lead"
        verdict = f"{shown(Decimal(str(abs(protected - lead))))} better on {side} terms"
    return TermComparison(term, shown(protected), shown(lead), verdict)


def compare_text(term: str, protected: str, lead: str) -> TermComparison:
    same = protected.strip() == lead.strip()
    return TermComparison(term, protected or "not set", lead or "not set", "the same" if same else "different")
