"""Incremental progression: one spinal column point a year up to the top of the grade
(DOMAIN.md 3.2), paid on 1 April or on the anniversary of appointment to the post, as each
council's increments policy says. Rules only: facts in, a decision out."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

APRIL = "1 April"
ANNIVERSARY = "anniversary"


@dataclass(frozen=True)
class IncrementPolicy:
    date_rule: str  # "1 April" or "anniversary"
    min_months_in_post: int


@dataclass(frozen=True)
class IncrementFacts:
    scp: int | None  # None for chief officers on a local salary
    grade: str | None
    scp_min: int | None
    scp_max: int | None
    in_post_since: date  # appointment to the post (start of the run of assignments in it)
    later_change_on: date | None = None  # a change already recorded after the increment date


@dataclass(frozen=True)
class IncrementDecision:
    moves: bool
    effective_on: date | None
    new_scp: int | None
    reason: str


def _months_between(start: date, end: date) -> int:
    """Whole calendar months from start to end (1 Oct to 1 Apr is 6)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - 1 if end.day < start.day else months


def anniversary_in_month(in_post_since: date, month_of: date) -> date | None:
    """The anniversary of appointment that falls in the month of `month_of`, if it is not the
    appointment itself. An appointment on 29 February has its anniversary on 28 February."""
    if in_post_since.month != month_of.month or in_post_since.year >= month_of.year:
        return None
    day = in_post_since.day
    if (in_post_since.month, day) == (2, 29):
        try:
            return date(month_of.year, 2, 29)
        except ValueError:
            return date(month_of.year, 2, 28)
    return date(month_of.year, month_of.month, day)


def increment_decision(facts: IncrementFacts, policy: IncrementPolicy, run_on: date) -> IncrementDecision:
    """Whether one person moves up a point in the run for `run_on`, and if not, why.

    Under the 1 April rule the run is for 1 April and the increment takes effect that day. Under
    the anniversary rule the run covers the month of `run_on`: people whose anniversary of
    appointment falls in that month move on their anniversary."""
    if facts.scp is None:
        return IncrementDecision(False, None, None, "not on the NJC pay spine (local salary)")
    if facts.grade is None or facts.scp_max is None or facts.scp_min is None:
        return IncrementDecision(False, None, None, "the post has no grade")
    if policy.date_rule == APRIL:
        if (run_on.month, run_on.day) != (4, 1):
            return IncrementDecision(False, None, None, "increments are paid on 1 April")
        effective = run_on
    elif policy.date_rule == ANNIVERSARY:
        anniversary = anniversary_in_month(facts.in_post_since, run_on)
        if anniversary is None:
            return IncrementDecision(False, None, None,
                                     f"anniversary of appointment is in {facts.in_post_since:%B}, not this month")
        effective = anniversary
    else:
        raise ValueError(f"unknown increment date rule {policy.date_rule!r}")
    if facts.scp >= facts.scp_max:
        return IncrementDecision(False, None, None, f"at the top of {facts.grade} (SCP {facts.scp_max})")
    if _months_between(facts.in_post_since, effective) < policy.min_months_in_post:
        return IncrementDecision(
            False, None, None,
            f"started in the post less than {policy.min_months_in_post} months before ({facts.in_post_since:%d/%m/%Y})")
    if facts.later_change_on is not None and facts.later_change_on >= effective:
        return IncrementDecision(False, None, None,
                                 f"a change from {facts.later_change_on:%d/%m/%Y} is already recorded")
    new_scp = max(facts.scp + 1, facts.scp_min)
    return IncrementDecision(True, effective, new_scp, f"SCP {facts.scp} to {new_scp} within {facts.grade}")
