"""Small rules the letters state, as pure functions (thresholds come in as data)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class ConsultationBand:
    from_dismissals: int  # proposals of at least this many dismissals ...
    days: int  # ... need consultation to start at least this many days before the first one


def collective_consultation_days(proposed: int, bands: list[ConsultationBand]) -> int | None:
    """TULRCA 1992 s.188(1A): 20 to 99 dismissals at one establishment within 90 days need
    consultation at least 30 days before the first dismissal takes effect; 100 or more, 45
    days. None below the lowest band: no collective consultation duty."""
    days = None
    for band in sorted(bands, key=lambda b: b.from_dismissals):
        if proposed >= band.from_dismissals:
            days = band.days
    return days


def latest_consultation_start(first_dismissal_on: date, days: int) -> date:
    """Consultation must begin at least `days` days before the first dismissal takes effect."""
    return first_dismissal_on - timedelta(days=days)


def trial_period_end(starts_on: date, weeks: int) -> date:
    """ERA 1996 s.138(3)(b): a trial period of four weeks "beginning with the date on which the
    employee starts work under the contract", so its last day is 4 x 7 - 1 days after the start."""
    return starts_on + timedelta(days=7 * weeks - 1)
