"""Batches of letters for a cohort (everyone in a transfer; everyone in a restructure outcome
group; every recognised union), made in the background with progress the status page polls.

All or nothing: every letter is filled and rendered first (only the job's progress is saved
meanwhile), then the batch and all its letters are written in one transaction. Any failure
rolls that back and marks the job failed: nothing from the batch is left in the register.

Jobs run in a thread of the web process; with LETTER_JOBS_INLINE (tests) within the request
that starts it. Issue 17: nothing depends on the process. Letter references come from a counter
row moved on in the transaction that writes the letters (letters.allocate_numbers), so they stay
unique and in sequence with any number of workers; the same transaction skips anyone who already
has the letter for that transfer or restructure (unless HR asked for a re-issue, with a reason),
so a batch started twice sends once; and one active job per batch is a unique index. A failure
is stored in plain words with an error reference; the detail goes only to the log. A job whose
thread died (a restart) is shown failed once it has made no progress for a minute."""
from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from flask import Flask, current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..errors import DomainError
from ..extensions import db
from ..letters import types as T
from ..letters.template import TemplateError
from ..models import (
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
from . import audit, unit_of_work
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
from .unit_of_work import transaction

ROUTES = {"assimilation_outcome": "slot_in", "at_risk": "at_risk", "alternative_offer": "alternative"}


@dataclass(frozen=True)
class Cohort:
    description: str
    targets: list[Target]


# A transfer's batch for only those not yet written to (issue 15): its own scope kind, so the
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
        from ..models import Council

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
    """Before a batch starts (issue 15): refuse one for a withdrawn transfer, and fill every
    letter's fields (no PDF) so that a field with no value is reported now, all at once, naming
    the field and whose letters lack it, rather than failing the job at letter 1 of N."""
    from ..letters.template import FIELD, TemplateError, render
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
    or restructure (issue 17: a batch does not send it to them again unless HR re-issues it)."""
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
    """Record the job (one unit of work) and start it. The caller has checked permission and
    re-authentication. With a reissue reason, people who already have the letter get it again."""
    try:
        job = _queue(letter_type, scope_kind, scope_id, on, user, reissue_reason.strip())
    except IntegrityError:  # the same batch queued at the same moment by another request
        raise DomainError("This batch is already being made: open it from the letters register, "
                          "or wait a minute and try again", field="letter_type") from None
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if app.config.get("LETTER_JOBS_INLINE", app.testing):
        run(job.id, on)
    else:
        threading.Thread(target=_run_in_app, args=(app, job.id, on), daemon=True, name=f"letter-job-{job.id}").start()
    return job


STALE_AFTER = timedelta(minutes=1)
STOPPED = ("The batch stopped: it made no progress for a minute (the server restarted or the work was "
           "interrupted). Nothing was issued. Start it again.")


def _stale(job: LetterJob, now: datetime) -> bool:
    beat = job.updated_at or job.created_at
    if beat is None or job.status not in ("queued", "running"):
        return False
    if beat.tzinfo is None:  # SQLite gives naive datetimes back
        beat = beat.replace(tzinfo=UTC)
    return now - beat > STALE_AFTER


@transaction
def fail_stale(job: LetterJob, now: datetime | None = None) -> bool:
    """A job "queued" or "running" with no heartbeat for a minute is marked failed (its thread
    died with its process): nothing of it was written, and it can be started again."""
    now = now or datetime.now(UTC)
    if not _stale(job, now):
        return False
    job.status, job.error, job.finished_at = "failed", STOPPED, now
    audit.record("fail", "letter_job", job.id, after={"status": "failed", "why": "no progress for a minute"})
    return True


@transaction
def _queue(letter_type: str, scope_kind: str, scope_id: int, on: date, user: Any,
           reissue_reason: str = "") -> LetterJob:
    check_batch(letter_type, scope_kind, scope_id, on)  # issue 15: withdrawn, or a field with no value
    group = cohort(letter_type, scope_kind, scope_id, on)
    if not group.targets:
        raise DomainError("Nobody in that group is due this letter", field="letter_type")
    now = datetime.now(UTC)
    for active in db.session.scalars(select(LetterJob).where(
            LetterJob.letter_type == letter_type, LetterJob.scope_id == scope_id,
            LetterJob.scope_kind.in_(TRANSFER_SCOPES if scope_kind in TRANSFER_SCOPES else (scope_kind,)),
            LetterJob.status.in_(("queued", "running")))):
        if _stale(active, now):
            active.status, active.error, active.finished_at = "failed", STOPPED, now
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
                    reissue_reason=reissue_reason, updated_at=now,
                    requested_by_id=user.id if user is not None else None)
    db.session.add(job)
    db.session.flush()
    audit.record("start", "letter_job", job.id, after={"type": letter_type, "scope": f"{scope_kind}:{scope_id}",
                                                       "letters": job.total, "skipped": job.skipped},
                 reason=reissue_reason)
    return job


def _run_in_app(app: Flask, job_id: int, on: date) -> None:
    from ..sqlite import background_writer

    with app.app_context(), background_writer():
        try:
            run(job_id, on)
        finally:
            db.session.remove()


# A hook for tests to make one letter of a batch fail: called with the index of each letter.
fail_at: Callable[[int], None] | None = None


def error_reference() -> str:
    """A short reference that ties a failure shown to people to its detail in the log."""
    return f"E-{secrets.token_hex(2).upper()}"


def run(job_id: int, on: date) -> None:
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
    with unit_of_work.unit_of_work():
        job = db.session.get(LetterJob, job_id)
        if job.status != "queued":  # cancelled before it began (its transfer withdrawn), or run already
            return
        job.status, job.updated_at = "running", datetime.now(UTC)
    try:
        user = db.session.get(User, job.requested_by_id) if job.requested_by_id else None
        actor = (user.id, user.display_name) if user else (None, "system")
        reissue = bool(job.reissue_reason)
        targets = plan(job.letter_type, job.scope_kind, job.scope_id, on, reissue).to_send
        version = latest(template_by_key(job.letter_type))
        expected = peek_references(len(targets), on)
        signed = signatory(user)
        prepared = []
        for index, target in enumerate(targets):
            try:
                prepared.append(prepare(target, version, on, expected[index], signed))
            except TemplateError as error:
                raise DomainError(f"Letter {index + 1} of {len(targets)}: {error}") from error
            if fail_at is not None:
                fail_at(index)
            with unit_of_work.unit_of_work():  # progress and heartbeat only: no letter is written yet
                job.done, job.updated_at = index + 1, datetime.now(UTC)
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
            for index, item in enumerate(keep):
                write([item], job.requested_by_id, moment, batch)
                if fail_at is not None:
                    fail_at(len(prepared) + index)
            audit.record("issue", "letter_batch", batch.id, after={"job": job.id, "letters": len(keep),
                                                                   "type": job.letter_type, "skipped": job.skipped},
                         actor=actor, reason=job.reissue_reason)
            job.status, job.batch_id, job.finished_at = "done", batch.id, datetime.now(UTC)
            job.updated_at = job.finished_at
    except Exception as error:
        unit_of_work.discard()  # whatever was read or half-prepared (a failed write is already rolled back)
        if isinstance(error, DomainError):
            message = error.message  # written for people already, from our own checks
        else:
            ref = error_reference()
            message = (f"The letters could not be made because of a fault in the system, not in the records. "
                       f"Nothing was issued. Start the batch again; if it fails again, tell support the error "
                       f"reference {ref}.")
            # The detail (which may quote SQL and its parameters: names, addresses) goes to the log only.
            current_app.logger.error("Letter job %s failed (error %s)", job_id, ref, exc_info=error)
        with unit_of_work.unit_of_work():
            job = db.session.get(LetterJob, job_id)
            job.status, job.finished_at, job.updated_at = "failed", datetime.now(UTC), datetime.now(UTC)
            job.error = message


@transaction
def download_batch(batch_id: int) -> bytes:
    """The letters of a batch as one ZIP; the download is kept in the audit trail."""
    issued = batch_letters(batch_id)
    audit.record("download", "letter_batch", batch_id, after={"letters": len(issued)})
    return zip_of(issued)


def batch_letters(batch_id: int) -> list[Letter]:
    return list(db.session.scalars(select(Letter).where(Letter.batch_id == batch_id).order_by(Letter.id)))


def status(job: LetterJob) -> dict[str, Any]:
    """What the status page shows, for the poller (JSON)."""
    return {"id": job.id, "status": job.status, "total": job.total, "done": job.done, "error": job.error,
            "batch_id": job.batch_id, "skipped": job.skipped,
            "percent": int(100 * job.done / job.total) if job.total else 100}
