"""Job evaluations of posts. Each evaluation is kept. A post's score on a date is that of its latest
evaluation under its own council's conventions dated on or before it, and its grade then is what
that score earns under the council's bands in force then (services/post_grades.py); the post's
recorded score is its latest evaluation's. An evaluation under the other council's conventions is
kept for comparison and grades nothing."""
from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from ..errors import DomainError
from ..extensions import db
from ..models import JobEvaluation, Post
from . import audit, date_windows, derived, post_grades, regrading
from .unit_of_work import transaction

FACTORS = [
    "Knowledge", "Mental skills", "Interpersonal and communication skills", "Physical skills",
    "Initiative and independence", "Physical demands", "Mental demands", "Emotional demands",
    "Responsibility for people", "Responsibility for supervision", "Responsibility for financial resources",
    "Responsibility for physical resources", "Working conditions",
]  # the NJC job evaluation scheme's 13 factors


def history(post_id: int) -> list[JobEvaluation]:
    return list(db.session.scalars(select(JobEvaluation).where(JobEvaluation.post_id == post_id)
                                   .order_by(JobEvaluation.evaluated_on.desc(), JobEvaluation.id.desc())))


@transaction
def record_evaluation(post_id: int, council_id: int, score: int, evaluated_on: date, panel: str,
                      factor_levels: dict[str, Any] | None, notes: str, today: date) -> JobEvaluation:
    date_windows.check("evaluated_on", evaluated_on, field="evaluated_on", today=today)
    post = db.session.get(Post, post_id)
    if post is None:
        raise DomainError("That post no longer exists")
    if evaluated_on > today:
        raise DomainError("An evaluation cannot be dated in the future", field="evaluated_on")
    own = council_id == post.council_id
    before = post_grades.fresh_timelines([post_id]).get(post_id, []) if own else []
    when = f"{evaluated_on:%d/%m/%Y}"
    if own:
        derived.note("post_grades", "post", post_id, why=f"Re-evaluated on {when}: {notes.strip()}".rstrip(": "))
    actor_id, _ = audit._actor()
    if own and post.je_score is not None and evaluated_on > post.established_on and db.session.scalar(
            select(JobEvaluation.id).where(JobEvaluation.post_id == post_id,
                                           JobEvaluation.council_id == post.council_id).limit(1)) is None:
        # The score held on the post stood before its first evaluation: kept as an evaluation from
        # the day the post was established (as migration 0003 did), so this one changes nothing
        # before its own date.
        db.session.add(JobEvaluation(post_id=post_id, council_id=post.council_id, score=post.je_score,
                                     evaluated_on=post.established_on, panel="", factor_levels=None,
                                     notes="Score held on the post before evaluations were recorded"))
    evaluation = JobEvaluation(post_id=post_id, council_id=council_id, score=score, evaluated_on=evaluated_on,
                               panel=panel.strip(), factor_levels=factor_levels or None, notes=notes.strip(),
                               recorded_by_id=actor_id)
    db.session.add(evaluation)
    db.session.flush()
    audit.record("create", "job_evaluation", evaluation.id, reason=notes.strip(), after={
        "post": post.post_number, "council_id": council_id, "score": score, "evaluated_on": evaluated_on.isoformat(),
        "panel": evaluation.panel, "factor_levels": evaluation.factor_levels})
    if not own:
        return evaluation  # kept for comparison; the post is graded under its own council's conventions
    latest = db.session.scalars(
        select(JobEvaluation).where(JobEvaluation.post_id == post_id, JobEvaluation.council_id == post.council_id)
        .order_by(JobEvaluation.evaluated_on.desc(), JobEvaluation.id.desc()).limit(1)).first()
    if latest is not None and latest.id == evaluation.id and post.je_score != score:
        audit.record("update", "post", post.id, before={"je_score": post.je_score}, after={"je_score": score},
                     reason=f"Re-evaluated on {when}")
        post.je_score = score
        db.session.flush()
    # The post's grade from the evaluation's date on, and what follows for its holders (a lower
    # grade protects those whose pay falls, issue 7; services/regrading.py).
    after = post_grades.fresh_timelines([post_id]).get(post_id, [])
    plan = regrading.plan({post_id: before}, {post_id: after}, post_grades.band_versions([post.council_id]),
                          evaluated_on)
    if plan.problems:
        raise DomainError("The evaluation cannot be recorded: " + "; ".join(plan.problems), field="evaluated_on")
    regrading.apply(plan, source="re-evaluation", source_ref=f"Job evaluation {evaluation.id}",
                    reason=f"re-evaluated on {when}")
    return evaluation
