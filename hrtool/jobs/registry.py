"""What kinds of job there are: each kind's title, the work it does, and who may see it.

A kind's `run(params, progress)` does the work and returns an Outcome in plain words. An atomic
kind (the default) runs inside one unit of work that also marks the job done, so a worker killed
part-way leaves nothing written and the job can run again; a kind that only reads (an import's
preview, a check) or writes outside the database (a backup) is not atomic."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import queue


@dataclass(frozen=True)
class Outcome:
    text: str  # what the job's page says it did, in plain words
    result: dict[str, Any] = field(default_factory=dict)  # for its page: a link, counts, a report


class Progress:
    """Tells the job's page how far the work has got (and that the worker is alive)."""

    def __init__(self, key: str, job_id: int):
        self.key, self.job_id = key, job_id

    def __call__(self, done: int, total: int | None = None) -> None:
        queue.beat(self.key, self.job_id, done, total)


@dataclass(frozen=True)
class Kind:
    name: str
    title: str  # "Pay award run"
    run: Callable[[dict[str, Any], Progress], Outcome]
    atomic: bool = True
    permission: str = "jobs.view"  # who may open its page (beside whoever started it)


KINDS: dict[str, Kind] = {}


def kind(name: str, title: str, *, atomic: bool = True, permission: str = "jobs.view"
         ) -> Callable[[Callable[[dict[str, Any], Progress], Outcome]], Callable[[dict[str, Any], Progress], Outcome]]:
    """Register a kind of job: `@kind("pay_award_run", "Pay award run")` over its run function."""

    def register(fn: Callable[[dict[str, Any], Progress], Outcome]) -> Callable[[dict[str, Any], Progress], Outcome]:
        if name in KINDS:
            raise ValueError(f"job kind {name!r} registered twice")
        KINDS[name] = Kind(name, title, fn, atomic, permission)
        return fn

    return register


def get(name: str) -> Kind:
    from . import kinds  # noqa: F401  (registers every kind)

    return KINDS[name]
