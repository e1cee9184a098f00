"""The Huey queue: where jobs wait for a worker, and where running jobs leave their heartbeat.

One Huey instance for the process, its storage chosen by the app's JOBS_QUEUE_URL when the app is
made (`configure`): a SQLite file (the embedded default), Redis (production) or, with
JOBS_IMMEDIATE, none at all: each job then runs inside the call that queues it (tests). Only a
job's id travels through the queue; the job's row in the database is the truth about it.

A running job's heartbeat and live progress are kept in the queue's own key-value store, not in
the database: a job writes its results in one long transaction at its end, and on SQLite no other
write (a heartbeat) could get through while that transaction holds the lock."""
from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

from flask import Flask, current_app, has_app_context
from huey import Huey
from huey.storage import BaseStorage, MemoryStorage, RedisStorage, SqliteStorage

NAME = "hrtool"
EXTENSION = "hrtool_queue"


class AppHuey(Huey):
    """Huey whose storage, and whether jobs run at once, belong to the current Flask app: several
    apps in one process (the test suite's) each keep their own queue. Outside any app context
    (the consumer's own threads in a worker) the storage set on the instance is used."""

    @property  # type: ignore[override]
    def storage(self) -> BaseStorage:
        if has_app_context():
            found = current_app.extensions.get(EXTENSION)
            if found is not None:
                return found[0]
        return self._storage

    @storage.setter
    def storage(self, value: BaseStorage) -> None:
        self._storage = value

    def enqueue(self, task: Any) -> Any:
        if has_app_context() and current_app.extensions.get(EXTENSION, (None, False))[1]:
            self.execute(task)  # JOBS_IMMEDIATE: the job runs here and now
            return None
        return super().enqueue(task)


huey = AppHuey(NAME, results=False, utc=True, storage_class=MemoryStorage)

# The app a worker process made (`hrtool worker`): tasks run in its context. None in web processes,
# where jobs run in a worker, or (JOBS_IMMEDIATE) in the request's own context.
_app: Flask | None = None


def storage_for(url: str) -> BaseStorage:
    """The queue's storage for a URL: redis://, rediss://, sqlite:///path, or memory."""
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisStorage(NAME, url=url)
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        # Only job ids and heartbeats, but private like the database beside it (SQLite's -wal and
        # -shm files take the main file's mode).
        from ..file_modes import make_private, sqlite_files

        path.touch(mode=0o600, exist_ok=True)
        make_private(sqlite_files(str(path)))
        return SqliteStorage(NAME, filename=str(path))
    if url == "memory":
        return MemoryStorage(NAME)
    raise ValueError(f"JOBS_QUEUE_URL must be redis://..., sqlite:///... or memory, not {url!r}")


def configure(app: Flask) -> None:
    """Give the app its queue's storage, and say whether its jobs run at once (JOBS_IMMEDIATE;
    unset, the test apps do). The storage connects lazily, on first use."""
    immediate = app.config.get("JOBS_IMMEDIATE")
    if immediate is None:
        immediate = app.testing
    storage = MemoryStorage(NAME) if immediate else storage_for(app.config["JOBS_QUEUE_URL"])
    app.extensions[EXTENSION] = (storage, bool(immediate))


def use_app(app: Flask | None) -> None:
    """The app whose context the tasks run in (a worker process), and whose queue the consumer takes from."""
    global _app
    _app = app
    if app is not None:
        huey.storage = app.extensions[EXTENSION][0]


@contextmanager
def app_context() -> Iterator[None]:
    """The context a task runs in: the caller's (a job run at once inside a request), else the
    worker's app, with the session removed afterwards so no connection outlives the task."""
    if has_app_context():
        with nullcontext():
            yield
        return
    if _app is None:
        raise RuntimeError("No app for this task: start workers with `hrtool worker`")
    from ..extensions import db
    from ..sqlite import background_writer

    with _app.app_context(), background_writer():
        try:
            yield
        finally:
            db.session.remove()


# Heartbeats and live progress: "<kind>:<id>" -> {"done", "total", "at"} in the queue's store.
def _key(kind: str, job_id: int) -> str:
    return f"hrtool:beat:{kind}:{job_id}"


def beat(kind: str, job_id: int, done: int | None = None, total: int | None = None) -> None:
    """Say the job is alive (and, if given, how far it has got)."""
    now = time.time()
    current = pulse(kind, job_id) or {}
    if done is not None:
        current["done"] = done
    if total is not None:
        current["total"] = total
    current["at"] = now
    huey.storage.put_data(_key(kind, job_id), json.dumps(current).encode())


def pulse(kind: str, job_id: int) -> dict[str, Any] | None:
    """The job's last heartbeat and progress, or None if it has none."""
    from huey.constants import EmptyData

    raw = huey.storage.peek_data(_key(kind, job_id))
    if raw is EmptyData or raw is None:
        return None
    return json.loads(raw)


def forget(kind: str, job_id: int) -> None:
    huey.storage.delete_data(_key(kind, job_id))
