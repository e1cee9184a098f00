"""What HR needs to know about pay protection at any moment: who is protected, by
council and service; what ends in the next 30, 60 and 90 days; the cost by council and financial
year (April to March) from the stored schedules, actual and projected; expiry warnings given
once per ending (`hrtool protection check`); and the exports."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select

from ...domain.protection import financial_year
from ...errors import DomainError
from ...extensions import db
from ...models import (
    Council,
    Employee,
    Policy,
    Post,
    Protection,
    ProtectionMonthRow,
    ProtectionWarning,
    Service,
)
from ..people.records import rule_value
from ..platform import audit
from ..platform.tabular import write_table
from ..platform.unit_of_work import transaction
from .protections import SOURCE_LABELS, active_on

WINDOWS = (30, 60, 90)
WARNING_SETTING = "protection_expiry_warning_days"
POLICY_WARNING_KEY = "expiry_warning_days"
NO_SERVICE = "Not recorded"


@dataclass(frozen=True)
class Row:
    """One protection as the dashboard lists it."""

    id: int
    employee_id: int
    person_number: str
    name: str
    council: str  # code
    service: str
    source: str
    start_date: date
    ends_on: date | None
    end_reason: str
    old_salary: Decimal
    new_salary: Decimal
    hours: Decimal
    council_id: int
    reason: str = ""

    @property
    def last_day(self) -> date | None:
        return self.ends_on - timedelta(days=1) if self.ends_on else None


def _service_name() -> ColumnElement[str]:
    """The protected post's service: the new post's."""
    return func.coalesce(Service.name, NO_SERVICE)


def _rows(*conditions: Any) -> list[Row]:
    query = (select(Protection.id, Protection.employee_id, Employee.person_number, Employee.first_name,
                    Employee.last_name, Council.code, _service_name(), Protection.source, Protection.start_date,
                    Protection.ends_on, Protection.end_reason, Protection.old_salary, Protection.new_salary,
                    Protection.hours_per_week, Protection.council_id, Protection.reason)
             .join(Employee, Employee.id == Protection.employee_id)
             .join(Council, Council.id == Protection.council_id)
             .outerjoin(Post, Post.id == Protection.new_post_id)
             .outerjoin(Service, Service.id == Post.service_id)
             .where(*conditions)
             .order_by(Protection.ends_on, Employee.last_name, Employee.first_name, Protection.id))
    return [Row(r[0], r[1], r[2], f"{r[3]} {r[4]}", r[5], r[6], SOURCE_LABELS.get(r[7], r[7]), r[8], r[9], r[10],
                r[11], r[12], r[13], r[14], r[15]) for r in db.session.execute(query)]


def active(on: date) -> list[Row]:
    return _rows(active_on(on))


def starting_later(on: date) -> list[Row]:
    """Protections agreed (a restructure appointment from next April, say) that start after `on`
    and have not been ended before they began."""
    return _rows(Protection.start_date > on,
                 or_(Protection.ends_on.is_(None), Protection.ends_on > Protection.start_date))


def every_protection() -> list[Row]:
    return _rows()


@dataclass(frozen=True)
class Count:
    council: str
    service: str
    people: int


def active_by_council_and_service(on: date) -> list[Count]:
    query = (select(Council.code, Service.name, func.count(func.distinct(Protection.employee_id)))
             .join(Council, Council.id == Protection.council_id)
             .outerjoin(Post, Post.id == Protection.new_post_id)
             .outerjoin(Service, Service.id == Post.service_id)
             .where(active_on(on)).group_by(Council.code, Service.name))
    counts = [Count(code, service or NO_SERVICE, n) for code, service, n in db.session.execute(query)]
    return sorted(counts, key=lambda c: (c.council, c.service == NO_SERVICE, c.service))


def ending_within(on: date, days: int) -> list[Row]:
    """Protections running on `on` whose first day without protection is within `days` days."""
    return _rows(active_on(on), Protection.ends_on <= on + timedelta(days=days))


@dataclass
class Cost:
    actual: Decimal = Decimal("0.00")  # months whose pay spine is held
    projected: Decimal = Decimal("0.00")  # months carried on from the latest known spine

    @property
    def total(self) -> Decimal:
        return self.actual + self.projected


@dataclass
class Costs:
    years: list[str] = field(default_factory=list)
    councils: list[str] = field(default_factory=list)
    cells: dict[tuple[str, str], Cost] = field(default_factory=dict)  # (council, year)

    def cell(self, council: str, year: str) -> Cost:
        return self.cells.get((council, year), Cost())

    def year_total(self, year: str) -> Cost:
        return Cost(sum((self.cell(c, year).actual for c in self.councils), Decimal("0.00")),
                    sum((self.cell(c, year).projected for c in self.councils), Decimal("0.00")))

    def council_total(self, council: str) -> Cost:
        return Cost(sum((self.cell(council, y).actual for y in self.years), Decimal("0.00")),
                    sum((self.cell(council, y).projected for y in self.years), Decimal("0.00")))


def cost_by_council_and_year() -> Costs:
    """Every stored schedule's monthly payments summed by council and financial year (April to
    March), split into actual (the month's pay spine is held) and projected."""
    rows = db.session.execute(
        select(Council.code, ProtectionMonthRow.month, ProtectionMonthRow.projected,
               func.sum(ProtectionMonthRow.payment))
        .join(Protection, Protection.id == ProtectionMonthRow.protection_id)
        .join(Council, Council.id == Protection.council_id)
        .group_by(Council.code, ProtectionMonthRow.month, ProtectionMonthRow.projected))
    costs = Costs(councils=list(db.session.scalars(select(Council.code).order_by(Council.code))))
    for code, month, projected, amount in rows:
        year = financial_year(month)
        cost = costs.cells.setdefault((code, year), Cost())
        if projected:
            cost.projected += Decimal(amount)
        else:
            cost.actual += Decimal(amount)
    costs.years = sorted({year for _, year in costs.cells})
    return costs


def chart(costs: Costs) -> list[dict[str, Any]]:
    """Bars for the cost chart: each council's total per financial year, relative to the largest."""
    bars = [(f"{council} {year}", costs.cell(council, year)) for year in costs.years for council in costs.councils
            if costs.cell(council, year).total]
    largest = max((cost.total for _, cost in bars), default=Decimal(0)) or Decimal(1)
    return [{"label": label, "value": cost.total, "projected": cost.projected,
             "pct": int(cost.total * 100 / largest)} for label, cost in bars]


# -- expiry warnings -----------------------------------------------------------------------------

def warning_days(council_id: int, on: date) -> int:
    """How many days ahead of the end HR is warned: the council's policy in force says so
    (`expiry_warning_days`), else the rule setting."""
    from .protections import policy_in_force

    policy: Policy | None = policy_in_force(council_id, on)
    value = (policy.body or {}).get(POLICY_WARNING_KEY) if policy else None
    if value is None:
        try:
            value = rule_value(WARNING_SETTING, on)
        except LookupError:
            raise DomainError(f"No notice window is held: add the rule setting {WARNING_SETTING} or "
                              f"{POLICY_WARNING_KEY} in the pay protection policy") from None
    return int(str(value))


@dataclass(frozen=True)
class Warning:
    protection_id: int
    person_number: str
    name: str
    council: str
    ends_on: date
    window_days: int


def ending_in_notice_window(on: date) -> list[tuple[Row, int]]:
    """Protections running on `on` that end within their council's notice window, each with the
    window in days: what `check` warns about, and what HR's daily digest lists."""
    windows = {c: warning_days(c, on) for c in db.session.scalars(select(Council.id))}
    return [(row, windows[row.council_id]) for row in _rows(active_on(on), Protection.ends_on.is_not(None))
            if row.ends_on is not None and row.ends_on <= on + timedelta(days=windows[row.council_id])]


@transaction
def check(on: date) -> list[Warning]:
    """Warn about each protection running on `on` that ends within its council's notice window,
    once per ending: a warning given is recorded, so running this again (daily, from cron) warns
    nothing new; if an ending moves (recomputed schedule) it is warned about again."""
    given = {(pid, ends) for pid, ends in db.session.execute(select(ProtectionWarning.protection_id, ProtectionWarning.ends_on))}
    new = []
    for row, days in ending_in_notice_window(on):
        if row.ends_on is None or (row.id, row.ends_on) in given:
            continue
        db.session.add(ProtectionWarning(protection_id=row.id, ends_on=row.ends_on, window_days=days))
        new.append(Warning(row.id, row.person_number, row.name, row.council, row.ends_on, days))
    if new:
        db.session.flush()
        audit.record("check", "protection_expiry", after={"on": on.isoformat(), "warned": len(new),
                                                          "protections": [w.protection_id for w in new]})
    return new


@dataclass(frozen=True)
class GivenWarning:
    protection_id: int
    employee_id: int
    name: str
    council: str
    ends_on: date

    @property
    def last_day(self) -> date:
        return self.ends_on - timedelta(days=1)


def open_warnings(on: date) -> list[GivenWarning]:
    """Warnings given for endings still ahead, for the HR dashboard (soonest first)."""
    rows = db.session.execute(
        select(ProtectionWarning.protection_id, Protection.employee_id, Employee.first_name, Employee.last_name,
               Council.code, ProtectionWarning.ends_on)
        .join(Protection, and_(Protection.id == ProtectionWarning.protection_id,
                               Protection.ends_on == ProtectionWarning.ends_on))
        .join(Employee, Employee.id == Protection.employee_id)
        .join(Council, Council.id == Protection.council_id)
        .where(ProtectionWarning.ends_on > on)
        .order_by(ProtectionWarning.ends_on, Employee.last_name))
    return [GivenWarning(r[0], r[1], f"{r[2]} {r[3]}", r[4], r[5]) for r in rows]


# -- exports -------------------------------------------------------------------------------------

PROTECTION_COLUMNS = [("person_number", "text"), ("name", "text"), ("council", "text"), ("service", "text"),
                      ("source", "text"), ("start_date", "date"), ("ends_on", "date"), ("end_reason", "text"),
                      ("old_salary_full_time", "money"), ("new_salary_full_time", "money"),
                      ("hours_per_week", "number"), ("payments_actual", "money"), ("payments_projected", "money")]
COST_COLUMNS = [("council", "text"), ("financial_year", "text"), ("actual", "money"), ("projected", "money"),
                ("total", "money")]


def protection_lines() -> Iterator[list[Any]]:
    paid = {(pid, projected): Decimal(total) for pid, projected, total in db.session.execute(
        select(ProtectionMonthRow.protection_id, ProtectionMonthRow.projected, func.sum(ProtectionMonthRow.payment))
        .group_by(ProtectionMonthRow.protection_id, ProtectionMonthRow.projected))}
    for row in every_protection():
        yield [row.person_number, row.name, row.council, row.service, row.source, row.start_date, row.ends_on,
               row.end_reason, row.old_salary, row.new_salary, row.hours,
               paid.get((row.id, False), Decimal("0.00")), paid.get((row.id, True), Decimal("0.00"))]


def cost_lines(costs: Costs) -> Iterator[list[Any]]:
    for council in costs.councils:
        for year in costs.years:
            cell = costs.cell(council, year)
            yield [council, year, cell.actual, cell.projected, cell.total]


@transaction
def export_table(buffer: Any, fmt: str, what: str, columns: list[tuple[str, str]], lines: Iterator[list[Any]]) -> int:
    """Write an export (protections or costs) and audit it: one unit of work. Returns the rows."""
    count = write_table(buffer, fmt, columns, lines)
    audit.record("export", f"protection_{what}", after={"format": fmt, "count": count})
    return count
