"""Derived facts, what each is derived from, and where it is recomputed: the one place to look.

hrtool holds some facts that follow from others, so pages and reports can read them quickly:

| derived fact (kind)        | held in                    | derived from                                        |
|----------------------------|----------------------------|-----------------------------------------------------|
| post_grades                | post_grades (dated rows)   | a post's job evaluation score over time, its council |
|                            |                            | and dates, and the council's grade band versions    |
| protection_schedules       | protection_months, and     | the protection, its policy, the NJC pay spine, the  |
|                            | protections.ends_on/reason | person's assignments (SCP, hours, post) and         |
|                            |                            | employment, the full-time hours rule                |
| harmonisation_results      | harmonisation_models.results | the model's bands and date, the workforce, the spine |
|                            |                            | and its set of local conventions (not recomputed:   |
|                            |                            | marked stale with why; re-runnable)                 |
| dashboard figures          | the figures cache          | keyed by a data stamp, so any change misses it      |
| letter register hashes     | letters.sha256             | the letter's bytes, which never change              |

Arrears, restructure costings, redundancy pay and grade look-ups are computed when asked for
and never held, so they cannot drift.

How it stays true: a listener sees every flushed insert, update and delete of a *source* row
(the DEPENDENCIES table below) and notes what has to be recomputed. `settle()`, called by every
unit of work just before it commits (`unit_of_work.transaction`), recomputes exactly that, and
repeats until nothing more is pending (a band change lowers a grade, which moves a person's
SCP, which recomputes their protection). Nobody has to remember to call a recompute: writing
the source through the ORM is enough. Bulk writes that bypass the ORM (imports, demo data) say
what they changed with `note(...)`. `hrtool check` (services/platform/check.py) recomputes every derived
fact from its sources and compares it with what is held.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from ...extensions import db

PENDING_KEY = "hrtool_derived_pending"
SETTLING_KEY = "hrtool_derived_settling"
MAX_ROUNDS = 10

# Pending work: (derived kind, scope) -> why. Scopes: ("post", id), ("council", id),
# ("employment", id), ("employee", id), ("protection", id), ("since", date), ("all",), ...
Target = tuple[str, tuple[Any, ...]]


@dataclass(frozen=True)
class Dependency:
    """When a row of `source` is inserted, deleted, or has one of `fields` changed (None: any
    column), `derived` is recomputed over the scope `scope(row)` gives."""

    source: str
    fields: tuple[str, ...] | None
    derived: str
    scope: Callable[[Any], tuple[Any, ...]]
    what: str  # in words, for the README table and `hrtool check --explain`
    # Why, in words for the audit trail of what is recomputed: (row, "added"/"changed"/"deleted")
    # -> text. None: the row's kind, id and action.
    why: Callable[[Any, str], str] | None = None


def _const(*scope: Any) -> Callable[[Any], tuple[Any, ...]]:
    return lambda row: scope


DEPENDENCIES: list[Dependency] = [
    # A post's dated grades.
    Dependency("Post", ("je_score", "council_id", "established_on", "closed_on"), "post_grades",
               lambda post: ("post", post.id), "that post's grades"),
    Dependency("JobEvaluation", None, "post_grades", lambda ev: ("post", ev.post_id), "the evaluated post's grades"),
    Dependency("GradeConvention", ("effective_from", "effective_to"), "post_grades",
               lambda conv: ("council", conv.council_id), "the grades of every post of the council"),
    Dependency("GradeBand", None, "post_grades", lambda band: ("convention", band.convention_id),
               "the grades of every post of the council"),
    # Pay protection schedules (services/protection/protections.py recompute_scopes; a month already paid
    # whose payment changes gets an adjustment). The protection's own start-date salaries and
    # SCPs are kept in step by the recompute, so a change to them settles in the next round.
    Dependency("Protection", ("start_date", "old_salary", "new_salary", "old_scp", "new_scp", "hours_per_week",
                              "policy_id", "ended_early_on", "new_post_id", "employment_id"),
               "protection_schedules", lambda p: ("protection", p.id), "that protection's schedule",
               lambda p, action: (f"Ended early ({p.ended_early_kind}) from {p.ended_early_on:%d/%m/%Y}"
                                  if action == "changed" and p.ended_early_on
                                  and inspect(p).attrs.ended_early_on.history.has_changes()
                                  else f"The protection was {action}")),
    Dependency("Assignment", ("effective_from", "effective_to", "scp", "local_salary", "hours_per_week", "post_id",
                              "employment_id"),
               "protection_schedules", lambda a: ("employment", a.employment_id),
               "the schedules of that person's protections",
               lambda a, action: (f"Change of post, hours or pay from {a.effective_from:%d/%m/%Y}: "
                                  f"{(a.reason or '').strip() or 'no reason given'}" if action == "added"
                                  else f"The person's post, hours or pay record from {a.effective_from:%d/%m/%Y} "
                                       f"was {action}")),
    Dependency("Employment", ("start_date", "end_date"), "protection_schedules", lambda e: ("employment", e.id),
               "the schedules of that person's protections",
               lambda e, action: (f"Employment ended on {e.end_date:%d/%m/%Y}: {(e.end_reason or '').strip()}"
                                  if e.end_date else f"The employment's dates were {action}")),
    Dependency("PaySpinePoint", None, "protection_schedules", lambda p: ("since", p.pay_year_from),
               "every protection running in or after that pay year",
               lambda p, action: f"The pay spine for the year from {p.pay_year_from:%d/%m/%Y} changed"),
    Dependency("RuleSetting", None, "protection_schedules", lambda r: ("rule", r.key),
               "every protection, when the full-time hours change",
               lambda r, action: f"The rule {r.key} was {action}"),
    # Harmonisation results are marked stale, not re-run (a run is a deliberate, audited act).
    Dependency("PaySpinePoint", None, "harmonisation_results", _const("all"), "every saved model's results"),
    Dependency("GradeBand", None, "harmonisation_results", _const("all"), "every saved model's results"),
    Dependency("Assignment", None, "harmonisation_results", _const("all"), "every saved model's results"),
    Dependency("Employment", ("start_date", "end_date"), "harmonisation_results", _const("all"),
               "every saved model's results"),
    Dependency("JobEvaluation", None, "harmonisation_results", _const("all"), "every saved model's results"),
    Dependency("EvaluationFactor", None, "harmonisation_results", _const("all"), "every saved model's results"),
    Dependency("Convention", None, "harmonisation_results", lambda c: ("convention_set", c.set_id),
               "the results of the models re-evaluating posts under that set of conventions"),
]

# What a change to each source is called when a derived fact says why it moved.
IN_WORDS = {
    "Post": "a post's details or job evaluation score changed",
    "JobEvaluation": "a post was evaluated",
    "GradeConvention": "a council's grade boundaries changed",
    "GradeBand": "a council's grade boundaries changed",
    "Protection": "the protection was changed",
    "Assignment": "someone's post, hours or pay changed",
    "Employment": "someone joined or left",
    "PaySpinePoint": "the pay spine changed",
    "RuleSetting": "a rule setting changed",
    "EvaluationFactor": "a job evaluation's factor levels or points changed",
    "Convention": "the set of local conventions it re-evaluates posts under changed",
}

_BY_SOURCE: dict[str, list[Dependency]] = {}
for _dep in DEPENDENCIES:
    _BY_SOURCE.setdefault(_dep.source, []).append(_dep)


def _pending(session: Session) -> dict[Target, str]:
    pending: dict[Target, str] = session.info.setdefault(PENDING_KEY, {})
    return pending


def note(derived: str, *scope: Any, why: str = "") -> None:
    """Say that `derived` must be recomputed over `scope` before this unit of work commits (for
    writes that bypass the ORM: bulk inserts and updates)."""
    _pending(db.session()).setdefault((derived, tuple(scope)), why)


def _changed_fields(obj: Any) -> set[str]:
    state = inspect(obj)
    return {attr.key for attr in state.attrs if attr.history.has_changes()}


def _describe(obj: Any, action: str) -> str:
    return IN_WORDS.get(type(obj).__name__, f"{type(obj).__name__} {action}")


def _after_flush(session: Session, _context: Any) -> None:
    pending = _pending(session)
    for action, objs in (("added", session.new), ("changed", session.dirty), ("deleted", session.deleted)):
        for obj in objs:
            deps = _BY_SOURCE.get(type(obj).__name__)
            if not deps:
                continue
            fields = _changed_fields(obj) if action == "changed" else None
            for dep in deps:
                if fields is not None and dep.fields is not None and not fields & set(dep.fields):
                    continue
                if fields is not None and dep.fields is None and not fields:
                    continue
                pending.setdefault((dep.derived, dep.scope(obj)),
                                   dep.why(obj, action) if dep.why else _describe(obj, action))


def _before_commit(session: Session) -> None:
    settle(session)


def _after_rollback(session: Session) -> None:
    session.info.pop(PENDING_KEY, None)


def install() -> None:
    """Watch every session's flushes for changes to source rows, and settle before every commit,
    whoever commits (a unit of work, a command, demo data, a test). Idempotent."""
    for name, fn in (("after_flush", _after_flush), ("before_commit", _before_commit),
                     ("after_rollback", _after_rollback)):
        if not event.contains(Session, name, fn):
            event.listen(Session, name, fn)


# -- recomputing --------------------------------------------------------------------------------

Recompute = Callable[[list[tuple[tuple[Any, ...], str]]], None]


def _recompute_post_grades(items: list[tuple[tuple[Any, ...], str]]) -> None:
    from ..pay import post_grades

    post_grades.refresh_scopes(items)


def _recompute_protection_schedules(items: list[tuple[tuple[Any, ...], str]]) -> None:
    from ..protection import protections

    protections.recompute_scopes(items)


def _mark_harmonisation_stale(items: list[tuple[tuple[Any, ...], str]]) -> None:
    from ..harmonisation import harmonisation

    harmonisation.mark_results_stale(items)


# Order matters: grades first (a band change may move people's SCPs), schedules after.
RECOMPUTE: dict[str, Recompute] = {
    "post_grades": _recompute_post_grades,
    "protection_schedules": _recompute_protection_schedules,
    "harmonisation_results": _mark_harmonisation_stale,
}


def settle(session: Session | None = None) -> None:
    """Recompute everything pending, in dependency order, until nothing more is pending."""
    session = session or db.session()
    if session.info.get(SETTLING_KEY):
        return
    session.info[SETTLING_KEY] = True
    try:
        session.flush()
        for _ in range(MAX_ROUNDS):
            pending = _pending(session)
            if not pending:
                return
            session.info[PENDING_KEY] = {}
            by_kind: dict[str, list[tuple[tuple[Any, ...], str]]] = {}
            for (kind, scope), why in pending.items():
                by_kind.setdefault(kind, []).append((scope, why))
            for kind, recompute in RECOMPUTE.items():
                if kind in by_kind:
                    recompute(by_kind[kind])
                    session.flush()
        raise RuntimeError(f"Derived facts did not settle in {MAX_ROUNDS} rounds: {list(_pending(session))[:5]}")
    finally:
        session.info.pop(SETTLING_KEY, None)


def dependencies_table() -> list[tuple[str, str, str, str]]:
    """(source, fields, derived, what is recomputed) for README and `hrtool check --explain`."""
    return [(d.source, ", ".join(d.fields) if d.fields else "any", d.derived, d.what) for d in DEPENDENCIES]


def sources_of(derived_kind: str) -> Iterable[str]:
    return sorted({d.source for d in DEPENDENCIES if d.derived == derived_kind})


def today() -> date:
    return date.today()
