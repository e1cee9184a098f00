"""TUPE transfers under the lead authority model (DOMAIN.md 1 and 3.3): due dates, and the
terms a person holds compared term by term. Values in, values out."""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal


@dataclass(frozen=True)
class StepRule:
    key: str
    title: str
    days_before: int


@dataclass(frozen=True)
class Step:
    key: str
    title: str
    due_on: date


def timeline(transfer_date: date, rules: Sequence[StepRule]) -> list[Step]:
    """Each step due a number of days before the transfer date, earliest first. Employee
    liability information is due at least 28 days before (TUPE 2006 reg. 11(6))."""
    steps = [Step(r.key, r.title, transfer_date - timedelta(days=r.days_before)) for r in rules]
    return sorted(steps, key=lambda s: (s.due_on, s.key))


def transfer_status(stored: str, steps_done: int) -> str:
    """planned until a step is done, then in progress, until completed (or cancelled)."""
    if stored in ("completed", "cancelled"):
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
    """One numeric term side by side, with which way it cuts for the employee."""
    def shown(v: Decimal | int | None) -> str:
        return "not set" if v is None else f"{v} {unit}"

    if protected is None or lead is None or protected == lead:
        verdict = "the same" if protected == lead else "different"
    else:
        gap = abs(protected - lead)
        units = unit[:-1] if gap == 1 and unit.endswith("s") else unit
        side = "protected" if (protected > lead) == more_is_better else "lead"
        verdict = f"{gap} {units} better on {side} terms"
    return TermComparison(term, shown(protected), shown(lead), verdict)


def compare_text(term: str, protected: str, lead: str) -> TermComparison:
    same = protected.strip() == lead.strip()
    return TermComparison(term, protected or "not set", lead or "not set", "the same" if same else "different")
