"""The checkers `hrtool check` runs, one per kind of derived fact (services/derived.py).

Each yields a Drift for every difference between what is held and what its sources give now,
and 1 for every record it checked. They use the same functions that keep the facts up to date,
so a difference means a source changed without its dependents being recomputed."""
from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import date

from sqlalchemy import select

from ..extensions import db
from ..models import Letter, Protection
from .check import CheckFn, Drift, text


def protection_schedules(on: date) -> Iterator[Drift | int]:
    """Every protection's stored months, end date and reason against a fresh computation."""
    from .protections import compute, is_projected, end_in_words

    for record in db.session.scalars(select(Protection).order_by(Protection.id)).all():
        ref = f"protection {record.id}"
        end, months, inputs = compute(record)
        if record.ends_on != end.ends_on:
            yield Drift("protection_schedule", ref, "ends_on", text(record.ends_on), text(end.ends_on))
        reason = end_in_words(end, record.ended_early_kind)
        if record.end_reason != reason:
            yield Drift("protection_schedule", ref, "end_reason", record.end_reason, reason)
        held = {row.month: row for row in record.months}
        fresh = {m.month: m for m in months}
        for month in sorted(set(held) | set(fresh)):
            h, f = held.get(month), fresh.get(month)
            where = f"{ref} {month:%Y-%m}"
            if h is None or f is None:
                yield Drift("protection_schedule", where, "month",
                            "held" if h else "missing", "due" if f else "not due")
                continue
            for name in ("new_salary", "protection", "payment", "phase"):
                if getattr(h, name) != getattr(f, name):
                    yield Drift("protection_schedule", where, name, text(getattr(h, name)), text(getattr(f, name)))
            if h.projected != is_projected(month, inputs.known_until):
                yield Drift("protection_schedule", where, "projected", text(h.projected),
                            text(is_projected(month, inputs.known_until)))
        yield 1


def letter_hashes(on: date) -> Iterator[Drift | int]:
    """Every issued letter's stored SHA-256 against the hash of its stored bytes."""
    rows = db.session.execute(select(Letter.reference, Letter.pdf, Letter.sha256).order_by(Letter.id)
                              .execution_options(yield_per=200))
    for reference, pdf, stored in rows:
        computed = hashlib.sha256(pdf).hexdigest()
        if computed != stored:
            yield Drift("letter_hash", f"letter {reference}", "sha256", stored, computed)
        yield 1


def cached_figures(on: date) -> Iterator[Drift | int]:
    """Every dashboard figure this process would serve from its cache, against a fresh count."""
    from .figures_cache import live_entries

    for key, held, compute in live_entries():
        fresh = compute()
        if fresh != held:
            yield Drift("cached_figure", f"figure {key}", "value", text(held)[:200], text(fresh)[:200])
        yield 1


CHECKERS: dict[str, CheckFn] = {
    "cached_figures": cached_figures,
    "protection_schedules": protection_schedules,
    "letter_hashes": letter_hashes,
}
