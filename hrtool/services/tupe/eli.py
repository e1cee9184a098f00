"""The employee liability information pack for a transfer (TUPE 2006 regulation 11).

The transferor must give the transferee, at least 28 days before the transfer (reg. 11(6)), for
each person transferring: (a) their identity and age; (b) the particulars of employment an
employer must give under s.1 Employment Rights Act 1996; (c) disciplinary procedures taken
against them and grievance procedures they brought in the previous two years, where the ACAS
code applied; (d) court or tribunal cases and claims they brought against the transferor in the
previous two years, or that the transferor has reasonable grounds to believe they may bring; and
(e) the collective agreements that will have effect after the transfer.

The pack covers everyone in the cohort who is transferring (proposed, confirmed, or already
transferred once the transfer is complete); people who objected do not transfer (reg. 4(7)) and
are listed apart. Particulars are each person's position on the day before the transfer, as
`records.picture_on` gives it, read for the whole cohort in a handful of queries. Each record
carries a completeness check naming exactly what is missing.

Exports (XLSX, a PDF per person, a ZIP of the PDFs) each write an `export` audit event on
`eli_pack`, each export one unit of work."""
from __future__ import annotations

import io
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from ...domain.dates import age_on, complete_years, pay_year_start
from ...domain.eli import information_as_at, lookback_start
from ...domain.pay import fte, pro_rata_salary
from ...extensions import db
from ...formatting import hours as fmt_hours
from ...formatting import money, uk_date
from ...models import (
    AuditEvent,
    Council,
    Employee,
    EmployeeCase,
    ProtectedTerms,
    TradeUnion,
    Transfer,
    TransferMember,
    UnionRecognition,
)
from ...reports import eli_pdf, eli_xlsx
from ..pay.post_grades import grades_on
from ..people.cases import KINDS, cases_within
from ..people.records import Picture, as_at, rule_value, spine_on
from ..platform import audit
from ..platform.unit_of_work import transaction
from .transfers import entitlements, package_body, package_on

# Members whose information goes to the transferee; objectors are listed apart (reg. 4(7)).
IN_PACK = ("proposed", "confirmed", "transferred")
TITLE = "Employee liability information (TUPE 2006 regulation 11)"

# What the completeness check can name as missing, in the order it checks.
MISSING_DOB = "date of birth"
MISSING_ADDRESS = "address"
MISSING_POSTCODE = "postcode"
MISSING_POST = "no post on the day before the transfer"
MISSING_PAY = "spinal column point or salary"
MISSING_GRADE = "grade"
MISSING_PACKAGE = "terms package (annual leave and notice)"
MISSING_LEAVE = "annual leave entitlement"
MISSING_NOTICE = "notice period for the grade"
MISSING_CHECK = "disciplinary, grievance and claims not yet checked"
STALE_CHECK = "disciplinary, grievance and claims changed since they were checked"
NOT_RECORDED = "Not recorded"

# Collective agreements (reg. 11(2)(e)): the national agreements the councils apply, by pay basis.
GREEN_BOOK = ("National Joint Council for Local Government Services: National Agreement on Pay and "
              "Conditions of Service (the Green Book)")
JNC_CHIEF_OFFICERS = "Joint Negotiating Committee for Chief Officers of Local Authorities: Conditions of Service"


@dataclass(frozen=True)
class CaseLine:
    kind: str
    kind_label: str
    opened_on: date
    closed_on: date | None
    summary: str
    outcome: str


@dataclass(frozen=True)
class EliRecord:
    """One person's regulation 11 information, as at the day before the transfer."""

    member_id: int
    employee_id: int
    member_status: str
    as_at: date
    # (a) identity and age
    person_number: str
    first_name: str
    last_name: str
    date_of_birth: date
    age: int
    address: str
    postcode: str
    # (b) particulars of employment (ERA 1996 s.1)
    employer: str | None
    post_number: str | None
    job_title: str | None
    place_of_work: str | None
    grade: str | None
    hours_per_week: Decimal | None
    fte: Decimal | None
    scp: int | None
    local_salary: Decimal | None
    full_time_salary: Decimal | None
    salary: Decimal | None
    pay_year: date | None
    employment_start_date: date | None
    continuous_service_date: date
    years_of_service: int
    terms: str
    terms_package: str | None
    working_week_hours: str | None
    annual_leave_days: int | None
    notice_months: int | None
    overtime: str
    additional_hours: str
    standby: str
    car_allowance: str
    pension: str
    # (c) and (d)
    disciplinary_grievance: list[CaseLine]
    claims: list[CaseLine]
    cases_checked_on: date | None
    # (e)
    collective_agreements: list[str]
    missing: list[str]

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def disclosures(self) -> int:
        return len(self.disciplinary_grievance) + len(self.claims)

    @property
    def complete(self) -> bool:
        return not self.missing


@dataclass(frozen=True)
class Objector:
    member_id: int
    employee_id: int
    name: str
    person_number: str
    objected_on: date | None


@dataclass(frozen=True)
class EliPack:
    transfer: Transfer
    as_at: date  # the day before the transfer
    lookback_from: date
    produced_on: date
    due_by: date | None  # the checklist's "employee liability information sent" step
    records: list[EliRecord]
    objectors: list[Objector]
    collective_agreements: list[str] = field(default_factory=list)  # every agreement named in the pack

    @property
    def complete_count(self) -> int:
        return sum(1 for r in self.records if r.complete)

    @property
    def incomplete_count(self) -> int:
        return len(self.records) - self.complete_count

    @property
    def missing_counts(self) -> list[tuple[str, int]]:
        """Each missing item with how many people it is missing for, most common first."""
        counts = Counter(item for r in self.records for item in r.missing)
        return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))

    @property
    def objectors_note(self) -> str:
        """Who is left out and why: an objector's employment ends at the transfer (reg. 4(7))."""
        if not self.objectors:
            return ""
        people = "; ".join(f"{o.name} ({o.person_number})" + (f", objected on {uk_date(o.objected_on)}"
                                                               if o.objected_on else "") for o in self.objectors)
        return ("Not included, because they objected to transferring and so do not transfer (TUPE 2006 "
                f"regulation 4(7)); nothing about them goes to the transferee: {people}.")

    def record(self, member_id: int) -> EliRecord | None:
        return next((r for r in self.records if r.member_id == member_id), None)


# -- building the pack ---------------------------------------------------------------------------

def build_pack(transfer: Transfer, produced_on: date, member_id: int | None = None) -> EliPack:
    """The regulation 11 information for everyone transferring (or just `member_id`), as at the
    day before the transfer, with cases open at any time in the two years before the transfer."""
    on = information_as_at(transfer.transfer_date)
    start = lookback_start(transfer.transfer_date)
    query = (select(TransferMember, Employee).join(Employee, Employee.id == TransferMember.employee_id)
             .where(TransferMember.transfer_id == transfer.id,
                    TransferMember.status.in_(IN_PACK + ("objected",)))
             .order_by(Employee.last_name, Employee.first_name, Employee.person_number))
    if member_id is not None:
        query = query.where(TransferMember.id == member_id)
    rows = db.session.execute(query).all()
    members = [(m, e) for m, e in rows if m.status in IN_PACK]
    objectors = [Objector(m.id, e.id, e.full_name, e.person_number, m.objected_on)
                 for m, e in rows if m.status == "objected"]
    ids = [e.id for _, e in members]
    pictures = _pictures(transfer, members, on)
    context = _Context(transfer, on, pictures)
    cases = cases_within(ids, start, on)
    changed = _cases_last_changed(ids)
    records = [_record(context, member, employee, cases[employee.id], changed.get(employee.id))
               for member, employee in members]
    agreements = list(dict.fromkeys(a for r in records for a in r.collective_agreements))
    due_by = next((item.due_on for item in transfer.checklist if item.key == "eli_sent"), None)
    return EliPack(transfer, on, start, produced_on, due_by, records, objectors, agreements)


def _chunks(ids: list[int], size: int = 500) -> list[list[int]]:
    return [ids[i:i + size] for i in range(0, len(ids), size)]


def _pictures(transfer: Transfer, members: list[tuple[TransferMember, Employee]], on: date) -> dict[int, Picture]:
    """`records.picture_on` for the whole cohort in one query (per 500 people). Someone with two
    posts that day is pictured in the cohort's employment, in a post of the transferring service."""
    employment_of = {e.id: m.employment_id for m, e in members}
    best: dict[int, tuple[tuple[Any, ...], Any]] = {}
    for chunk in _chunks(sorted(employment_of)):
        for row in db.session.execute(as_at(on).where(Employee.id.in_(chunk))).all():
            employee, employment, assignment, post, _ = row
            rank = (employment.id != employment_of[employee.id], assignment is None,
                    post is None or post.service_id != transfer.service_id, assignment.id if assignment else 0)
            if employee.id not in best or rank < best[employee.id][0]:
                best[employee.id] = (rank, row)
    full_time_hours = Decimal(rule_value("full_time_hours", on))
    spine_year, spine = spine_on(on) if any(r[2] is not None and r[2].scp is not None for _, r in best.values()) \
        else (None, {})
    grades = grades_on({r[3].id for _, r in best.values() if r[3] is not None}, on)
    pictures = {}
    for _, employee in members:
        if employee.id not in best:
            pictures[employee.id] = Picture(on, employee, None, None, None, None, None, None, None)
            continue
        _, employment, assignment, post, terms = best[employee.id][1]
        full_time = salary = year = fte_value = None
        if assignment is not None:
            fte_value = fte(assignment.hours_per_week, full_time_hours).quantize(Decimal("0.01"))
            if assignment.local_salary is not None:
                full_time = assignment.local_salary
            elif assignment.scp is not None:
                year, full_time = spine_year, spine.get(assignment.scp)
            if full_time is not None:
                salary = pro_rata_salary(full_time, assignment.hours_per_week, full_time_hours)
        pictures[employee.id] = Picture(on, employee, employment, assignment, post, terms, full_time, salary, year,
                                        fte_value, grades.get(post.id) if post is not None else None)
    return pictures


class _Context:
    """What every record of one pack shares, each read once: councils, terms packages, earlier
    protected terms, and the unions recognised at the transferor."""

    def __init__(self, transfer: Transfer, on: date, pictures: dict[int, Picture]):
        self.transfer, self.on, self.pictures = transfer, on, pictures
        self.councils = {c.id: c for c in db.session.scalars(select(Council))}
        protected_ids = [p.terms.protected_terms_id for p in pictures.values()
                         if p.terms is not None and p.terms.protected_terms_id]
        self.earlier: dict[int, ProtectedTerms] = {}
        for chunk in _chunks(sorted(set(protected_ids))):
            self.earlier.update({p.id: p for p in db.session.scalars(
                select(ProtectedTerms).options(joinedload(ProtectedTerms.transfer)).where(ProtectedTerms.id.in_(chunk)))})
        self._packages: dict[int, dict[str, Any]] = {}
        self.unions = db.session.execute(
            select(TradeUnion.name, UnionRecognition.recognised_from).join(UnionRecognition.union)
            .where(UnionRecognition.council_id == transfer.transferor_id, UnionRecognition.recognised_from <= on,
                   or_(UnionRecognition.recognised_to.is_(None), UnionRecognition.recognised_to >= on))
            .order_by(TradeUnion.name)).all()

    def package(self, council_id: int) -> dict[str, Any]:
        """The council's terms package in force on the day (as `transfers.snapshot_for` takes it)."""
        if council_id not in self._packages:
            self._packages[council_id] = package_body(package_on(council_id, self.on))
        return self._packages[council_id]


def _cases_last_changed(employee_ids: list[int]) -> dict[int, date]:
    """The day each person's cases were last recorded or changed, from the audit trail."""
    latest: dict[int, date] = {}
    for chunk in _chunks(sorted(set(employee_ids))):
        for employee_id, at in db.session.execute(
                select(AuditEvent.employee_id, func.max(AuditEvent.at))
                .where(AuditEvent.entity_type == "employee_case", AuditEvent.employee_id.in_(chunk))
                .group_by(AuditEvent.employee_id)):
            latest[cast(int, employee_id)] = at.date()  # one of `chunk`
    return latest


def _case_line(case: EmployeeCase) -> CaseLine:
    return CaseLine(case.kind, KINDS[case.kind], case.opened_on, case.closed_on, case.summary, case.outcome)


def _standby(standby: dict[str, Any] | None) -> str:
    """{"weekday_night_gbp": "26.40"} -> "weekday night £26.40"."""
    if not standby:
        return ""
    parts = []
    for key, value in standby.items():
        label = key.removesuffix("_gbp").replace("_", " ")
        parts.append(f"{label} {money(Decimal(str(value)))}" if key.endswith("_gbp") else f"{label} {value}")
    return "; ".join(parts)


def _clauses(body: dict[str, Any], word: str) -> list[str]:
    return [f"{c.get('title', '')}: {c.get('text', '')}".strip(": ") for c in body.get("clauses") or []
            if word in str(c.get("title", "")).lower()]


def _terms_of(context: _Context, picture: Picture) -> tuple[dict[str, Any], str]:
    """The terms package the person is on that day, as `transfers.snapshot_for` takes it (an
    earlier transfer's frozen package for someone already on protected terms), and in words."""
    terms, employment = picture.terms, picture.employment
    earlier = context.earlier.get(terms.protected_terms_id) if terms and terms.protected_terms_id else None
    council_id = terms.terms_council_id if terms else (employment.employer_id if employment else None)
    council = context.councils.get(council_id) if council_id else None
    if earlier is not None:
        return earlier.snapshot.get("package") or {}, (
            f"Protected {council.name if council else ''} terms from transfer {earlier.transfer.reference}")
    if council is None:
        return {}, NOT_RECORDED
    body = context.package(council.id)
    if terms is not None and terms.basis == "protected":
        return body, f"Protected {council.name} terms"
    return body, f"{council.name}'s own terms"


def _entitlements(body: dict[str, Any], years: int, grade: str | None) -> dict[str, Any]:
    """Leave and notice from the package; a package whose leave bands do not reach this length
    of service gives no leave figure (named as missing) rather than an error."""
    try:
        return entitlements(body, years, grade)
    except ValueError:
        return {"annual_leave_days": None,
                "notice_months": entitlements({"notice": body.get("notice")}, years, grade)["notice_months"]}


def _missing(transfer: Transfer, member: TransferMember, picture: Picture, age: int, body: dict[str, Any],
             owed: dict[str, Any], cases_changed_on: date | None) -> list[str]:
    """The completeness check: each regulation 11 item the pack cannot yet give, in words."""
    employee, employment, post = picture.employee, picture.employment, picture.post
    missing = []
    if age < 16:  # a date of birth that cannot be right for an employee is as good as missing
        missing.append(MISSING_DOB)
    if not (employee.address or "").strip():
        missing.append(MISSING_ADDRESS)
    if not (employee.postcode or "").strip():
        missing.append(MISSING_POSTCODE)
    if employment is None or picture.assignment is None or post is None:
        missing.append(MISSING_POST)
    else:
        if employment.employer_id != transfer.transferor_id:
            missing.append(f"not employed by {transfer.transferor.short_name} on the day before the transfer")
        if picture.full_time_salary is None:
            missing.append(MISSING_PAY)
        if not picture.grade:
            missing.append(MISSING_GRADE)
        if not body:
            missing.append(MISSING_PACKAGE)
        else:
            if owed["annual_leave_days"] is None:
                missing.append(MISSING_LEAVE)
            if picture.grade and owed["notice_months"] is None:
                missing.append(MISSING_NOTICE)
    if member.eli_cases_checked_on is None:
        missing.append(MISSING_CHECK)
    elif cases_changed_on is not None and cases_changed_on > member.eli_cases_checked_on:
        missing.append(STALE_CHECK)
    return missing


def _agreements(context: _Context, picture: Picture, body: dict[str, Any]) -> list[str]:
    """Regulation 11(2)(e): the national agreement for the person's pay basis, the local
    agreements with each union recognised at the transferor that day, and the package's own."""
    assignment, post = picture.assignment, picture.post
    chief_officer = (assignment is not None and assignment.local_salary is not None) or (
        post is not None and post.is_chief_officer)
    agreements = [JNC_CHIEF_OFFICERS if chief_officer else GREEN_BOOK]
    agreements += [f"Local collective agreements between {context.transfer.transferor.name} and {name}, "
                   f"recognised there since {uk_date(since)}" for name, since in context.unions]
    return agreements + _clauses(body, "collective agreement")


def _record(context: _Context, member: TransferMember, employee: Employee, cases: list[EmployeeCase],
            cases_changed_on: date | None) -> EliRecord:
    on = context.on
    picture = context.pictures[employee.id]
    employment, assignment, post = picture.employment, picture.assignment, picture.post
    age = age_on(employee.date_of_birth, on)
    years = complete_years(employee.continuous_service_date, on)
    body, terms_text = _terms_of(context, picture)
    owed = _entitlements(body, years, picture.grade)
    employer = context.councils[employment.employer_id].name if employment is not None else None
    pension = _clauses(body, "pension")
    return EliRecord(
        member_id=member.id, employee_id=employee.id, member_status=member.status, as_at=on,
        person_number=employee.person_number, first_name=employee.first_name, last_name=employee.last_name,
        date_of_birth=employee.date_of_birth, age=age, address=employee.address or "",
        postcode=employee.postcode or "",
        employer=employer, post_number=post.post_number if post else None, job_title=post.title if post else None,
        place_of_work=f"{post.service.name}, {context.councils[post.council_id].name}" if post else None,
        grade=picture.grade, hours_per_week=assignment.hours_per_week if assignment else None,
        fte=picture.fte, scp=assignment.scp if assignment else None,
        local_salary=assignment.local_salary if assignment else None,
        full_time_salary=picture.full_time_salary, salary=picture.salary, pay_year=picture.pay_year_used,
        employment_start_date=employment.start_date if employment else None,
        continuous_service_date=employee.continuous_service_date, years_of_service=years,
        terms=terms_text, terms_package=body.get("name"), working_week_hours=body.get("working_week_hours"),
        annual_leave_days=owed["annual_leave_days"], notice_months=owed["notice_months"],
        overtime=body.get("overtime") or "", additional_hours=body.get("additional_hours") or "",
        standby=_standby(body.get("standby")), car_allowance=body.get("car_allowance") or "",
        pension="; ".join(pension) if pension else (
            f"Local Government Pension Scheme (LGPS): {employer} is a scheme employer. The person's membership "
            "record is held by the pension fund." if employer else ""),
        disciplinary_grievance=[_case_line(c) for c in cases if c.kind != "claim"],
        claims=[_case_line(c) for c in cases if c.kind == "claim"],
        cases_checked_on=member.eli_cases_checked_on, collective_agreements=_agreements(context, picture, body),
        missing=_missing(context.transfer, member, picture, age, body, owed, cases_changed_on),
    )


# -- the pack in words ---------------------------------------------------------------------------


def _pay_year(start: date | None) -> str:
    return f"{start.year}/{(start.year + 1) % 100:02d}" if start else ""


def pay_text(record: EliRecord) -> str:
    """Remuneration and how it is worked out (ERA 1996 s.1(4)(a))."""
    if record.full_time_salary is None:
        return NOT_RECORDED if record.scp is None else f"SCP {record.scp}: not on the pay spine held"
    if record.local_salary is not None:
        basis = f"Local salary (chief officer) of {money(record.full_time_salary)} a year full time"
    else:
        latest = ", the latest held" if record.pay_year and record.pay_year != pay_year_start(record.as_at) else ""
        basis = (f"SCP {record.scp} on the NJC pay spine: {money(record.full_time_salary)} a year full time"
                 f" (pay year {_pay_year(record.pay_year)}{latest})")
    return f"{basis}; {money(record.salary)} a year for their hours"


def case_text(case: CaseLine) -> str:
    closed = f"closed {uk_date(case.closed_on)}" if case.closed_on else "still open"
    text = f"{case.kind_label}, opened {uk_date(case.opened_on)}, {closed}: {case.summary}"
    if not case.outcome:
        return text
    return f"{text}{' ' if text.endswith(('.', '!', '?')) else '. '}Outcome: {case.outcome}"


def status_text(record: EliRecord) -> str:
    return "Complete" if record.complete else "Missing: " + ", ".join(record.missing)


def identity_rows(record: EliRecord, pack: EliPack) -> list[tuple[str, str]]:
    """Regulation 11(2)(a): identity and age."""
    return [
        ("Name", record.full_name), ("Person number", record.person_number),
        ("Date of birth", uk_date(record.date_of_birth)),
        (f"Age on {uk_date(pack.as_at)}", str(record.age)),
        ("Address", record.address.replace("\n", ", ") or NOT_RECORDED), ("Postcode", record.postcode or NOT_RECORDED),
    ]


def particulars_rows(record: EliRecord, pack: EliPack) -> list[tuple[str, str]]:
    """Regulation 11(2)(b): the particulars of s.1 Employment Rights Act 1996, as they stand on the
    day before the transfer."""
    if record.hours_per_week is not None:
        week = f"; the full-time week is {record.working_week_hours} hours" if record.working_week_hours else ""
        hours = f"{fmt_hours(record.hours_per_week)} hours a week ({record.fte} FTE){week}"
    else:
        hours = NOT_RECORDED
    leave = (f"{record.annual_leave_days} days a year plus bank holidays, at {record.years_of_service} complete "
             "years of continuous service" if record.annual_leave_days is not None else NOT_RECORDED)
    notice = (f"{record.notice_months} month{'s' if record.notice_months != 1 else ''} (by grade)"
              if record.notice_months is not None else NOT_RECORDED)
    rows = [
        ("Employer", record.employer or NOT_RECORDED),
        ("Job title", f"{record.job_title} (post {record.post_number})" if record.job_title else NOT_RECORDED),
        ("Place of work", record.place_of_work or NOT_RECORDED),
        ("Date employment began", uk_date(record.employment_start_date) or NOT_RECORDED),
        ("Continuous employment began", (f"{uk_date(record.continuous_service_date)} ({record.years_of_service} "
                                         f"complete years on {uk_date(pack.as_at)})")),
        ("Grade", record.grade or NOT_RECORDED),
        ("Pay", pay_text(record)),
        ("Hours of work", hours),
        ("Holiday entitlement", leave),
        ("Notice the employer must give", notice),
        ("Terms and conditions", record.terms + (f": {record.terms_package}" if record.terms_package else "")),
        ("Overtime", record.overtime or NOT_RECORDED),
        ("Additional hours", record.additional_hours or NOT_RECORDED),
        ("Standby", record.standby or NOT_RECORDED),
        ("Car allowance", record.car_allowance or NOT_RECORDED),
        ("Pension", record.pension or NOT_RECORDED),
    ]
    return rows


def _cases_section(title: str, cases: list[CaseLine], record: EliRecord, pack: EliPack,
                   none_text: str) -> eli_pdf.Section:
    checked = (f"Records checked on {uk_date(record.cases_checked_on)}." if record.cases_checked_on
               else "The records have not yet been checked for this pack.")
    return eli_pdf.Section(
        title=title,
        head=["Kind", "Opened", "Closed", "Summary", "Outcome"] if cases else [],
        rows=[[c.kind_label, uk_date(c.opened_on), uk_date(c.closed_on) or "Still open", c.summary, c.outcome]
              for c in cases],
        notes=[] if cases else [none_text.format(start=uk_date(pack.lookback_from), end=uk_date(pack.as_at))],
        after=[checked],
    )


def document_for(pack: EliPack, record: EliRecord) -> eli_pdf.EliDocument:
    """The PDF's content for one person, all in words: the builder does no lookups."""
    transfer = pack.transfer
    councils = sorted({transfer.transferor.name, transfer.transferee.name})
    return eli_pdf.EliDocument(
        councils=councils, title=TITLE, person=f"{record.full_name} ({record.person_number})",
        metadata_title=f"Employee liability information: {record.full_name}",
        subject=f"TUPE 2006 regulation 11; transfer {transfer.reference}",
        author=transfer.transferor.name,
        intro=[
            (f"Transfer {transfer.reference}: {transfer.service.name}, from {transfer.transferor.name} (the "
             f"transferor) to {transfer.transferee.name} (the transferee) on {uk_date(transfer.transfer_date)}."),
            (f"Information as at {uk_date(pack.as_at)}, the day before the transfer. Produced on "
             f"{uk_date(pack.produced_on)}" + (f"; due to the transferee by {uk_date(pack.due_by)}." if pack.due_by
                                               else ".")),
        ],
        status=status_text(record), complete=record.complete,
        sections=[
            eli_pdf.Section("1. Identity and age (regulation 11(2)(a))", pairs=identity_rows(record, pack)),
            eli_pdf.Section("2. Particulars of employment (regulation 11(2)(b); Employment Rights Act 1996 s.1)",
                            pairs=particulars_rows(record, pack)),
            _cases_section("3. Disciplinary and grievance procedures in the last two years (regulation 11(2)(c))",
                           record.disciplinary_grievance, record, pack,
                           "None recorded from {start} to {end} where the ACAS Code of Practice on disciplinary "
                           "and grievance procedures applied."),
            _cases_section("4. Court or tribunal cases, claims and actions (regulation 11(2)(d))", record.claims,
                           record, pack,
                           "None brought from {start} to {end}, and none the transferor has reasonable grounds to "
                           "believe may be brought."),
            eli_pdf.Section("5. Collective agreements that will have effect after the transfer "
                            "(regulation 11(2)(e))", bullets=record.collective_agreements),
        ],
        footer=f"{record.full_name} ({record.person_number}) · {transfer.reference} · Confidential: personal data",
        produced_on=pack.produced_on,
    )


# -- exports -------------------------------------------------------------------------------------

def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-") or "x"


def _joined(lines: list[str]) -> str:
    return "\n".join(lines)


# (heading, kind, value): one row per person; kinds as in reports.eli_xlsx.
COLUMNS: list[tuple[str, str, Any]] = [
    ("Person number", "text", lambda r: r.person_number),
    ("Last name", "text", lambda r: r.last_name),
    ("First name", "text", lambda r: r.first_name),
    ("Date of birth", "date", lambda r: r.date_of_birth),
    ("Age", "number", lambda r: r.age),
    ("Address", "text", lambda r: r.address.replace("\n", ", ")),
    ("Postcode", "text", lambda r: r.postcode),
    ("Employer", "text", lambda r: r.employer),
    ("Post number", "text", lambda r: r.post_number),
    ("Job title", "text", lambda r: r.job_title),
    ("Place of work", "text", lambda r: r.place_of_work),
    ("Date employment began", "date", lambda r: r.employment_start_date),
    ("Continuous service date", "date", lambda r: r.continuous_service_date),
    ("Complete years of service", "number", lambda r: r.years_of_service),
    ("Grade", "text", lambda r: r.grade),
    ("SCP", "number", lambda r: r.scp),
    ("Full-time salary", "money", lambda r: r.full_time_salary),
    ("Salary for their hours", "money", lambda r: r.salary),
    ("Pay", "text", pay_text),
    ("Hours per week", "number", lambda r: r.hours_per_week),
    ("FTE", "number", lambda r: r.fte),
    ("Annual leave days", "number", lambda r: r.annual_leave_days),
    ("Notice (months)", "number", lambda r: r.notice_months),
    ("Terms", "text", lambda r: r.terms),
    ("Terms package", "text", lambda r: r.terms_package),
    ("Overtime", "text", lambda r: r.overtime),
    ("Additional hours", "text", lambda r: r.additional_hours),
    ("Standby", "text", lambda r: r.standby),
    ("Car allowance", "text", lambda r: r.car_allowance),
    ("Pension", "text", lambda r: r.pension),
    ("Disciplinary and grievance (last two years)", "long", lambda r: _joined([case_text(c) for c in r.disciplinary_grievance])),
    ("Claims", "long", lambda r: _joined([case_text(c) for c in r.claims])),
    ("Cases checked on", "date", lambda r: r.cases_checked_on),
    ("Collective agreements", "long", lambda r: _joined(r.collective_agreements)),
    ("Complete", "text", lambda r: "Yes" if r.complete else "No"),
    ("Missing", "text", lambda r: ", ".join(r.missing)),
]


def _about(pack: EliPack) -> list[list[Any]]:
    transfer = pack.transfer
    rows: list[list[Any]] = [
        ["Transfer", transfer.reference], ["Service", transfer.service.name],
        ["Transferor", transfer.transferor.name], ["Transferee", transfer.transferee.name],
        ["Transfer date", transfer.transfer_date], ["Information as at", pack.as_at],
        ["Cases from", pack.lookback_from], ["Produced on", pack.produced_on], ["Due by", pack.due_by],
        ["People", len(pack.records)], ["Complete", pack.complete_count], ["Incomplete", pack.incomplete_count],
    ]
    rows += [[f"Missing: {item}", count] for item, count in pack.missing_counts]
    rows += [[f"Not included (objected {uk_date(o.objected_on)}, reg. 4(7))", f"{o.name} ({o.person_number})"]
             for o in pack.objectors]
    return rows


@transaction
def export_xlsx(transfer: Transfer, produced_on: date, fmt: str = "xlsx") -> tuple[bytes, str, int]:
    """The whole pack as a workbook (XLSX, or ODS for `fmt` "ods"): one row per person, then a
    sheet about the pack. Audited."""
    pack = build_pack(transfer, produced_on)
    sheets = [
        eli_xlsx.Sheet("Employee liability information", [(h, kind) for h, kind, _ in COLUMNS],
                       [[value(r) for _, _, value in COLUMNS] for r in pack.records]),
        eli_xlsx.Sheet("About this pack", [("Item", "text"), ("Value", "any")], _about(pack)),
    ]
    content = eli_xlsx.build_ods(sheets) if fmt == "ods" else eli_xlsx.build_workbook(sheets)
    _audit(pack, fmt, len(pack.records))
    return content, f"eli-{_safe(transfer.reference)}.{fmt}", len(pack.records)


@transaction
def export_pdf(transfer: Transfer, member_id: int, produced_on: date) -> tuple[bytes, str] | None:
    """One person's information as a PDF, or None if they are not in the pack. Audited."""
    pack = build_pack(transfer, produced_on, member_id=member_id)
    record = pack.record(member_id)
    if record is None:
        return None
    content = eli_pdf.build_pdf(document_for(pack, record))
    _audit(pack, "pdf", 1, record)
    return content, f"eli-{_safe(transfer.reference)}-{_safe(record.person_number)}.pdf"


@transaction
def export_zip(transfer: Transfer, produced_on: date) -> tuple[bytes, str, int]:
    """Everyone's PDF in one ZIP file. Audited."""
    pack = build_pack(transfer, produced_on)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for record in pack.records:
            name = f"{_safe(record.person_number)}-{_safe(record.last_name)}-{_safe(record.first_name)}.pdf"
            archive.writestr(name, eli_pdf.build_pdf(document_for(pack, record)))
    _audit(pack, "zip", len(pack.records))
    return buffer.getvalue(), f"eli-{_safe(transfer.reference)}.zip", len(pack.records)


def _audit(pack: EliPack, fmt: str, count: int, record: EliRecord | None = None) -> None:
    after: dict[str, Any] = {"transfer": pack.transfer.reference, "format": fmt, "count": count,
                             "incomplete": sum(1 for r in ([record] if record else pack.records) if not r.complete)}
    if record is not None:
        after["person_number"] = record.person_number
    audit.record("export", "eli_pack", pack.transfer.id, after=after,
                 employee_id=record.employee_id if record else None)
