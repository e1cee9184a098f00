"""What the job evaluation pages show, read in one place so the views stay thin: the
factor plan in force on a date as form options, a council's current conventions by factor, each
council's bands for the running total, an evaluation's factor table, and the levels of a post's
latest evaluation to start a re-evaluation from. Reads only."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ....domain.job_evaluation import LevelOutOfRange, WrongNumberOfLevels, score
from ....extensions import db
from ....models import Convention, ConventionSet, Council, EvaluationFactor, JobEvaluation, SchemeVersion, Situation, User
from ...people.posts import bands_on
from ..conventions import GradeLookup, lookup_grade
from . import local_conventions, scheme


@dataclass(frozen=True)
class LevelOption:
    level: int
    points: int
    definition: str


@dataclass(frozen=True)
class FactorOption:
    number: int
    name: str
    group: str
    definition: str
    levels: list[LevelOption]

    def points(self, level: int | None) -> int | None:
        return next((lv.points for lv in self.levels if lv.level == level), None)


@dataclass(frozen=True)
class ConventionOption:
    id: int
    factor_number: int
    situation: str
    level: int
    rationale: str

    @property
    def label(self) -> str:
        return f"{self.situation}: level {self.level}"


def factor_options(version: SchemeVersion) -> list[FactorOption]:
    return [FactorOption(f.number, f.name, f.group, f.definition,
                         [LevelOption(lv.level, lv.points, lv.definition) for lv in f.levels])
            for f in sorted(version.factors, key=lambda f: f.number)]


def grouped(factors: Sequence[FactorOption]) -> list[tuple[str, list[FactorOption]]]:
    """The factors in scheme order under their groups (knowledge and skills, effort, ...)."""
    groups: list[tuple[str, list[FactorOption]]] = []
    for factor in factors:
        if not groups or groups[-1][0] != factor.group:
            groups.append((factor.group, []))
        groups[-1][1].append(factor)
    return groups


def convention_options(council_id: int) -> dict[int, list[ConventionOption]]:
    """The council's current conventions, by factor number (none if it has no set yet)."""
    the_set = db.session.scalar(select(ConventionSet).where(ConventionSet.council_id == council_id))
    found: dict[int, list[ConventionOption]] = {}
    if the_set is None:
        return found
    for c in local_conventions.conventions(the_set.id):
        found.setdefault(c.situation.factor_number, []).append(
            ConventionOption(c.id, c.situation.factor_number, c.situation.text, c.level, c.rationale))
    return found


def band_table(on: date) -> list[dict[str, object]]:
    """Each council's bands in force on a date, for the page's running total (the script's figure
    is a convenience: the server's is the one kept)."""
    councils = db.session.execute(select(Council.id, Council.code).order_by(Council.code)).all()
    return [{"code": code, "bands": [{"grade": b.grade, "min": b.points_min, "max": b.points_max}
                                     for b in bands_on(council_id, on)]} for council_id, code in councils]


@dataclass(frozen=True)
class Preview:
    points: int
    grades: list[GradeLookup]


def preview(levels: Sequence[int | None], on: date) -> Preview | None:
    """The total and each council's grade for the levels chosen so far, once all 13 are chosen and
    in range under the version in force on `on` (None otherwise, or before the first version)."""
    if any(level is None for level in levels):
        return None
    version = scheme.version_on(on)
    if version is None:
        return None
    try:
        result = score([int(level) for level in levels if level is not None], scheme.as_plan(version))
    except (LevelOutOfRange, WrongNumberOfLevels):
        return None
    return Preview(result.points, lookup_grade(result.points, on))


@dataclass(frozen=True)
class FactorRow:
    number: int
    factor: str
    group: str
    level: int
    definition: str
    points: int
    convention: Convention | None
    note: str


def evaluation(evaluation_id: int) -> JobEvaluation | None:
    return db.session.scalars(
        select(JobEvaluation).options(
            selectinload(JobEvaluation.factors).selectinload(EvaluationFactor.convention)
            .selectinload(Convention.situation),
            selectinload(JobEvaluation.panel_members)).where(JobEvaluation.id == evaluation_id)).first()


def factor_rows(evaluation: JobEvaluation) -> list[FactorRow]:
    """The evaluation's factor table under its own scheme version (empty for a total-only one)."""
    if evaluation.scheme_version is None:
        return []
    factors = {f.number: f for f in evaluation.scheme_version.factors}
    rows = []
    for row in sorted(evaluation.factors, key=lambda r: r.factor_number):
        factor = factors.get(row.factor_number)
        level = next((lv for lv in factor.levels if lv.level == row.level), None) if factor else None
        rows.append(FactorRow(row.factor_number, factor.name if factor else f"Factor {row.factor_number}",
                              factor.group if factor else "", row.level, level.definition if level else "",
                              row.points, row.convention, row.note))
    return rows


def grades_on(evaluation: JobEvaluation) -> list[GradeLookup]:
    """The grade its total gives under each council's bands in force on its date."""
    return lookup_grade(evaluation.score, evaluation.evaluated_on)


def latest_with_levels(post_id: int, council_id: int) -> JobEvaluation | None:
    """The post's latest evaluation under a council's conventions that records factor levels and
    was not withdrawn: what a re-evaluation starts from."""
    return db.session.scalars(
        select(JobEvaluation).options(selectinload(JobEvaluation.factors).selectinload(EvaluationFactor.convention))
        .where(JobEvaluation.post_id == post_id, JobEvaluation.council_id == council_id,
               JobEvaluation.scheme_version_id.is_not(None), JobEvaluation.status != "withdrawn")
        .order_by(JobEvaluation.evaluated_on.desc(), JobEvaluation.id.desc()).limit(1)).first()


def recorded_by(evaluation: JobEvaluation) -> str:
    if evaluation.recorded_by_id is None:
        return ""
    user = db.session.get(User, evaluation.recorded_by_id)
    return user.display_name if user else ""


def level_points(on: date) -> dict[tuple[int, int], int]:
    """(factor, level) -> points under the version in force on a date (empty before the first)."""
    version = scheme.version_on(on)
    return {(f.number, lv.level): lv.points for f in version.factors for lv in f.levels} if version else {}


def convention_set(set_id: int) -> ConventionSet | None:
    return db.session.scalars(select(ConventionSet).options(selectinload(ConventionSet.council))
                              .where(ConventionSet.id == set_id)).first()


def by_factor(conventions: Sequence[Convention]) -> list[tuple[int, list[Convention]]]:
    found: dict[int, list[Convention]] = {}
    for c in conventions:
        found.setdefault(c.situation.factor_number, []).append(c)
    return sorted(found.items())


@dataclass(frozen=True)
class SituationRow:
    """One situation in a draft set: the draft's current level and each council's beside it."""

    situation: Situation
    current: Convention | None
    councils: list[tuple[str, Convention | None]]


def draft_rows(set_id: int) -> list[SituationRow]:
    """Every situation any set reads, with the draft's choice and each council's current reading."""
    council_sets = [s for s in local_conventions.sets() if s.council is not None]
    readings = {s.council.code: {c.situation_id: c for c in local_conventions.conventions(s.id)}
                for s in council_sets if s.council is not None}
    own = {c.situation_id: c for c in local_conventions.conventions(set_id)}
    situations = db.session.scalars(select(Situation).order_by(Situation.factor_number, Situation.text))
    return [SituationRow(s, own.get(s.id), [(code, found.get(s.id)) for code, found in readings.items()])
            for s in situations if s.id in own or any(s.id in found for found in readings.values())]


def situations() -> list[Situation]:
    return list(db.session.scalars(select(Situation).order_by(Situation.factor_number, Situation.text)))


def factor_names(on: date) -> dict[int, str]:
    version = scheme.version_on(on)
    return {f.number: f.name for f in version.factors} if version else {}
