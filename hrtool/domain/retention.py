"""When a leaver's record falls due for deletion (UK GDPR Article 5(1)(e), storage limitation).

The period is a rule setting (`leaver_retention_years`), passed in; this module only does the
date arithmetic, so it is tested as a table of hand-worked cases."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date


def add_years(day: date, years: int) -> date:
    """The same day `years` later; 29 February becomes 28 February in a year that has none (the
    period has then run: it never ends after the anniversary)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class RetentionStatus:
    left_on: date  # the last day of the person's last employment
    due_on: date  # the day their record falls due for deletion
    due: bool  # due on or before `today`
    held_by: tuple[str, ...]  # reasons it must be kept anyway (an open case or claim)

    @property
    def deletable(self) -> bool:
        return self.due and not self.held_by


def retention_status(left_on: date, years: int, today: date, open_cases: int = 0) -> RetentionStatus:
    """A leaver's record is due `years` after the day their last employment ended (the councils'
    schedules: "termination of employment + 6 years", the Limitation Act 1980 period for contract
    claims). A record with a disciplinary matter, grievance or claim still open is held: it may be
    needed for that matter, whatever the date."""
    if years < 0:
        raise ValueError("a retention period cannot be negative")
    due_on = add_years(left_on, years)
    held = (f"{open_cases} open case{'s' if open_cases != 1 else ''} or claim{'s' if open_cases != 1 else ''}",) \
        if open_cases else ()
    return RetentionStatus(left_on=left_on, due_on=due_on, due=due_on <= today, held_by=held)
