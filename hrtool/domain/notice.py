"""Notice of dismissal (DOMAIN.md 3.6): the statutory minimum an employer must give, beside the
contractual notice of the person's terms; the notice to give is the longer. Values in, values out.

- Statutory minimum: Employment Rights Act 1996 s.86(1). An employee continuously employed for
  one month or more is owed at least one week's notice while under two years; one week for each
  complete year of continuous employment from two years to twelve; twelve weeks from twelve
  years. Under one month there is no statutory minimum.
- The period of continuous employment begins with the day the employee started and ends with
  the day notice is given, both included (s.211(1)), so it is counted as `dates.complete_years`
  counts it. For notice it is the continuous service date with this employer: earlier service
  with other local-government employers counts for redundancy pay only (see redundancy.py).
- Notice given on a day runs from the next day: a week's notice given on Monday 1 June ends on
  Monday 8 June; a month's notice given on 15 January ends on 15 February (on the month's last
  day where it is shorter: given on 31 January, it ends on 28 or 29 February).
- Contractual notice comes from the terms the person is on (their terms package's notice by
  grade band, in months): data the caller passes in.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from .dates import complete_years
from .protection import add_months
from .tupe import NoticeBand, notice_months

MAX_WEEKS = 12  # s.86(1)(c)
WEEKS_FROM_YEARS = 2  # s.86(1)(b): one week a year from two years
MAX_CONTRACTUAL_MONTHS = 60  # no contract gives more; a larger figure is a typing mistake
CHIEF_OFFICERS = "chief officer"  # a notice band for posts on local (JNC) bands, named so


class NoticeInputError(ValueError):
    """The dates or periods given cannot describe notice (shown to the user as is)."""


def _day(on: date) -> str:
    return f"{on:%d/%m/%Y}"


def _weeks(n: int) -> str:
    return f"{n} week{'' if n == 1 else 's'}"


def _months(n: int) -> str:
    return f"{n} month{'' if n == 1 else 's'}"


def _month_later(start: date) -> date:
    """The day a month's employment from `start` is complete: the same day next month, or the
    1st of the month after where that month is shorter (as a year begun on 29 February is
    complete on 1 March)."""
    later = add_months(start, 1)
    return later if later.day == start.day else later + timedelta(days=1)


def employed_a_month(service_from: date, on: date) -> bool:
    """s.86(1) applies once the employee has been continuously employed for one month or more:
    from 1 January, on 31 January (both days included)."""
    return on + timedelta(days=1) >= _month_later(service_from)


def statutory_notice_weeks(service_from: date, given_on: date) -> int:
    """The statutory minimum notice in weeks for notice given on `given_on` (ERA 1996 s.86(1))."""
    if given_on < service_from or not employed_a_month(service_from, given_on):
        return 0
    years = complete_years(service_from, given_on)
    if years < WEEKS_FROM_YEARS:
        return 1
    return min(years, MAX_WEEKS)


def statutory_reason(service_from: date, given_on: date) -> str:
    """Why the statutory minimum is what it is, citing s.86(1)."""
    weeks = statutory_notice_weeks(service_from, given_on)
    years = complete_years(service_from, given_on)
    if weeks == 0:
        return f"under one month's continuous employment on {_day(given_on)}: no statutory minimum (s.86(1))"
    if years < WEEKS_FROM_YEARS:
        return (f"{years} complete year{'' if years == 1 else 's'} of continuous employment on {_day(given_on)}, "
                "at least one month but under two years: one week (s.86(1)(a))")
    if years < MAX_WEEKS:
        return (f"{years} complete years of continuous employment on {_day(given_on)}: one week for each "
                "(s.86(1)(b))")
    return f"{years} complete years of continuous employment on {_day(given_on)}: twelve weeks, the most (s.86(1)(c))"


def statutory_notice_ends(service_from: date, given_on: date) -> date:
    """The day the statutory minimum notice given on `given_on` ends (the day itself if none is owed)."""
    return given_on + timedelta(weeks=statutory_notice_weeks(service_from, given_on))


def contractual_notice_months(bands: Sequence[NoticeBand], grade: str | None, chief_officer: bool = False) -> int | None:
    """The notice a terms package gives for a grade (its bands, 'A-F' or '7-10'); for a chief
    officer (a post on a local band, with no grade) the band named 'Chief officers'. None if the
    package holds none for the post."""
    if chief_officer:
        for band in bands:
            if band.grades.strip().lower().startswith(CHIEF_OFFICERS):
                return band.months
        return None
    return notice_months(bands, grade)


@dataclass(frozen=True)
class Notice:
    """The notice owed for notice given on `given_on`: the statutory minimum and the contract's,
    each with the day it ends; the longer governs."""

    service_from: date  # the continuous service date the statutory minimum is counted from
    given_on: date
    statutory_weeks: int
    statutory_ends_on: date
    statutory_why: str
    contractual_months: int | None  # None: the terms hold no notice for this person
    contractual_ends_on: date | None
    contractual_source: str  # where the contractual figure comes from, or why there is none
    governs: str  # "statutory", "contractual" or "both" (they end on the same day)
    ends_on: date  # the earliest day employment can end with the notice owed
    why: str

    @property
    def statutory_words(self) -> str:
        return _weeks(self.statutory_weeks)

    @property
    def contractual_words(self) -> str | None:
        return None if self.contractual_months is None else _months(self.contractual_months)

    @property
    def governs_words(self) -> str:
        """Which notice is the longer, in a few words."""
        if self.contractual_months is None:
            return "no contractual notice is known"
        return {"contractual": "the contractual notice is longer", "statutory": "the statutory minimum is longer",
                "both": "both end on the same day"}[self.governs]

    @property
    def words(self) -> str:
        """The notice to give, as a person would say it: '3 months' or '7 weeks'."""
        if self.governs == "contractual" and self.contractual_months is not None:
            return _months(self.contractual_months)
        if self.statutory_weeks == 0 and self.contractual_months is None:
            return "none owed by statute"
        return _weeks(self.statutory_weeks)


def _check_months(contractual_months: int | None) -> None:
    if contractual_months is not None and not 0 <= contractual_months <= MAX_CONTRACTUAL_MONTHS:
        raise NoticeInputError(f"Contractual notice must be between 0 and {MAX_CONTRACTUAL_MONTHS} months")


def notice_from(service_from: date, given_on: date, contractual_months: int | None,
                contractual_source: str = "the contract") -> Notice:
    """The notice owed when it is given on `given_on`: the statutory minimum (s.86) and the
    contractual notice, each ending on its own day; the one ending later is the notice to give.
    `contractual_source` names where the contractual figure comes from, for the reason."""
    _check_months(contractual_months)
    weeks = statutory_notice_weeks(service_from, given_on)
    statutory_ends = given_on + timedelta(weeks=weeks)
    statutory_why = statutory_reason(service_from, given_on)
    statutory = f"the statutory minimum of {_weeks(weeks)}, ending {_day(statutory_ends)} ({statutory_why})"
    if contractual_months is None:
        why = f"No contractual notice is known ({contractual_source}), so the notice to give is {statutory}."
        return Notice(service_from, given_on, weeks, statutory_ends, statutory_why, None, None, contractual_source,
                      "statutory", statutory_ends, why)
    contractual_ends = add_months(given_on, contractual_months)
    contractual = (f"the contractual notice of {_months(contractual_months)}, ending {_day(contractual_ends)} "
                   f"({contractual_source})")
    if contractual_ends > statutory_ends:
        governs, ends = "contractual", contractual_ends
        why = f"The notice to give is the longer: {contractual} is longer than {statutory}."
    elif statutory_ends > contractual_ends:
        governs, ends = "statutory", statutory_ends
        why = f"The notice to give is the longer: {statutory} is longer than {contractual}."
    else:
        governs, ends = "both", statutory_ends
        why = f"{statutory[0].upper()}{statutory[1:]} and {contractual} end on the same day."
    return Notice(service_from, given_on, weeks, statutory_ends, statutory_why, contractual_months, contractual_ends,
                  contractual_source, governs, ends, why)


def notice_to_end_by(service_from: date, ends_on: date, contractual_months: int | None,
                     contractual_source: str = "the contract") -> Notice:
    """The notice owed to end employment on `ends_on`, given on the latest day it can be: the
    latest day whose statutory minimum and contractual notice both end on or before `ends_on`.
    (The statutory minimum grows with service, so the day is found by stepping back from
    `ends_on`, at most a little over the longest notice.)"""
    _check_months(contractual_months)
    given = ends_on
    while True:
        statutory_ok = statutory_notice_ends(service_from, given) <= ends_on
        contractual_ok = contractual_months is None or add_months(given, contractual_months) <= ends_on
        if statutory_ok and contractual_ok:
            return notice_from(service_from, given, contractual_months, contractual_source)
        if given == date.min:
            raise NoticeInputError(f"No notice can end by {_day(ends_on)}")
        given -= timedelta(days=1)
