"""The NJC Job Evaluation Scheme's factor plan as dated data.

Each version holds the 13 factors, their levels, short level definitions and weighted points,
in force from a date until the next version starts. An evaluation's points come from the
version in force on its date (hrtool/domain/job_evaluation.py). A new version from a date
re-scores the evaluations made on or after that date, and only those; editing a version's
points re-scores the evaluations made under it. Either way the grades of the posts concerned,
and what follows for their holders, are worked out again in the same unit of work
(services/pay/job_evaluations.py `rescore`)."""
from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ....domain.job_evaluation import Factor, Plan, plan_problems
from ....errors import DomainError
from ....extensions import db
from ....models import JobEvaluation, SchemeFactor, SchemeLevel, SchemeVersion
from ...platform import audit
from ...platform.unit_of_work import transaction

REFERENCE = Path(__file__).resolve().parents[3] / "reference_data" / "njc_jes_factors.csv"
FIRST_VERSION_FROM = date(1997, 4, 1)  # the NJC's single status agreement brought the scheme in
SOURCE_CAVEAT = ("NJC Job Evaluation Scheme factor plan (13 factors; weighted points per level; 1,000 at most). "
                 "Recalled from the scheme's published weighting: confirm against the councils' copy of the NJC "
                 "JES documentation before live use.")


def versions() -> list[SchemeVersion]:
    """Every version, oldest first, with its factors and levels."""
    return list(db.session.scalars(
        select(SchemeVersion).options(selectinload(SchemeVersion.factors).selectinload(SchemeFactor.levels))
        .order_by(SchemeVersion.effective_from)))


def as_plan(version: SchemeVersion) -> Plan:
    return Plan(version.effective_from, [Factor(f.number, f.name, f.group, {lv.level: lv.points for lv in f.levels})
                                         for f in version.factors])


def version_on(on: date) -> SchemeVersion | None:
    """The version in force on a date (None before the first)."""
    return db.session.scalars(
        select(SchemeVersion).options(selectinload(SchemeVersion.factors).selectinload(SchemeFactor.levels))
        .where(SchemeVersion.effective_from <= on).order_by(SchemeVersion.effective_from.desc()).limit(1)).first()


def plan_on(on: date) -> tuple[SchemeVersion, Plan]:
    version = version_on(on)
    if version is None:
        raise DomainError(f"No version of the job evaluation scheme is held for {on:%d/%m/%Y}: an administrator "
                          "adds the factor plan on the scheme page", field="evaluated_on")
    return version, as_plan(version)


@dataclass(frozen=True)
class FileRow:
    number: int
    factor: str
    group: str
    level: int
    points: int


def reference_rows(path: Path = REFERENCE) -> list[FileRow]:
    with path.open(newline="", encoding="utf-8") as handle:
        return [FileRow(int(r["factor_number"]), r["factor"].strip(), r["group"].strip(), int(r["level"]),
                        int(r["points"])) for r in csv.DictReader(handle)]


def build_version(effective_from: date, name: str, source: str, rows: Sequence[FileRow],
                  definitions: dict[tuple[int, int], str] | None = None,
                  factor_definitions: dict[int, str] | None = None) -> SchemeVersion:
    """A version from plan rows (not yet added to the session); refused if the plan is unsound."""
    factors: dict[int, SchemeFactor] = {}
    for row in rows:
        factor = factors.get(row.number)
        if factor is None:
            factor = factors[row.number] = SchemeFactor(number=row.number, name=row.factor, group=row.group,
                                                        definition=(factor_definitions or {}).get(row.number, ""))
        factor.levels.append(SchemeLevel(level=row.level, points=row.points,
                                         definition=(definitions or {}).get((row.number, row.level), "")))
    version = SchemeVersion(effective_from=effective_from, name=name, source=source,
                            factors=sorted(factors.values(), key=lambda f: f.number))
    problems = plan_problems(as_plan(version))
    if problems:
        raise DomainError("The factor plan has problems: " + "; ".join(problems))
    return version


def load_reference() -> SchemeVersion | None:
    """The first version from the reference file, if none is held (load-reference)."""
    if db.session.scalar(select(SchemeVersion.id).limit(1)) is not None:
        return None
    version = build_version(FIRST_VERSION_FROM, "NJC Job Evaluation Scheme", SOURCE_CAVEAT, reference_rows())
    db.session.add(version)
    db.session.flush()
    return version


def _evaluations_from(on: date, until: date | None) -> list[int]:
    query = select(JobEvaluation.id).where(JobEvaluation.scheme_version_id.is_not(None),
                                           JobEvaluation.evaluated_on >= on)
    if until is not None:
        query = query.where(JobEvaluation.evaluated_on < until)
    return list(db.session.scalars(query))


@transaction
def add_version(effective_from: date, name: str, points: dict[tuple[int, int], int], reason: str) -> SchemeVersion:
    """A new version from a date: a copy of the version in force then with the points given
    changed ((factor, level) -> points). Evaluations made on or after the date (until any later
    version) are re-scored under it; earlier ones keep theirs."""
    from .. import job_evaluations

    if db.session.scalar(select(SchemeVersion.id).where(SchemeVersion.effective_from == effective_from)):
        raise DomainError("A version of the scheme already starts on that date: change that one instead",
                          field="effective_from")
    base, _ = plan_on(effective_from)
    rows = [FileRow(f.number, f.name, f.group, lv.level, points.get((f.number, lv.level), lv.points))
            for f in base.factors for lv in f.levels]
    version = build_version(effective_from, name.strip() or f"{base.name} from {effective_from:%d/%m/%Y}",
                            base.source, rows, {(f.number, lv.level): lv.definition for f in base.factors
                                                for lv in f.levels}, {f.number: f.definition for f in base.factors})
    db.session.add(version)
    db.session.flush()
    later = db.session.scalar(select(SchemeVersion.effective_from).where(SchemeVersion.effective_from > effective_from)
                              .order_by(SchemeVersion.effective_from).limit(1))
    audit.record("create", "jes_scheme_version", version.id, reason=reason, after={
        "effective_from": effective_from.isoformat(), "name": version.name,
        "changed_points": {f"{f}.{lv}": p for (f, lv), p in points.items()}})
    job_evaluations.rescore(_evaluations_from(effective_from, later), why=f"scheme version from {effective_from:%d/%m/%Y}")
    return version


@transaction
def edit_level(level_id: int, points: int, definition: str, reason: str) -> SchemeLevel:
    """Change one level's definition or points. New points re-score every evaluation made under
    this version at this level, and their posts' grades follow."""
    from .. import job_evaluations

    level = db.session.get(SchemeLevel, level_id)
    if level is None:
        raise DomainError("That level no longer exists")
    if not reason.strip():
        raise DomainError("Say why the level is changed", field="reason")
    before = {"points": level.points, "definition": level.definition}
    level.points, level.definition = points, definition.strip()
    db.session.flush()
    problems = plan_problems(as_plan(level.factor.version))
    if problems:
        raise DomainError("The factor plan would have problems: " + "; ".join(problems), field="points")
    audit.record("update", "jes_level", level.id, before=before,
                 after={"points": level.points, "definition": level.definition}, reason=reason.strip())
    if before["points"] != points:
        job_evaluations.rescore(list(db.session.scalars(
            select(JobEvaluation.id).where(JobEvaluation.scheme_version_id == level.factor.version_id))),
            why=f"points of {level.factor.name} level {level.level} changed")
    return level


@transaction
def edit_factor(factor_id: int, definition: str, reason: str) -> SchemeFactor:
    factor = db.session.get(SchemeFactor, factor_id)
    if factor is None:
        raise DomainError("That factor no longer exists")
    before = {"definition": factor.definition}
    factor.definition = definition.strip()
    audit.record("update", "jes_factor", factor.id, before=before, after={"definition": factor.definition},
                 reason=reason.strip())
    return factor


def next_version_after(on: date) -> date | None:
    return db.session.scalar(select(SchemeVersion.effective_from).where(SchemeVersion.effective_from > on)
                             .order_by(SchemeVersion.effective_from).limit(1))


def evaluations_from(on: date) -> int:
    """How many evaluations (with factor levels) a new version from `on` would re-score: those made
    on or after it, until any later version (for the scheme page to say before and after)."""
    return len(_evaluations_from(on, next_version_after(on)))


def evaluations_at(level_id: int) -> int:
    """How many evaluations under this level's version give its factor this level: those new points
    for it would re-score."""
    from ....models import EvaluationFactor

    level = db.session.get(SchemeLevel, level_id)
    if level is None:
        return 0
    return db.session.scalar(
        select(func.count(func.distinct(JobEvaluation.id))).join(EvaluationFactor,
                                                                 EvaluationFactor.evaluation_id == JobEvaluation.id)
        .where(JobEvaluation.scheme_version_id == level.factor.version_id,
               EvaluationFactor.factor_number == level.factor.number, EvaluationFactor.level == level.level)) or 0


def version_by_id(version_id: int) -> SchemeVersion | None:
    return db.session.scalars(
        select(SchemeVersion).options(selectinload(SchemeVersion.factors).selectinload(SchemeFactor.levels))
        .where(SchemeVersion.id == version_id)).first()
