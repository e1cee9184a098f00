"""Where the councils part: the same post under each council's local conventions.

Both councils use the NJC Job Evaluation Scheme, but each has its own local conventions (NJC
Technical Note 1: agreed readings of which level applies in a recurring situation), so one job
can get different factor levels, points and grades. For one post this sets its latest evaluation
under each council's conventions (agreed, under appeal or confirmed: never a draft or a withdrawn
one) side by side, factor by factor, with the conventions that decided each level, and the grade
each total gives under each council's grade bands on a date. Where only one council's
conventions have been applied, it projects what the other's would give (the levels its
conventions decided change to the other council's reading of the same situation; the rest stay),
clearly a projection, never an evaluation.

Across every post evaluated under both councils' conventions (both with factor levels) the
report sums which factors and which conventions account for the difference, in points and in
grade changes, largest effect first: the evidence a single job evaluation scheme would need
(business case section 14.22).

Differences are always the second council (by code: SBC) minus the first (CCDC)."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, BinaryIO

from sqlalchemy import and_, distinct, func, select

from ....domain.grading import GradeBand, GradeNotFound, grade_for_points
from ....domain.harmonisation import under_conventions
from ....domain.job_evaluation import Level, LevelOutOfRange
from ....errors import DomainError
from ....extensions import db
from ....models import Convention, ConventionSet, Council, EvaluationFactor, JobEvaluation, Post, Situation
from ....models.grading import GRADING_STATUSES
from ...people.posts import bands_on
from ...platform import audit
from ...platform.tabular import write_table
from .. import job_evaluations
from ..side_by_side import GradeRange, compare_score
from . import local_conventions, scheme

NO_CONVENTION = "No convention cited: the panels' own judgement"
EVIDENCE = ("This is the evidence the business case (section 14.22) says a single job evaluation scheme would "
            "need: which of the councils' conventions make the same job score differently, and by how much.")


@dataclass(frozen=True)
class CouncilRef:
    id: int
    code: str
    name: str


def councils() -> list[CouncilRef]:
    """The two councils, by code (CCDC, then SBC): differences are the second minus the first."""
    return [CouncilRef(i, code, name) for i, code, name in
            db.session.execute(select(Council.id, Council.code, Council.short_name).order_by(Council.code))][:2]


def _sign(n: int) -> int:
    return (n > 0) - (n < 0)


# -- one post -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Cited:
    """The convention that decided a level."""

    convention_id: int
    situation_id: int
    situation: str
    level: int
    rationale: str
    current: bool


@dataclass(frozen=True)
class Cell:
    level: int
    points: int
    cited: Cited | None


@dataclass(frozen=True)
class Reason:
    """A situation whose reading made a factor's levels differ: each council's current reading."""

    situation: str
    readings: dict[str, int | None]  # council code -> level its conventions give the situation now
    cited_by: list[str]


@dataclass(frozen=True)
class FactorRow:
    number: int
    name: str
    cells: dict[str, Cell | None]  # by council code
    reasons: list[Reason] = field(default_factory=list)

    @property
    def differs(self) -> bool:
        levels = [c.level for c in self.cells.values() if c is not None]
        return None not in self.cells.values() and len(set(levels)) > 1

    @property
    def points_difference(self) -> int | None:
        cells = list(self.cells.values())
        if len(cells) != 2 or cells[0] is None or cells[1] is None:
            return None
        return cells[1].points - cells[0].points


@dataclass(frozen=True)
class Side:
    council: CouncilRef
    evaluation: JobEvaluation | None
    points: int | None
    projected: bool  # what the conventions would give, not an evaluation
    grades: dict[str, GradeRange | None]  # this total under each council's bands on the date

    @property
    def total_only(self) -> bool:
        return self.evaluation is not None and self.evaluation.total_only and not self.projected


@dataclass(frozen=True)
class PostView:
    post: Post
    on: date
    pay_year: date | None
    sides: list[Side]
    rows: list[FactorRow]
    projected_from: str | None  # the council whose evaluation the projection starts from
    note: str = ""  # why the post cannot be compared factor by factor

    @property
    def difference(self) -> int | None:
        a, b = self.sides[0].points, self.sides[1].points
        return None if a is None or b is None else b - a

    @property
    def differing(self) -> list[FactorRow]:
        return [r for r in self.rows if r.differs]


def _cited(convention: Convention | None) -> Cited | None:
    if convention is None:
        return None
    return Cited(convention.id, convention.situation_id, convention.situation.text, convention.level,
                 convention.rationale, convention.current)


def _set_of(council_id: int) -> int | None:
    return db.session.scalar(select(ConventionSet.id).where(ConventionSet.council_id == council_id))


def _current_readings(situation_ids: Iterable[int], sides: Sequence[CouncilRef]) -> dict[tuple[int, str], int]:
    """(situation id, council code) -> the level that council's current conventions give it."""
    ids = set(situation_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(Convention.situation_id, Council.code, Convention.level)
        .join(ConventionSet, ConventionSet.id == Convention.set_id).join(Council, Council.id == ConventionSet.council_id)
        .where(Convention.situation_id.in_(ids), Convention.superseded_on.is_(None),
               Council.code.in_([c.code for c in sides])))
    return {(situation_id, code): level for situation_id, code, level in rows}


def _reasons(cells: dict[str, Cell | None], sides: Sequence[CouncilRef],
             readings: dict[tuple[int, str], int], texts: dict[int, str]) -> list[Reason]:
    cited_by: dict[int, list[str]] = defaultdict(list)
    for code, cell in cells.items():
        if cell is not None and cell.cited is not None:
            cited_by[cell.cited.situation_id].append(code)
    return [Reason(texts[sid], {c.code: readings.get((sid, c.code)) for c in sides}, codes)
            for sid, codes in sorted(cited_by.items(), key=lambda kv: texts[kv[0]])]


def _projection(evaluation: JobEvaluation, other: CouncilRef) -> tuple[int, dict[int, Cell]]:
    """What the other council's current conventions would give the evaluated levels (under the
    factor plan of the evaluation's own date, so only the conventions make a difference)."""
    set_id = _set_of(other.id)
    readings = local_conventions.readings(set_id) if set_id is not None else {}
    _, plan = scheme.plan_on(evaluation.evaluated_on)
    levels = [Level(f.factor_number, f.level, f.convention.situation_id if f.convention else None)
              for f in evaluation.factors]
    try:
        rescored = under_conventions(levels, readings, plan)
    except LevelOutOfRange as error:
        raise DomainError(f"The projection cannot be made: {error}") from None
    conventions = {c.id: c for c in db.session.scalars(
        select(Convention).where(Convention.id.in_([r.convention_id for r in readings.values() if r.convention_id])))}
    cells = {}
    for level, scored in zip(levels, rescored.score.factors, strict=True):
        reading = readings.get(level.situation_id) if level.situation_id is not None else None
        convention = conventions.get(reading.convention_id) if reading and reading.convention_id else None
        cells[scored.number] = Cell(scored.level, scored.points, _cited(convention))
    return rescored.points, cells


def _cells(evaluation: JobEvaluation | None) -> dict[int, Cell]:
    if evaluation is None or evaluation.total_only:
        return {}
    return {f.factor_number: Cell(f.level, f.points, _cited(f.convention)) for f in evaluation.factors}


def _factor_names(on: date) -> dict[int, str]:
    version = scheme.version_on(on)
    return {f.number: f.name for f in version.factors} if version else {}


def for_post(post_id: int, on: date) -> PostView:
    """The post's latest evaluation under each council's conventions, factor by factor, with the
    grade each total gives under each council's bands on `on`; a projection where one is missing."""
    post = db.session.get(Post, post_id)
    if post is None:
        raise DomainError("That post no longer exists")
    sides = councils()
    evaluations = {c.code: job_evaluations.latest_for(post_id, c.id) for c in sides}
    cells = {c.code: _cells(evaluations[c.code]) for c in sides}
    points: dict[str, int | None] = {c.code: e.score if e else None for c, e in zip(sides, evaluations.values(),
                                                                                    strict=True)}
    projected, projected_from, note = _project_missing(sides, evaluations, cells, points)
    year = None
    grades: dict[str, dict[str, GradeRange | None]] = {}
    for c in sides:
        total = points[c.code]
        if total is not None:
            year, grades[c.code] = compare_score(total, on)
    rows = _factor_rows(sides, cells, on) if all(cells[c.code] for c in sides) else []
    return PostView(post, on, year, [Side(c, evaluations[c.code], points[c.code], c.code == projected,
                                          grades.get(c.code, {})) for c in sides], rows, projected_from, note)


def _project_missing(sides: Sequence[CouncilRef], evaluations: dict[str, JobEvaluation | None],
                     cells: dict[str, dict[int, Cell]], points: dict[str, int | None]) -> tuple[str | None, str | None, str]:
    """Where one council's evaluation is missing, project it from the other's levels (filling in
    `cells` and `points`). Returns the council projected and the one it is projected from (or
    None, None), and a note on what could not be compared."""
    missing = [c for c in sides if evaluations[c.code] is None]
    present = [c for c in sides if evaluations[c.code] is not None]
    if len(missing) == 1:
        source = evaluations[present[0].code]
        assert source is not None
        if source.total_only:
            return None, None, (f"Only {present[0].name}'s conventions have been applied, and that evaluation holds only "
                          "a total (factor levels not recorded): nothing can be projected factor by factor.")
        points[missing[0].code], cells[missing[0].code] = _projection(source, missing[0])
        if not any(cell.cited for cell in cells[present[0].code].values()):
            return missing[0].code, present[0].code, (f"No level of the evaluation under {present[0].name}'s conventions cites a "
                                     f"convention, so {missing[0].name}'s conventions would change nothing: the "
                                     "projection repeats its levels.")
        return missing[0].code, present[0].code, ""
    if not present:
        return None, None, "The post has not been evaluated under either council's conventions."
    if any(e is not None and e.total_only for e in evaluations.values()):
        return None, None, "An evaluation that holds only a total (factor levels not recorded) cannot be compared factor by factor."
    return None, None, ""


def _factor_rows(sides: Sequence[CouncilRef], cells: dict[str, dict[int, Cell]], on: date) -> list[FactorRow]:
    """The 13 factors side by side, with the reasons where the levels differ."""
    names = _factor_names(on)
    texts = {cell.cited.situation_id: cell.cited.situation for by in cells.values() for cell in by.values()
             if cell.cited}
    readings = _current_readings(texts, sides)
    rows: list[FactorRow] = []
    for number in range(1, 14):
        row_cells = {c.code: cells[c.code].get(number) for c in sides}
        row = FactorRow(number, names.get(number, f"Factor {number}"), row_cells)
        if row.differs:
            row = FactorRow(number, row.name, row_cells, _reasons(row_cells, sides, readings, texts))
        rows.append(row)
    return rows


# -- the report across posts ----------------------------------------------------------------------

@dataclass(frozen=True)
class FactorGap:
    number: int
    name: str
    levels: tuple[int, int]
    points: int  # second minus first
    situations: tuple[int, ...]  # the situations either side cited for the factor


@dataclass(frozen=True)
class PostLine:
    post_id: int
    post_number: str
    title: str
    council: str  # the post's own council
    points: tuple[int, int]
    grades: tuple[str | None, str | None]  # each total under the post's own council's bands on the date
    gaps: list[FactorGap]

    @property
    def difference(self) -> int:
        return self.points[1] - self.points[0]

    @property
    def grade_differs(self) -> bool:
        return self.grades[0] != self.grades[1]


@dataclass
class Effect:
    """A factor, or a convention (situation), and how much of the difference it accounts for."""

    key: Any
    label: str
    posts: int = 0
    points: int = 0  # second minus first, summed over posts
    grade_changes: int = 0  # posts whose grade differs where it moved the points the same way
    readings: str = ""  # for a convention: each council's current reading of the situation


@dataclass(frozen=True)
class SituationUse:
    parting: local_conventions.Parting
    posts_citing: int


@dataclass(frozen=True)
class Report:
    on: date
    sides: list[CouncilRef]
    lines: list[PostLine]
    by_factor: list[Effect]
    by_convention: list[Effect]
    partings: list[SituationUse]

    @property
    def difference(self) -> int:
        return sum(line.difference for line in self.lines)

    @property
    def grade_changes(self) -> int:
        return sum(line.grade_differs for line in self.lines)


def _latest_per_council() -> Any:
    """The id of each post's latest evaluation under each council's conventions (agreed, under
    appeal or confirmed)."""
    ranked = (select(JobEvaluation.id.label("id"), func.row_number().over(
        partition_by=(JobEvaluation.post_id, JobEvaluation.council_id),
        order_by=(JobEvaluation.evaluated_on.desc(), JobEvaluation.id.desc())).label("n"))
        .where(JobEvaluation.status.in_(GRADING_STATUSES)).subquery())
    return select(ranked.c.id).where(ranked.c.n == 1)


def _grade(points: int, bands: list[GradeBand]) -> str | None:
    try:
        return grade_for_points(points, bands).grade
    except GradeNotFound:
        return None


def _chunks(ids: Sequence[int], size: int = 500) -> Iterable[list[int]]:
    for start in range(0, len(ids), size):
        yield list(ids[start:start + size])


def _both_evaluated(sides: Sequence[CouncilRef]) -> dict[int, dict[str, Any]]:
    """post id -> {council code: (evaluation id, points)} for posts whose latest evaluation under
    each council's conventions has factor levels."""
    codes = {c.id: c.code for c in sides}
    found: dict[int, dict[str, Any]] = defaultdict(dict)
    for evaluation_id, post_id, council_id, points in db.session.execute(
            select(JobEvaluation.id, JobEvaluation.post_id, JobEvaluation.council_id, JobEvaluation.score)
            .where(JobEvaluation.id.in_(_latest_per_council()), JobEvaluation.scheme_version_id.is_not(None))):
        if council_id in codes:
            found[post_id][codes[council_id]] = (evaluation_id, points)
    return {post_id: by for post_id, by in found.items() if len(by) == len(sides)}


def report(on: date) -> Report:
    """Every post evaluated under both councils' conventions, and what accounts for the difference."""
    sides = councils()
    if len(sides) < 2:
        raise DomainError("Two councils are needed to compare their conventions")
    both = _both_evaluated(sides)
    factors = _factor_levels([e for by in both.values() for e, _ in by.values()])
    posts = {}
    for chunk in _chunks(sorted(both)):
        posts.update({row.id: row for row in db.session.execute(
            select(Post.id, Post.post_number, Post.title, Post.council_id, Council.code)
            .join(Council, Council.id == Post.council_id).where(Post.id.in_(chunk)))})
    bands = {c.id: bands_on(c.id, on) for c in sides}
    names = _factor_names(on)
    lines = []
    for post_id, by in both.items():
        (id_a, points_a), (id_b, points_b) = by[sides[0].code], by[sides[1].code]
        gaps = _factor_gaps(factors[id_a], factors[id_b], names)
        post = posts[post_id]
        own = bands.get(post.council_id, [])
        lines.append(PostLine(post_id, post.post_number, post.title, post.code, (points_a, points_b),
                              (_grade(points_a, own), _grade(points_b, own)),
                              sorted(gaps, key=lambda g: (-abs(g.points), g.number))))
    lines.sort(key=lambda line: (-abs(line.difference), line.post_number))
    partings = local_conventions.side_by_side(*[_set_of(c.id) or 0 for c in sides])
    texts = dict(db.session.execute(select(Situation.id, Situation.text)).all())
    readings = {p.situation.id: ", ".join(f"{c.code} {conv.level if conv else 'none'}"
                                          for c, conv in zip(sides, (p.a, p.b), strict=True)) for p in partings}
    cited = _citing_posts()
    return Report(on, sides, lines, _effects(lines, lambda g: g.number, lambda g: f"{g.number}. {g.name}"),
                  _effects(lines, lambda g: g.situations,
                           lambda g: " / ".join(texts.get(s, "") for s in g.situations) or NO_CONVENTION, readings),
                  [SituationUse(p, cited.get(p.situation.id, 0)) for p in partings if p.differs])


def _factor_levels(eval_ids: list[int]) -> dict[int, dict[int, tuple[int, int, int | None]]]:
    """Each evaluation's factors: number -> (level, points, the situation its convention is for)."""
    factors: dict[int, dict[int, tuple[int, int, int | None]]] = defaultdict(dict)
    for chunk in _chunks(eval_ids):
        for evaluation_id, number, level, points, situation_id in db.session.execute(
                select(EvaluationFactor.evaluation_id, EvaluationFactor.factor_number, EvaluationFactor.level,
                       EvaluationFactor.points, Convention.situation_id)
                .outerjoin(Convention, Convention.id == EvaluationFactor.convention_id)
                .where(EvaluationFactor.evaluation_id.in_(chunk))):
            factors[evaluation_id][number] = (level, points, situation_id)
    return factors


def _factor_gaps(a: dict[int, tuple[int, int, int | None]], b: dict[int, tuple[int, int, int | None]],
                 names: dict[int, str]) -> list[FactorGap]:
    """The factors both evaluations hold at different levels."""
    gaps = []
    for number in sorted(set(a) & set(b)):
        (level_a, pts_a, sit_a), (level_b, pts_b, sit_b) = a[number], b[number]
        if level_a != level_b:
            gaps.append(FactorGap(number, names.get(number, f"Factor {number}"), (level_a, level_b), pts_b - pts_a,
                                  tuple(sorted({s for s in (sit_a, sit_b) if s is not None}))))
    return gaps


def _effects(lines: Sequence[PostLine], key: Any, label: Any, readings: dict[int, str] | None = None) -> list[Effect]:
    """Sum the factor gaps of every post by `key`. A gap counts towards a grade change where the
    post's grade differs and the gap moved the points the same way as the whole difference."""
    effects: dict[Any, Effect] = {}
    for line in lines:
        seen: set[Any] = set()
        for gap in line.gaps:
            k = key(gap)
            effect = effects.setdefault(k, Effect(k, label(gap)))
            effect.points += gap.points
            if k not in seen:
                effect.posts += 1
                if line.grade_differs and _sign(gap.points) == _sign(line.difference) != 0:
                    effect.grade_changes += 1
            seen.add(k)
    if readings is not None:
        for effect in effects.values():
            if isinstance(effect.key, tuple) and len(effect.key) == 1:
                effect.readings = readings.get(effect.key[0], "")
    return sorted(effects.values(), key=lambda e: (-abs(e.points), -e.grade_changes, e.label))


def _citing_posts() -> dict[int, int]:
    """Situation id -> how many posts' latest evaluations (either council's) cite a convention for it."""
    return dict(db.session.execute(
        select(Convention.situation_id, func.count(distinct(JobEvaluation.post_id)))
        .select_from(EvaluationFactor)
        .join(JobEvaluation, and_(JobEvaluation.id == EvaluationFactor.evaluation_id,
                                  JobEvaluation.id.in_(_latest_per_council())))
        .join(Convention, Convention.id == EvaluationFactor.convention_id)
        .group_by(Convention.situation_id)).all())


def export_columns(sides: Sequence[CouncilRef]) -> list[tuple[str, str]]:
    a, b = (c.code.lower() for c in sides)
    return [("post_number", "text"), ("title", "text"), ("council", "text"), (f"{a}_conventions_points", "number"),
            (f"{b}_conventions_points", "number"), (f"difference_{b}_minus_{a}", "number"),
            (f"grade_{a}_total_own_bands", "text"), (f"grade_{b}_total_own_bands", "text"), ("grade_differs", "text"),
            ("factors_differing", "text"), ("conventions", "text")]


def export(report_: Report, out: BinaryIO, fmt: str) -> int:
    """The per-post lines as CSV or XLSX, audited as an export."""
    texts = dict(db.session.execute(select(Situation.id, Situation.text)).all())
    rows = ([line.post_number, line.title, line.council, line.points[0], line.points[1], line.difference,
             line.grades[0] or "above the top grade", line.grades[1] or "above the top grade",
             "yes" if line.grade_differs else "no",
             "; ".join(f"{g.number} {g.name}: {g.levels[0]} to {g.levels[1]} ({g.points:+d})" for g in line.gaps),
             "; ".join(sorted({texts.get(s, "") for g in line.gaps for s in g.situations}))]
            for line in report_.lines)
    count = write_table(out, fmt, export_columns(report_.sides), rows)
    audit.record_export("jes_councils_part", {"format": fmt, "count": count, "on": report_.on.isoformat()})
    return count
