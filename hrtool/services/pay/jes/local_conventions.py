"""Local conventions (NJC Technical Note 1): each council's agreed readings of how the
factor levels apply to situations that recur in its jobs, and draft merged sets for a single
structure.

A situation ("Line manages a team of 5 to 9 staff") belongs to one factor and is shared by every
set, so two councils' readings of it can be set side by side. A convention gives a situation a
level in one set. Once agreed it is never edited: a new reading supersedes it from a date, and
history is kept. A draft set (no council) is where a harmonisation model's common conventions are
drafted: it starts as a copy of a council's set (or empty) and each situation's level is chosen."""
from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ....domain.job_evaluation import Reading
from ....errors import DomainError
from ....extensions import db
from ....models import Convention, ConventionSet, Council, Situation
from ...platform import audit
from ...platform.unit_of_work import transaction
from . import scheme

REFERENCE = Path(__file__).resolve().parents[3] / "reference_data" / "jes_local_conventions_illustrative.csv"
ILLUSTRATIVE = "Illustrative convention shipped with hrtool: not agreed by the councils' joint panels"


def sets() -> list[ConventionSet]:
    """Councils' sets first (by council code), then draft sets by name."""
    found = list(db.session.scalars(select(ConventionSet).options(selectinload(ConventionSet.council))))
    return sorted(found, key=lambda s: (s.council_id is None, s.council.code if s.council else s.name))


def council_set(council_id: int) -> ConventionSet:
    found = db.session.scalar(select(ConventionSet).where(ConventionSet.council_id == council_id))
    if found is None:
        council = db.session.get(Council, council_id)
        if council is None:
            raise DomainError("No such council")
        found = ConventionSet(name=f"{council.short_name} local conventions", council_id=council_id,
                              description=f"The conventions {council.short_name}'s joint panels have agreed")
        db.session.add(found)
        db.session.flush()
    return found


def conventions(set_id: int, *, include_history: bool = False) -> list[Convention]:
    query = (select(Convention).options(selectinload(Convention.situation))
             .join(Situation, Situation.id == Convention.situation_id).where(Convention.set_id == set_id)
             .order_by(Situation.factor_number, Situation.text, Convention.id))
    if not include_history:
        query = query.where(Convention.superseded_on.is_(None))
    return list(db.session.scalars(query))


def readings(set_id: int) -> dict[int, Reading]:
    """The set's current reading of each situation, keyed by situation id (for re-evaluation)."""
    return {c.situation_id: Reading(c.situation_id, c.situation.factor_number, c.level, c.id)
            for c in conventions(set_id)}


def situation(factor_number: int, text: str) -> Situation:
    text = " ".join(text.split())
    if not text:
        raise DomainError("Describe the situation the convention is for", field="situation")
    found = db.session.scalar(select(Situation).where(Situation.factor_number == factor_number,
                                                      Situation.text == text))
    if found is None:
        found = Situation(factor_number=factor_number, text=text)
        db.session.add(found)
        db.session.flush()
    return found


def _check_level(factor_number: int, level: int, on: date) -> None:
    _, plan = scheme.plan_on(on)
    try:
        factor = plan.factor(factor_number)
    except KeyError:
        raise DomainError(f"The scheme has no factor {factor_number}", field="factor_number") from None
    if level not in factor.points:
        raise DomainError(f"Factor {factor.number}, {factor.name}: level {level} is outside its range "
                          f"{factor.bottom} to {factor.top}", field="level")


def _current(set_id: int, situation_id: int) -> Convention | None:
    return db.session.scalar(select(Convention).where(Convention.set_id == set_id,
                                                      Convention.situation_id == situation_id,
                                                      Convention.superseded_on.is_(None)))


def _snapshot(c: Convention) -> dict[str, object]:
    return {"set_id": c.set_id, "factor": c.situation.factor_number, "situation": c.situation.text,
            "level": c.level, "rationale": c.rationale, "agreed_on": c.agreed_on.isoformat() if c.agreed_on else None,
            "agreed_by": c.agreed_by}


@transaction
def record(set_id: int, factor_number: int, situation_text: str, level: int, rationale: str,
           agreed_on: date | None, agreed_by: str, reason: str = "") -> Convention:
    """Agree a reading in a set. Where the set already reads that situation, the new reading
    supersedes the old from its agreed date (the old one is kept as history)."""
    the_set = db.session.get(ConventionSet, set_id)
    if the_set is None:
        raise DomainError("That set of conventions no longer exists")
    if the_set.council_id is not None and (agreed_on is None or not agreed_by.strip()):
        raise DomainError("A council's convention is a joint agreement: give the date it was agreed and who "
                          "agreed it (management and union side)", field="agreed_by" if agreed_on else "agreed_on")
    _check_level(factor_number, level, agreed_on or date.today())
    found = situation(factor_number, situation_text)
    old = _current(set_id, found.id)
    if old is not None and old.level == level and old.rationale == rationale.strip():
        raise DomainError("The set already reads that situation at that level", field="level")
    convention = Convention(set_id=set_id, situation_id=found.id, level=level, rationale=rationale.strip(),
                            agreed_on=agreed_on, agreed_by=agreed_by.strip(), recorded_by_id=audit._actor()[0])
    db.session.add(convention)
    db.session.flush()
    if old is not None:
        if agreed_on is not None and old.agreed_on is not None and agreed_on < old.agreed_on:
            raise DomainError(f"The reading it replaces was agreed on {old.agreed_on:%d/%m/%Y}: a new one cannot "
                              "be agreed before it", field="agreed_on")
        old.superseded_by_id, old.superseded_on = convention.id, agreed_on or date.today()
        audit.record("update", "jes_convention", old.id, before={"current": True},
                     after={"current": False, "superseded_by": convention.id}, reason=reason or "superseded")
    audit.record("create", "jes_convention", convention.id, after=_snapshot(convention), reason=reason)
    return convention


@transaction
def withdraw(convention_id: int, on: date, reason: str) -> Convention:
    convention = db.session.get(Convention, convention_id)
    if convention is None or not convention.current:
        raise DomainError("That convention is not in use")
    if not reason.strip():
        raise DomainError("Say why the convention is withdrawn", field="reason")
    convention.superseded_on = on
    audit.record("update", "jes_convention", convention.id, before={"current": True}, after={"current": False},
                 reason=reason.strip())
    return convention


@transaction
def create_draft_set(name: str, description: str, copy_from_set_id: int | None) -> ConventionSet:
    """A draft set of common conventions, starting as a copy of another set's current readings."""
    name = name.strip()
    if not name:
        raise DomainError("Give the draft set a name", field="name")
    if db.session.scalar(select(ConventionSet.id).where(ConventionSet.name == name)):
        raise DomainError("A set of conventions already has that name", field="name")
    draft = ConventionSet(name=name, description=description.strip(), council_id=None,
                          created_by_id=audit._actor()[0])
    db.session.add(draft)
    db.session.flush()
    if copy_from_set_id is not None:
        for c in conventions(copy_from_set_id):
            db.session.add(Convention(set_id=draft.id, situation_id=c.situation_id, level=c.level,
                                      rationale=c.rationale, agreed_on=None, agreed_by="",
                                      recorded_by_id=draft.created_by_id))
    db.session.flush()
    audit.record("create", "jes_convention_set", draft.id, after={"name": name, "copied_from": copy_from_set_id})
    return draft


@transaction
def choose(draft_set_id: int, situation_id: int, level: int, rationale: str) -> Convention:
    """In a draft set, the level chosen for a situation (replacing the draft's earlier choice)."""
    draft = db.session.get(ConventionSet, draft_set_id)
    found = db.session.get(Situation, situation_id)
    if draft is None or found is None:
        raise DomainError("That draft set or situation no longer exists")
    if not draft.is_draft:
        raise DomainError("A council's conventions are changed by agreeing a new one, not chosen in a draft")
    _check_level(found.factor_number, level, date.today())
    old = _current(draft.id, found.id)
    convention = Convention(set_id=draft.id, situation_id=found.id, level=level, rationale=rationale.strip(),
                            recorded_by_id=audit._actor()[0])
    db.session.add(convention)
    db.session.flush()
    if old is not None:
        old.superseded_by_id, old.superseded_on = convention.id, date.today()
    audit.record("update" if old else "create", "jes_convention", convention.id,
                 before={"level": old.level} if old else None, after=_snapshot(convention))
    return convention


@dataclass(frozen=True)
class Parting:
    """One situation as two sets read it."""

    situation: Situation
    a: Convention | None
    b: Convention | None

    @property
    def differs(self) -> bool:
        return (self.a.level if self.a else None) != (self.b.level if self.b else None)


def side_by_side(set_a: int, set_b: int) -> list[Parting]:
    """Every situation either set reads, with each set's current reading."""
    a = {c.situation_id: c for c in conventions(set_a)}
    b = {c.situation_id: c for c in conventions(set_b)}
    found = {**{k: v.situation for k, v in a.items()}, **{k: v.situation for k, v in b.items()}}
    return [Parting(s, a.get(i), b.get(i)) for i, s in sorted(found.items(),
                                                                key=lambda kv: (kv[1].factor_number, kv[1].text))]


def load_reference() -> int:
    """The illustrative conventions of both councils, if no convention is held (load-reference)."""
    if db.session.scalar(select(Convention.id).limit(1)) is not None:
        return 0
    councils = {c.code: c for c in db.session.scalars(select(Council))}
    added = 0
    with REFERENCE.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            council = councils.get(row["council"].strip())
            if council is None:
                continue
            the_set = council_set(council.id)
            found = situation(int(row["factor_number"]), row["situation"])
            db.session.add(Convention(set_id=the_set.id, situation_id=found.id, level=int(row["level"]),
                                      rationale=row["note"].strip(), agreed_on=None, agreed_by=ILLUSTRATIVE))
            added += 1
    db.session.flush()
    return added
