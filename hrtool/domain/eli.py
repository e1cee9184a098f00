"""Employee liability information (TUPE 2006 regulation 11): which disciplinary and grievance
matters and claims fall within "the previous two years", and when the information is as at.
Values in, values out."""
from __future__ import annotations

from datetime import date, timedelta

# Regulation 11(2)(c) and (d)(i): matters "within the previous two years". Statutory, so fixed here
# rather than held as a council policy.
LOOKBACK_YEARS = 2


def information_as_at(transfer_date: date) -> date:
    """The day before the transfer: the last day the person is the transferor's employee, and the
    day whose particulars the pack gives."""
    return transfer_date - timedelta(days=1)


def lookback_start(transfer_date: date, years: int = LOOKBACK_YEARS) -> date:
    """The first day of the look-back period: the same day `years` earlier (28 February for 29
    February, so the period is never shorter than the law's)."""
    try:
        return transfer_date.replace(year=transfer_date.year - years)
    except ValueError:  # 29 February in a year that has none
        return date(transfer_date.year - years, 2, 28)


def within_lookback(opened_on: date, closed_on: date | None, start: date, end: date) -> bool:
    """A matter counts if it was open on any day from `start` to `end` (both included): opened on
    or before `end`, and still open or closed on or after `start`. An open claim the transferor
    expects the person to pursue (reg. 11(2)(d)(ii)) is open, so it always counts, however old."""
    return opened_on <= end and (closed_on is None or closed_on >= start)
