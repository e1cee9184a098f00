"""Letters (DOMAIN.md 3.7): templates kept as versions, filling a template from a real record,
issuing into the register (PDF bytes and their SHA-256, never changed afterwards), corrections
as new letters naming the old, and the integrity check.

A letter is made in two steps: `prepare` fills the template and renders the PDF without
writing anything (the preview uses it too), and `write` puts prepared letters into the
register. A batch prepares every letter first and writes them all in one transaction, so a
failure part-way leaves nothing of the batch in the register."""
from __future__ import annotations

import hashlib
import io
import tomllib
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from importlib import resources
from typing import Any, cast

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import selectinload

from ...errors import DomainError
from ...extensions import db
from ...formatting import uk_date
from ...letters import types as T
from ...letters.template import Block, Bullets, Heading, Paragraph, TemplateError, check, render
from ...models import (
    Employee,
    Letter,
    LetterBatch,
    LetterCounter,
    LetterTemplate,
    LetterTemplateVersion,
    Policy,
    RouteDecision,
    TradeUnion,
    Transfer,
    TransferMember,
)
from ...reports.letter_pdf import LetterDocument, build_pdf
from ..platform import audit
from ..platform.unit_of_work import transaction
from .letter_fields import Filled, fill

TEMPLATE_DIR = ("reference_data", "letters")
REFERENCE_PREFIX = "HR"
SHIPPED_NOTE = "Initial wording shipped with hrtool"
UPDATED_NOTE = "Wording shipped with hrtool, brought up to date by hrtool load-reference --update"


# -- templates ---------------------------------------------------------------------------------

def _read_seed(key: str) -> tuple[str, str]:
    text = resources.files("hrtool").joinpath(*TEMPLATE_DIR, f"{key}.txt").read_text(encoding="utf-8")
    head, _, body = text.partition("\n---\n")
    subject = head.removeprefix("subject:").strip()
    return subject, body.strip() + "\n"


def load_letter_templates() -> dict[str, int]:
    """Version 1 of each letter type's template from hrtool/reference_data/letters/, for types
    not yet held, and the collective consultation thresholds (a joint policy). Idempotent:
    never touches a template or policy already in the database."""
    added: dict[str, int] = {}
    held = set(db.session.scalars(select(LetterTemplate.key)))
    for letter_type in T.LETTER_TYPES.values():
        if letter_type.key in held:
            continue
        subject, body = _read_seed(letter_type.key)
        template = LetterTemplate(key=letter_type.key, name=letter_type.name, audience=letter_type.audience,
                                  description=f"Filled from: {letter_type.source.replace('_', ' ')}")
        template.versions.append(LetterTemplateVersion(version=1, subject=subject, body=body, note=SHIPPED_NOTE))
        db.session.add(template)
        added["letter_templates"] = added.get("letter_templates", 0) + 1
    if db.session.scalar(select(Policy.id).where(Policy.kind == "collective_consultation")) is None:
        text = resources.files("hrtool").joinpath(*TEMPLATE_DIR, "collective_consultation.toml").read_text("utf-8")
        db.session.add(Policy(council_id=None, kind="collective_consultation", name="Joint collective consultation",
                              effective_from=date(2000, 4, 1), body=tomllib.loads(text),
                              source="reference_data/letters/collective_consultation.toml"))
        added["policies"] = 1
    db.session.flush()
    return added


def update_letter_templates(reason: str) -> tuple[list[str], list[str]]:
    """For `hrtool load-reference --update`: a template whose latest version is still the wording
    hrtool shipped (no one saved a version of their own) gets the wording the files now hold as a
    new version (earlier versions, and the letters made from them, are kept; audited). A template
    someone edited in hrtool is reported and left alone: their wording wins. Returns (updated,
    differs) as lines for the report; running it again changes nothing."""
    updated: list[str] = []
    differs: list[str] = []
    for template in db.session.scalars(select(LetterTemplate).order_by(LetterTemplate.id)):
        try:
            subject, body = _read_seed(template.key)
        except FileNotFoundError:
            continue
        current = latest(template)
        if current.subject.strip() == subject.strip() and current.body.strip() == body.strip():
            continue
        if current.created_by_id is not None or current.note not in (SHIPPED_NOTE, UPDATED_NOTE):
            differs.append(f"letter template {template.name}: version {current.version} was written in hrtool, so "
                           f"it is kept; compare it with hrtool/reference_data/letters/{template.key}.txt")
            continue
        version = LetterTemplateVersion(version=current.version + 1, subject=subject, body=body, note=UPDATED_NOTE)
        template.versions.append(version)
        db.session.flush()
        audit.record("update", "letter_template", template.id, before={"version": current.version},
                     after={"version": version.version, "key": template.key}, reason=reason)
        updated.append(f"letter template {template.name}: version {version.version} has the shipped wording")
    return updated, differs


def template_by_key(key: str) -> LetterTemplate:
    template = db.session.scalar(select(LetterTemplate).where(LetterTemplate.key == key))
    if template is None:
        raise DomainError(f"No template is held for {T.letter_type(key).name}: load the reference data")
    return template


def latest(template: LetterTemplate) -> LetterTemplateVersion:
    return template.versions[-1]


@transaction
def save_version(template: LetterTemplate, subject: str, body: str, note: str) -> LetterTemplateVersion:
    """A new version of the template; earlier versions are kept, and letters name theirs.
    Refused, with every problem listed, if it uses a field its letter type does not offer."""
    allowed = T.letter_type(template.key).fields
    problems = check(subject, body, allowed)
    if problems:
        raise TemplateError(problems)
    if not subject.strip() or not body.strip():
        raise DomainError("A template needs a subject and a body")
    current = latest(template)
    if current.subject == subject.strip() and current.body.strip() == body.strip():
        raise DomainError("Nothing has changed since the last version")
    actor_id, _ = audit._actor()
    version = LetterTemplateVersion(version=current.version + 1, subject=subject.strip(),
                                    body=body.strip() + "\n", note=note.strip(), created_by_id=actor_id)
    template.versions.append(version)
    db.session.flush()
    audit.record("update", "letter_template", template.id, before={"version": current.version},
                 after={"version": version.version, "key": template.key}, reason=note)
    return version


# -- choosing records --------------------------------------------------------------------------

@dataclass(frozen=True)
class Target:
    """One letter to make: its type, the record it is about, and the union it goes to."""

    letter_type: str
    source_id: int
    union_id: int | None = None

    @property
    def token(self) -> str:
        return f"{self.source_id}:{self.union_id}" if self.union_id else str(self.source_id)

    @classmethod
    def parse(cls, letter_type: str, token: str) -> Target:
        try:
            source, _, union = token.partition(":")
            return cls(letter_type, int(source), int(union) if union else None)
        except ValueError:
            raise DomainError("Choose a record", field="source") from None


# radon: a flat dispatch on the letter type's source, one query each; splitting would only scatter them
def candidates(letter_type: str, today: date, limit: int = 400) -> list[tuple[str, str]]:
    """Records a letter of this type can be filled from, as (token, label), newest first."""
    from ...models import Election, ProtectedTerms, Protection, Restructure
    from .letter_fields import recognised_unions

    kind = T.letter_type(letter_type).source
    out: list[tuple[str, str]] = []
    if kind == T.TRANSFER_UNION:
        for transfer in db.session.scalars(select(Transfer).where(Transfer.status.not_in(("cancelled", "withdrawn")))
                                           .order_by(Transfer.transfer_date.desc(), Transfer.reference).limit(limit)):
            for union in recognised_unions([transfer.transferor_id, transfer.transferee_id], today):
                out.append((Target(letter_type, transfer.id, union.id).token,
                            f"{transfer.reference} {transfer.service.name} ({transfer.transfer_date:%d/%m/%Y}) to {union.name}"))
    elif kind == T.TRANSFER_WITHDRAWN:  # withdrawn transfers, to each recognised union
        for transfer in db.session.scalars(select(Transfer).where(Transfer.status == "withdrawn")
                                           .order_by(Transfer.transfer_date.desc(), Transfer.reference).limit(limit)):
            for union in recognised_unions([transfer.transferor_id, transfer.transferee_id], today):
                out.append((Target(letter_type, transfer.id, union.id).token,
                            f"{transfer.reference} {transfer.service.name} (withdrawn) to {union.name}"))
    elif kind == T.RESTRUCTURE_UNION:
        for restructure in db.session.scalars(select(Restructure).order_by(Restructure.id.desc()).limit(limit)):
            for union in recognised_unions([c.id for c in _councils()], today):
                out.append((Target(letter_type, restructure.id, union.id).token, f"{restructure.name} to {union.name}"))
    elif kind == T.TRANSFER_MEMBER:
        rows: Sequence[Any] = db.session.execute(select(TransferMember, Transfer.reference).join(Transfer)
                                  .where(TransferMember.status.in_(("proposed", "confirmed")))
                                  .order_by(Transfer.transfer_date.desc(), TransferMember.id).limit(limit)).all()
        out = [(str(m.id), f"{m.employee.full_name} ({m.employee.person_number}), transfer {ref}") for m, ref in rows]
    elif kind == T.ROUTE_DECISION:
        route = {"assimilation_outcome": "slot_in", "at_risk": "at_risk", "alternative_offer": "alternative"}[letter_type]
        rows = db.session.execute(select(RouteDecision, Employee, Restructure.name).join(
            Employee, Employee.id == RouteDecision.employee_id).join(Restructure, Restructure.id == RouteDecision.restructure_id)
            .where(RouteDecision.route == route).order_by(RouteDecision.id.desc()).limit(limit)).all()
        out = [(str(d.id), f"{e.full_name} ({e.person_number}), {name}") for d, e, name in rows]
    elif kind == T.PROTECTION:
        rows = db.session.execute(select(Protection, Employee).join(Employee, Employee.id == Protection.employee_id)
                                  .order_by(Protection.id.desc()).limit(limit)).all()
        out = [(str(p.id), f"{e.full_name} ({e.person_number}), from {p.start_date:%d/%m/%Y}") for p, e in rows]
    elif kind == T.PROTECTED_TERMS:
        rows = db.session.execute(select(ProtectedTerms, Employee, Transfer.reference)
                                  .join(Employee, Employee.id == ProtectedTerms.employee_id)
                                  .join(Transfer, Transfer.id == ProtectedTerms.transfer_id)
                                  .order_by(ProtectedTerms.id.desc()).limit(limit)).all()
        out = [(str(p.id), f"{e.full_name} ({e.person_number}), transfer {ref}") for p, e, ref in rows]
    elif kind == T.JES_APPEAL:  # decided job evaluation appeals, to the employee
        from ...models import EvaluationAppeal

        rows = db.session.execute(select(EvaluationAppeal, Employee).join(Employee, Employee.id == EvaluationAppeal.employee_id)
                                  .where(EvaluationAppeal.status == "decided")
                                  .order_by(EvaluationAppeal.id.desc()).limit(limit)).all()
        out = [(str(a.id), f"{e.full_name} ({e.person_number}), appeal {a.outcome} on {a.decided_on:%d/%m/%Y}")
               for a, e in rows]
    else:
        rows = db.session.execute(select(Election, Employee).join(Employee, Employee.id == Election.employee_id)
                                  .order_by(Election.id.desc()).limit(limit)).all()
        out = [(str(el.id), f"{e.full_name} ({e.person_number}), from {el.effective_from:%d/%m/%Y}"
                + ("" if el.countersigned_at else " (not yet countersigned)")) for el, e in rows]
    return out


def _councils() -> list[Any]:
    from ...models import Council

    return list(db.session.scalars(select(Council).order_by(Council.code)))


# -- preparing and writing ---------------------------------------------------------------------

@dataclass
class Prepared:
    target: Target
    version: LetterTemplateVersion
    filled: Filled
    subject: str
    blocks: list[Block]
    reference: str
    issued_on: date
    pdf: bytes
    corrects: Letter | None = None
    correction_reason: str = ""

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.pdf).hexdigest()


def signatory(user: Any) -> tuple[str, str]:
    if user is not None and getattr(user, "is_authenticated", False):
        return user.display_name, "Human Resources"
    return "Human Resources", "Shared HR service"


HELD_KEY = "hrtool_letters_held"
HOLD_AT_MOST = 20_000  # transfers and cohort members kept alive in one session


def _hold_shared_records(source: str, filled: Filled) -> None:
    """Keep the records the letters of one batch share alive in the session.

    SQLAlchemy's identity map holds records weakly, so once a letter is made its transfer, the
    transfer's service and both councils were dropped and read again for the next letter: five
    of its seven queries. Held here (for the session's life: a request or a job), the next
    letter finds them in the session. The second letter about one transfer's cohort (a batch,
    never a single preview) also loads the whole cohort with their employee records in two
    queries instead of two per letter. What is read is what was read before, in the same
    transaction: only the number of round trips changes."""
    if filled.transfer_id is None:
        return
    held: dict[int, tuple[Transfer, list[TransferMember] | None]] = db.session.info.setdefault(HELD_KEY, {})
    found = held.get(filled.transfer_id)
    if found is None:
        held[filled.transfer_id] = (cast(Transfer, db.session.get(Transfer, filled.transfer_id)), None)  # just filled from it
        # A long-lived session (a worker's) never piles them up: the oldest transfers go first.
        while len(held) > 1 and sum(len(c or ()) + 1 for _, c in held.values()) > HOLD_AT_MOST:
            del held[next(iter(held))]
        return
    transfer, cohort = found
    if source == T.TRANSFER_MEMBER and cohort is None:
        held[filled.transfer_id] = (transfer, list(db.session.scalars(
            select(TransferMember).where(TransferMember.transfer_id == filled.transfer_id)
            .options(selectinload(TransferMember.employee)))))


def prepare(target: Target, version: LetterTemplateVersion, issued_on: date, reference: str,
            signed_by: tuple[str, str], corrects: Letter | None = None, correction_reason: str = "") -> Prepared:
    """Fill and render one letter, writing nothing. TemplateError lists missing fields."""
    letter_type = T.letter_type(target.letter_type)
    filled = fill(target.letter_type, target.source_id, target.union_id, issued_on)
    _hold_shared_records(letter_type.source, filled)
    # The letterhead is kept with the fields too, so the letter can be shown again as a web page
    # exactly as printed (document_of).
    filled.fields.update({"letter": {"date": uk_date(issued_on), "reference": reference},
                          "sender": {"councils": " and ".join(filled.councils), "names": list(filled.councils),
                                     "letterhead_note": filled.letterhead_note},
                          "signatory": {"name": signed_by[0], "role": signed_by[1]}})
    subject, blocks = render(version.subject, version.body, filled.fields, letter_type.fields)
    notice = _correction_notice(corrects.reference, corrects.issued_at, correction_reason) if corrects else ""
    document = _document(letter_type, filled.councils, filled.letterhead_note, filled.addressee, issued_on,
                         reference, subject, blocks, signed_by, notice)
    return Prepared(target, version, filled, subject, blocks, reference, issued_on, build_pdf(document), corrects,
                    correction_reason)


def _correction_notice(reference: str, issued_at: datetime, reason: str) -> str:
    return f"This letter corrects and replaces our letter {reference} of {uk_date(issued_at)}. {reason}".strip()


def _document(letter_type: T.LetterType, councils: list[str], letterhead_note: str, addressee: list[str],
              issued_on: date, reference: str, subject: str, blocks: list[Block], signed_by: tuple[str, str],
              notice: str) -> LetterDocument:
    """The one place a letter's document is put together: for its PDF when it is made, and again
    from the register for its web page (document_of), so the two cannot say different things."""
    return LetterDocument(
        councils=councils, letterhead_note=letterhead_note, addressee=addressee,
        date_text=uk_date(issued_on), issued_on=issued_on, reference=reference, subject=subject, blocks=blocks,
        signatory_name=signed_by[0], signatory_role=signed_by[1], title=subject,
        author=" and ".join(councils), description=letter_type.name, notice=notice,
        keywords=[letter_type.key, reference])


REFERENCE_COUNTER = "letter_reference"


def allocate_numbers(count: int) -> int:
    """Reserve `count` consecutive letter numbers and return the first. The counter
    row is moved on by one UPDATE ... RETURNING, which locks it (PostgreSQL holds the row lock,
    SQLite the write lock) until the caller's unit of work ends: call it in the same transaction
    that writes the letters, so a batch that fails rolls its numbers back (no gap) and a batch
    in another worker or process waits, then numbers on from this one (unique, in sequence)."""
    if count < 1:
        raise ValueError("Allocate at least one letter number")
    step = (update(LetterCounter).where(LetterCounter.name == REFERENCE_COUNTER)
            .values(last_number=LetterCounter.last_number + count).returning(LetterCounter.last_number)
            .execution_options(synchronize_session=False))
    last = db.session.execute(step).scalar()
    if last is None:  # a database made without the migrations: seed from the letters held
        held = db.session.scalar(select(func.max(Letter.id))) or 0
        db.session.add(LetterCounter(name=REFERENCE_COUNTER, last_number=held))
        db.session.flush()
        last = db.session.execute(step).scalar_one()
    return int(last) - count + 1


def reference(number: int, issued_on: date) -> str:
    return f"{REFERENCE_PREFIX}-{issued_on:%Y}-{number:06d}"


def next_references(count: int, issued_on: date) -> list[str]:
    """References for `count` letters about to be written in the caller's unit of work."""
    start = allocate_numbers(count)
    return [reference(n, issued_on) for n in range(start, start + count)]


def peek_references(count: int, issued_on: date) -> list[str]:
    """The references the next `count` letters would get if nobody else issued meanwhile, reserving
    nothing: a batch renders its letters with these before it writes, and renders again any whose
    reference turns out different when it allocates (another batch went first)."""
    last = db.session.scalar(select(LetterCounter.last_number).where(LetterCounter.name == REFERENCE_COUNTER)) or 0
    return [reference(n, issued_on) for n in range(last + 1, last + 1 + count)]


def write(prepared: list[Prepared], issued_by_id: int | None, issued_at: datetime,
          batch: LetterBatch | None = None) -> list[Letter]:
    """Put prepared letters into the register, in the caller's unit of work (one for all of them)."""
    letters = []
    for item in prepared:
        letter = Letter(
            reference=item.reference, template_version_id=item.version.id, batch_id=batch.id if batch else None,
            letter_type=item.target.letter_type, employee_id=item.filled.employee_id, union_id=item.filled.union_id,
            transfer_id=item.filled.transfer_id, restructure_id=item.filled.restructure_id,
            source_kind=T.letter_type(item.target.letter_type).source, source_id=item.target.source_id,
            corrects_id=item.corrects.id if item.corrects else None, correction_reason=item.correction_reason,
            subject=item.subject, addressee="\n".join(item.filled.addressee), fields=item.filled.fields,
            pdf=item.pdf, sha256=item.sha256, issued_by_id=issued_by_id, issued_at=issued_at)
        db.session.add(letter)
        db.session.flush()
        audit.record("issue", "letter", letter.id, employee_id=letter.employee_id,
                     after={"reference": letter.reference, "type": letter.letter_type, "sha256": letter.sha256,
                            "template_version": item.version.version,
                            "corrects": item.corrects.reference if item.corrects else None})
        letters.append(letter)
    return letters


@transaction
def issue_one(target: Target, issued_on: date, user: Any = None, corrects: Letter | None = None,
              reason: str = "") -> Letter:
    """Issue one letter from the latest version of its template; one unit of work."""
    if corrects is not None and not reason.strip():
        raise DomainError("Say what the correction is", field="reason")
    version = latest(template_by_key(target.letter_type))
    reference = next_references(1, issued_on)[0]
    item = prepare(target, version, issued_on, reference, signatory(user), corrects, reason.strip())
    [letter] = write([item], user.id if user is not None and getattr(user, "is_authenticated", False) else None,
                     moment_of(issued_on))
    db.session.flush()
    from . import mail

    mail.notify_issued([letter])  # "a letter is waiting", by email after the commit
    return letter


def moment_of(issued_on: date) -> datetime:
    now = datetime.now(UTC)
    return now if issued_on == now.date() else datetime.combine(issued_on, time(9, 0), tzinfo=UTC)


@transaction
def correct(letter: Letter, reason: str, today: date, user: Any = None) -> Letter:
    """A correction: a new letter, filled afresh from the records, naming the one it corrects."""
    target = Target(letter.letter_type, letter.source_id or 0, letter.union_id)
    return issue_one(target, today, user, corrects=letter, reason=reason)


# -- the field preview before a batch -------------------------------------------------

COMMON_SOURCES = {
    "letter": "the letter itself: its date and reference are given when it is issued",
    "sender": "the councils the record belongs to",
    "signatory": "you, as the person issuing the letters",
}


@dataclass(frozen=True)
class FieldRow:
    """One field of a letter for the preview: its value for the sample recipient and where it
    came from. `missing` is a field the template uses that the record does not hold: the batch
    would fail on it, so HR completes the record first."""

    name: str
    description: str
    value: str | None
    source: str
    used: bool
    missing: bool


@dataclass(frozen=True)
class FieldPreview:
    letter_type: T.LetterType
    version: int
    recipients: list[tuple[str, str]]  # (token, label) of everyone in the batch
    sample: str  # the token of the recipient shown
    sample_label: str
    rows: list[FieldRow]
    problems: list[str]  # what stops the sample's letter (a missing value, a record that is not due one)
    sample_employee_id: int | None = None  # the person the sample letter is to (their particulars are shown)

    @property
    def missing(self) -> list[FieldRow]:
        return [r for r in self.rows if r.missing]


def _recipient_label(target: Target) -> str:
    """Who a target's letter goes to, by name and person number (never an internal id)."""
    from ...models import Election, ProtectedTerms, Protection

    if target.union_id:
        return union_name(target.union_id)
    model = {T.TRANSFER_MEMBER: TransferMember, T.ROUTE_DECISION: RouteDecision, T.PROTECTION: Protection,
             T.PROTECTED_TERMS: ProtectedTerms, T.ELECTION: Election}.get(T.letter_type(target.letter_type).source)
    # Each of these models has an employee_id; the checker sees only their common base.
    record: Any = db.session.get(model, target.source_id) if model else None
    employee = db.session.get(Employee, record.employee_id) if record is not None else None
    return f"{employee.full_name} ({employee.person_number})" if employee else "a record no longer held"


def _shown(value: Any) -> str | None:
    from ...letters.template import as_table

    table = as_table(value)
    if table is not None:
        return f"a table of {len(table.rows)} row{'' if len(table.rows) == 1 else 's'}: " + "; ".join(
            ", ".join(row) for row in table.rows[:3]) + ("; …" if len(table.rows) > 3 else "")
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return str(value)


def field_preview(letter_type: str, scope_kind: str, scope_id: int, on: date, user: Any = None,
                  sample: str = "") -> FieldPreview:
    """Before a batch is issued: each field of the letter type's latest template for one sample
    recipient of the batch (the first, or the one chosen), its value, and where it came from
    (the record and when it was last changed), with the fields the template uses but the record
    lacks flagged. Writes nothing."""
    from .letter_jobs import cohort

    kind = T.letter_type(letter_type)
    group = cohort(letter_type, scope_kind, scope_id, on)
    if not group.targets:
        raise DomainError("Nobody in that group is due this letter", field="letter_type")
    version = latest(template_by_key(letter_type))
    recipients = [(t.token, _recipient_label(t)) for t in group.targets]
    target = next((t for t in group.targets if t.token == sample), group.targets[0])
    problems: list[str] = []
    try:
        filled = fill(letter_type, target.source_id, target.union_id, on)
    except DomainError as error:
        return FieldPreview(kind, version.version, recipients, target.token, _recipient_label(target), [],
                            [error.message])
    name, role = signatory(user)
    filled.fields.update({"letter": {"date": uk_date(on), "reference": "(given when issued)"},
                          "sender": {"councils": " and ".join(filled.councils)},
                          "signatory": {"name": name, "role": role}})
    rows = field_rows(kind, version, filled)
    try:
        render(version.subject, version.body, filled.fields, kind.fields)
    except TemplateError as error:
        problems = [str(p) for p in error.problems]
    return FieldPreview(kind, version.version, recipients, target.token, _recipient_label(target), rows, problems,
                        filled.employee_id)


def field_rows(kind: T.LetterType, version: LetterTemplateVersion, filled: Filled) -> list[FieldRow]:
    """Every field the letter type offers, for a filled letter: value, source, whether the
    template uses it and whether it is missing; the fields the template uses first."""
    from ...letters.template import lookup, used_fields

    used = set(used_fields(version.subject, version.body))
    filled.sources = {**COMMON_SOURCES, **filled.sources}
    rows = []
    for field_name, description in kind.fields.items():
        value = _shown(lookup(filled.fields, field_name))
        rows.append(FieldRow(field_name, description, value, filled.source_of(field_name) or "the record",
                             field_name in used, field_name in used and value is None))
    order = list(kind.fields)
    return sorted(rows, key=lambda r: (not r.used, order.index(r.name)))


# -- the register ------------------------------------------------------------------------------

@dataclass(frozen=True)
class RegisterFilter:
    letter_type: str = ""
    audience: str = ""  # union / employee
    transfer_id: int | None = None
    restructure_id: int | None = None
    union_id: int | None = None
    q: str = ""  # reference, subject, the person's name or number, or the union
    issued_from: date | None = None
    issued_to: date | None = None


def register(filters: RegisterFilter, limit: int = 200, offset: int = 0) -> tuple[list[Letter], int]:
    query = (select(Letter).outerjoin(Employee, Employee.id == Letter.employee_id)
             .outerjoin(TradeUnion, TradeUnion.id == Letter.union_id))
    if filters.letter_type:
        query = query.where(Letter.letter_type == filters.letter_type)
    if filters.audience:
        keys = [t.key for t in T.LETTER_TYPES.values() if t.audience == filters.audience]
        query = query.where(Letter.letter_type.in_(keys))
    for column, value in ((Letter.transfer_id, filters.transfer_id), (Letter.restructure_id, filters.restructure_id),
                          (Letter.union_id, filters.union_id)):
        if value:
            query = query.where(column == value)
    if filters.q.strip():
        like = f"%{filters.q.strip().lower()}%"
        query = query.where(or_(func.lower(Letter.reference).like(like), func.lower(Letter.subject).like(like),
                                func.lower(Employee.first_name + " " + Employee.last_name).like(like),
                                func.lower(Employee.person_number).like(like), func.lower(TradeUnion.name).like(like)))
    if filters.issued_from:
        query = query.where(Letter.issued_at >= datetime.combine(filters.issued_from, time.min, tzinfo=UTC))
    if filters.issued_to:
        query = query.where(Letter.issued_at <= datetime.combine(filters.issued_to, time.max, tzinfo=UTC))
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = db.session.scalars(query.order_by(Letter.issued_at.desc(), Letter.id.desc()).limit(limit).offset(offset))
    return list(rows), total


def templates_list() -> list[LetterTemplate]:
    """Every letter template: unions' before employees' (audience descending), then by id."""
    return list(db.session.scalars(select(LetterTemplate).order_by(LetterTemplate.audience.desc(), LetterTemplate.id)))


def letters_of_employee(employee_id: int) -> list[Letter]:
    """One person's letters, newest issued first (then newest id)."""
    return list(db.session.scalars(select(Letter).where(Letter.employee_id == employee_id)
                                   .order_by(Letter.issued_at.desc(), Letter.id.desc())))


def corrections_of(letter: Letter) -> list[Letter]:
    return list(db.session.scalars(select(Letter).where(Letter.corrects_id == letter.id).order_by(Letter.id)))


@transaction
def record_download(letter: Letter) -> None:
    """A letter downloaded is personal data read: kept in the audit trail."""
    audit.record("download", "letter", letter.id, employee_id=letter.employee_id, after={"reference": letter.reference})


# -- an issued letter as a web page ----------------------------------------------------

def document_of(letter: Letter) -> LetterDocument | None:
    """An issued letter's document rebuilt from what the register keeps: the template version it
    names, filled again from the fields it was issued with, through the same `render` and
    `_document` as when its PDF was made, so its web page says what its PDF says. None where that
    cannot be vouched for (the fields no longer fill the template, or fill it to another subject
    or reference; a letter from before the letterhead was kept whose letterhead cannot be found
    again): the PDF is then the only rendition."""
    kind = T.LETTER_TYPES.get(letter.letter_type)
    fields = letter.fields or {}
    written: dict[str, Any]
    sender: dict[str, Any]
    signed: dict[str, Any]
    written, sender, signed = (fields[key] if isinstance(fields.get(key), dict) else {}
                               for key in ("letter", "sender", "signatory"))
    if kind is None or not signed.get("name") or written.get("reference") != letter.reference:
        return None
    try:
        subject, blocks = render(letter.template_version.subject, letter.template_version.body, fields, kind.fields)
    except TemplateError:
        return None
    issued_on = letter.issued_at.astimezone(UTC).date() if letter.issued_at.tzinfo else letter.issued_at.date()
    letterhead = ((list(sender["names"]), str(sender.get("letterhead_note", ""))) if "names" in sender
                  else _letterhead_of_old(letter, str(sender.get("councils", "")), issued_on))
    if subject != letter.subject or letterhead is None or uk_date(issued_on) != written.get("date"):
        return None
    notice = ""
    if letter.corrects_id:
        corrected = db.session.execute(select(Letter.reference, Letter.issued_at)
                                       .where(Letter.id == letter.corrects_id)).one()
        notice = _correction_notice(corrected.reference, corrected.issued_at, letter.correction_reason)
    return _document(kind, letterhead[0], letterhead[1], letter.addressee.splitlines(), issued_on,
                     letter.reference, subject, blocks, (str(signed["name"]), str(signed.get("role", ""))), notice)


def _letterhead_of_old(letter: Letter, councils: str, issued_on: date) -> tuple[list[str], str] | None:
    """The letterhead of a letter issued before it was kept with the fields: the record filled
    again on the issue date gives it, trusted only if it names the same councils and the
    transfer or restructure reads as it did then (so a shared service's name cannot have moved)."""
    try:
        refilled = fill(letter.letter_type, letter.source_id or 0, letter.union_id, issued_on)
    except (DomainError, LookupError, TypeError, ValueError):
        return None
    if " and ".join(refilled.councils) != councils or any(
            refilled.fields.get(key) != letter.fields.get(key) for key in ("transfer", "restructure")):
        return None
    return refilled.councils, refilled.letterhead_note


def page_of(document: LetterDocument) -> dict[str, Any]:
    """The letter as plain data for its web page (templates/letters/document.html): the same
    blocks in the same order as the PDF, each tagged with what it is."""
    blocks: list[dict[str, Any]] = []
    for block in document.blocks:
        if isinstance(block, Heading):
            blocks.append({"kind": "heading", "text": block.text})
        elif isinstance(block, Paragraph):
            blocks.append({"kind": "paragraph", "text": block.text})
        elif isinstance(block, Bullets):
            blocks.append({"kind": "bullets", "items": list(block.items)})
        else:
            blocks.append({"kind": "table", "head": list(block.head), "rows": [list(r) for r in block.rows],
                           "numeric": list(block.numeric), "caption": block.caption})
    return {"councils": list(document.councils), "letterhead_note": document.letterhead_note,
            "addressee": list(document.addressee), "date": document.date_text, "reference": document.reference,
            "notice": document.notice, "subject": document.subject, "blocks": blocks,
            "signatory": [document.signatory_name, document.signatory_role]}


@dataclass(frozen=True)
class Verification:
    checked: int
    mismatches: list[tuple[str, str, str]]  # (reference, stored sha256, computed sha256)


def verify() -> Verification:
    """Recompute every letter's SHA-256 from its stored PDF and compare it with the register's."""
    checked, mismatches = 0, []
    for reference, pdf, stored in db.session.execute(
            select(Letter.reference, Letter.pdf, Letter.sha256).order_by(Letter.id).execution_options(yield_per=200)):
        checked += 1
        computed = hashlib.sha256(pdf).hexdigest()
        if computed != stored:
            mismatches.append((reference, stored, computed))
    return Verification(checked, mismatches)


def zip_of(letters: list[Letter]) -> bytes:
    """The letters' PDFs, byte for byte as in the register, one file per letter."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for letter in letters:
            who = (letter.addressee.splitlines() or ["letter"])[0]
            safe = "".join(ch if ch.isalnum() else "-" for ch in who).strip("-")
            info = zipfile.ZipInfo(f"{letter.reference}-{safe}.pdf", date_time=letter.issued_at.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, letter.pdf)
    return buffer.getvalue()


def union_name(union_id: int | None) -> str:
    union = db.session.get(TradeUnion, union_id) if union_id else None
    return union.name if union else ""
