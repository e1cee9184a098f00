"""A person's pay by pay year, for HR and for the person (the rule is
domain/salary_history.py). Reads only.

Each assignment is cut where the pay spine changes (each pay year held) and where the full-time
hours rule changes, so each span has one full-time salary; protection payments come from the
person's protection schedules as held (months not yet paid for a year still going are counted
up to today, like basic pay)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from ...domain.salary_history import PayEvent, PaySpan, PayYear, pay_year_start, pay_years
from ...extensions import db
from ...models import Employment, PayAward, Protection, ProtectionMonthRow, RuleSetting
from ..pay.pay_spines import spine_of_year, spine_years


@dataclass(frozen=True)
class PayHistory:
    years: list[PayYear]
    first_spine_year: date | None  # years before it are not shown: no pay spine is held for them
    earlier_left_out: bool
    provisional_years: set[date]


def _cuts(start: date, end: date | None, at: list[date]) -> list[tuple[date, date | None]]:
    """start..end cut before each date in `at` that falls inside it."""
    pieces: list[tuple[date, date | None]] = []
    begin = start
    for cut in sorted(d for d in at if start < d and (end is None or d <= end)):
        pieces.append((begin, cut - timedelta(days=1)))
        begin = cut
    pieces.append((begin, end))
    return pieces


def pay_history(employee_id: int, today: date) -> PayHistory:
    years = spine_years()
    spines = {year: spine_of_year(year) for year in years}
    hours_rules = list(db.session.execute(select(RuleSetting.effective_from, RuleSetting.value)
                                          .where(RuleSetting.key == "full_time_hours")
                                          .order_by(RuleSetting.effective_from)))

    def full_time_hours(on: date) -> Decimal:
        held = [value for starts, value in hours_rules if starts <= on] or [hours_rules[0][1]]
        return Decimal(held[-1])

    def spine_for(on: date) -> dict[int, Decimal]:
        held = [year for year in years if year <= pay_year_start(on)]
        return spines[held[-1]] if held else {}

    spans: list[PaySpan] = []
    events: list[PayEvent] = []
    employments = db.session.scalars(select(Employment).where(Employment.employee_id == employee_id)).all()
    for employment in employments:
        employer = employment.employer.short_name
        for a in employment.assignments:
            ends = a.effective_to if employment.end_date is None or (
                a.effective_to is not None and a.effective_to <= employment.end_date) else employment.end_date
            if ends is not None and ends < a.effective_from:
                continue
            post = f"{a.post.title} ({a.post.post_number})"
            pay = f"SCP {a.scp}" if a.scp is not None and a.local_salary is None else "local salary"
            cuts = years + [starts for starts, _ in hours_rules]
            for index, (start, end) in enumerate(_cuts(a.effective_from, ends, cuts)):
                annual = a.local_salary if a.local_salary is not None else (
                    spine_for(start).get(a.scp) if a.scp is not None else None)
                spans.append(PaySpan(start, end, employer, post, a.hours_per_week, full_time_hours(start), annual,
                                     pay, a.reason if index == 0 else ""))
    months = _protection_paid(employee_id, events)
    found = pay_years(spans, months, events, today)
    first = years[0] if years else None
    shown = [y for y in found if first is not None and y.starts >= first]
    provisional = set(db.session.scalars(select(PayAward.pay_year_from).where(PayAward.status == "provisional")))
    return PayHistory(shown, first, len(shown) < len(found), provisional)


def _protection_paid(employee_id: int, events: list[PayEvent]) -> dict[date, Decimal]:
    """The protection paid for each month (all the person's protections summed); adds when each
    protection began and ended to `events`."""
    months: dict[date, Decimal] = {}
    for record in db.session.scalars(select(Protection).where(Protection.employee_id == employee_id)).all():
        events.append(PayEvent(record.start_date, f"Pay protection began: the old full-time salary of "
                                                  f"£{record.old_salary:,.2f} is protected"))
        if record.ends_on is not None:
            events.append(PayEvent(record.ends_on, "Pay protection ended"))
        for row in db.session.scalars(select(ProtectionMonthRow).where(ProtectionMonthRow.protection_id == record.id)):
            months[row.month] = months.get(row.month, Decimal(0)) + row.payment
    return months
