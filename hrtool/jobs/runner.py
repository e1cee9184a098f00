"""How a worker runs a job: claim it, keep its heartbeat going, do the work, and record the
outcome, or the failure in plain words."""
from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import cast

from flask import current_app

from ..extensions import db
from ..models import Job, User
from ..services.platform import audit, unit_of_work
from . import queue, records, registry

HEARTBEAT_SECONDS = 5


@contextmanager
def heartbeat(key: str, job_id: int, every: float | None = None) -> Iterator[None]:
    """Beat for the job every few seconds while the work runs (in a thread of its own, so a long
    transaction or a long render does not stop it); a worker that dies stops beating, and the
    sweep notices. Six beats fit in the stale window (JOBS_STALE_SECONDS), so a busy machine that
    delays one or two beats is not taken for a dead worker and the job run twice."""
    if every is None:
        every = min(HEARTBEAT_SECONDS, current_app.config["JOBS_STALE_SECONDS"] / 6)
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(every):
            try:
                queue.beat(key, job_id)
            except Exception:  # the queue's store unreachable for a moment: the next beat will do
                pass

    queue.beat(key, job_id)
    thread = threading.Thread(target=loop, daemon=True, name=f"heartbeat-{key}-{job_id}")
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def run(job_id: int) -> None:
    """The worker's whole handling of one job. A job that is not queued (run already, by a
    duplicate message) is left alone."""
    if unit_of_work.in_transaction():
        raise RuntimeError("A job runs on its own, outside any unit of work")
    job = records.claim(Job, job_id)
    if job is None:
        return
    spec = registry.get(job.kind)
    params = job.params
    requester = db.session.get(User, job.requested_by_id) if job.requested_by_id else None
    actor = (requester.id, requester.display_name) if requester else (None, "system")
    progress = registry.Progress("job", job_id)
    try:
        with heartbeat("job", job_id), audit.acting_for(actor):
            if spec.atomic:
                with unit_of_work.unit_of_work():  # the results and "done" in one transaction
                    outcome = spec.run(params, progress)
                    records.finish(cast(Job, db.session.get(Job, job_id)), outcome)
            else:
                outcome = spec.run(params, progress)
                with unit_of_work.unit_of_work():
                    records.finish(cast(Job, db.session.get(Job, job_id)), outcome)
    except Exception as error:
        unit_of_work.discard()
        records.fail(Job, job_id, records.plain_failure(error, f"Job {job_id} ({job.kind})"))
    finally:
        queue.forget("job", job_id)
