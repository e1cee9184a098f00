"""Job evaluations of posts. Each evaluation is kept; the post's score and grade follow its
latest evaluation under its own council's conventions, graded by that council's current bands."""
from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from ..errors import DomainError
from ..extensions import db
from ..models import JobEvaluation, Post
from . import audit
from .posts import grade_for

FACTORS = [
    "Knowledge", "Mental skills", "Interpersonal and communication skills", "Physical skills",
    "Initiative and independence", "Physical demands", "Mental demands", "Emotional demands",
    "Responsibility for people", "Responsibility for supervision", "Responsibility for financial resources",
    "Responsibility for physical resources", "Working conditions",
]  # the NJC job evaluation scheme's 13 factors


def history(post_id: int) -> list[JobEvaluation]:
    return list(db.session.scalars(select(JobEvaluation).where(JobEvaluation.post_id == post_id)
                                   .order_by(JobEvaluation.evaluated_on.desc(), JobEvaluation.id.desc())))


def record_evaluation(post_id: int, council_id: int, score: int, evaluated_on: date, panel: str,
                      factor_levels: dict[str, Any] | None, notes: str, today: date) -> JobEvaluation:
    post = db.session.get(Post, post_id)
    if post is None:
        raise DomainError("That post no longer exists")
    if evaluated_on > today:
        raise DomainError("An evaluation cannot be dated in the future", field="evaluated_on")
    actor_id, _ = audit._actor()
    evaluation = JobEvaluation(post_id=post_id, council_id=council_id, score=score, evaluated_on=evaluated_on,
                               panel=panel.strip(), factor_levels=factor_levels or None, notes=notes.strip(),
                               recorded_by_id=actor_id)
    db.session.add(evaluation)
    db.session.flush()
    audit.record("create", "job_evaluation", evaluation.id, reason=notes.strip(), after={
        "post": post.post_number, "council_id": council_id, "score": score, "evaluated_on": evaluated_on.isoformat(),
        "panel": evaluation.panel, "factor_levels": evaluation.factor_levels})
    latest = db.session.scalars(
        select(JobEvaluation).where(JobEvaluation.post_id == post_id, JobEvaluation.council_id == post.council_id)
        .order_by(JobEvaluation.evaluated_on.desc(), JobEvaluation.id.desc()).limit(1)).first()
    if latest is not None and latest.id == evaluation.id:
        before = audit.snapshot(post, ["je_score", "grade"])
        post.je_score = score
        post.grade = grade_for(post.council_id, score, today)
        was, now = audit.changed(before, audit.snapshot(post, ["je_score", "grade"]))
        if now:
            audit.record("update", "post", post.id, before=was, after=now,
                         reason=f"Re-evaluated on {evaluated_on:%d/%m/%Y}")
        if "grade" in now:  # a lower grade protects holders whose pay falls (issue 7)
            from .protections import protect_holders_after_regrade

            protect_holders_after_regrade(post.id, was.get("grade"), post.grade, evaluated_on,
                                          source_ref=f"Job evaluation {evaluation.id}")
    return evaluation
