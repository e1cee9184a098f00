"""Job evaluations of posts (an evaluation is its factor levels).

Each evaluation is kept. Its points are the sum of its 13 factor levels' points under the scheme
version in force on its date (services/pay/jes/scheme.py), never typed; each level may cite the local
convention that decided it. A draft grades nothing; an agreed evaluation (or one under appeal, or
confirmed after one) under the post's own council's conventions grades the post from its date:
the post's score on a date is that of its latest such evaluation dated on or before it, and its
grade then what that score earns under the council's bands in force then (services/pay/post_grades.py).
An evaluation under the other council's conventions is kept for comparison and grades nothing.

Evaluations made before factor levels were recorded hold only a typed total (`scheme_version_id` None): they are kept
as they are, shown "total only (factor levels not recorded)", and still grade.

Whenever an evaluation that grades changes (recorded, agreed, withdrawn, re-scored because the
scheme's points changed), the grades of its post from its date, and what follows for the people
in it (services/pay/regrading.py), are worked out again in the same unit of work."""
from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ...domain.grading import DatedGrade
from ...domain.job_evaluation import LevelOutOfRange, WrongNumberOfLevels, score
from ...errors import DomainError
from ...extensions import db
from ...models import Convention, EvaluationFactor, JobEvaluation, PanelMember, Post
from ...models.grading import EVALUATION_STATUSES, GRADING_STATUSES
from ..platform import audit, derived
from ..platform.unit_of_work import transaction
from ..rules import date_windows
from . import post_grades, regrading
from .jes import scheme

TOTAL_ONLY = "total only (factor levels not recorded)"
SIDES = ("management", "union")


@dataclass(frozen=True)
class Choice:
    """The level a panel gave one factor, and the convention that decided it (if one did)."""

    level: int
    convention_id: int | None = None
    note: str = ""


@dataclass(frozen=True)
class Member:
    name: str
    side: str  # management / union
    role: str = ""


# The joint panel the demo data and examples name (fictional people).
DEMO_PANEL = (Member("Alex Morgan", "management", "Head of HR"), Member("Sam Patel", "union", "UNISON steward"))


def history(post_id: int) -> list[JobEvaluation]:
    return list(db.session.scalars(
        select(JobEvaluation).options(selectinload(JobEvaluation.factors).selectinload(EvaluationFactor.convention),
                                      selectinload(JobEvaluation.panel_members))
        .where(JobEvaluation.post_id == post_id)
        .order_by(JobEvaluation.evaluated_on.desc(), JobEvaluation.id.desc())))


def latest_for(post_id: int, council_id: int, *, grading_only: bool = True) -> JobEvaluation | None:
    """The latest evaluation of a post under a council's conventions (those that grade, unless
    asked otherwise)."""
    query = select(JobEvaluation).where(JobEvaluation.post_id == post_id, JobEvaluation.council_id == council_id)
    if grading_only:
        query = query.where(JobEvaluation.status.in_(GRADING_STATUSES))
    return db.session.scalars(query.order_by(JobEvaluation.evaluated_on.desc(), JobEvaluation.id.desc())
                              .limit(1)).first()


def _choices(levels: Sequence[int | Choice]) -> list[Choice]:
    return [c if isinstance(c, Choice) else Choice(int(c)) for c in levels]


def _check_citations(choices: Sequence[Choice], council_id: int) -> None:
    """A cited convention must be this council's, for the same factor, and read the level chosen:
    a convention decides the level, it does not merely decorate it."""
    for number, choice in enumerate(choices, start=1):
        if choice.convention_id is None:
            continue
        convention = db.session.get(Convention, choice.convention_id)
        if convention is None:
            raise DomainError(f"Factor {number}: the convention cited no longer exists", field=f"factor_{number}")
        if convention.convention_set.council_id != council_id:
            raise DomainError(f"Factor {number}: the convention cited is not one of the conventions this "
                              "evaluation applies", field=f"factor_{number}")
        if convention.situation.factor_number != number:
            raise DomainError(f"Factor {number}: the convention cited is for factor "
                              f"{convention.situation.factor_number}", field=f"factor_{number}")
        if convention.level != choice.level:
            raise DomainError(f"Factor {number}: the convention cited (\"{convention.situation.text}\") reads level "
                              f"{convention.level}, not {choice.level}", field=f"factor_{number}")


def _check_panel(panel: Sequence[Member], status: str) -> None:
    for member in panel:
        if member.side not in SIDES:
            raise DomainError(f"{member.name}: say whether they sat for management or the union side", field="panel")
    if status != "draft" and not ({m.side for m in panel} >= set(SIDES)):
        raise DomainError("An agreed evaluation is made by a joint panel: name at least one member from management "
                          "and one from the union side", field="panel")


def _scored(choices: Sequence[Choice], on: date) -> tuple[int, int, list[EvaluationFactor]]:
    """(scheme version id, points, factor rows) under the version in force on `on`."""
    version, plan = scheme.plan_on(on)
    try:
        result = score([c.level for c in choices], plan)
    except LevelOutOfRange as error:
        raise DomainError(str(error), field=f"factor_{error.factor.number}") from None
    except WrongNumberOfLevels as error:
        raise DomainError(f"Give a level for each of the {len(plan.factors)} factors: {error}") from None
    rows = [EvaluationFactor(factor_number=f.number, level=f.level, points=f.points, convention_id=c.convention_id,
                             note=c.note.strip()) for f, c in zip(result.factors, choices, strict=True)]
    return version.id, result.points, rows


def _snapshot(evaluation: JobEvaluation) -> dict[str, object]:
    return {"post_id": evaluation.post_id, "council_id": evaluation.council_id, "score": evaluation.score,
            "evaluated_on": evaluation.evaluated_on.isoformat(), "status": evaluation.status,
            "scheme_version_id": evaluation.scheme_version_id, "job_description": evaluation.job_description,
            "panel": [{"name": m.name, "side": m.side, "role": m.role} for m in evaluation.panel_members],
            "levels": [{"factor": f.factor_number, "level": f.level, "points": f.points,
                        "convention_id": f.convention_id} for f in evaluation.factors]}


@transaction
def record_evaluation(post_id: int, council_id: int, evaluated_on: date, levels: Sequence[int | Choice], *,
                      panel: Sequence[Member] = (), job_description: str = "", notes: str = "",
                      status: str = "agreed", today: date, replaces_id: int | None = None) -> JobEvaluation:
    """Record an evaluation from its 13 factor levels (scheme order). Agreed, under the post's own
    council's conventions, it grades the post from its date (with what follows for its holders)."""
    date_windows.check("evaluated_on", evaluated_on, field="evaluated_on", today=today)
    post = db.session.get(Post, post_id)
    if post is None:
        raise DomainError("That post no longer exists")
    if evaluated_on > today:
        raise DomainError("An evaluation cannot be dated in the future", field="evaluated_on")
    if status not in ("draft", "agreed"):
        raise DomainError("A new evaluation is a draft or agreed", field="status")
    choices = _choices(levels)
    version_id, points, rows = _scored(choices, evaluated_on)
    _check_citations(choices, council_id)
    _check_panel(panel, status)
    own = council_id == post.council_id and status in GRADING_STATUSES
    before = post_grades.fresh_timelines([post_id]).get(post_id, []) if own else []
    if own:
        _keep_recorded_score(post, evaluated_on)
    evaluation = JobEvaluation(post_id=post_id, council_id=council_id, score=points, evaluated_on=evaluated_on,
                               panel="; ".join(m.name for m in panel), notes=notes.strip(), status=status,
                               scheme_version_id=version_id, job_description=job_description.strip(),
                               replaces_id=replaces_id, recorded_by_id=audit._actor()[0], factor_levels=None)
    evaluation.factors = rows
    evaluation.panel_members = [PanelMember(name=m.name.strip(), side=m.side, role=m.role.strip()) for m in panel]
    db.session.add(evaluation)
    db.session.flush()
    audit.record("create", "job_evaluation", evaluation.id, reason=notes.strip(), after=_snapshot(evaluation))
    if own:
        _regrade(post, before, evaluated_on, f"Job evaluation {evaluation.id}",
                 f"re-evaluated on {evaluated_on:%d/%m/%Y}", notes)
    return evaluation


def _keep_recorded_score(post: Post, evaluated_on: date) -> None:
    """The score held on the post stood before its first evaluation: kept as an evaluation from
    the day the post was established (as migration 0003 did), so a later one changes nothing
    before its own date, and withdrawing the first one leaves the post graded as it was."""
    if post.je_score is None or evaluated_on < post.established_on or db.session.scalar(
            select(JobEvaluation.id).where(JobEvaluation.post_id == post.id,
                                           JobEvaluation.council_id == post.council_id).limit(1)) is not None:
        return
    db.session.add(JobEvaluation(post_id=post.id, council_id=post.council_id, score=post.je_score,
                                 evaluated_on=post.established_on, panel="", factor_levels=None, status="agreed",
                                 notes="Score held on the post before evaluations were recorded"))


def _regrade(post: Post, before: list[DatedGrade], since: date, source_ref: str, why: str, notes: str = "") -> None:
    """The post's recorded score from its latest grading evaluation, its grades from `since`, and
    what follows for its holders (a lower grade protects those whose pay falls)."""
    derived.note("post_grades", "post", post.id, why=f"{why[0].upper()}{why[1:]}: {notes.strip()}".rstrip(": "))
    latest = latest_for(post.id, post.council_id)
    score_now = latest.score if latest is not None else None
    if latest is not None and post.je_score != score_now:
        audit.record("update", "post", post.id, before={"je_score": post.je_score}, after={"je_score": score_now},
                     reason=why)
        post.je_score = score_now
        db.session.flush()
    after = post_grades.fresh_timelines([post.id]).get(post.id, [])
    plan = regrading.plan({post.id: before}, {post.id: after}, post_grades.band_versions([post.council_id]), since)
    if plan.problems:
        raise DomainError("The evaluation cannot be recorded: " + "; ".join(plan.problems), field="evaluated_on")
    regrading.apply(plan, source="re-evaluation", source_ref=source_ref, reason=why)


def _grading_post(evaluation: JobEvaluation) -> Post | None:
    post = db.session.get(Post, evaluation.post_id)
    return post if post is not None and post.council_id == evaluation.council_id else None


@transaction
def set_status(evaluation_id: int, status: str, reason: str, *, seen_version: int | None = None) -> JobEvaluation:
    """Move an evaluation on: a draft agreed (it grades from its date), agreed under appeal,
    confirmed after an appeal, or withdrawn with a reason (recorded in error: it grades nothing
    from then on and the post's grades are worked out again)."""
    evaluation = db.session.get(JobEvaluation, evaluation_id)
    if evaluation is None:
        raise DomainError("That evaluation no longer exists")
    if seen_version is not None and evaluation.version != seen_version:
        raise DomainError("Someone else changed this evaluation meanwhile: look at it again")
    allowed = {"draft": {"agreed", "withdrawn"}, "agreed": {"under appeal", "withdrawn"},
               "under appeal": {"agreed", "confirmed"}, "confirmed": {"withdrawn"}, "withdrawn": set()}
    if status not in EVALUATION_STATUSES or status not in allowed.get(evaluation.status, set()):
        raise DomainError(f"An evaluation that is {evaluation.status} cannot become {status}", field="status")
    if status == "withdrawn" and not reason.strip():
        raise DomainError("Say why the evaluation is withdrawn", field="reason")
    if status == "agreed" and evaluation.status == "draft":
        _check_panel([Member(m.name, m.side, m.role) for m in evaluation.panel_members], status)
    post = _grading_post(evaluation)
    grading_changes = (evaluation.status in GRADING_STATUSES) != (status in GRADING_STATUSES)
    before = post_grades.fresh_timelines([post.id]).get(post.id, []) if post and grading_changes else []
    old = evaluation.status
    evaluation.status = status
    db.session.flush()
    audit.record("update", "job_evaluation", evaluation.id, before={"status": old}, after={"status": status},
                 reason=reason.strip())
    if post is not None and grading_changes:
        _regrade(post, before, evaluation.evaluated_on, f"Job evaluation {evaluation.id}",
                 f"evaluation of {evaluation.evaluated_on:%d/%m/%Y} {status}", reason)
    return evaluation


@transaction
def update_draft(evaluation_id: int, levels: Sequence[int | Choice], *, panel: Sequence[Member],
                 job_description: str, notes: str, evaluated_on: date, today: date,
                 seen_version: int | None = None) -> JobEvaluation:
    """Change a draft before it is agreed (an agreed one is corrected by a new evaluation, or an appeal)."""
    evaluation = db.session.get(JobEvaluation, evaluation_id)
    if evaluation is None:
        raise DomainError("That evaluation no longer exists")
    if evaluation.status != "draft":
        raise DomainError("Only a draft can be changed: an agreed evaluation is corrected by a new one or an appeal")
    if seen_version is not None and evaluation.version != seen_version:
        raise DomainError("Someone else changed this draft meanwhile: look at it again")
    date_windows.check("evaluated_on", evaluated_on, field="evaluated_on", today=today)
    if evaluated_on > today:
        raise DomainError("An evaluation cannot be dated in the future", field="evaluated_on")
    before = _snapshot(evaluation)
    choices = _choices(levels)
    version_id, points, rows = _scored(choices, evaluated_on)
    _check_citations(choices, evaluation.council_id)
    _check_panel(panel, "draft")
    evaluation.factors = []
    db.session.flush()  # the old rows go before the new ones come (one row per factor and evaluation)
    evaluation.factors = rows
    evaluation.panel_members = [PanelMember(name=m.name.strip(), side=m.side, role=m.role.strip()) for m in panel]
    evaluation.scheme_version_id, evaluation.score, evaluation.evaluated_on = version_id, points, evaluated_on
    evaluation.job_description, evaluation.notes = job_description.strip(), notes.strip()
    evaluation.panel = "; ".join(m.name for m in panel)
    db.session.flush()
    audit.record("update", "job_evaluation", evaluation.id, before=before, after=_snapshot(evaluation))
    return evaluation


def rescore(evaluation_ids: Collection[int], why: str) -> int:
    """Work out the points of these evaluations again under the scheme version in force on each
    one's date (after a version was added or its points changed), and the grades of the posts they
    grade from the earliest date that changed. Called inside the caller's unit of work. Returns
    how many evaluations' points changed."""
    if not evaluation_ids:
        return 0
    evaluations = list(db.session.scalars(select(JobEvaluation).options(selectinload(JobEvaluation.factors))
                                          .where(JobEvaluation.id.in_(list(evaluation_ids)))))
    held = post_grades.held_timelines({e.post_id for e in evaluations})
    changed_since: dict[int, date] = {}
    changed = 0
    for evaluation in evaluations:
        version, plan = scheme.plan_on(evaluation.evaluated_on)
        result = score([f.level for f in sorted(evaluation.factors, key=lambda f: f.factor_number)], plan)
        for row, scored in zip(sorted(evaluation.factors, key=lambda f: f.factor_number), result.factors, strict=True):
            row.points = scored.points
        if evaluation.score == result.points and evaluation.scheme_version_id == version.id:
            continue
        audit.record("update", "job_evaluation", evaluation.id,
                     before={"score": evaluation.score, "scheme_version_id": evaluation.scheme_version_id},
                     after={"score": result.points, "scheme_version_id": version.id}, reason=why)
        evaluation.score, evaluation.scheme_version_id = result.points, version.id
        changed += 1
        if evaluation.status in GRADING_STATUSES and _grading_post(evaluation) is not None:
            since = changed_since.get(evaluation.post_id)
            changed_since[evaluation.post_id] = min(since, evaluation.evaluated_on) if since else evaluation.evaluated_on
    db.session.flush()
    for post_id, since in sorted(changed_since.items()):
        post = db.session.get(Post, post_id)
        if post is not None:
            _regrade(post, held.get(post_id, []), since, "Job evaluation scheme", why)
    return changed
