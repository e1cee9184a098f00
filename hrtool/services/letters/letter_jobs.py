"""Batches of letters for a cohort (everyone in a transfer; everyone in a restructure outcome
group; every recognised union), made in the background with progress the status page polls.

All or nothing: every letter is filled and rendered first (only the job's progress is saved
meanwhile), then the batch and all its letters are written in one transaction. Any failure
rolls that back and marks the job failed: nothing from the batch is left in the register.

Jobs run on the job queue (hrtool/jobs/): a worker process takes the job's id and runs `run`;
with JOBS_IMMEDIATE (tests) within the request that starts it. Letter references come from a
counter row moved on in the transaction that writes the letters (letters.allocate_numbers), so
they stay unique and in sequence with any number of workers; the same transaction skips anyone
who already has the letter for that transfer or restructure (unless HR asked for a re-issue, with
a reason), so a batch started twice sends once; and one active job per batch is a unique index.
A failure is stored in plain words with an error reference; the detail goes only to the log. A
worker killed mid-batch stops its heartbeat: the sweep (jobs/records.py) queues the job again,
or fails it after JOBS_MAX_ATTEMPTS runs, within a minute."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import defer

from ...errors import DomainError
from ...extensions import db
from ...jobs import queue, records, runner, tasks
from ...letters import types as T
from ...letters.template import TemplateError
from ...models import (
    Letter,
    LetterBatch,
    LetterJob,
    ProtectedTerms,
    Restructure,
    RouteDecision,
    Transfer,
    TransferMember,
    User,
)
from ..platform import audit, unit_of_work
from ..platform.unit_of_work import transaction
from . import mail
from .letter_fields import recognised_unions
from .letters import (
    Target,
    latest,
    next_references,
    peek_references,
    prepare,
    signatory,
    template_by_key,
    write,
    zip_of,
)

ROUTES = {"assimilation_outcome": "slot_in", "at_risk": "at_risk", "alternative_offer": "alternative"}


@dataclass(frozen=True)
class Cohort:
    description: str
    targets: list[Target]


# A transfer's batch for only those not yet written to: its own scope kind, so the
# job, run later, makes the same choice.
UNWRITTEN = "transfer_unwritten"
TRANSFER_SCOPES = ("transfer", UNWRITTEN)


def cohort(letter_type: str, scope_kind: str, scope_id: int, on: date) -> Cohort:
    """Who a batch of this letter type for this transfer or restructure goes to."""
    if scope_kind == UNWRITTEN:
        return _unwritten(cohort(letter_type, "transfer", scope_id, on), letter_type, scope_id)
    kind = T.letter_type(letter_type)
    if kind.cohort != scope_kind:
        raise DomainError(f"A {kind.name.lower()} is not sent for a {scope_kind}", field="letter_type")
    if scope_kind == "transfer":
        transfer = db.session.get(Transfer, scope_id)
        if transfer is None:
            raise DomainError("That transfer no longer exists")
        label = f"{transfer.reference} {transfer.service.name}"
        if letter_type == "tupe_reg13":
            unions = recognised_unions([transfer.transferor_id, transfer.transferee_id], on)
            return Cohort(f"{kind.name}, {label}: every recognised union",
                          [Target(letter_type, transfer.id, u.id) for u in unions])
        if letter_type == "transfer_notice":
            ids = db.session.scalars(select(TransferMember.id).where(
                TransferMember.transfer_id == transfer.id, TransferMember.status.in_(("proposed", "confirmed")))
                .order_by(TransferMember.id))
            return Cohort(f"{kind.name}, {label}: everyone in the cohort", [Target(letter_type, i) for i in ids])
        ids = db.session.scalars(select(ProtectedTerms.id).where(ProtectedTerms.transfer_id == transfer.id)
                                 .order_by(ProtectedTerms.id))
        return Cohort(f"{kind.name}, {label}: everyone now on protected terms", [Target(letter_type, i) for i in ids])
    restructure = db.session.get(Restructure, scope_id)
    if restructure is None:
        raise DomainError("That restructure no longer exists")
    if letter_type == "collective_redundancy":
        from ...models import Council

        councils = list(db.session.scalars(select(Council.id)))
        return Cohort(f"{kind.name}, {restructure.name}: every recognised union",
                      [Target(letter_type, restructure.id, u.id) for u in recognised_unions(councils, on)])
    ids = db.session.scalars(select(RouteDecision.id).where(
        RouteDecision.restructure_id == restructure.id, RouteDecision.route == ROUTES[letter_type])
        .order_by(RouteDecision.id))
    return Cohort(f"{kind.name}, {restructure.name}: everyone on the {ROUTES[letter_type].replace('_', ' ')} route",
                  [Target(letter_type, i) for i in ids])


def _unwritten(group: Cohort, letter_type: str, transfer_id: int) -> Cohort:
    """Those of a transfer's batch with no letter of this type for this transfer yet."""
    written = {(source_id, union_id) for source_id, union_id in db.session.execute(
        select(Letter.source_id, Letter.union_id).where(Letter.transfer_id == transfer_id,
                                                         Letter.letter_type == letter_type))}
    targets = [t for t in group.targets if (t.source_id, t.union_id) not in written]
    return Cohort(f"{group.description.split(': ')[0]}: those not yet written to", targets)


@dataclass(frozen=True)
class MissingField:
    name: str  # e.g. transfer.agency_workers
    description: str
    who: list[str]  # the letters (addressees) that lack it
    on_transfer: bool  # a fact of the transfer itself (fixed by editing the transfer)


class BatchRefused(DomainError):
    """A batch that would fail on a field with no value: every gap, before anything starts."""

    def __init__(self, message: str, missing: list[MissingField]):
        super().__init__(message, field="letter_type")
        self.missing = missing


def check_batch(letter_type: str, scope_kind: str, scope_id: int, on: date) -> None:
    """Before a batch starts: refuse one for a withdrawn transfer, and fill every
    letter's fields (no PDF) so that a field with no value is reported now, all at once, naming
    the field and whose letters lack it, rather than failing the job at letter 1 of N."""
    from ...letters.template import FIELD, TemplateError, render
    from .letter_fields import fill

    if scope_kind in TRANSFER_SCOPES:
        transfer = db.session.get(Transfer, scope_id)
        if transfer is not None and transfer.status == "withdrawn":
            raise DomainError(f"Transfer {transfer.reference} was withdrawn: no more letters are issued for it",
                              field="letter_type")
    kind = T.letter_type(letter_type)
    version = latest(template_by_key(letter_type))
    gaps: dict[str, list[str]] = {}
    targets = cohort(letter_type, scope_kind, scope_id, on).targets
    total = len(targets)
    for target in targets:
        filled = fill(letter_type, target.source_id, target.union_id, on)
        values = {**filled.fields, "letter": {"date": "x", "reference": "x"}, "sender": {"councils": "x"},
                  "signatory": {"name": "x", "role": "x"}}
        try:
            render(version.subject, version.body, values, kind.fields)
        except TemplateError as error:
            for problem in error.problems:
                found = FIELD.search(problem.message)
                name = found.group(1) if found else problem.message
                who = filled.addressee[0] if filled.addressee else str(target.source_id)
                if who not in gaps.setdefault(name, []):
                    gaps[name].append(who)
    if gaps:
        missing = [MissingField(name, kind.fields.get(name, ""), who, name.startswith(("transfer.", "consultation.")))
                   for name, who in gaps.items()]
        raise BatchRefused("These letters cannot be made yet: " + "; ".join(
            f"no value for {{{{ {m.name} }}}} "
            + ("on the transfer" if m.on_transfer else f"in {len(m.who)} of the {total} letters")
            + (f" — {m.description}" if m.description else "") for m in missing)
            + ". Nothing was issued: give the missing values, then issue the batch.", missing)


def already_sent(letter_type: str, scope_kind: str, scope_id: int) -> set[tuple[int | None, int | None]]:
    """(source id, union id) of everyone who already has a letter of this type for this transfer
    or restructure (a batch does not send it to them again unless HR re-issues it)."""
    column = Letter.transfer_id if scope_kind in TRANSFER_SCOPES else Letter.restructure_id
    return {(source_id, union_id or None) for source_id, union_id in db.session.execute(
        select(Letter.source_id, Letter.union_id).where(column == scope_id, Letter.letter_type == letter_type))}


@dataclass(frozen=True)
class Plan:
    """What a batch would do now: whom it writes to, and whom it skips as already written to."""

    letter_type: str
    name: str
    to_send: list[Target]
    skipped: list[Target]


def plan(letter_type: str, scope_kind: str, scope_id: int, on: date, reissue: bool = False) -> Plan:
    """For the batch page and the job: "to send" is exactly who the batch will write to."""
    targets = cohort(letter_type, scope_kind, scope_id, on).targets
    written = set() if reissue else already_sent(letter_type, scope_kind, scope_id)
    return Plan(letter_type, T.letter_type(letter_type).name,
                [t for t in targets if (t.source_id, t.union_id) not in written],
                [t for t in targets if (t.source_id, t.union_id) in written])


def start(letter_type: str, scope_kind: str, scope_id: int, on: date, user: Any,
          reissue_reason: str = "") -> LetterJob:
    """Record the job (one unit of work) and put it on the queue once recorded. The caller has
    checked permission and re-authentication. With a reissue reason, people who already have the
    letter get it again."""
    try:
        job = _queue(letter_type, scope_kind, scope_id, on, user, reissue_reason.strip())
    except IntegrityError:  # the same batch queued at the same moment by another request
        raise DomainError("This batch is already being made: open it from the letters register, "
                          "or wait a minute and try again", field="letter_type") from None
    db.session.refresh(job)  # a job run at once (JOBS_IMMEDIATE) has finished by now
    return job


STOPPED = records.STOPPED


def _stale(job: LetterJob, now: datetime) -> bool:
    """Shown as stalled: queued or running with no sign of life for longer than the sweep allows
    (the sweep, in the workers, is what queues it again or fails it)."""
    if job.status == "running":
        return records.stalled(job, "letter", now)
    return False


@transaction
def _queue(letter_type: str, scope_kind: str, scope_id: int, on: date, user: Any,
           reissue_reason: str = "") -> LetterJob:
    check_batch(letter_type, scope_kind, scope_id, on)  # withdrawn, or a field with no value
    group = cohort(letter_type, scope_kind, scope_id, on)
    if not group.targets:
        raise DomainError("Nobody in that group is due this letter", field="letter_type")
    now = datetime.now(UTC)
    for active in db.session.scalars(select(LetterJob).where(
            LetterJob.letter_type == letter_type, LetterJob.scope_id == scope_id,
            LetterJob.scope_kind.in_(TRANSFER_SCOPES if scope_kind in TRANSFER_SCOPES else (scope_kind,)),
            LetterJob.status.in_(("queued", "running")))):
        if _stale(active, now):  # its worker died and the sweep has not yet seen to it
            active.status, active.error, active.finished_at = "failed", STOPPED.format(attempts="and was stopped"), now
            db.session.flush()
        else:
            raise DomainError("This batch is already being made: wait for it to finish", field="letter_type")
    reissue = bool(reissue_reason)
    chosen = plan(letter_type, scope_kind, scope_id, on, reissue)
    if not chosen.to_send:
        raise DomainError(f"Everyone in this group already has this letter ({len(chosen.skipped)}). To send it "
                          "again, tick \"Re-issue\" and give the reason", field="letter_type")
    job = LetterJob(letter_type=letter_type, scope_kind=scope_kind, scope_id=scope_id, description=group.description,
                    status="queued", total=len(chosen.to_send), done=0, error="", skipped=len(chosen.skipped),
                    reissue_reason=reissue_reason, updated_at=now, letter_date=on, attempts=0,
                    requested_by_id=user.id if user is not None else None)
    db.session.add(job)
    db.session.flush()
    job_id = job.id
    unit_of_work.after_commit(lambda: tasks.letter_batch(job_id))
    audit.record("start", "letter_job", job.id, after={"type": letter_type, "scope": f"{scope_kind}:{scope_id}",
                                                       "letters": job.total, "skipped": job.skipped},
                 reason=reissue_reason)
    return job


# A hook for tests to make one letter of a batch fail: called with the index of each letter.
fail_at: Callable[[int], None] | None = None


def run(job_id: int, on: date | None = None) -> None:
    """Make every letter of the job, then write them all at once (or none). Several units of
    work, so the status page sees the job's progress: marking it running, each letter prepared
    (progress only, and the heartbeat: no letter is written yet), then the batch with all its
    letters; a failure rolls that last one back and marks the job failed in one of its own.

    The final unit of work first moves the reference counter on (locking it), then drops anyone
    who has the letter by now (another batch went first), then writes: references are allocated
    with the letters they number. Letters were rendered with the references expected; any that
    differ from those allocated (another batch issued meanwhile) are rendered again."""
    if unit_of_work.in_transaction():
        raise RuntimeError("A letter job runs on its own, outside any unit of work")
    # Cancelled before it began (its transfer withdrawn), or run already (a duplicate message): None.
    job = records.claim(LetterJob, job_id)
    if job is None:
        return
    on = on or job.letter_date or date.today()
    try:
        with runner.heartbeat("letter", job_id):
            _make(job, on)
    except Exception as error:
        unit_of_work.discard()  # whatever was read or half-prepared (a failed write is already rolled back)
        records.fail(LetterJob, job_id, records.plain_failure(
            error, f"Letter job {job_id}", what="The letters could not be made", nothing="Nothing was issued."))
    finally:
        queue.forget("letter", job_id)


def _make(job: LetterJob, on: date) -> None:
    """Prepare every letter (progress only), then write them all at once."""
    user = db.session.get(User, job.requested_by_id) if job.requested_by_id else None
    actor = (user.id, user.display_name) if user else (None, "system")
    reissue = bool(job.reissue_reason)
    targets = plan(job.letter_type, job.scope_kind, job.scope_id, on, reissue).to_send
    version = latest(template_by_key(job.letter_type))
    expected = peek_references(len(targets), on)
    signed = signatory(user)
    prepared = []
    with unit_of_work.unit_of_work():
        job.total = len(targets)
    for index, target in enumerate(targets):
        try:
            prepared.append(prepare(target, version, on, expected[index], signed))
        except TemplateError as error:
            raise DomainError(f"Letter {index + 1} of {len(targets)}: {error}") from error
        if fail_at is not None:
            fail_at(index)
        # Progress goes to the queue's store (the page reads it there): no database write per letter.
        queue.beat("letter", job.id, index + 1, len(targets))
    with unit_of_work.unit_of_work():
        db.session.refresh(job)
        if job.status != "running":  # cancelled meanwhile (the transfer withdrawn): write nothing
            return
        written = set() if reissue else already_sent(job.letter_type, job.scope_kind, job.scope_id)
        keep = [p for p in prepared if (p.target.source_id, p.target.union_id) not in written]
        job.skipped += len(prepared) - len(keep)
        job.total, job.done = len(keep), len(keep)
        if not keep:  # everyone was written to meanwhile (the same batch run twice)
            job.status, job.finished_at, job.updated_at = "done", datetime.now(UTC), datetime.now(UTC)
            return
        references = next_references(len(keep), on)
        keep = [p if p.reference == ref else prepare(p.target, version, on, ref, signed)
                for p, ref in zip(keep, references, strict=True)]
        batch = LetterBatch(template_version_id=version.id, description=job.description,
                            issued_by_id=job.requested_by_id, count=len(keep))
        db.session.add(batch)
        db.session.flush()
        moment = datetime.now(UTC)
        issued = []
        for index, item in enumerate(keep):
            issued += write([item], job.requested_by_id, moment, batch)
            if fail_at is not None:
                fail_at(len(prepared) + index)
        db.session.flush()
        mail.notify_issued(issued)  # "a letter is waiting", by email once the letters are committed
        audit.record("issue", "letter_batch", batch.id, after={"job": job.id, "letters": len(keep),
                                                               "type": job.letter_type, "skipped": job.skipped},
                     actor=actor, reason=job.reissue_reason)
        job.status, job.batch_id, job.finished_at = "done", batch.id, datetime.now(UTC)
        job.updated_at = job.finished_at


@transaction
def download_batch(batch_id: int) -> bytes:
    """The letters of a batch as one ZIP; the download is kept in the audit trail."""
    issued = batch_letters(batch_id)
    audit.record("download", "letter_batch", batch_id, after={"letters": len(issued)})
    return zip_of(issued)


def batch_letters(batch_id: int) -> list[Letter]:
    return list(db.session.scalars(select(Letter).where(Letter.batch_id == batch_id).order_by(Letter.id)))


def batch_letters_query(batch_id: int) -> Select[Letter]:
    """A batch's letters by id, for paging: without their PDFs and fields (a batch can hold thousands)."""
    return (select(Letter).where(Letter.batch_id == batch_id).order_by(Letter.id)
            .options(defer(Letter.pdf), defer(Letter.fields)))


def status(job: LetterJob) -> dict[str, Any]:
    """What the status page shows, for the poller (JSON): while it runs, the progress its worker
    leaves in the queue's store; once finished, the row's."""
    beat = queue.pulse("letter", job.id) if job.status in ("queued", "running") else None
    done = (beat or {}).get("done", job.done)
    total = (beat or {}).get("total", job.total)
    return {"id": job.id, "status": job.status, "total": total, "done": done, "error": job.error,
            "batch_id": job.batch_id, "skipped": job.skipped, "stalled": _stale(job, datetime.now(UTC)),
            "percent": int(100 * done / total) if total else 100}
