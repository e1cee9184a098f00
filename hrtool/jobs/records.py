"""The life of a job's row: submitted, claimed by a worker, finished or failed, retried, and
swept when its worker died. Letter batches (services/letters/letter_jobs.py, their own table with the
batch's details) share the claim, the heartbeat and the sweep."""
from __future__ import annotations

import json
import re
import secrets
from collections.abc import Collection, Iterable
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any, TypeVar, cast

from flask import current_app
from sqlalchemy import Select, select
from sqlalchemy.orm import defer
from sqlalchemy.orm.exc import StaleDataError

from ..errors import DomainError
from ..extensions import db
from ..models import Job, LetterJob
from ..services.platform import audit, unit_of_work
from ..services.platform.unit_of_work import transaction
from . import queue, registry

STOPPED = ("The work stopped part-way: the worker doing it stopped (a restart or a fault) and did "
           "not come back within a minute, {attempts}. Nothing of it was kept. Start it again.")
FAULT = ("{what} because of a fault in the system, not in the records. {nothing} Try again; if it "
         "fails again, tell support the error reference {ref}.")


CHANGED_MEANWHILE = ("Someone changed some of the same records while this was being done, so nothing of it was "
                     "kept (their change stands). Try again: it will work from the records as they are now.")
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# Either table of jobs: the claim and the failure are the same for both.
JobRow = TypeVar("JobRow", Job, LetterJob)


def error_reference() -> str:
    """A short reference that ties a failure shown to people to its detail in the log."""
    return f"E-{secrets.token_hex(2).upper()}"


def plain_failure(error: BaseException, logged_as: str, *, what: str = "It could not be finished",
                  nothing: str = "Nothing of it was kept.") -> str:
    """What a failed job's page says: a rule's own message as it is, else a fault in plain words
    with a reference; the detail (which may quote SQL and its parameters: names, addresses) goes
    to the log only."""
    if isinstance(error, DomainError):
        return error.message
    if isinstance(error, StaleDataError):  # a record's version moved under the job: no lost update
        current_app.logger.warning("%s stopped: a record it changes was changed meanwhile (%s)", logged_as, error)
        return CHANGED_MEANWHILE
    ref = error_reference()
    current_app.logger.error("%s failed (error %s)", logged_as, ref, exc_info=error)
    return FAULT.format(what=what, nothing=nothing, ref=ref)


def _actor(user: Any) -> tuple[int | None, str]:
    return (user.id, user.display_name) if user is not None else (None, "system")


@transaction
def submit(kind: str, params: dict[str, Any], user: Any, *, description: str = "",
           dedupe_key: str | None = None) -> Job:
    """Record a job and put it on the queue once recorded (after the commit, so a worker finds
    it). The same dedupe key while one is queued or running: refused, naming that job."""
    spec = registry.get(kind)
    if dedupe_key:
        under_way = active(dedupe_key)
        if under_way is not None:
            raise DomainError(f"This is already under way (job {under_way.id}, started "
                              f"{under_way.created_at:%d/%m/%Y %H:%M}): wait for it to finish")
    description = CONTROL.sub("", description or spec.title)[:500]  # a file's name can hold anything (NUL)
    job = Job(kind=kind, description=description, status="queued", params_json=json.dumps(params),
              result_json="{}", outcome="", error="", total=0, done=0, attempts=0, dedupe_key=dedupe_key,
              requested_by_id=user.id if user is not None else None, updated_at=datetime.now(UTC))
    db.session.add(job)
    db.session.flush()
    audit.record("start", "job", job.id, after={"kind": kind, "description": job.description})
    job_id = job.id
    unit_of_work.after_commit(lambda: _dispatch(job_id))
    return job


def active(dedupe_key: str) -> Job | None:
    """The job queued or running under `dedupe_key`, or None (submit lets only one be under way)."""
    return db.session.scalar(select(Job).where(Job.dedupe_key == dedupe_key, Job.status.in_(("queued", "running"))))


def latest_done(kind: str, *, job_id: int | None = None, dedupe_key: str | None = None) -> Job | None:
    """The newest (highest id) finished job of `kind` that has this id, or else this dedupe key; None if none."""
    query = select(Job).where(Job.kind == kind, Job.status == "done")
    if job_id is not None:
        query = query.where(Job.id == job_id)
    elif dedupe_key is not None:
        query = query.where(Job.dedupe_key == dedupe_key)
    return db.session.scalar(query.order_by(Job.id.desc()).limit(1))


def jobs_query(status: str | None, hidden_kinds: Collection[str] | None) -> Select[Job]:
    """Jobs newest first (highest id), of one status if given and none of `hidden_kinds` (None:
    every kind), for paging; a job's result may be big (an arrears run keeps everyone's figures),
    so the list never reads it."""
    query = select(Job).options(defer(Job.result_json), defer(Job.params_json)).order_by(Job.id.desc())
    if status:
        query = query.where(Job.status == status)
    if hidden_kinds is not None:
        query = query.where(Job.kind.not_in(list(hidden_kinds)))
    return query


def _dispatch(job_id: int) -> None:
    from . import tasks

    tasks.run_job(job_id)


@transaction
def retry(job_id: int, user: Any) -> Job:
    """Start a failed job again, as a new job that says which one it retries."""
    old = db.session.get(Job, job_id)
    if old is None:
        raise DomainError("That job no longer exists")
    if old.status != "failed":
        raise DomainError("Only a job that failed can be tried again")
    job = submit(old.kind, old.params, user, description=old.description, dedupe_key=old.dedupe_key)
    job.retry_of_id = old.id
    audit.record("retry", "job", old.id, after={"new_job": job.id})
    return job


def claim(model: type[JobRow], job_id: int) -> JobRow | None:
    """Take a queued job for this worker (one unit of work): it becomes running, with one more
    attempt. None if it is not queued any more (run already, by a duplicate message)."""
    with unit_of_work.unit_of_work():
        query = select(model).where(model.id == job_id).with_for_update()
        job = db.session.scalar(query)
        if job is None or job.status != "queued":
            return None
        now = datetime.now(UTC)
        job.status, job.updated_at, job.attempts = "running", now, (job.attempts or 0) + 1
        if isinstance(job, Job):
            job.started_at = job.started_at or now
    return job


def finish(job: Job, outcome: registry.Outcome) -> None:
    """Mark the job done with its outcome (inside the unit of work that wrote its results)."""
    beat = queue.pulse("job", job.id) or {}
    job.status, job.outcome, job.result_json = "done", outcome.text, json.dumps(outcome.result, default=str)
    job.done = beat.get("done", job.done) if beat.get("total") else job.done
    job.total = beat.get("total", job.total) or job.total
    job.finished_at = job.updated_at = datetime.now(UTC)
    audit.record("finish", "job", job.id, after={"kind": job.kind, "outcome": outcome.text})


def fail(model: type[JobRow], job_id: int, message: str) -> None:
    with unit_of_work.unit_of_work():
        job = cast(JobRow, db.session.get(model, job_id))
        job.status, job.error = "failed", message
        job.finished_at = job.updated_at = datetime.now(UTC)


def _aware(moment: datetime | None) -> datetime | None:
    if moment is not None and moment.tzinfo is None:  # SQLite gives naive datetimes back
        return moment.replace(tzinfo=UTC)
    return moment


def last_sign_of_life(job: Job | LetterJob, key: str) -> datetime:
    """When the job (or its worker) last said it was alive: its heartbeat in the queue's store, or
    its row's last update."""
    times = [t for t in (_aware(job.updated_at or job.created_at),) if t is not None]
    beat = queue.pulse(key, job.id)
    if beat and beat.get("at"):
        times.append(datetime.fromtimestamp(beat["at"], UTC))
    return max(times) if times else datetime.now(UTC)


def stalled(job: Job | LetterJob, key: str, now: datetime | None = None) -> bool:
    """A running job whose worker has said nothing for longer than JOBS_STALE_SECONDS."""
    if job.status != "running":
        return False
    now = now or datetime.now(UTC)
    return now - last_sign_of_life(job, key) > timedelta(seconds=current_app.config["JOBS_STALE_SECONDS"])


MODELS: tuple[tuple[type[Job] | type[LetterJob], str], ...] = ((Job, "job"), (LetterJob, "letter"))


def sweep(now: datetime | None = None) -> list[tuple[str, int, str]]:
    """Find running jobs whose worker died (killed, restarted: no heartbeat for a while) and queue
    them again, or after JOBS_MAX_ATTEMPTS runs mark them failed with the reason. Each job wrote
    nothing (its results are written in one transaction at its end), so running it again is
    safe. Returns (kind, id, "queued again" or "failed") for each; every worker runs this
    every JOBS_SWEEP_SECONDS (hrtool/jobs/worker.py)."""
    from . import tasks

    now = now or datetime.now(UTC)
    most = current_app.config["JOBS_MAX_ATTEMPTS"]
    swept: list[tuple[str, int, str]] = []
    for model, key in MODELS:
        with unit_of_work.unit_of_work():
            running = cast("Iterable[Job | LetterJob]", db.session.scalars(
                select(model).where(model.status == "running").with_for_update(skip_locked=True)))
            for job in running:
                if not stalled(job, key, now):
                    continue
                if (job.attempts or 0) < most:
                    job.status, job.updated_at = "queued", now
                    action = "queued again"
                    job_id = job.id
                    unit_of_work.after_commit(
                        partial(tasks.run_job, job_id) if key == "job" else partial(tasks.letter_batch, job_id))
                else:
                    runs = f"after {job.attempts} tries" if job.attempts > 1 else "and was not tried again"
                    job.status, job.error = "failed", STOPPED.format(attempts=runs)
                    job.finished_at = job.updated_at = now
                    action = "failed"
                audit.record("sweep", "job" if key == "job" else "letter_job", job.id,
                             after={"status": job.status, "why": "its worker stopped sending a heartbeat"})
                swept.append((key, job.id, action))
    return swept


def status(job: Job) -> dict[str, Any]:
    """What the job's page shows, for its poller (JSON): live progress from the heartbeat while
    it runs, the row's once it has finished."""
    beat = queue.pulse("job", job.id) if job.active else None
    done = (beat or {}).get("done", job.done)
    total = (beat or {}).get("total", job.total)
    return {"id": job.id, "status": job.status, "done": done, "total": total,
            "percent": int(100 * done / total) if total else (100 if job.status == "done" else 0),
            "outcome": job.outcome, "error": job.error, "stalled": stalled(job, "job")}
