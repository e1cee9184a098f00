"""Redundancy figures from the database's rules (DOMAIN.md 3.6): the statutory week's pay caps
(statutory_limits), each council's discretionary policy (policies, kind `redundancy`), the
contractual notice of each council's terms (terms packages, notice by grade band) and the
collective consultation thresholds (joint policy `collective_consultation`).

Every result says which service date it used (the service date for redundancy where the person
has one, else the continuous service date), the relevant date and why (ERA 1996 s.145(5) moves
it where notice is paid in lieu or short), the notice owed (statutory beside contractual, the
longer given) and any warning, such as a relevant date after the latest cap held."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from ...domain.assimilation import Route as RouteValue
from ...domain.assimilation import proposed_dismissals
from ...domain.date_windows import DateWindow, date_problem
from ...domain.dates import complete_years
from ...domain.notice import Notice, contractual_notice_months, notice_from, notice_to_end_by
from ...domain.redundancy import (
    ConsultationBand,
    ConsultationDuty,
    CouncilPolicy,
    CouncilRedundancy,
    RelevantDate,
    ServiceDate,
    StatutoryRedundancy,
    WeekPayCap,
    collective_consultation,
    council_redundancy,
    pension_strain_flag,
    redundancy_service_date_problem,
    relevant_date,
    service_date_for_redundancy,
    statutory_redundancy,
    weekly_pay,
)
from ...domain.tupe import NoticeBand
from ...errors import DomainError
from ...extensions import db
from ...models import Council, Employee, Restructure, RouteDecision, StatutoryLimit
from ..rules import date_windows
from .restructures import Holder, decisions, holders, places, policy, posts

CAP_NAME = "statutory_redundancy_week_pay_cap"
# Dates a calculation takes: the range the forms and imports accept (a date in year 1 or 9999 is a
# typing mistake, and would run past the calendar's ends in the arithmetic).
EARLIEST = date(1900, 1, 1)
LATEST = date(2100, 12, 31)


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


# -- the service date for redundancy ---------------------------------------------------------------

SERVICE_DATE_LABEL = "The service date for redundancy"


def service_date_problem(value: date | None, continuous_from: date | None, born: date | None, *,
                         window: DateWindow | None = None, today: date | None = None) -> str | None:
    """What is wrong with a person's service date for redundancy (form, import, service), in
    words; None if nothing or no date. It is held to the continuous service date's plausible
    window (`window` as already loaded, else read for `today`), on or before the
    continuous service date, and not before the person's 16th birthday."""
    if value is None:
        return None
    day = today or date.today()
    held = window if window is not None else date_windows.window("continuous_service_date", day)
    return date_problem(SERVICE_DATE_LABEL, value, held, day) or redundancy_service_date_problem(
        value, continuous_from, born)


# -- contractual notice ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Contractual:
    """The notice a person's terms give, in months (None: the terms hold none for them), and
    where it comes from, in words."""

    months: int | None
    source: str


def _bands(notice: Any) -> list[NoticeBand]:
    return [NoticeBand(str(b["grades"]), int(b["months"])) for b in (notice or [])]


def council_notice(council: Council, grade: str | None, on: date) -> Contractual:
    """The contractual notice of a council's terms package in force on `on` for a grade, or for a
    chief officer (grade 'chief officer'). A grade the package's bands do not hold is refused, so a
    mistyped grade is never read as "no contractual notice"."""
    from ..tupe.transfers import package_on

    grade = (grade or "").strip()
    package = package_on(council.id, on)
    if package is None:
        return Contractual(None, f"no terms package of {council.short_name} is in force on {on:%d/%m/%Y}")
    if not grade:
        return Contractual(None, "no grade was given, so the terms' notice by grade is not known")
    bands = _bands(package.notice)
    chief = grade.lower().startswith("chief officer")
    months = contractual_notice_months(bands, None if chief else grade, chief_officer=chief)
    if months is None:
        held = ", ".join(b.grades for b in bands) or "none"
        raise DomainError(f"{package.name} gives notice for grades {held}: grade {grade!r} is in none of them",
                          field="grade")
    return Contractual(months, f"{package.name}, {'chief officers' if chief else 'grade ' + grade}")


def person_notice(employee_id: int, on: date) -> Contractual:
    """The contractual notice of the terms a person is on, on `on`: their protected terms from a
    transfer where they hold them, else their employer's package; by their post's grade, or the
    chief officers' band for a post on a local salary."""
    from ..people.records import picture_on
    from ..tupe.transfers import snapshot_for

    picture = picture_on(employee_id, on)
    if picture is None or picture.employment is None or picture.assignment is None or picture.post is None:
        return Contractual(None, f"no employment and post on {on:%d/%m/%Y}")
    _, _, snapshot = snapshot_for(employee_id, on)
    package, particulars = snapshot.get("package") or {}, snapshot.get("particulars") or {}
    name = package.get("name") or f"{snapshot.get('terms_council')} terms"
    if not package.get("notice"):
        return Contractual(None, f"{name} holds no notice periods")
    chief = particulars.get("local_salary") is not None
    grade = particulars.get("grade")
    if not chief and not grade:
        return Contractual(None, f"the post has no grade on {on:%d/%m/%Y}, so {name}'s notice by grade is not known")
    months = contractual_notice_months(_bands(package["notice"]), grade, chief_officer=chief)
    which = "chief officers" if chief else f"grade {grade}"
    if months is None and not chief and (kept := _grade_when_protected(picture)):
        # Protected terms from a transfer, in a post graded under the new employer's bands (an
        # SBC "Grade 4" under CCDC terms): the terms' notice is by the grade they were given for.
        months = contractual_notice_months(_bands(package["notice"]), kept, chief_officer=False)
        if months is not None:
            return Contractual(months, f"{name}, grade {kept} held when the terms were protected (the post is "
                                       f"now {grade}, a grade of the new employer's bands)")
    if months is None:
        return Contractual(None, f"{name} holds no notice for {which}")
    return Contractual(months, f"{name}, {which}")


def _grade_when_protected(picture: Any) -> str | None:
    """The grade in the snapshot of protected terms the person is on, if any."""
    from ...models import ProtectedTerms

    terms = picture.terms
    if terms is None or terms.protected_terms_id is None:
        return None
    protected = db.session.get(ProtectedTerms, terms.protected_terms_id)
    grade = ((protected.snapshot or {}).get("particulars") or {}).get("grade") if protected else None
    return str(grade) if grade else None


# -- one person's calculation ---------------------------------------------------------------------

@dataclass(frozen=True)
class Calculation:
    council: Council
    statutory: StatutoryRedundancy
    council_pay: CouncilRedundancy
    policy: CouncilPolicy
    week_pay: Decimal
    relevant: RelevantDate
    service: ServiceDate  # which service date the statutory calculation counted from, and why
    notice: Notice
    notice_basis: str  # how the notice was placed: given on a day, paid in lieu, or the latest day to give it

    @property
    def warnings(self) -> list[str]:
        return list(self.statutory.warnings)


def _in_range(value: date | None, label: str, field: str) -> None:
    if value is not None and not EARLIEST <= value <= LATEST:
        raise DomainError(f"{label} must be between {EARLIEST.year} and {LATEST.year}, not {value:%d/%m/%Y}",
                          field=field)


def calculate(council_code: str, date_of_birth: date, service_from: date, leaving_on: date,
              week_pay: Decimal, *, redundancy_service_from: date | None = None,
              notice_given_on: date | None = None, pilon: bool = False, grade: str | None = None,
              contractual: Contractual | None = None) -> Calculation:
    """One person's statutory and council redundancy pay (the calculator and `calc redundancy`).

    `service_from` is the continuous service date (statutory notice counts from it);
    `redundancy_service_from`, an earlier service date for redundancy, is used for the pay where
    given. With `notice_given_on` or `pilon`, the relevant date moves as s.145(5) says. The notice
    owed sets the statutory minimum beside the contractual notice (`contractual`, or the council's
    terms for `grade`): given on `notice_given_on`; paid in lieu from the leaving date; or, with
    neither, given on the latest day that lets it end on the leaving date."""
    for value, label, field in ((date_of_birth, "The date of birth", "dob"),
                                (service_from, "The continuous service date", "service_from"),
                                (leaving_on, "The leaving date", "leaving"),
                                (redundancy_service_from, "The service date for redundancy", "redundancy_service_from"),
                                (notice_given_on, "The date notice was given", "notice_given")):
        _in_range(value, label, field)
    council = council_by_code(council_code)
    try:
        service = service_date_for_redundancy(service_from, redundancy_service_from)
        relevant = relevant_date(service_from, leaving_on, notice_given_on, pilon)
        statutory = statutory_redundancy(date_of_birth, service.used, relevant.relevant_on, week_pay, caps())
    except ValueError as error:
        raise DomainError(str(error)) from None
    rules = council_policy(council, leaving_on)
    terms = contractual or council_notice(council, grade, notice_given_on or leaving_on)
    try:
        if notice_given_on is not None:
            notice, basis = notice_from(service_from, notice_given_on, terms.months, terms.source), "given"
        elif pilon:
            notice, basis = notice_from(service_from, leaving_on, terms.months, terms.source), "paid in lieu"
        else:
            notice, basis = notice_to_end_by(service_from, leaving_on, terms.months, terms.source), "latest day to give it"
    except ValueError as error:
        raise DomainError(str(error)) from None
    return Calculation(council, statutory, council_redundancy(statutory, week_pay, rules), rules, week_pay,
                       relevant, service, notice, basis)


def notice_json(notice: Notice, basis: str) -> dict[str, Any]:
    return {"basis": basis, "given_on": notice.given_on.isoformat(),
            "continuous_service_date": notice.service_from.isoformat(),
            "statutory_weeks": notice.statutory_weeks, "statutory_ends_on": notice.statutory_ends_on.isoformat(),
            "statutory_why": notice.statutory_why,
            "contractual_months": notice.contractual_months,
            "contractual_ends_on": notice.contractual_ends_on.isoformat() if notice.contractual_ends_on else None,
            "contractual_source": notice.contractual_source,
            "governs": notice.governs, "notice": notice.words, "ends_on": notice.ends_on.isoformat(),
            "why": notice.why}


def _weeks(weeks: Decimal) -> str:
    """Weeks as a person writes them: 13, 12.5, 36.75 (never 13.0)."""
    return f"{weeks.normalize():f}"


def calculation_json(calc: Calculation) -> dict[str, Any]:
    s, c, r = calc.statutory, calc.council_pay, calc.relevant
    return {"council": calc.council.code, "leaving_date": r.leaving_on.isoformat(),
            "relevant_date": r.relevant_on.isoformat(), "relevant_date_moved": r.moved, "relevant_date_why": r.why,
            "service_date_used": calc.service.used.isoformat(), "service_date_basis": calc.service.basis,
            "service_date_why": calc.service.why,
            "age": s.age, "complete_years": s.complete_years,
            "statutory_weeks": _weeks(s.weeks), "statutory_week_pay": f"{s.week_pay:.2f}",
            "statutory_cap": f"{s.cap:.2f}", "statutory_cap_from": s.cap_from.isoformat() if s.cap_from else None,
            "statutory_pay": f"{s.amount:.2f}", "council_weeks": _weeks(c.weeks), "council_week_pay": f"{c.week_pay:.2f}",
            "council_pay": f"{c.amount:.2f}", "council_top_up": f"{c.top_up:.2f}",
            "pension_strain_flag": pension_strain_flag(s.age, s.complete_years),
            "notice": notice_json(calc.notice, calc.notice_basis),
            "warnings": calc.warnings}


# -- the at-risk letter ----------------------------------------------------------------------------

def at_risk_letter_fields(employee: Employee, restructure: Restructure) -> dict[str, Any]:
    """What an at-risk letter says about redundancy pay and notice, as if dismissed the day before
    the new structure starts with notice worked: the service date redundancy pay counts from, and
    the notice that would be given (statutory beside contractual, the longer). A fact not held (no
    start date for the new structure, no contractual notice for the person's post) is None, so the
    letter waits until the record is complete rather than state a guess."""
    try:
        service = service_date_for_redundancy(employee.continuous_service_date, employee.redundancy_service_date)
    except ValueError:
        service = None
    basis = None
    if service is not None:
        basis = ("your service date for redundancy, which includes your earlier continuous service with other "
                 "local-government employers" if service.basis == "service date for redundancy"
                 else "your continuous service date")
    fields: dict[str, Any] = {"redundancy.service_date": service.used if service else None,
                              "redundancy.service_date_basis": basis, "notice.to_give": None,
                              "notice.statutory": None, "notice.contractual": None, "notice.give_by": None}
    if restructure.effective_date is None:
        return fields
    leaving = restructure.effective_date - timedelta(days=1)
    terms = person_notice(employee.id, leaving)
    if terms.months is None:
        return fields
    notice = notice_to_end_by(employee.continuous_service_date, leaving, terms.months, terms.source)
    fields.update({"notice.to_give": notice.words, "notice.statutory": notice.statutory_words,
                   "notice.contractual": notice.contractual_words, "notice.give_by": notice.given_on})
    return fields


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
    warnings: list[str]  # each once, e.g. no cap held yet for the leaving date


def consultation_bands(on: date) -> tuple[list[ConsultationBand], int | None]:
    found = policy("collective_consultation", None, on)
    if found is None:
        return [], None
    return ([ConsultationBand(int(b["from_dismissals"]), int(b["days"])) for b in found.body["bands"]],
            int(found.body.get("period_days", 90)))


def restructure_redundancy(restructure: Restructure, today: date) -> RedundancyReport:
    """Everyone at risk (and the surplus of each ring-fenced pool, for consultation): statutory
    and council redundancy pay as if dismissed the day before the new structure starts (counted
    from each person's service date for redundancy where they have one), the notice each is owed
    and the latest day to give it, totals by employing council, the collective consultation duty
    of each council and the LGPS flag."""
    leaving = restructure.effective_date - timedelta(days=1) if restructure.effective_date else today
    held = {h.employee.id: h for h in holders(restructure, today)}
    found = decisions(restructure)
    people: list[PersonCost] = []
    totals: dict[str, dict[str, Decimal]] = {}
    for d in found:
        h = held.get(d.employee_id)
        if h is None or d.route != "at_risk" or h.employer is None:
            continue
        people.append(_person_cost(d, h, leaving))
        calc = people[-1].calc
        t = totals.setdefault(h.employer.code, {"count": Decimal(0), "statutory": Decimal(0), "council": Decimal(0)})
        t["count"] += 1
        if calc:
            t["statutory"] += calc.statutory.amount
            t["council"] += calc.council_pay.amount
    # Collective consultation counts each employer's proposed dismissals (at risk, and the
    # people beyond the places of each ring-fenced pool).
    size = {p.id: places(p) for p in posts(restructure, "proposed")}
    proposed = {code: proposed_dismissals(_routes_of_council(found, held, code), size)
                for code in sorted({h.employer.code for h in held.values() if h.employer})}
    bands, period = consultation_bands(leaving)
    duties = {code: collective_consultation(n, bands, leaving) if bands else None for code, n in proposed.items()}
    warnings = list(dict.fromkeys(w for p in people if p.calc for w in p.calc.warnings))
    return RedundancyReport(leaving, people, totals, proposed, duties, period,
                            min((b.from_dismissals for b in bands), default=None), warnings)


def _person_cost(d: RouteDecision, h: Holder, leaving: date) -> PersonCost:
    """What dismissing one person at risk would cost, or why it cannot be worked out."""
    assert h.employer is not None
    week = weekly_pay(h.salary) if h.salary is not None else Decimal(0)
    calc, problem = None, ""
    try:
        calc = calculate(h.employer.code, h.employee.date_of_birth, h.employee.continuous_service_date, leaving, week,
                         redundancy_service_from=h.employee.redundancy_service_date,
                         contractual=person_notice(h.employee.id, leaving))
    except DomainError as error:
        problem = error.message
    strain = bool(calc and pension_strain_flag(calc.statutory.age,
                                               complete_years(h.employee.continuous_service_date, leaving)))
    return PersonCost(h.employee, h.employer, h.post.title, d.route, h.full_time_salary, week, calc, strain, problem)


def _routes_of_council(found: list[RouteDecision], held: dict[int, Holder], code: str) -> list[RouteValue]:
    """The routes of the people one council employs."""
    return [RouteValue(d.employee_id, d.current_post_id, d.route, d.reasons, d.proposed_post_id,
                       tuple(d.pool or ())) for d in found
            if d.employee_id in held and (employer := held[d.employee_id].employer) and employer.code == code]
