"""Redundancy figures from the database's rules (DOMAIN.md 3.6): the statutory week's pay caps
(statutory_limits), each council's discretionary policy (policies, kind `redundancy`) and the
collective consultation thresholds (joint policy `collective_consultation`)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from ..domain.assimilation import Route as RouteValue
from ..domain.assimilation import proposed_dismissals
from ..domain.dates import complete_years
from ..domain.redundancy import (
    ConsultationBand,
    ConsultationDuty,
    CouncilPolicy,
    CouncilRedundancy,
    StatutoryRedundancy,
    WeekPayCap,
    collective_consultation,
    council_redundancy,
    pension_strain_flag,
    statutory_redundancy,
    weekly_pay,
)
from ..errors import DomainError
from ..extensions import db
from ..models import Council, Employee, Restructure, StatutoryLimit
from .restructures import decisions, holders, places, policy, posts

CAP_NAME = "statutory_redundancy_week_pay_cap"


def caps() -> list[WeekPayCap]:
    return [WeekPayCap(r.effective_from, r.value) for r in db.session.scalars(
        select(StatutoryLimit).where(StatutoryLimit.name == CAP_NAME).order_by(StatutoryLimit.effective_from))]


def council_policy(council: Council, on: date) -> CouncilPolicy:
    found = policy("redundancy", council.id, on)
    if found is None:
        raise DomainError(f"{council.short_name} has no redundancy policy in force on {on:%d/%m/%Y}")
    b = found.body
    return CouncilPolicy(str(b.get("week_pay", "statutory")), Decimal(str(b["multiplier_of_statutory_weeks"])),
                         Decimal(str(b["max_weeks"])))


def council_by_code(code: str) -> Council:
    council = db.session.scalar(select(Council).where(Council.code == code.strip().upper()))
    if council is None:
        known = ", ".join(db.session.scalars(select(Council.code).order_by(Council.code)))
        raise DomainError(f"No council has the code {code!r} (known: {known})", field="council")
    return council


@dataclass(frozen=True)
class Calculation:
    council: Council
    statutory: StatutoryRedundancy
    council_pay: CouncilRedundancy
    policy: CouncilPolicy
    week_pay: Decimal


def calculate(council_code: str, date_of_birth: date, service_from: date, leaving_on: date,
              week_pay: Decimal) -> Calculation:
    """One person's statutory and council redundancy pay (the calculator and `calc redundancy`)."""
    council = council_by_code(council_code)
    try:
        statutory = statutory_redundancy(date_of_birth, service_from, leaving_on, week_pay, caps())
    except ValueError as error:
        raise DomainError(str(error)) from None
    rules = council_policy(council, leaving_on)
    return Calculation(council, statutory, council_redundancy(statutory, week_pay, rules), rules, week_pay)


def calculation_json(calc: Calculation) -> dict[str, Any]:
    s, c = calc.statutory, calc.council_pay
    return {"council": calc.council.code, "age": s.age, "complete_years": s.complete_years,
            "statutory_weeks": f"{s.weeks:g}", "statutory_week_pay": f"{s.week_pay:.2f}",
            "statutory_pay": f"{s.amount:.2f}", "council_weeks": f"{c.weeks:g}", "council_week_pay": f"{c.week_pay:.2f}",
            "council_pay": f"{c.amount:.2f}", "council_top_up": f"{c.top_up:.2f}",
            "pension_strain_flag": pension_strain_flag(s.age, s.complete_years)}


# -- for a restructure ---------------------------------------------------------------------------

@dataclass(frozen=True)
class PersonCost:
    employee: Employee
    council: Council
    post_title: str
    route: str
    full_time_salary: Decimal | None
    week_pay: Decimal
    calc: Calculation | None
    strain: bool
    problem: str


@dataclass(frozen=True)
class RedundancyReport:
    leaving_on: date
    people: list[PersonCost]
    totals: dict[str, dict[str, Decimal]]  # council code -> statutory, council, count
    proposed: dict[str, int]  # dismissals proposed, by council
    duties: dict[str, ConsultationDuty | None]
    period_days: int | None
    lowest_threshold: int | None


def consultation_bands(on: date) -> tuple[list[ConsultationBand], int | None]:
    found = policy("collective_consultation", None, on)
    if found is None:
        return [], None
    return ([ConsultationBand(int(b["from_dismissals"]), int(b["days"])) for b in found.body["bands"]],
            int(found.body.get("period_days", 90)))


def restructure_redundancy(restructure: Restructure, today: date) -> RedundancyReport:
    """Everyone at risk (and the surplus of each ring-fenced pool, for consultation): statutory
    and council redundancy pay as if dismissed the day before the new structure starts, totals
    by employing council, the collective consultation duty of each council and the LGPS flag."""
    leaving = restructure.effective_date - timedelta(days=1) if restructure.effective_date else today
    held = {h.employee.id: h for h in holders(restructure, today)}
    found = decisions(restructure)
    people: list[PersonCost] = []
    totals: dict[str, dict[str, Decimal]] = {}
    for d in found:
        h = held.get(d.employee_id)
        if h is None or d.route != "at_risk" or h.employer is None:
            continue
        week = weekly_pay(h.salary) if h.salary is not None else Decimal(0)
        calc, problem = None, ""
        try:
            calc = calculate(h.employer.code, h.employee.date_of_birth, h.employee.continuous_service_date, leaving, week)
        except DomainError as error:
            problem = error.message
        strain = bool(calc and pension_strain_flag(calc.statutory.age,
                                                   complete_years(h.employee.continuous_service_date, leaving)))
        people.append(PersonCost(h.employee, h.employer, h.post.title, d.route, h.full_time_salary, week, calc,
                                 strain, problem))
        t = totals.setdefault(h.employer.code, {"count": Decimal(0), "statutory": Decimal(0), "council": Decimal(0)})
        t["count"] += 1
        if calc:
            t["statutory"] += calc.statutory.amount
            t["council"] += calc.council_pay.amount
    # Collective consultation counts each employer's proposed dismissals (at risk, and the
    # people beyond the places of each ring-fenced pool).
    size = {p.id: places(p) for p in posts(restructure, "proposed")}
    proposed: dict[str, int] = {}
    for code in sorted({h.employer.code for h in held.values() if h.employer}):
        mine = [RouteValue(d.employee_id, d.current_post_id, d.route, d.reasons, d.proposed_post_id,
                           tuple(d.pool or ())) for d in found
                if d.employee_id in held and held[d.employee_id].employer and held[d.employee_id].employer.code == code]
        proposed[code] = proposed_dismissals(mine, size)
    bands, period = consultation_bands(leaving)
    duties = {code: collective_consultation(n, bands, leaving) if bands else None for code, n in proposed.items()}
    return RedundancyReport(leaving, people, totals, proposed, duties, period,
                            min((b.from_dismissals for b in bands), default=None))
