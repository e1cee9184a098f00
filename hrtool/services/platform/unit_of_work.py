"""One unit of work per user action, owned by the service layer.

A service function that a view, a command or a job calls for one whole action is decorated with
`@transaction`. It loads, applies the domain rules, writes the change and its audit events, and
returns; the decorator then brings every derived fact up to date with what changed
(`hrtool.services.platform.derived.settle`) and commits once. If anything raises, the whole action is
rolled back and the error goes on to the caller (a view shows a DomainError as a form error).

Calls nest: a transactional service that calls another joins the outer unit of work, and only
the outermost commits. Views and commands never call `db.session.commit()` or `rollback()`:
while a request is being served, a commit that does not come from a `@transaction` raises
(`install_guard`), so a view that commits fails its tests instead of splitting an action in two.
"""
from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, ParamSpec, TypeVar

from sqlalchemy import event
from sqlalchemy.orm import Session

from ...extensions import db

P = ParamSpec("P")
R = TypeVar("R")

_depth: ContextVar[int] = ContextVar("hrtool_unit_of_work_depth", default=0)
# Work to start once the outermost unit of work has committed (a job put on the queue: a worker
# must find its row, and a rolled-back action must start nothing). None outside a unit of work.
_after: ContextVar[list[Callable[[], Any]] | None] = ContextVar("hrtool_unit_of_work_after_commit", default=None)


def after_commit(fn: Callable[[], Any]) -> None:
    """Call `fn` once the outermost unit of work has committed; never if it rolls back. Outside
    a unit of work, at once."""
    pending = _after.get()
    if pending is None:
        fn()
    else:
        pending.append(fn)


@contextmanager
def _outermost(depth: int) -> Iterator[list[Callable[[], Any]] | None]:
    """The after-commit list of the outermost unit of work (None for a nested one)."""
    if depth:
        yield None
        return
    pending: list[Callable[[], Any]] = []
    token = _after.set(pending)
    try:
        yield pending
    finally:
        _after.reset(token)


def _run_after(pending: list[Callable[[], Any]] | None) -> None:
    for fn in pending or ():
        fn()


class CommitOutsideUnitOfWork(RuntimeError):
    """A commit while serving a request that did not come from a `@transaction` service."""


def in_transaction() -> bool:
    """True inside a `@transaction` service call (at any depth)."""
    return _depth.get() > 0


def transaction(fn: Callable[P, R]) -> Callable[P, R]:
    """Make `fn` one unit of work: settle derived facts and commit once on success, roll back
    whole on any exception. Nested calls join the outermost."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with unit_of_work():
            return fn(*args, **kwargs)

    wrapper.__unit_of_work__ = True  # type: ignore[attr-defined]
    return wrapper


@contextmanager
def unit_of_work() -> Iterator[None]:
    """The same as `@transaction`, for a block of service code (a command looping over files,
    a job): settle and commit at the end of the outermost block, roll back on any error."""
    depth = _depth.get()
    with _outermost(depth) as pending:
        token = _depth.set(depth + 1)
        try:
            yield
            if depth == 0:
                from .derived import settle

                settle()
                db.session.commit()
        except BaseException:
            if depth == 0:
                db.session.rollback()
            raise
        finally:
            _depth.reset(token)
    _run_after(pending)


@contextmanager
def dry_run() -> Iterator[None]:
    """Run service calls for what they check, keeping nothing: every `@transaction` inside
    joins one unit of work that is always rolled back at the end, whether it succeeded or not
    (a form whose own fields are invalid still shows the service's problems with them; a
    command's --dry-run). Not inside another unit of work, whose work it would throw away."""
    if _depth.get():
        raise RuntimeError("A dry run cannot be nested in a unit of work")
    token = _depth.set(1)
    discarded = _after.set([])  # nothing is kept, so nothing starts after it
    try:
        yield
    finally:
        try:
            db.session.rollback()
        finally:
            _after.reset(discarded)
            _depth.reset(token)


def discard() -> None:
    """Throw away what the current session holds, outside any unit of work (the app's error
    handlers after a failed request; a command after a refused dry run)."""
    db.session.rollback()


def _no_request() -> bool:
    return False


# Whether a request is being served, as the web layer tells (services do not read requests):
# set by `install_guard`; until then nothing counts as a request, so nothing is refused.
_serving_request: Callable[[], bool] = _no_request


def _guard(session: Session) -> None:
    if _serving_request() and _depth.get() == 0 and not session.info.get("allow_bare_commit"):
        raise CommitOutsideUnitOfWork(
            "A commit while serving a request must come from a @transaction service function "
            "(hrtool/services/platform/unit_of_work.py), never from a view")


def install_guard(serving_request: Callable[[], bool] | None = None) -> None:
    """Refuse commits during a request that do not come from a unit of work (idempotent).
    `serving_request` says whether a request is being served (the web layer passes Flask's
    `has_request_context`)."""
    global _serving_request
    if serving_request is not None:
        _serving_request = serving_request
    if not event.contains(Session, "before_commit", _guard):
        event.listen(Session, "before_commit", _guard)


def bare_commit(session: Session | None = None) -> None:
    """Commit outside a unit of work on purpose (request infrastructure: the sign-in session's
    last-seen time). Services use @transaction instead."""
    session = session or db.session()
    session.info["allow_bare_commit"] = True
    try:
        session.commit()
    finally:
        session.info.pop("allow_bare_commit", None)


def is_unit_of_work(fn: Any) -> bool:
    return bool(getattr(fn, "__unit_of_work__", False))
