"""Job evaluations in and out as spreadsheets: import a council's existing evaluations
made with other tools from CSV or XLSX, all or nothing; export them in the same columns, so an
export imports into another database as it stands.

The columns (also on the import page and in the blank template): post_number, council (CCDC or
SBC: whose conventions the panel applied), evaluated_on (2026-04-01 or 01/04/2026), status (agreed
or draft; blank is agreed), panel_management and panel_union (names separated by ";", each with
an optional role in brackets: "Alex Morgan (Head of HR)"), job_description, notes, the 13 factor
levels f1 ... f13 in scheme order (a factor's name is accepted as its column's header too:
"Knowledge", "Mental skills"...), and optionally f1_convention ... f13_convention: the convention
that decided the level, by its situation's text or its id in the council's set. The export adds
`points`; the import ignores it unless the row gives no levels (a total-only evaluation, which the
import refuses: an evaluation's points are computed from its levels).

Every row is checked before anything is saved (`check_file`): the post and council exist, the date
is within its window and not in the future, each level within its factor's range under the
scheme version in force on the date, the cited conventions read the council's level, an agreed
evaluation has a joint panel, no row repeats another or an evaluation already held. If anything
is wrong, nothing is saved and every problem is listed by line and column. `import_file` saves
the rows in one unit of work, each through job_evaluations.record_evaluation, so an agreed one
under the post's own council grades the post from its date as one typed in would."""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO, cast

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ....domain.grading import ScoreStep, grade_changes, grade_timeline
from ....domain.job_evaluation import LevelOutOfRange, Plan, in_force, score
from ....errors import DomainError
from ....extensions import db
from ....models import (
    Convention,
    ConventionSet,
    Council,
    EvaluationFactor,
    JobEvaluation,
    PanelMember,
    Post,
    Situation,
)
from ...people.employee_rows import RowError, text_value
from ...people.employee_rows import _date as read_date
from ...people.identifiers import Padded, ambiguous, read_as
from ...platform import audit, tabular
from ...platform.tabular import Cell, FileProblem
from ...platform.unit_of_work import transaction
from ...rules import date_windows
from .. import post_grades
from ..job_evaluations import Choice, Member, record_evaluation
from . import scheme

FACTORS = 13
LEVEL_COLUMNS = [f"f{n}" for n in range(1, FACTORS + 1)]
CONVENTION_COLUMNS = [f"f{n}_convention" for n in range(1, FACTORS + 1)]
COLUMNS = ["post_number", "council", "evaluated_on", "status", "panel_management", "panel_union",
           "job_description", "notes", *LEVEL_COLUMNS, *CONVENTION_COLUMNS]
REQUIRED = ["post_number", "council", "evaluated_on", *LEVEL_COLUMNS]
EXPORT_COLUMNS = [*COLUMNS, "points"]
KINDS = {"evaluated_on": "date", "points": "number", **{c: "number" for c in LEVEL_COLUMNS}}
DESCRIPTIONS = {
    "post_number": "the post's number as held in hrtool (text: leading zeros are kept)",
    "council": "whose local conventions the panel applied: CCDC or SBC",
    "evaluated_on": "the date of the evaluation, as 2026-04-01 or 01/04/2026; not in the future",
    "status": "agreed or draft (blank: agreed). An agreed one under the post's own council grades the post from "
              "its date",
    "panel_management": "the management side of the panel: names separated by ;, a role in brackets if wanted",
    "panel_union": "the union side of the panel, as above: an agreed evaluation needs at least one on each side",
    "job_description": "the job description version the panel evaluated (optional)",
    "notes": "optional",
    "f1": "f1 to f13: the level of each of the 13 factors in scheme order (a factor's name is accepted as the "
          "header too)",
    "f1_convention": "f1_convention to f13_convention (optional): the convention that decided the level, by its "
                     "situation's text or id in the council's conventions",
}
STATUSES = ("agreed", "draft")
MAX_ROWS = 5_000  # one unit of work; a council's evaluations are a few thousand at most
TOO_MANY = (f"The file has more than {MAX_ROWS:,} rows of evaluations, the most one import takes: split it into "
            "smaller files (one per council or service)")
KEEP_ERRORS = 2_000
EXPORT_PAGE = 2_000
MEMBER = re.compile(r"^(.*?)\s*\(([^()]*)\)$")
CHANGED = "The file has changed since it was checked: upload it again"


def _normalised(text: str) -> str:
    return " ".join(text.lower().split())


# -- the file's columns --------------------------------------------------------------------------

def _factor_names() -> dict[str, int]:
    """Every version's factor names as headers ('Mental skills' -> mental_skills) -> factor number."""
    return {tabular.normalise_header(f.name): f.number for v in scheme.versions() for f in v.factors}


def column_names(headers: list[str]) -> tuple[dict[str, str], list[RowError]]:
    """The file's headers (already normalised) -> the import's column names, and what is wrong
    with the header: unknown columns, a factor given twice, required columns missing."""
    names = _factor_names()
    found: dict[str, str] = {}
    problems: list[RowError] = []
    for header in headers:
        if not header:
            continue
        column = header
        if header in names:
            column = f"f{names[header]}"
        elif header.endswith("_convention") and header.removesuffix("_convention") in names:
            column = f"f{names[header.removesuffix('_convention')]}_convention"
        if column not in EXPORT_COLUMNS:
            problems.append(RowError(1, header, "this column is not one the import reads: the columns are "
                                                + ", ".join(COLUMNS[:8]) + ", f1 to f13 and f1_convention to "
                                                "f13_convention"))
            continue
        if column in found.values():
            problems.append(RowError(1, header, f"this column gives {column} a second time"))
            continue
        found[header] = column
    for column in REQUIRED:
        if column not in found.values():
            problems.append(RowError(1, column, "the file has no such column: it is needed"))
    return found, problems


# -- what the database holds, loaded once ----------------------------------------------------------

@dataclass
class _Reference:
    today: date
    councils: dict[str, Council]
    posts: dict[str, tuple[int, int, date]]  # post number -> (id, council id, established on)
    unpadded: Padded  # post numbers a spreadsheet may have stripped of their leading zeros
    plans: list[tuple[int, Plan]]  # (scheme version id, plan)
    conventions: dict[int, list[Convention]]  # council id -> its set's conventions, current first
    held: set[tuple[int, int, date]] = field(default_factory=set)  # (post, council, date) already evaluated
    date_problems: dict[date, str | None] = field(default_factory=dict)

    @classmethod
    def load(cls, today: date) -> _Reference:
        councils = {c.code.upper(): c for c in db.session.scalars(select(Council))}
        posts = {n: (i, c, e) for i, n, c, e in db.session.execute(
            select(Post.id, Post.post_number, Post.council_id, Post.established_on))}
        unpadded = Padded(posts)
        plans = [(v.id, scheme.as_plan(v)) for v in scheme.versions()]
        conventions: dict[int, list[Convention]] = {}
        for convention in db.session.scalars(
                select(Convention).join(ConventionSet).options(selectinload(Convention.situation))
                .where(ConventionSet.council_id.is_not(None))
                .order_by(Convention.superseded_on.is_not(None), Convention.id.desc())):
            # Only sets with a council are selected.
            conventions.setdefault(cast(int, convention.convention_set.council_id), []).append(convention)
        held = {(p, c, d) for p, c, d in db.session.execute(
            select(JobEvaluation.post_id, JobEvaluation.council_id, JobEvaluation.evaluated_on)
            .where(JobEvaluation.status != "withdrawn"))}
        return cls(today, councils, posts, unpadded, plans, conventions, held)

    def date_problem(self, on: date) -> str | None:
        """What is wrong with the date as an evaluation's (its window: services/rules/date_windows.py)."""
        if on not in self.date_problems:
            self.date_problems[on] = date_windows.problem("evaluated_on", on, today=self.today)
        return self.date_problems[on]

    def plan_on(self, on: date) -> tuple[int, Plan] | None:
        plan = in_force([p for _, p in self.plans], on)
        return next(((i, p) for i, p in self.plans if p is plan), None)

    def convention(self, council_id: int, factor: int, level: int, text: str) -> Convention | str:
        """The council's convention a cell names (its id, or its situation's text), or what is wrong."""
        candidates = [c for c in self.conventions.get(council_id, []) if c.situation.factor_number == factor]
        if text.isdigit():
            found = next((c for c in self.conventions.get(council_id, []) if c.id == int(text)), None)
            if found is None:
                return f"no convention {text} is among this council's conventions"
            if found.situation.factor_number != factor:
                return f"convention {text} is for factor {found.situation.factor_number}"
            matches = [found]
        else:
            matches = [c for c in candidates if _normalised(c.situation.text) == _normalised(text)]
            if not matches:
                return (f"this council's conventions have no situation {text!r} for factor {factor}: give the "
                        "situation's text as on the conventions page, or the convention's id")
        fits = next((c for c in matches if c.level == level), None)
        if fits is None:
            return (f"the convention ({matches[0].situation.text!r}) reads level {matches[0].level}, not {level}: "
                    "a convention decides the level")
        return fits


# -- one row ----------------------------------------------------------------------------------------

@dataclass
class EvaluationRow:
    """A checked row: what record_evaluation will be given."""

    line: int
    post_id: int
    post_number: str
    council_id: int
    council_code: str
    own_council: bool
    evaluated_on: date
    status: str
    panel: list[Member]
    job_description: str
    notes: str
    choices: list[Choice]
    points: int
    read_as: str = ""  # a note for the preview (a post number whose leading zeros were restored)


def _members(text: str, side: str) -> list[Member]:
    found = []
    for part in text.replace("\n", ";").split(";"):
        part = part.strip()
        if not part:
            continue
        match = MEMBER.match(part)
        found.append(Member(match[1].strip(), side, match[2].strip()) if match and match[1].strip()
                     else Member(part, side))
    return found


def _level(value: Cell) -> int | None:
    text = text_value(value)
    if not text:
        return None
    if not text.isdigit():
        raise ValueError(f"{text!r} is not a level: give a whole number")
    return int(text)


def _post(ref: _Reference, value: Cell, errors: list[RowError], line: int) -> tuple[str, tuple[int, int, date]] | None:
    number = text_value(value)
    if not number:
        errors.append(RowError(line, "post_number", "no post number given"))
        return None
    if number in ref.posts:
        return number, ref.posts[number]
    # A spreadsheet that read 000123 as a number writes it back as 123 (services/people/identifiers.py).
    padded = ref.unpadded.candidates(number)
    if len(padded) == 1:
        return padded[0], ref.posts[padded[0]]
    if padded:
        errors.append(RowError(line, "post_number", ambiguous("post_number", number, padded)))
        return None
    errors.append(RowError(line, "post_number", f"no post {number} is on record"))
    return None


def _row(ref: _Reference, line: int, cells: dict[str, Cell], seen: dict[tuple[int, int, date], int],
         errors: list[RowError]) -> EvaluationRow | None:
    before = len(errors)
    post = _post(ref, cells.get("post_number"), errors, line)
    council = _row_council(ref, cells, line, errors)
    evaluated_on = _row_evaluated_on(ref, cells, post, line, errors)
    status = text_value(cells.get("status")).lower() or "agreed"
    if status not in STATUSES:
        errors.append(RowError(line, "status", f"{status!r} cannot be imported: give agreed or draft (an appeal is "
                                               "lodged and decided in hrtool itself)"))
    panel = _row_panel(cells, status, line, errors)
    levels = _row_levels(cells, line, errors)
    found = ref.plan_on(evaluated_on) if evaluated_on is not None else None
    if evaluated_on is not None and found is None and not any(e.line == line and e.column == "evaluated_on"
                                                               for e in errors[before:]):
        errors.append(RowError(line, "evaluated_on", f"no version of the job evaluation scheme is held for "
                                                     f"{evaluated_on:%d/%m/%Y}"))
    points = _row_points(cells, levels, found[1] if found is not None else None, line, errors)
    choices = _row_choices(ref, cells, levels, council, line, errors)
    if post is not None and council is not None and evaluated_on is not None:
        _check_not_evaluated_already(ref, post, council, evaluated_on, seen, line, errors)
    if len(errors) > before or post is None or council is None or evaluated_on is None:
        return None
    number, (post_id, post_council, _) = post
    return EvaluationRow(line, post_id, number, council.id, council.code, council.id == post_council, evaluated_on,
                         status, panel, text_value(cells.get("job_description")), text_value(cells.get("notes")),
                         choices, points, read_as=read_as("post_number", number, text_value(cells.get("post_number")))
                         if number != text_value(cells.get("post_number")) else "")


def _row_council(ref: _Reference, cells: dict[str, Cell], line: int, errors: list[RowError]) -> Council | None:
    code = text_value(cells.get("council")).upper()
    council = ref.councils.get(code)
    if council is None:
        errors.append(RowError(line, "council", f"{code!r} is not a council: give "
                                                + " or ".join(sorted(ref.councils)) if code else
                                                "no council given: whose conventions the panel applied"))
    return council


def _row_evaluated_on(ref: _Reference, cells: dict[str, Cell], post: tuple[str, tuple[int, int, date]] | None,
                      line: int, errors: list[RowError]) -> date | None:
    """The evaluation's date: given, plausible, not in the future, not before the post existed."""
    try:
        evaluated_on = read_date(cells.get("evaluated_on"))
        if evaluated_on is None:
            errors.append(RowError(line, "evaluated_on", "no date given: the date of the evaluation"))
    except ValueError as error:
        errors.append(RowError(line, "evaluated_on", str(error)))
        evaluated_on = None
    if evaluated_on is not None:
        problem = ref.date_problem(evaluated_on)
        if problem:
            errors.append(RowError(line, "evaluated_on", problem))
        elif evaluated_on > ref.today:
            errors.append(RowError(line, "evaluated_on", "an evaluation cannot be dated in the future"))
        elif post is not None and evaluated_on < post[1][2]:
            errors.append(RowError(line, "evaluated_on", f"post {post[0]} was established on "
                                                         f"{post[1][2]:%d/%m/%Y}, after this date"))
    return evaluated_on


def _row_panel(cells: dict[str, Cell], status: str, line: int, errors: list[RowError]) -> list[Member]:
    """The panel's members; an agreed evaluation needs both sides of a joint panel."""
    panel = _members(text_value(cells.get("panel_management")), "management") + _members(
        text_value(cells.get("panel_union")), "union")
    if status == "agreed":
        if not any(m.side == "management" for m in panel):
            errors.append(RowError(line, "panel_management", "an agreed evaluation is made by a joint panel: name "
                                                             "at least one member for management"))
        if not any(m.side == "union" for m in panel):
            errors.append(RowError(line, "panel_union", "an agreed evaluation is made by a joint panel: name at "
                                                        "least one member from the union side"))
    return panel


def _row_levels(cells: dict[str, Cell], line: int, errors: list[RowError]) -> list[int | None]:
    """The 13 factor levels as given (None where blank; 0 where unreadable, with an error)."""
    levels: list[int | None] = []
    for column in LEVEL_COLUMNS:
        try:
            levels.append(_level(cells.get(column)))
        except ValueError as error:
            errors.append(RowError(line, column, str(error)))
            levels.append(0)
    return levels


def _row_points(cells: dict[str, Cell], levels: list[int | None], plan: Plan | None, line: int,
                errors: list[RowError]) -> int:
    """The points the factor levels score under the scheme in force (0 until every level is sound)."""
    if all(level is None for level in levels):
        given = text_value(cells.get("points"))
        errors.append(RowError(line, "f1", "no factor levels given" + (f" (only a total of {given} points)" if given
                                                                        else "") +
                               ": an evaluation is its 13 factor levels, and its points are worked out from them, "
                               "so an evaluation that holds only a total cannot be imported"))
        return 0
    if plan is None:
        return 0
    sound = True
    for number, level in enumerate(levels, start=1):
        factor = plan.factor(number)
        column = f"f{number}"
        sound = sound and bool(level) and level in factor.points
        if level is None:
            errors.append(RowError(line, column, f"no level given for factor {number}, {factor.name} "
                                                 f"(levels {factor.bottom} to {factor.top})"))
        elif level and level not in factor.points:
            errors.append(RowError(line, column, str(LevelOutOfRange(factor, level))))
    return score([int(level or 0) for level in levels], plan).points if sound else 0


def _row_choices(ref: _Reference, cells: dict[str, Cell], levels: list[int | None], council: Council | None,
                 line: int, errors: list[RowError]) -> list[Choice]:
    """Each factor's level and the local convention cited for it, if any."""
    choices: list[Choice] = []
    for number, column in enumerate(CONVENTION_COLUMNS, start=1):
        text = text_value(cells.get(column))
        convention_id = None
        level = levels[number - 1]
        if text and council is not None and level:
            cited = ref.convention(council.id, number, level, text)
            if isinstance(cited, str):
                errors.append(RowError(line, column, cited))
            else:
                convention_id = cited.id
        choices.append(Choice(level or 0, convention_id))
    return choices


def _check_not_evaluated_already(ref: _Reference, post: tuple[str, tuple[int, int, date]], council: Council,
                                 evaluated_on: date, seen: dict[tuple[int, int, date], int], line: int,
                                 errors: list[RowError]) -> None:
    """One evaluation per post, council and date: in the file and in the database."""
    key = (post[1][0], council.id, evaluated_on)
    if key in seen:
        errors.append(RowError(line, "post_number", f"line {seen[key]} already evaluates post {post[0]} under "
                                                    f"{council.code}'s conventions on {evaluated_on:%d/%m/%Y}"))
    elif key in ref.held:
        errors.append(RowError(line, "post_number", f"post {post[0]} already has an evaluation under "
                                                    f"{council.code}'s conventions dated {evaluated_on:%d/%m/%Y}"))
    seen.setdefault(key, line)


# -- a whole file -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class GradeMove:
    post_number: str
    on: date
    old: str | None
    new: str | None


@dataclass
class CheckReport:
    """What checking a file found: every problem, or the rows to import and what they change."""

    file_name: str
    format: str = ""
    header_line: int = 1  # the file's line or row that holds the column names
    notes: list[str] = field(default_factory=list)  # what was done about the sheet's shape (tabular.Table)
    rows: list[EvaluationRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    grade_moves: list[GradeMove] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error_count == 0 and bool(self.rows)

    @property
    def posts(self) -> int:
        return len({r.post_id for r in self.rows})

    @property
    def posts_regraded(self) -> int:
        return len({m.post_number for m in self.grade_moves})

    def add(self, errors: Iterable[RowError]) -> None:
        for error in errors:
            self.error_count += 1
            if len(self.errors) < KEEP_ERRORS:
                self.errors.append(error)


def _records(path: Path, name: str, report: CheckReport) -> Iterator[tuple[int, dict[str, Cell]]]:
    """The rows by their column names; the file's format, header line and sheet notes on `report`
    (the notes are complete once every row is read)."""
    # The header is the row with these (f1 to f13 may be headed by factor names, so are checked after).
    with tabular.open_table(path, name, required=("post_number", "council", "evaluated_on"),
                            identifier="post_number") as table:
        report.format, report.header_line = table.format, table.header_line
        columns, problems = column_names(table.headers)
        if problems:
            raise _HeaderProblems(problems)
        for line, cells in table.rows:
            yield line, {columns[h]: v for h, v in cells.items() if h in columns}
        report.notes = list(table.notes)


class _HeaderProblems(Exception):
    def __init__(self, problems: list[RowError]):
        super().__init__("header")
        self.problems = problems


def check_file(path: Path, name: str, today: date) -> CheckReport:
    """Read and check every row; nothing is written. The rows come back ready to import if
    nothing is wrong, with the grade changes an import would make."""
    report = CheckReport(name)
    ref = _Reference.load(today)
    seen: dict[tuple[int, int, date], int] = {}
    count = 0
    try:
        for line, cells in _records(path, name, report):
            count += 1
            if count > MAX_ROWS:
                raise FileProblem(TOO_MANY)
            errors: list[RowError] = []
            row = _row(ref, line, cells, seen, errors)
            report.add(errors)
            if row is not None:
                report.rows.append(row)
    except _HeaderProblems as problems:
        report.add(problems.problems)
        return report
    except FileProblem as problem:  # the file as a whole: its rows' problems are beside the point
        report.errors, report.error_count, report.rows = [RowError(None, "", problem.message)], 1, []
        return report
    if count == 0:
        report.add([RowError(None, "", "The file has a header but no evaluations")])
    if report.error_count:
        report.rows = []
    else:
        report.grade_moves = grade_moves(report.rows)
    return report


def grade_moves(rows: list[EvaluationRow]) -> list[GradeMove]:
    """How the posts' grades would change: each agreed row under the post's own council's
    conventions is a new dated score for the post (services/pay/post_grades.py works grades out the
    same way once they are saved)."""
    grading = [r for r in rows if r.own_council and r.status == "agreed"]
    if not grading:
        return []
    sources = {s.post_id: s for s in post_grades.post_sources({r.post_id for r in grading})}
    versions = post_grades.band_versions({s.council_id for s in sources.values()})
    numbers = {r.post_id: r.post_number for r in grading}
    moves = []
    for post_id, source in sorted(sources.items(), key=lambda kv: numbers[kv[0]]):
        mine = [r for r in grading if r.post_id == post_id]
        steps = [*source.evaluations, *(ScoreStep(r.evaluated_on, r.points) for r in mine)]
        bands = versions.get(source.council_id, [])
        old = grade_timeline(source.established_on, source.closed_on, source.recorded_score, source.evaluations, bands)
        new = grade_timeline(source.established_on, source.closed_on, source.recorded_score,
                             sorted(steps, key=lambda s: s.effective_from), bands)
        for change in grade_changes(old, new, min(r.evaluated_on for r in mine)):
            moves.append(GradeMove(numbers[post_id], change.on, change.old, change.new))
    return moves


@transaction
def import_file(path: Path, name: str, sha256: str, today: date) -> CheckReport:
    """Check the file again (the records may have changed since the preview) and, if every row
    is sound, record every evaluation in this one unit of work: all or nothing."""
    report = check_file(path, name, today)
    if not report.ok:
        return report
    for row in report.rows:
        try:
            record_evaluation(row.post_id, row.council_id, row.evaluated_on, row.choices, panel=row.panel,
                              job_description=row.job_description, notes=row.notes, status=row.status, today=today)
        except DomainError as error:
            raise DomainError(f"Line {row.line}: {error.message}. Nothing has been imported.") from None
    audit.record("import", "job_evaluation_import", reason=f"Imported {name}", after={
        "file": name, "sha256": sha256, "format": report.format, "rows": len(report.rows),
        "posts": len({r.post_id for r in report.rows}), "grade_changes": len(report.grade_moves)})
    return report


# -- export -----------------------------------------------------------------------------------------

def _export_rows(council_id: int | None, post_id: int | None) -> Iterator[list[Any]]:
    """The rows, read a page of evaluations at a time with plain column queries (no objects held)."""
    query = (select(JobEvaluation.id, Post.post_number, Council.code, JobEvaluation.evaluated_on,
                    JobEvaluation.status, JobEvaluation.job_description, JobEvaluation.notes, JobEvaluation.score)
             .join(Post, Post.id == JobEvaluation.post_id).join(Council, Council.id == JobEvaluation.council_id)
             .order_by(JobEvaluation.id))
    if council_id is not None:
        query = query.where(JobEvaluation.council_id == council_id)
    if post_id is not None:
        query = query.where(JobEvaluation.post_id == post_id)
    last_id = 0
    while True:
        page = db.session.execute(query.where(JobEvaluation.id > last_id).limit(EXPORT_PAGE)).all()
        if not page:
            return
        ids = [row.id for row in page]
        levels: dict[int, dict[int, tuple[int, str]]] = {}
        for evaluation_id, number, level, situation in db.session.execute(
                select(EvaluationFactor.evaluation_id, EvaluationFactor.factor_number, EvaluationFactor.level,
                       Situation.text)
                .outerjoin(Convention, Convention.id == EvaluationFactor.convention_id)
                .outerjoin(Situation, Situation.id == Convention.situation_id)
                .where(EvaluationFactor.evaluation_id.in_(ids))):
            levels.setdefault(evaluation_id, {})[number] = (level, situation or "")
        panels: dict[int, dict[str, list[str]]] = {}
        for evaluation_id, name, side, role in db.session.execute(
                select(PanelMember.evaluation_id, PanelMember.name, PanelMember.side, PanelMember.role)
                .where(PanelMember.evaluation_id.in_(ids)).order_by(PanelMember.id)):
            panels.setdefault(evaluation_id, {}).setdefault(side, []).append(f"{name} ({role})" if role else name)
        for row in page:
            factors = levels.get(row.id, {})
            panel = panels.get(row.id, {})
            yield [row.post_number, row.code, row.evaluated_on, row.status, "; ".join(panel.get("management", [])),
                   "; ".join(panel.get("union", [])), row.job_description, row.notes,
                   *(factors[n][0] if n in factors else None for n in range(1, FACTORS + 1)),
                   *(factors[n][1] if n in factors else "" for n in range(1, FACTORS + 1)),
                   row.score]
        last_id = ids[-1]


def export_evaluations(out: BinaryIO, fmt: str, *, council_id: int | None = None, post_id: int | None = None) -> int:
    """Every evaluation (or those under one council's conventions, or one post's), by post number
    and date, in the import's columns plus `points`. A total-only evaluation has empty levels and
    its total under points (the import refuses it: its levels were never recorded). Returns the
    number of rows written."""
    columns = [(c, KINDS.get(c, "text")) for c in EXPORT_COLUMNS]
    rows = sorted(_export_rows(council_id, post_id), key=lambda r: (r[0], r[2]))
    return tabular.write_table(out, fmt, columns, rows, sheet="Job evaluations")


@transaction
def export_audited(out: BinaryIO, fmt: str, *, council: Council | None = None, post: Post | None = None) -> int:
    """`export_evaluations` as a download (every evaluation, one council's or one post's), with
    its audited `export` event naming the scope; one unit of work. Returns the number of rows."""
    rows = export_evaluations(out, fmt, council_id=council.id if council else None, post_id=post.id if post else None)
    audit.record("export", "job_evaluation", after={"format": fmt, "rows": rows,
                                                    "council": council.code if council else None,
                                                    "post": post.post_number if post else None})
    return rows


def write_template(out: BinaryIO, fmt: str) -> int:
    """A blank file with the import's header row."""
    return tabular.write_table(out, fmt, [(c, KINDS.get(c, "text")) for c in COLUMNS], [], sheet="Job evaluations")
