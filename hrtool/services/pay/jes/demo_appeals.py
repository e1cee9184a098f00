"""Demo job evaluation appeals: one under way and one decided (upheld, with its letter),
for people who hold a post evaluated factor by factor. Run after the demo evaluations exist;
does nothing if any appeal is held (idempotent). Fictional people and words."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from ....extensions import db
from ....models import EvaluationAppeal, JobEvaluation, Post, User
from .. import job_evaluations
from . import appeals

# The appeal panel the demo names (fictional people).
DEMO_APPEAL_PANEL = (job_evaluations.Member("Jordan Reeves", "management", "Assistant Director, Resources"),
                     job_evaluations.Member("Priya Shah", "union", "UNISON branch secretary"))
FINDINGS = {
    10: ("The panel found the post supervises the work of the team leaders' staff day to day, which the "
         "evaluation had not taken into account."),
}
GENERIC_FINDING = ("The panel found the duties the job description now sets out, and the employee described, fit "
                   "the higher level of this factor.")
REASONS = {
    10: "I supervise the team leaders as well as the staff of my own team, and plan the rota for all of them.",
    5: "I decide how cases are handled without anyone checking my decisions first.",
}
GENERIC_REASON = "The job description has grown since the evaluation: I now do this part of the work every week."


def _candidates(today: date) -> list[tuple[int, JobEvaluation, appeals.Standing]]:
    """(employee id, evaluation, standing) for people with no login who hold a post whose latest
    evaluation has factor levels, one per post, in post order, with the day they could lodge."""
    with_login = set(db.session.scalars(select(User.employee_id).where(User.employee_id.is_not(None))))
    posts = db.session.scalars(select(Post).join(JobEvaluation, JobEvaluation.post_id == Post.id).where(
        JobEvaluation.scheme_version_id.is_not(None), JobEvaluation.council_id == Post.council_id,
        JobEvaluation.status.in_(("agreed", "confirmed"))).distinct().order_by(Post.id).limit(400))
    from ...people.posts import holders_over_time

    found = []
    for post in posts:
        holders = [h for h in holders_over_time(post.id) if h.employee_id not in with_login
                   and h.effective_from <= today and (h.effective_to is None or h.effective_to >= today)]
        for holder in holders[:1]:
            for standing in appeals.standing(holder.employee_id, today):
                evaluation = standing.evaluation
                if standing.post.id == post.id and evaluation is not None and not evaluation.total_only:
                    found.append((holder.employee_id, evaluation, standing))
        if len(found) >= 2:
            break
    return found


def _ground(evaluation: JobEvaluation) -> appeals.Ground:
    rows = appeals.factor_rows(evaluation)
    row = next((r for r in rows if r.number == 10 and r.level < r.top), None) or next(
        r for r in rows if r.level < r.top)
    return appeals.Ground(row.number, REASONS.get(row.number, GENERIC_REASON), row.level + 1)


def _lodged_on(evaluation: JobEvaluation, standing: appeals.Standing, today: date) -> date:
    """A day within the appeal window (a few weeks after it opened), never after today."""
    window_from = standing.window_from or evaluation.evaluated_on
    return min(window_from + timedelta(days=20), today)


def add_demo_appeals(today: date) -> int:
    """One appeal under way and one decided (upheld, the letter issued). Returns how many were
    made (0 if appeals exist, or no one holds a post evaluated factor by factor)."""
    if db.session.scalar(select(EvaluationAppeal.id).limit(1)) is not None:
        return 0
    made = 0
    for n, (employee_id, evaluation, standing) in enumerate(_candidates(today)):
        ground = _ground(evaluation)
        lodged_on = _lodged_on(evaluation, standing, today)
        if lodged_on > (standing.last_day or today):
            continue  # the window closed before today could reach it: not a lawful demo appeal
        appeal = appeals.lodge(evaluation.id, employee_id, [ground], lodged_on, today=lodged_on)
        made += 1
        if n == 0:
            decided_on = min(lodged_on + timedelta(days=28), today)
            appeals.decide(appeal.id, "upheld", {ground.factor: ground.level_sought or 1}, decided_on=decided_on,
                           effective_from=evaluation.evaluated_on, appeal_panel=DEMO_APPEAL_PANEL,
                           notes=FINDINGS.get(ground.factor, GENERIC_FINDING), today=today)
    return made
