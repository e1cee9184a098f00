"""`hrtool check`: recompute every derived fact from its sources and compare it with what is held.

Each checker recomputes one kind of derived fact (services/platform/derived.py lists them and their
sources) with the same functions that keep it up to date, and reports every difference as a
Drift: the kind, the record, the field, what is held and what it should be. Nothing is changed.
It is the nightly safety net a council would run, and the proof that the recomputation holds.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

CheckFn = Callable[[date], Iterable["Drift | int"]]


@dataclass(frozen=True)
class Drift:
    kind: str
    id: str
    field: str
    held: str
    recomputed: str

    def as_json(self) -> dict[str, str]:
        return {"kind": self.kind, "id": self.id, "field": self.field, "held": self.held,
                "recomputed": self.recomputed}


@dataclass
class Report:
    on: date
    checked: dict[str, int] = field(default_factory=dict)
    drift: list[Drift] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.drift

    def as_json(self) -> dict[str, Any]:
        return {"on": self.on.isoformat(), "checked": dict(self.checked),
                "drift": [d.as_json() for d in self.drift]}


def _checkers() -> dict[str, CheckFn]:
    """kind -> function(on) yielding Drift for each difference and, once per record checked, 1."""
    from . import check_kinds

    return check_kinds.CHECKERS


def kinds() -> list[str]:
    return list(_checkers())


def run(on: date, kinds: Iterable[str] | None = None) -> Report:
    """Check every kind (or those named) as at `on`. Read-only."""
    report = Report(on)
    wanted = set(kinds) if kinds else None
    for kind, checker in _checkers().items():
        if wanted is not None and kind not in wanted:
            continue
        count = 0
        for item in checker(on):
            if isinstance(item, Drift):
                report.drift.append(item)
            else:
                count += item
        report.checked[kind] = count
    return report


def text(value: Any) -> str:
    """How held and recomputed values are shown: money and dates as plain text, None as '-'."""
    if value is None:
        return "-"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
