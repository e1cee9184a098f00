"""A transfer through its whole life: edited while it is planned, withdrawn with a
reason, its cohort worked on in bulk, and the fields it must hold worked out from the letters
it will need.

- **Required fields follow from the letters.** The transfer's letters (the regulation 13 letter
  to each union, the notice to each person) are templates kept as data; whatever text of the
  transfer their latest versions use ({{ transfer.agency_workers }} and the like) the plan and
  edit forms require. An administrator who edits a template changes what is required.
- **Edits** are audited field by field with a reason, refused if someone else saved the
  transfer since it was opened (its `version` column). Letters already issued stay in the
  register as they were sent; `affected_letters` compares what each said with what it would
  say now, so HR can issue a correction (letters.correct) for those that differ.
- **Withdrawal** releases the cohort (membership ends; nobody's employment changes), cancels
  letter jobs not yet finished, and writes to each recognised union; the transfer is then read
  only."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from ...errors import DomainError, StaleRecord
from ...extensions import db
from ...letters import types as T
from ...letters.template import TemplateError, lookup, used_fields
from ...models import (
    AuditEvent,
    Employment,
    Letter,
    LetterBatch,
    LetterJob,
    LetterTemplate,
    Post,
    TradeUnion,
    Transfer,
)
from ..people.records import as_at
from ..platform import audit
from ..platform.unit_of_work import transaction
from ..rules import date_windows
from .transfers import propose_cohort, steps_for

if TYPE_CHECKING:
    from ..letters.letter_fields import Filled

EDITABLE = ["service_id", "transferor_id", "transferee_id", "transfer_date", "legal_basis", "reasons",
            "implications", "transferor_measures", "transferor_measures_none", "transferee_measures",
            "transferee_measures_none", "agency_workers"]
LABELS = {"service_id": "Service", "transferor_id": "Transferor", "transferee_id": "Transferee",
          "transfer_date": "Transfer date", "legal_basis": "Legal basis", "reasons": "Reasons",
          "implications": "Implications", "transferor_measures": "Transferor's measures",
          "transferor_measures_none": "Transferor envisages no measures", "transferee_measures": "Transferee's measures",
          "transferee_measures_none": "Transferee envisages no measures", "agency_workers": "Agency workers"}

# The letter fields each of the transfer's own facts fills (hrtool/letters/types.py): a change to
# the fact changes what a letter using one of these said.
LETTER_FIELDS: dict[str, list[str]] = {
    "service_id": ["transfer.service"], "transferor_id": ["transfer.transferor"],
    "transferee_id": ["transfer.transferee"],
    "transfer_date": ["transfer.date", "objection.last_day", "consultation.meeting_by", "consultation.respond_by"],
    "legal_basis": ["transfer.legal_basis"], "reasons": ["transfer.reasons"],
    "implications": ["transfer.implications"],
    "transferor_measures": ["transfer.transferor_measures"], "transferor_measures_none": ["transfer.transferor_measures"],
    "transferee_measures": ["transfer.transferee_measures"], "transferee_measures_none": ["transfer.transferee_measures"],
    "agency_workers": ["transfer.agency_workers"],
}
TRANSFER_LEVEL = sorted({name for names in LETTER_FIELDS.values() for name in names})

# The text a letter can need from the transfer, and the form field that holds it. Which of these
# are required is read from the templates (`required_fields`), not listed here.
TEXT_FIELDS = {"transfer.reasons": "reasons", "transfer.implications": "implications",
               "transfer.agency_workers": "agency_workers", "transfer.transferor_measures": "transferor_measures",
               "transfer.transferee_measures": "transferee_measures"}
PROMPTS = {"reasons": "Enter the reasons for the transfer",
           "implications": "Enter the legal, economic and social implications",
           "agency_workers": "Enter the agency workers (how many, where and what work; or that there are none)",
           "transferor_measures": "Describe the transferor's measures, or tick that there are none",
           "transferee_measures": "Describe the transferee's measures, or tick that there are none"}


class FieldsRequired(DomainError):
    """Fields the transfer's letters need are blank: {form field: message}."""

    def __init__(self, missing: dict[str, str]):
        super().__init__("Complete the fields the transfer's letters need: " + "; ".join(missing.values()),
                         field=next(iter(missing)))
        self.missing = missing


def transfer_letter_types() -> list[T.LetterType]:
    """The letters a transfer will need while it is planned: to the unions and to each person."""
    return [t for t in T.LETTER_TYPES.values() if t.source in (T.TRANSFER_UNION, T.TRANSFER_MEMBER)]


def _in_sentence(name: str) -> str:
    """A letter's name inside a sentence: "Notice of transfer" -> "notice of transfer", but
    "TUPE regulation 13 ..." kept as it is."""
    return name[:1].lower() + name[1:] if name[1:2].islower() else name


def required_fields() -> dict[str, list[str]]:
    """{form field: [letter names, worded for the middle of a sentence]}: the transfer's text
    each letter's latest template uses."""
    needed: dict[str, list[str]] = {}
    for kind in transfer_letter_types():
        template = db.session.scalar(select(LetterTemplate).where(LetterTemplate.key == kind.key))
        if template is None or not template.versions:
            continue
        version = template.versions[-1]
        for name in used_fields(version.subject, version.body):
            letter = _in_sentence(kind.name)
            if name in TEXT_FIELDS and letter not in needed.get(TEXT_FIELDS[name], []):
                needed.setdefault(TEXT_FIELDS[name], []).append(letter)
    return needed


def _given(values: dict[str, Any], name: str) -> bool:
    text = values.get(name)
    if isinstance(text, str) and text.strip():
        return True
    return name.endswith("_measures") and bool(values.get(f"{name}_none"))


def missing_for_letters(values: dict[str, Any]) -> dict[str, str]:
    """{form field: message} for each field the letters need that `values` leaves blank."""
    missing = {}
    for name, letters in required_fields().items():
        if not _given(values, name):
            uses = " and the ".join(letters)
            missing[name] = f"{PROMPTS[name]}: the {uses} {'uses' if len(letters) == 1 else 'use'} it"
    return missing


@transaction
def plan_transfer(values: dict[str, Any], today: date) -> Transfer:
    """Plan a transfer, refusing it while a field its letters need is blank, and propose its
    cohort (transfers.plan_transfer)."""
    from . import transfers

    missing = missing_for_letters(values)
    if missing:
        raise FieldsRequired(missing)
    return transfers.plan_transfer(values, today)


# -- editing -----------------------------------------------------------------------------------

@dataclass
class EditOutcome:
    changed: list[str]  # labels of the fields changed
    removed: list[str] = field(default_factory=list)  # people no longer in scope
    proposed: int = 0  # people newly proposed


def stale_message(transfer: Transfer, doing: str = "editing it") -> str:
    """Who changed the transfer, and what, since the page was shown (from the audit trail)."""
    events = db.session.scalars(select(AuditEvent).where(
        AuditEvent.entity_type == "transfer", AuditEvent.entity_id == str(transfer.id), AuditEvent.action == "update")
        .order_by(AuditEvent.id.desc()).limit(20))
    latest = next((e for e in events if any(k in LABELS for k in (e.after or {}))), None)
    if latest is None:
        return (f"Someone else changed this transfer while you were {doing}. Nothing has been saved: "
                "check the transfer as it is now, then try again.")
    fields_changed = ", ".join(LABELS[k] for k in (latest.after or {}) if k in LABELS)
    return (f"{latest.actor_label} changed this transfer while you were {doing} ({fields_changed}). "
            "Nothing has been saved: the form shows what you typed; check it against the transfer as it is "
            "now and try again.")


def _check_open(transfer: Transfer, what: str) -> None:
    if transfer.status != "planned":
        raise DomainError(f"This transfer is {transfer.status}: {what}")


@transaction
def edit_transfer(transfer: Transfer, values: dict[str, Any], reason: str, seen_version: int, today: date) -> EditOutcome:
    """Change any of a planned transfer's facts, with a reason, audited before and after. The
    checklist's due dates follow a new date; a new service, transferor or date re-scopes the
    cohort (those no longer assigned to it are removed, newcomers proposed). Refused if someone
    saved the transfer since `seen_version`, or if a field its letters need is left blank."""
    _check_open(transfer, "it can no longer be changed")
    if transfer.version != seen_version:
        raise StaleRecord(stale_message(transfer))
    if not reason.strip():
        raise DomainError("Enter the reason for the change", field="reason")
    date_windows.check("transfer_date", values.get("transfer_date"), today=today)
    if values.get("transfer_date") is None:
        raise DomainError("Enter the transfer date", field="transfer_date")
    if values["transferor_id"] == values["transferee_id"]:
        raise DomainError("The transferee must be the other council", field="transferee_id")
    missing = missing_for_letters(values)
    if missing:
        raise FieldsRequired(missing)
    before = audit.snapshot(transfer, EDITABLE)
    for name in EDITABLE:
        setattr(transfer, name, values[name])
    was, now = audit.changed(before, audit.snapshot(transfer, EDITABLE))
    if not now:
        raise DomainError("Nothing has changed: change a field, or go back to the transfer")
    if "transfer_date" in now:  # the checklist's due dates follow the date (lead times in force today)
        due = {step.key: step.due_on for step in steps_for(transfer.transfer_date, today)}
        was["due"] = {item.key: item.due_on.isoformat() for item in transfer.checklist}
        for item in transfer.checklist:
            item.due_on = due.get(item.key, item.due_on)
        now["due"] = {item.key: item.due_on.isoformat() for item in transfer.checklist}
    try:
        db.session.flush()  # the version column refuses this UPDATE if another save won the race
    except StaleDataError:
        db.session.rollback()  # the failed flush leaves the session unusable; the unit of work is lost anyway
        raise StaleRecord(stale_message(transfer)) from None
    audit.record("update", "transfer", transfer.id, before=was, after=now, reason=reason.strip())
    outcome = EditOutcome([LABELS[k] for k in now if k in LABELS])
    if {"service_id", "transferor_id", "transfer_date"} & set(now):
        outcome.removed = _rescope(transfer, reason.strip())
        outcome.proposed = propose_cohort(transfer)
    return outcome


def _rescope(transfer: Transfer, reason: str) -> list[str]:
    """Remove from the cohort those the changed transfer no longer covers: not employed by its
    transferor on its date, or (unless added by hand) not assigned to its service then."""
    in_service = {employee.id for employee, *_ in db.session.execute(as_at(transfer.transfer_date).where(
        Employment.employer_id == transfer.transferor_id, Post.service_id == transfer.service_id)).all()}
    removed = []
    for member in transfer.members:
        if member.status not in ("proposed", "confirmed", "objected"):
            continue
        employment = member.employment
        employed = (employment.employer_id == transfer.transferor_id and employment.start_date <= transfer.transfer_date
                    and (employment.end_date is None or employment.end_date >= transfer.transfer_date))
        if employed and (member.employee_id in in_service or member.reason):
            continue
        before = member.status
        member.status, member.reason = "removed", f"No longer in scope after the transfer was changed: {reason}"
        audit.record("update", "transfer_member", member.id, before={"status": before}, after={"status": "removed"},
                     reason=member.reason, employee_id=member.employee_id)
        removed.append(member.employee.full_name)
    db.session.flush()
    return removed


@dataclass
class AffectedLetter:
    letter: Letter
    differences: list[tuple[str, str, str]]  # (field described, what the letter said, what it would say now)


def current_letters(transfer: Transfer) -> list[Letter]:
    """The transfer's letters in the register that no later letter corrects."""
    corrected = select(Letter.corrects_id).where(Letter.corrects_id.is_not(None))
    return list(db.session.scalars(select(Letter).where(
        Letter.transfer_id == transfer.id, Letter.id.not_in(corrected)).order_by(Letter.id)))


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # SQLite gives them back naive


def _changed_after(transfer: Transfer) -> list[tuple[datetime, set[str]]]:
    """(when, letter fields) for each recorded change to the transfer: its edits and date
    corrections, from the audit trail."""
    fields = {**LETTER_FIELDS, "due": ["consultation.meeting_by", "consultation.respond_by"]}
    events = db.session.execute(select(AuditEvent.at, AuditEvent.after).where(
        AuditEvent.entity_type == "transfer", AuditEvent.entity_id == str(transfer.id),
        AuditEvent.action == "update")).all()
    return [(_utc(at), {n for key in (after or {}) for n in fields.get(key, [])}) for at, after in events]


def affected_letters(transfer: Transfer, today: date) -> list[AffectedLetter]:
    """Issued letters (not yet corrected) that used a fact of the transfer changed since they
    were issued (the audit trail) and which now reads differently: what each printed (the
    register keeps every letter's fields) against what the transfer gives now. A change of
    wording alone (a new release) is not a change of the transfer, so it is not reported. The
    transfer's facts are the same in all its letters: worked out once per letter type."""
    from ..letters.letter_fields import fill

    out = []
    now_values: dict[str, dict[str, Any] | None] = {}
    changes = _changed_after(transfer)
    for letter in current_letters(transfer) if changes else []:
        issued = _utc(letter.issued_at)
        changed = {n for at, names in changes if at > issued for n in names}
        version = letter.template_version
        used = [n for n in used_fields(version.subject, version.body) if n in changed]
        if not used:
            continue
        if now_values.get(letter.letter_type) is None:
            try:
                now_values[letter.letter_type] = fill(letter.letter_type, letter.source_id or 0, letter.union_id,
                                                      today).fields
            except DomainError:
                continue  # e.g. a person no longer in the cohort: try the next letter of the type
        fresh = now_values[letter.letter_type] or {}
        kind = T.LETTER_TYPES.get(letter.letter_type)
        differences = []
        for name in used:
            said, says = lookup(letter.fields, name), lookup(fresh, name)
            if said != says:
                described = kind.fields.get(name, name) if kind else name
                differences.append((described, str(said or "(nothing)"), str(says or "(nothing)")))
        if differences:
            out.append(AffectedLetter(letter, differences))
    return out


# -- withdrawal --------------------------------------------------------------------------------

WITHDRAWN_LETTER = "transfer_withdrawn"


def withdrawn_union(transfer: Transfer, union: TradeUnion, on: date) -> Filled:
    """The fields of the letter telling a union a transfer is withdrawn: the transfer's own
    (letter_fields.transfer_union) and when and why it was withdrawn."""
    from ...formatting import sentence, uk_date
    from ..letters.letter_fields import transfer_union

    if transfer.status != "withdrawn" or transfer.withdrawn_at is None:
        raise DomainError(f"Transfer {transfer.reference} has not been withdrawn")
    filled = transfer_union(transfer, union, on)
    filled.fields["withdrawal"] = {"date": uk_date(transfer.withdrawn_at.date()),
                                   "reason": sentence(transfer.withdrawal_reason) or None}
    return filled


@dataclass
class Withdrawal:
    released: int
    jobs_cancelled: int
    letters: list[Letter]


@transaction
def withdraw(transfer: Transfer, reason: str, today: date, user: Any = None) -> Withdrawal:
    """Withdraw a planned transfer: the cohort released (their membership ends; nothing about
    their employment changes), letter jobs not yet finished cancelled (nothing of them reaches
    the register), and a letter to each union recognised at either council today. Audited."""
    from ..letters import letters

    _check_open(transfer, "it can no longer be withdrawn")
    if not reason.strip():
        raise DomainError("Enter the reason the transfer is withdrawn", field="reason")
    actor_id, _ = audit._actor()
    released = 0
    for member in transfer.members:
        if member.status in ("proposed", "confirmed", "objected"):
            before = member.status
            member.status, member.reason = "released", f"Transfer withdrawn: {reason.strip()}"
            audit.record("update", "transfer_member", member.id, before={"status": before},
                         after={"status": "released"}, reason=member.reason, employee_id=member.employee_id)
            released += 1
    cancelled = cancel_jobs(transfer, f"Cancelled: transfer {transfer.reference} was withdrawn on "
                                      f"{today.day} {today:%B %Y}. No letter of this batch was issued.")
    transfer.status, transfer.withdrawal_reason = "withdrawn", reason.strip()
    transfer.withdrawn_at, transfer.withdrawn_by_id = datetime.now(UTC), actor_id
    try:
        db.session.flush()  # the version column: refused if another save (an edit, a withdrawal) won the race
    except StaleDataError:
        db.session.rollback()  # the failed flush leaves the session unusable; the unit of work is lost anyway
        raise StaleRecord(stale_message(transfer)) from None
    audit.record("withdraw", "transfer", transfer.id, before={"status": "planned"}, reason=reason.strip(),
                 after={"status": "withdrawn", "released": released, "letter_jobs_cancelled": cancelled})
    unions = letters_unions(transfer, today)
    sent: list[Letter] = []
    if unions:
        version = letters.latest(letters.template_by_key(WITHDRAWN_LETTER))
        references = letters.next_references(len(unions), today)
        try:
            prepared = [letters.prepare(letters.Target(WITHDRAWN_LETTER, transfer.id, u.id), version, today, ref,
                                        letters.signatory(user)) for u, ref in zip(unions, references, strict=True)]
        except TemplateError as error:  # e.g. a template edited to use a fact this transfer lacks
            raise DomainError(f"The letter to the unions cannot be made ({error}): nothing was withdrawn. "
                              "Complete the transfer's details or the template, then withdraw it.") from None
        batch = LetterBatch(template_version_id=version.id, issued_by_id=actor_id, count=len(prepared),
                            description=f"Transfer withdrawn, {transfer.reference}: every recognised union")
        db.session.add(batch)
        db.session.flush()
        sent = letters.write(prepared, actor_id, letters.moment_of(today), batch)
    return Withdrawal(released, cancelled, sent)


def letters_unions(transfer: Transfer, today: date) -> list[TradeUnion]:
    """The unions to tell of a withdrawal: those recognised at either council today."""
    from ..letters.letter_fields import recognised_unions

    return recognised_unions([transfer.transferor_id, transfer.transferee_id], today)


def cancel_jobs(transfer: Transfer, why: str) -> int:
    """Letter jobs for this transfer still queued or running: marked failed with `why`, so the
    job never writes its batch (letter_jobs.run checks before writing)."""
    from ..letters.letter_jobs import TRANSFER_SCOPES

    jobs = list(db.session.scalars(select(LetterJob).where(
        LetterJob.scope_kind.in_(TRANSFER_SCOPES), LetterJob.scope_id == transfer.id,
        LetterJob.status.in_(("queued", "running")))))
    for job in jobs:
        job.status, job.error, job.finished_at = "failed", why, datetime.now(UTC)
        audit.record("cancel", "letter_job", job.id, after={"status": "failed", "why": why})
    return len(jobs)


# -- bulk actions on the cohort ----------------------------------------------------------------

@transaction
def mark_eli_checked(transfer: Transfer, member_ids: list[int], checked_on: date | None, today: date) -> int:
    """Record for many people at once that their disciplinary, grievance and claims records were
    checked for the employee liability information (cases.mark_cases_checked, each audited)."""
    from ..people.cases import mark_cases_checked

    _check_open(transfer, "its information can no longer change")
    if not member_ids:
        raise DomainError("Choose at least one person", field="members")
    if checked_on is None:
        raise DomainError("Enter the date the records were checked", field="checked_on")
    members = {m.id: m for m in transfer.members}
    unknown = [i for i in member_ids if i not in members]
    if unknown:
        raise DomainError("Some of the people chosen are not in this transfer's cohort: open the page again",
                          field="members")
    for member_id in dict.fromkeys(member_ids):
        mark_cases_checked(members[member_id], checked_on, today)
    return len(set(member_ids))


def unwritten(transfer: Transfer, on: date) -> dict[str, int]:
    """How many in the cohort have no notice of transfer yet, and how many recognised unions no
    regulation 13 letter: {letter type: count}."""
    from ..letters.letter_jobs import UNWRITTEN, cohort

    counts = {}
    for letter_type in ("tupe_reg13", "transfer_notice"):
        counts[letter_type] = len(cohort(letter_type, UNWRITTEN, transfer.id, on).targets)
    return counts


def page_facts(transfer: Transfer, today: date) -> dict[str, Any]:
    """What the transfer page shows of its life: the fields its letters still need, the issued
    letters to correct, and (withdrawn) the letters telling the unions."""
    if transfer.status != "planned":
        withdrawal = [letter for letter in current_letters(transfer) if letter.letter_type == WITHDRAWN_LETTER] \
            if transfer.status == "withdrawn" else []
        return {"blank_for_letters": {}, "affected": [], "withdrawal_letters": withdrawal}
    held = {name: getattr(transfer, name) for name in EDITABLE}
    return {"blank_for_letters": missing_for_letters(held), "affected": affected_letters(transfer, today),
            "withdrawal_letters": []}
