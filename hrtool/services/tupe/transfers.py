"""TUPE transfers to the lead authority, from plan to completion (DOMAIN.md 3.3).

Create a transfer (its checklist is computed from its date and the policy's lead times),
propose and confirm its cohort, record objections, and complete it in one transaction: each
member's employment with the transferor ends the day before, a new one with the transferee
begins on the transfer date (continuous service date untouched), their assignment moves to a
post in the transferee's establishment on the same hours and pay, and a snapshot of the terms
they were on the day before becomes their protected terms. The caller commits once."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, cast

from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError

from ...domain.dates import complete_years
from ...domain.tupe import LeaveBand, NoticeBand, Step, StepRule, annual_leave_days, notice_months, timeline, transfer_status
from ...errors import DomainError, StaleRecord
from ...extensions import db
from ...models import (
    Assignment,
    ChecklistItem,
    Council,
    Employment,
    Policy,
    Post,
    ProtectedTerms,
    TermsPackage,
    TermsRecord,
    Transfer,
    TransferMember,
)
from ..people.records import as_at, picture_on, rule_value
from ..platform import audit
from ..platform.unit_of_work import transaction
from ..rules import date_windows

LIVE = ("proposed", "confirmed")  # members who will move on completion once confirmed


def step_rules(on: date) -> list[StepRule]:
    """The transfer checklist policy in force on `on`: each step and its lead time (practice, held
    as data; the transferee's measures before the regulation 13 letter, reg. 13(4))."""
    policy = db.session.scalars(
        select(Policy).where(Policy.kind == "tupe_checklist", Policy.council_id.is_(None), Policy.effective_from <= on)
        .order_by(Policy.effective_from.desc()).limit(1)).first()
    if policy is None:
        raise DomainError("No transfer checklist policy is held: load the reference data")
    return [StepRule(i["key"], i["title"], int(i["days_before"])) for i in policy.body["items"]]


def eli_clear_days(transfer_date: date) -> int:
    """The clear days employee liability information must leave before a transfer on this date
    (TUPE 2006 reg. 11(6)): rule setting `eli_clear_days`, dated by the transfer date (14 for
    transfers before 1 May 2014, 28 from then)."""
    try:
        return int(rule_value("eli_clear_days", transfer_date))
    except LookupError:
        raise DomainError("No period for employee liability information (rule setting eli_clear_days) is held: "
                          "run hrtool db upgrade, or load the reference data") from None


def steps_for(transfer_date: date, on: date) -> list[Step]:
    """A transfer's steps and their due dates: the lead times of the checklist policy in force on
    `on` (the day it is planned), and employee liability information by the statutory last day
    for its transfer date (domain.tupe.timeline)."""
    return timeline(transfer_date, step_rules(on), eli_clear_days(transfer_date))


def create_transfer(values: dict[str, Any], today: date) -> Transfer:
    """A planned transfer with its checklist. `values` are the Transfer's columns."""
    date_windows.check("transfer_date", values.get("transfer_date"), today=today)
    if values["transferor_id"] == values["transferee_id"]:
        raise DomainError("The transferee must be the other council", field="transferee_id")
    number = (db.session.scalar(select(func.count()).select_from(Transfer)) or 0) + 1
    reference = f"TR-{values['transfer_date']:%Y}-{number:04d}"
    while db.session.scalar(select(Transfer.id).where(Transfer.reference == reference)) is not None:
        number += 1
        reference = f"TR-{values['transfer_date']:%Y}-{number:04d}"
    transfer = Transfer(reference=reference, status="planned", **values)
    db.session.add(transfer)
    db.session.flush()
    for step in steps_for(transfer.transfer_date, today):
        transfer.checklist.append(ChecklistItem(key=step.key, title=step.title, due_on=step.due_on))
    audit.record("create", "transfer", transfer.id, after={
        "reference": reference, "service_id": transfer.service_id, "transferor_id": transfer.transferor_id,
        "transferee_id": transfer.transferee_id, "transfer_date": transfer.transfer_date.isoformat(),
        "legal_basis": transfer.legal_basis})
    return transfer


def propose_cohort(transfer: Transfer) -> int:
    """Everyone assigned to a post of the service at the transferor on the transfer date (and
    not already a member) joins the cohort as proposed. Returns how many were added."""
    rows = db.session.execute(as_at(transfer.transfer_date).where(
        Employment.employer_id == transfer.transferor_id, Post.service_id == transfer.service_id)).all()
    existing = {m.employee_id for m in transfer.members}
    added = 0
    for employee, employment, _, _, _ in rows:
        if employee.id in existing:
            continue
        existing.add(employee.id)
        transfer.members.append(TransferMember(employee_id=employee.id, employment_id=employment.id, status="proposed"))
        added += 1
    db.session.flush()
    if added:
        audit.record("update", "transfer", transfer.id, after={"cohort_proposed": added})
    return added


@transaction
def plan_transfer(values: dict[str, Any], today: date) -> Transfer:
    """Plan a transfer (`create_transfer`) and propose its cohort from the service's staff: one
    user action, one unit of work."""
    transfer = create_transfer(values, today)
    propose_cohort(transfer)
    return transfer


@transaction
def propose_more(transfer: Transfer) -> int:
    """Propose anyone of the service's staff not yet in an open transfer's cohort."""
    _require_open(transfer)
    return propose_cohort(transfer)


@transaction
def confirm_cohort(transfer: Transfer) -> int:
    _require_open(transfer)
    confirmed = 0
    for member in transfer.members:
        if member.status == "proposed":
            member.status = "confirmed"
            confirmed += 1
    audit.record("update", "transfer", transfer.id, after={"cohort_confirmed": confirmed})
    return confirmed


@transaction
def add_member(transfer: Transfer, employee_id: int, reason: str) -> TransferMember:
    _require_open(transfer)
    if not reason.strip():
        raise DomainError("Give the reason for adding this person", field="reason")
    if any(m.employee_id == employee_id for m in transfer.members):
        raise DomainError("This person is already in the cohort", field="person_number")
    employment = db.session.scalars(select(Employment).where(
        Employment.employee_id == employee_id, Employment.employer_id == transfer.transferor_id,
        Employment.start_date <= transfer.transfer_date,
        (Employment.end_date.is_(None)) | (Employment.end_date >= transfer.transfer_date))).first()
    if employment is None:
        raise DomainError(f"This person is not employed by {transfer.transferor.short_name} on the transfer date",
                          field="person_number")
    member = TransferMember(employee_id=employee_id, employment_id=employment.id, status="confirmed",
                            reason=reason.strip())
    transfer.members.append(member)
    db.session.flush()
    audit.record("create", "transfer_member", member.id, after={"transfer": transfer.reference, "status": "confirmed"},
                 reason=reason, employee_id=employee_id)
    return member


@transaction
def remove_member(member: TransferMember, reason: str) -> None:
    _require_open(member.transfer)
    if not reason.strip():
        raise DomainError("Give the reason for removing this person", field="reason")
    before = member.status
    member.status, member.reason = "removed", reason.strip()
    audit.record("update", "transfer_member", member.id, before={"status": before}, after={"status": "removed"},
                 reason=reason, employee_id=member.employee_id)


@transaction
def record_objection(member: TransferMember, objected_on: date, note: str) -> None:
    """The employee objects to transferring (reg. 4(7)): their employment will end at the
    transfer, and that is not a dismissal (reg. 4(8))."""
    date_windows.check("objected_on", objected_on, not_after=[date_windows.Anchor("the transfer date", member.transfer.transfer_date)])
    _require_open(member.transfer)
    if member.status not in LIVE:
        raise DomainError("Only someone in the cohort can object")
    if objected_on > member.transfer.transfer_date:
        raise DomainError("An objection must be made before the transfer", field="objected_on")
    before = member.status
    member.status, member.objected_on, member.objection_note = "objected", objected_on, note.strip()
    audit.record("update", "transfer_member", member.id, before={"status": before},
                 after={"status": "objected", "objected_on": objected_on.isoformat()}, reason=note,
                 employee_id=member.employee_id)


def objection_consequence(member: TransferMember) -> str:
    last_day = member.transfer.transfer_date - timedelta(days=1)
    return (f"{member.employee.full_name}'s employment with {member.transfer.transferor.name} will end at the "
            f"transfer: their last day is {last_day.day} {last_day:%B %Y}. They will not transfer to "
            f"{member.transfer.transferee.name}. Under TUPE regulation 4(8) this is not a dismissal, so there "
            "is no redundancy pay or notice pay, unless the objection is because of a substantial change "
            "to their detriment (regulation 4(9)).")


@transaction
def mark_step(item: ChecklistItem, done_on: date | None, note: str) -> None:
    date_windows.check("step_done_on", done_on, field="done_on")
    if item.transfer.status == "withdrawn":
        raise DomainError("This transfer was withdrawn: its checklist can no longer change")
    before = {"done_on": item.done_on.isoformat() if item.done_on else None}
    actor_id, _ = audit._actor()
    item.done_on, item.done_by_id, item.note = done_on, actor_id if done_on else None, note.strip()
    audit.record("update", "transfer_step", item.id, before=before,
                 after={"step": item.key, "done_on": done_on.isoformat() if done_on else None}, reason=note)


@transaction
def correct_transfer_date(transfer: Transfer, transfer_date: date | None, reason: str, today: date) -> Transfer:
    """Correct a planned transfer's date (one entered wrongly, or held from before dates had a
    plausible window). The checklist's due dates follow the new date, from the lead
    times in force today; steps already done keep the dates they were done. Audited with why."""
    date_windows.check("transfer_date", transfer_date, today=today)
    if transfer.status != "planned":
        raise DomainError(f"This transfer is {transfer.status}: its date can no longer change")
    if transfer_date is None:
        raise DomainError("Enter the transfer date", field="transfer_date")
    if transfer_date == transfer.transfer_date:
        raise DomainError("That is the date already held: enter the corrected date", field="transfer_date")
    if not reason.strip():
        raise DomainError("Enter the reason for the correction", field="reason")
    before = {"transfer_date": transfer.transfer_date.isoformat(),
              "due": {item.key: item.due_on.isoformat() for item in transfer.checklist}}
    transfer.transfer_date = transfer_date
    due = {step.key: step.due_on for step in steps_for(transfer_date, today)}
    for item in transfer.checklist:
        item.due_on = due.get(item.key, item.due_on)
    audit.record("update", "transfer", transfer.id, before=before, reason=reason.strip(), after={
        "transfer_date": transfer_date.isoformat(), "due": {item.key: item.due_on.isoformat() for item in transfer.checklist}})
    return transfer


def date_warning(transfer: Transfer, today: date | None = None, action: str = "correct it") -> str | None:
    """A warning for the pages showing a transfer whose date is outside the plausible window
    (held from before dates had one): shown, never an error page."""
    return date_windows.held_warning("transfer_date", transfer.transfer_date, "This transfer's date", today=today,
                                     action=action)


def implausibly_dated(transfers: list[Transfer], today: date | None = None) -> set[int]:
    """The ids of those transfers whose date is outside the plausible window: their steps are
    set apart as needing a correction, not counted as overdue for ever."""
    window = date_windows.edges("transfer_date", today)
    return {t.id for t in transfers if not window.holds(t.transfer_date)}


def _require_open(transfer: Transfer) -> None:
    if transfer.status != "planned":
        raise DomainError(f"This transfer is {transfer.status}: its cohort can no longer change")


# -- terms ------------------------------------------------------------------------------------

def package_on(council_id: int, on: date) -> TermsPackage | None:
    return db.session.scalars(
        select(TermsPackage).where(TermsPackage.council_id == council_id, TermsPackage.effective_from <= on,
                                   (TermsPackage.effective_to.is_(None)) | (TermsPackage.effective_to >= on))
        .order_by(TermsPackage.effective_from.desc()).limit(1)).first()


def package_body(package: TermsPackage | None) -> dict[str, Any]:
    if package is None:
        return {}
    return {"name": package.name, "effective_from": package.effective_from.isoformat(),
            "working_week_hours": package.working_week_hours, "annual_leave": package.annual_leave,
            "notice": package.notice, "standby": package.standby, "overtime": package.overtime,
            "additional_hours": package.additional_hours, "car_allowance": package.car_allowance,
            "clauses": package.clauses}


def entitlements(body: dict[str, Any], years: int, grade: str | None) -> dict[str, Any]:
    """What a package gives a person with this service and grade."""
    leave = notice = None
    if body.get("annual_leave"):
        leave = annual_leave_days([LeaveBand(int(b["from_years"]), int(b["days"])) for b in body["annual_leave"]], years)
    if body.get("notice"):
        notice = notice_months([NoticeBand(b["grades"], int(b["months"])) for b in body["notice"]], grade)
    return {"annual_leave_days": leave, "notice_months": notice}


def snapshot_for(employee_id: int, on: date) -> tuple[int, int | None, dict[str, Any]]:
    """The terms a person is on, on a date, as data: whose terms, the package, and their own
    particulars. Someone already on protected terms keeps those (their old snapshot's package)."""
    picture = picture_on(employee_id, on)
    if picture is None or picture.employment is None or picture.assignment is None:
        raise DomainError("This person has no employment and post on the day before the transfer")
    assert picture.post is not None, "an assignment always has its post"
    terms = picture.terms
    terms_council_id = terms.terms_council_id if terms else picture.employment.employer_id
    earlier = db.session.get(ProtectedTerms, terms.protected_terms_id) if terms and terms.protected_terms_id else None
    package = None if earlier else package_on(terms_council_id, on)
    body = earlier.snapshot["package"] if earlier else package_body(package)
    years = complete_years(picture.employee.continuous_service_date, on)
    grade = picture.grade if picture.post else None
    particulars = {
        "employer": picture.employment.employer.name, "post_number": picture.post.post_number,
        "post_title": picture.post.title, "grade": grade, "je_score": picture.post.je_score,
        "hours_per_week": str(picture.assignment.hours_per_week), "scp": picture.assignment.scp,
        "local_salary": str(picture.assignment.local_salary) if picture.assignment.local_salary is not None else None,
        "full_time_salary": str(picture.full_time_salary) if picture.full_time_salary is not None else None,
        "salary": str(picture.salary) if picture.salary is not None else None,
        "continuous_service_date": picture.employee.continuous_service_date.isoformat(),
        "complete_years_of_service": years,
        "employment_start_date": picture.employment.start_date.isoformat(),
    }
    snapshot = {"terms_council": cast(Council, db.session.get(Council, terms_council_id)).code, "package": body,
                "particulars": particulars, "entitlements": entitlements(body, years, grade),
                "carried_from_transfer": earlier.transfer.reference if earlier else None}
    return terms_council_id, (package.id if package else None), snapshot


# -- completion -------------------------------------------------------------------------------

@dataclass
class MemberPlan:
    member_id: int
    employee_id: int
    name: str
    person_number: str
    outcome: str  # "transfers" or "employment ends (objected)"
    changes: list[str] = field(default_factory=list)
    problem: str = ""


@dataclass
class CompletionPlan:
    transfer: Transfer
    members: list[MemberPlan]
    problems: list[str]

    @property
    def can_complete(self) -> bool:
        return not self.problems and not any(m.problem for m in self.members)


def plan_completion(transfer: Transfer, today: date) -> CompletionPlan:
    """The dry run: exactly what completion would change, per person, changing nothing."""
    problems = []
    if transfer.status != "planned":
        problems.append(f"This transfer is already {transfer.status}.")
    if today < transfer.transfer_date:
        problems.append(f"A transfer can only be completed on or after its date ({transfer.transfer_date:%d/%m/%Y}).")
    if transfer.status == "planned" and (warning := date_warning(transfer, today)):
        problems.append(warning)  # never complete a transfer on a date outside sense
    if transfer.legal_basis == "s113":
        problems.append("A placement under s.113 does not change the employer: there is nothing to complete.")
    if any(m.status == "proposed" for m in transfer.members):
        problems.append("Confirm the cohort first: some people are still only proposed.")
    day_before = transfer.transfer_date - timedelta(days=1)
    plans = [_member_plan(transfer, member, day_before) for member in transfer.members
             if member.status in ("confirmed", "objected")]
    return CompletionPlan(transfer, plans, problems)


def _member_plan(transfer: Transfer, member: TransferMember, day_before: date) -> MemberPlan:
    """What completion would change for one confirmed or objecting member, or why it cannot."""
    employee = member.employee
    plan = MemberPlan(member.id, employee.id, employee.full_name, employee.person_number,
                      "transfers" if member.status == "confirmed" else "employment ends (objected)")
    picture = picture_on(employee.id, day_before)
    if picture is None or picture.employment is None or picture.employment.id != member.employment_id \
            or picture.assignment is None:
        plan.problem = "not employed in the cohort's employment on the day before the transfer"
    elif picture.employment.end_date is not None and picture.employment.end_date < transfer.transfer_date:
        plan.problem = f"employment already ends on {picture.employment.end_date:%d/%m/%Y}"
    else:
        later = db.session.scalar(select(Assignment.id).where(
            Assignment.employment_id == member.employment_id, Assignment.effective_from >= transfer.transfer_date))
        if later is not None:
            plan.problem = "has a change recorded on or after the transfer date; correct it first"
    if not plan.problem:
        plan.changes.append(f"{transfer.transferor.short_name} employment ends {day_before:%d/%m/%Y}")
        if member.status == "confirmed":
            assert picture and picture.post and picture.assignment, "no problem: a picture with a post, checked above"
            plan.changes += [
                f"new {transfer.transferee.short_name} employment from {transfer.transfer_date:%d/%m/%Y} "
                f"({'TUPE' if transfer.legal_basis == 'tupe' else 'TUPE-equivalent (COSOP)'})",
                f"continuous service date stays {employee.continuous_service_date:%d/%m/%Y}",
                f"{picture.post.title}: same hours ({picture.assignment.hours_per_week}) and pay "
                f"(SCP {picture.assignment.scp})" if picture.assignment.scp is not None
                else f"{picture.post.title}: same hours and local salary",
                "terms held on " + f"{day_before:%d/%m/%Y} become protected terms",
            ]
        else:
            plan.changes.append("does not transfer; not a dismissal (TUPE reg. 4(8))")
    return plan


@transaction
def complete(transfer: Transfer, today: date, reason: str = "") -> CompletionPlan:
    """Complete the transfer as the dry run showed. Everything or nothing: any problem raises
    before a row is written, and any failure part-way rolls back the whole unit of work.

    The completion guard (services/tupe/transfer_steps.py): if any legal step was not met
    (employee liability information in time, the regulation 13 information and consultation,
    measures, objections, letters), completing needs `reason`; the unmet steps, as they stood,
    and the reason are kept on the transfer and in the audit trail."""
    from .transfer_steps import as_record, unmet_steps

    plan = plan_completion(transfer, today)
    if not plan.can_complete:
        raise DomainError("The transfer cannot be completed yet: " + " ".join(
            plan.problems + [f"{m.name}: {m.problem}." for m in plan.members if m.problem]))
    unmet = unmet_steps(transfer, today)
    if unmet and not reason.strip():
        count = len(unmet)
        raise DomainError(f"{count} legal {'step was' if count == 1 else 'steps were'} not met ("
                          + "; ".join(s.title for s in unmet) + "): give the reason for completing the transfer "
                          "all the same", field="reason")
    day_before = transfer.transfer_date - timedelta(days=1)
    actor_id, _ = audit._actor()
    posts: dict[int, Post] = {}
    for member in [m for m in transfer.members if m.status in ("confirmed", "objected")]:
        _complete_member(transfer, member, day_before, actor_id, posts)
    transfer.status = "completed"
    transfer.completed_at = datetime.now(UTC)
    transfer.completed_by_id = actor_id
    # Set last, with the status: the transfer's row is written once, in the flush below.
    transfer.completion_unmet = as_record(unmet) if unmet else None
    transfer.completion_reason = reason.strip() if unmet else ""
    try:
        db.session.flush()  # the version column: refused if the transfer was saved meanwhile (edited, withdrawn)
    except StaleDataError:
        raise StaleRecord("Someone else changed this transfer while you were completing it: nothing was completed. "
                          "Check the dry run again.") from None
    audit.record("complete", "transfer", transfer.id, reason=transfer.completion_reason, after={
        "reference": transfer.reference, "transferred": sum(1 for m in plan.members if m.outcome == "transfers"),
        "objected": sum(1 for m in plan.members if m.outcome != "transfers"),
        "unmet_steps": [s["title"] for s in transfer.completion_unmet or []]})
    return plan


def _complete_member(transfer: Transfer, member: TransferMember, day_before: date, actor_id: int | None,
                     posts: dict[int, Post]) -> None:
    """End the member's old employment; for one who transfers, start the new employment in the
    transferee's post (one per old post, kept in `posts`) on the same terms, now protected."""
    old_terms_council, package_id, snapshot = snapshot_for(member.employee_id, day_before)
    _end_employment(member.employment, day_before,
                    "transferred to the lead authority" if member.status == "confirmed"
                    else "objected to transfer (TUPE reg. 4(7)); not a dismissal")
    if member.status == "objected":
        return
    current = db.session.scalars(select(Assignment).where(Assignment.employment_id == member.employment_id)
                                 .order_by(Assignment.effective_from.desc()).limit(1)).one()
    new_post = posts.get(current.post_id) or _transferee_post(current.post, transfer)
    posts[current.post_id] = new_post
    employment = Employment(employee_id=member.employee_id, employer_id=transfer.transferee_id,
                            start_date=transfer.transfer_date, began_by=transfer.legal_basis,
                            transfer_id=transfer.id)
    db.session.add(employment)
    db.session.flush()
    db.session.add(Assignment(employment_id=employment.id, post_id=new_post.id,
                              hours_per_week=current.hours_per_week, scp=current.scp,
                              local_salary=current.local_salary, effective_from=transfer.transfer_date,
                              reason=f"transferred on the same terms ({transfer.reference})",
                              recorded_by_id=actor_id))
    protected = ProtectedTerms(transfer_id=transfer.id, employee_id=member.employee_id,
                               terms_council_id=old_terms_council, terms_package_id=package_id,
                               taken_on=day_before, snapshot=snapshot)
    db.session.add(protected)
    db.session.flush()
    db.session.add(TermsRecord(employment_id=employment.id, basis="protected", terms_council_id=old_terms_council,
                               transfer_id=transfer.id, protected_terms_id=protected.id,
                               effective_from=transfer.transfer_date,
                               reason=f"terms protected on transfer {transfer.reference}", recorded_by_id=actor_id))
    member.status, member.new_employment_id = "transferred", employment.id
    audit.record("transfer", "employee", member.employee_id, employee_id=member.employee_id,
                 reason=f"Transfer {transfer.reference}",
                 after={"employer": transfer.transferee.code, "from": transfer.transfer_date.isoformat(),
                        "post": new_post.post_number, "protected_terms_id": protected.id})


def _end_employment(employment: Employment, last_day: date, reason: str) -> None:
    employment.end_date, employment.end_reason = last_day, reason
    record: Any  # an Assignment or a TermsRecord: the checker sees only their common base
    for model in (Assignment, TermsRecord):
        for record in db.session.scalars(select(model).where(model.employment_id == employment.id,
                                                             (model.effective_to.is_(None)) | (model.effective_to > last_day))):
            record.effective_to = last_day
    audit.record("update", "employment", employment.id, after={"end_date": last_day.isoformat(), "end_reason": reason},
                 employee_id=employment.employee_id)


def _transferee_post(old: Post, transfer: Transfer) -> Post:
    """The post moves to the transferee's establishment: same title, service, FTE and score,
    graded under the transferee's bands (its dated grades follow, services/pay/post_grades.py); the
    old post closes the day before."""
    number = f"{transfer.transferee.code[:2]}-{old.post_number}"
    existing = db.session.scalar(select(Post).where(Post.post_number == number))
    if existing is not None:
        return existing
    post = Post(post_number=number, council_id=transfer.transferee_id, service_id=old.service_id, title=old.title,
                tier=old.tier, fte=old.fte, je_score=old.je_score,
                band_min=old.band_min, band_max=old.band_max, established_on=transfer.transfer_date,
                notes=f"Transferred from {old.post_number} ({transfer.reference})")
    db.session.add(post)
    if old.closed_on is None:
        old.closed_on = transfer.transfer_date - timedelta(days=1)
    db.session.flush()
    return post


def cohort_query(transfer: Transfer) -> Select[Any]:
    """The transfer's cohort in the order people were added, each with their employee record
    loaded in the same query (the transfer page shows it a page at a time)."""
    return (select(TransferMember).where(TransferMember.transfer_id == transfer.id)
            .options(joinedload(TransferMember.employee)).order_by(TransferMember.id))


def members_by_status(transfer: Transfer) -> dict[str, list[TransferMember]]:
    grouped: dict[str, list[TransferMember]] = {}
    for member in transfer.members:
        grouped.setdefault(member.status, []).append(member)
    return grouped


@dataclass(frozen=True)
class Overview:
    """The transfers list: each transfer and, by transfer id, its status, its overdue steps and
    the size of its cohort; and the ids of those whose date needs correcting."""

    transfers: list[Transfer]
    status: dict[int, str]
    overdue: dict[int, int]
    cohort: dict[int, int]
    to_correct: set[int]


def overview(today: date) -> Overview:
    """Every transfer, latest transfer date first (then by reference), with its list's facts."""
    rows = list(db.session.scalars(select(Transfer).order_by(Transfer.transfer_date.desc(), Transfer.reference)))
    done: dict[int, int] = dict(db.session.execute(select(ChecklistItem.transfer_id, func.count()).where(
        ChecklistItem.done_on.is_not(None)).group_by(ChecklistItem.transfer_id)).all())
    overdue: dict[int, int] = dict(db.session.execute(select(ChecklistItem.transfer_id, func.count()).where(
        ChecklistItem.done_on.is_(None), ChecklistItem.due_on < today).group_by(ChecklistItem.transfer_id)).all())
    cohort: dict[int, int] = dict(db.session.execute(select(TransferMember.transfer_id, func.count()).where(
        TransferMember.status != "removed").group_by(TransferMember.transfer_id)).all())
    return Overview(rows, {t.id: transfer_status(t.status, done.get(t.id, 0)) for t in rows}, overdue, cohort,
                    implausibly_dated(rows, today))


def member_of(transfer: Transfer, member_id: int) -> TransferMember | None:
    """The cohort member with this id if they are in this transfer's cohort; else None."""
    member = db.session.get(TransferMember, member_id)
    return member if member is not None and member.transfer_id == transfer.id else None


def step_of(transfer: Transfer, item_id: int) -> ChecklistItem | None:
    """The checklist step with this id if it is one of this transfer's; else None."""
    item = db.session.get(ChecklistItem, item_id)
    return item if item is not None and item.transfer_id == transfer.id else None
