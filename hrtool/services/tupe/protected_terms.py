"""Protected terms after a transfer: what they are, how they compare with the lead authority's
terms, the one-way election onto the lead's terms, and the register of who is still protected."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, BinaryIO

from sqlalchemy import ColumnElement, Select, and_, func, select

from ...domain.dates import complete_years
from ...domain.tupe import TermComparison, compare_number, compare_text
from ...errors import DomainError
from ...extensions import db
from ...models import (
    Assignment,
    Council,
    Election,
    Employee,
    Employment,
    ProtectedTerms,
    Service,
    TermsRecord,
    Transfer,
    TransferMember,
)
from ..pay import regrading
from ..pay.side_by_side import compare_score
from ..people.records import as_at, picture_on
from ..platform import audit
from ..platform.tabular import write_table
from ..platform.unit_of_work import transaction
from .transfers import entitlements, package_body, package_on


@dataclass(frozen=True)
class Protected:
    record: TermsRecord
    snapshot: ProtectedTerms
    employment: Employment


def protected_on(employee_id: int, on: date) -> Protected | None:
    row = db.session.execute(
        select(TermsRecord, ProtectedTerms, Employment)
        .join(Employment, Employment.id == TermsRecord.employment_id)
        .join(ProtectedTerms, ProtectedTerms.id == TermsRecord.protected_terms_id)
        .where(Employment.employee_id == employee_id, TermsRecord.basis == "protected",
               TermsRecord.effective_from <= on,
               (TermsRecord.effective_to.is_(None)) | (TermsRecord.effective_to >= on))
        .order_by(TermsRecord.effective_from.desc()).limit(1)).first()
    return Protected(*row) if row else None


def comparison(employee_id: int, on: date) -> tuple[Protected, list[TermComparison], dict[str, Any]] | None:
    """Protected terms next to the employer's (lead authority's) current terms, term by term,
    for this person's service length and post today."""
    protected = protected_on(employee_id, on)
    if protected is None:
        return None
    picture = picture_on(employee_id, on)
    assert picture is not None, "a person with protected terms is on record"
    years = complete_years(picture.employee.continuous_service_date, on)
    old = protected.snapshot.snapshot
    old_body = old["package"]
    lead_package = package_on(protected.employment.employer_id, on)
    lead_body = package_body(lead_package)
    score = picture.post.je_score if picture.post else None
    _, ranges = compare_score(score, on) if score is not None else (None, {})
    old_code = old["terms_council"]
    lead_code = protected.employment.employer.code
    old_grade = old_range.grade if (old_range := ranges.get(old_code)) else old["particulars"].get("grade")
    lead_grade = lead_range.grade if (lead_range := ranges.get(lead_code)) else None
    mine = entitlements(old_body, years, old_grade)
    theirs = entitlements(lead_body, years, lead_grade)
    rows = [
        compare_number(f"Annual leave at {years} years' service", mine["annual_leave_days"], theirs["annual_leave_days"], "days"),
        compare_number("Notice the employer gives", mine["notice_months"], theirs["notice_months"], "months"),
        compare_text("Working week (hours)", str(old_body.get("working_week_hours", "")), str(lead_body.get("working_week_hours", ""))),
        compare_text("Overtime", old_body.get("overtime", ""), lead_body.get("overtime", "")),
        compare_text("Additional hours", old_body.get("additional_hours", ""), lead_body.get("additional_hours", "")),
        compare_text("Standby", _standby(old_body.get("standby", {})), _standby(lead_body.get("standby", {}))),
        compare_text("Car allowance", old_body.get("car_allowance", ""), lead_body.get("car_allowance", "")),
    ]
    old_range, lead_range = ranges.get(old_code), ranges.get(lead_code)
    if old_range and lead_range:
        rows.append(compare_number(f"Top of grade for the post's {score} points (full-time)",
                                   old_range.salary_max, lead_range.salary_max, "GBP"))
        rows.append(compare_text("Grade for the post", f"{old_range.grade} (SCP {old_range.scp_min}–{old_range.scp_max})",
                                 f"{lead_range.grade} (SCP {lead_range.scp_min}–{lead_range.scp_max})"))
        rows += _point_rows(picture, lead_range, on)
    context = {"years": years, "old_council": old_code, "lead_council": lead_code,
               "lead_package": lead_package.name if lead_package else "none held", "picture": picture}
    return protected, rows, context


def _point_rows(picture: Any, lead_range: Any, on: date) -> list[TermComparison]:
    """What an election would do to the person's own point (countersign -> regrading.fit_after_election):
    on the lead authority's terms it must be in the post's grade there."""
    from ...domain.grading import fit_scp
    from ..people.records import spine_on

    assignment = picture.assignment
    if assignment is None or assignment.scp is None or assignment.local_salary is not None:
        return []
    lead_scp = fit_scp(assignment.scp, lead_range)
    where = ("top of the grade" if lead_scp < assignment.scp else "lowest point of the grade"
             if lead_scp > assignment.scp else "within the grade")
    rows = [compare_text("Your pay point", f"SCP {assignment.scp}", f"SCP {lead_scp} ({where})")]
    spine = spine_on(on)[1]
    if assignment.scp in spine and lead_scp in spine:
        rows.append(compare_number("Your full-time salary at that point", spine[assignment.scp], spine[lead_scp],
                                   "GBP"))
    return rows


def _standby(standby: dict[str, Any]) -> str:
    return "; ".join(f"{k.replace('_gbp', '').replace('_', ' ')} £{v}" for k, v in standby.items()) or "none"


@transaction
def record_election(employee_id: int, effective_from: date, understood: bool, today: date) -> Election:
    """The choice to move onto the lead authority's terms from a date. One-way: refused if an
    election already exists or the person is not on protected terms on that date."""
    if not understood:
        raise DomainError("Confirm that you understand the choice cannot be undone", field="understood")
    if effective_from < today:
        raise DomainError("The date cannot be in the past", field="effective_from")
    protected = protected_on(employee_id, effective_from) or protected_on(employee_id, today)
    if protected is None:
        raise DomainError("You are not on protected terms, so there is nothing to elect")
    existing = db.session.scalar(select(Election).where(Election.employment_id == protected.employment.id))
    if existing is not None:
        raise DomainError("An election has already been recorded; it cannot be made twice or undone")
    actor_id, _ = audit._actor()
    election = Election(employee_id=employee_id, employment_id=protected.employment.id, effective_from=effective_from,
                        recorded_by_id=actor_id, understood_irreversible=True)
    db.session.add(election)
    db.session.flush()
    audit.record("create", "election", election.id, employee_id=employee_id,
                 after={"effective_from": effective_from.isoformat(), "status": "awaiting countersignature"})
    return election


@transaction
def countersign(election_id: int) -> Election:
    """HR countersigns: from the election's date the person is on the lead authority's terms;
    the protected terms stay on record as history."""
    election = db.session.get(Election, election_id)
    if election is None:
        raise DomainError("That election no longer exists")
    if election.countersigned_at is not None:
        raise DomainError("This election has already been countersigned")
    actor_id, _ = audit._actor()
    if actor_id is not None and actor_id == election.recorded_by_id:
        raise DomainError("Someone other than the person who recorded the election must countersign it")
    protected = protected_on(election.employee_id, election.effective_from)
    if protected is None:
        raise DomainError("The person is not on protected terms on the election date")
    record = protected.record
    record.effective_to = election.effective_from - timedelta(days=1)
    employment = protected.employment
    db.session.add(TermsRecord(employment_id=employment.id, basis="own", terms_council_id=employment.employer_id,
                               effective_from=election.effective_from, recorded_by_id=actor_id,
                               reason="elected to move onto the lead authority's terms"))
    db.session.flush()
    # On the lead authority's terms the point must be in the post's grade under its conventions.
    regrading.fit_after_election(employment.id, election.effective_from,
                                 f"elected onto {employment.employer.code}'s terms from "
                                 f"{election.effective_from:%d/%m/%Y}", source_ref=f"election {election.id}")
    election.countersigned_by_id = actor_id
    election.countersigned_at = datetime.now(UTC)
    audit.record("countersign", "election", election.id, employee_id=election.employee_id,
                 after={"effective_from": election.effective_from.isoformat(),
                        "terms": f"{employment.employer.code} own terms"})
    return election


def pending_elections() -> list[Election]:
    return list(db.session.scalars(select(Election).where(Election.countersigned_at.is_(None))
                                   .order_by(Election.recorded_at)))


def latest_election(employee_id: int) -> Election | None:
    """The person's most recently recorded election (the highest id), countersigned or not; None if none."""
    return db.session.scalars(select(Election).where(Election.employee_id == employee_id)
                              .order_by(Election.id.desc())).first()


def register_query(on: date) -> Select[Any]:
    """Everyone on protected terms on a date: person, employer, service, whose terms, transfer;
    in a stable order (name, then the person and post ids), so the register pages cleanly."""
    return (as_at(on).where(TermsRecord.basis == "protected")
            .add_columns(Transfer.reference, Transfer.transfer_date)
            .join(Transfer, Transfer.id == TermsRecord.transfer_id, isouter=False)
            .order_by(Employee.last_name, Employee.first_name, Employee.id, Employment.id, Assignment.id))


def register(on: date) -> list[tuple[Any, ...]]:
    """The whole register on a date (the download); the page shows it a page at a time."""
    return list(db.session.execute(register_query(on)).all())


REGISTER_COLUMNS = [("person_number", "text"), ("name", "text"), ("employer", "text"), ("service", "text"),
                    ("post", "text"), ("terms_of", "text"), ("transfer", "text"), ("transfer_date", "date")]


@transaction
def export_register(out: BinaryIO, fmt: str, on: date) -> int:
    """The register on a date as CSV or XLSX, the export audited; returns the number of rows."""
    rows = ([e.person_number, e.full_name, employment.employer.short_name, post.service.name if post else "",
             post.title if post else "", terms.terms_council.short_name, reference, when]
            for e, employment, _, post, terms, reference, when in register(on))
    count = write_table(out, fmt, REGISTER_COLUMNS, rows)
    audit.record("export", "protected_terms_register", after={"format": fmt, "count": count})
    return count


def _still_protected(on: date) -> ColumnElement[bool]:
    """A protected terms record in force on `on`, of an employment not ended by then."""
    return and_(TermsRecord.basis == "protected", TermsRecord.effective_from <= on,
                (TermsRecord.effective_to.is_(None)) | (TermsRecord.effective_to >= on),
                (Employment.end_date.is_(None)) | (Employment.end_date >= on))


def report(on: date) -> dict[str, Any]:
    """The protected-terms report: totals by council, and per transfer the people transferred,
    still protected, elected and objected (the papers: 97 in the 2011 tranche, 13 still protected)."""
    from ...domain.tupe import transfer_status
    from ...models import ChecklistItem

    still = db.session.execute(
        select(Transfer.id, func.count(func.distinct(Employment.employee_id)))
        .join(TermsRecord, TermsRecord.transfer_id == Transfer.id)
        .join(Employment, Employment.id == TermsRecord.employment_id)
        .where(_still_protected(on))
        .group_by(Transfer.id)).all()
    still_by = dict(still)
    transferred = dict(db.session.execute(
        select(Employment.transfer_id, func.count(Employment.id)).where(Employment.transfer_id.is_not(None))
        .group_by(Employment.transfer_id)).all())
    elected = dict(db.session.execute(
        select(Employment.transfer_id, func.count(Election.id)).join(Election, Election.employment_id == Employment.id)
        .where(Election.countersigned_at.is_not(None)).group_by(Employment.transfer_id)).all())
    objected = dict(db.session.execute(
        select(TransferMember.transfer_id, func.count(TransferMember.id)).where(TransferMember.status == "objected")
        .group_by(TransferMember.transfer_id)).all())
    done = dict(db.session.execute(
        select(ChecklistItem.transfer_id, func.count(ChecklistItem.id)).where(ChecklistItem.done_on.is_not(None))
        .group_by(ChecklistItem.transfer_id)).all())
    by_council = dict(db.session.execute(
        select(Council.code, func.count(func.distinct(Employment.employee_id)))
        .join(Employment, Employment.employer_id == Council.id)
        .join(TermsRecord, TermsRecord.employment_id == Employment.id)
        .where(_still_protected(on))
        .group_by(Council.code)).all())
    transfers = db.session.execute(select(Transfer, Service.name).join(Service)
                                   .order_by(Transfer.transfer_date, Transfer.reference)).all()
    codes = db.session.scalars(select(Council.code).order_by(Council.code)).all()
    return {
        "as_at": on.isoformat(),
        "total_protected": sum(by_council.values()),
        "by_council": {code: by_council.get(code, 0) for code in codes},
        "by_transfer": [{
            "transfer": t.reference, "service": service, "date": t.transfer_date.isoformat(),
            "status": transfer_status(t.status, done.get(t.id, 0)),
            "transferred": transferred.get(t.id, 0), "still_protected": still_by.get(t.id, 0),
            "elected": elected.get(t.id, 0), "objected": objected.get(t.id, 0)} for t, service in transfers],
    }


