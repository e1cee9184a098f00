"""The checkers `hrtool check` runs, one per kind of derived fact (services/platform/derived.py).

Each yields a Drift for every difference between what is held and what its sources give now,
and 1 for every record it checked. They use the same functions that keep the facts up to date,
so a difference means a source changed without its dependents being recomputed."""
from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, exists, or_, select

from ...domain.grading import DatedGrade, grade_in_force
from ...extensions import db
from ...models import (
    Assignment,
    Employee,
    Employment,
    GradeBand,
    Letter,
    Post,
    PostGrade,
    Protection,
    TermsRecord,
)
from ..pay.post_grades import fresh_timelines, held_timelines
from .check import CheckFn, Drift, text


def protection_schedules(on: date) -> Iterator[Drift | int]:
    """Every protection against a fresh computation from its sources (services/protection/protections.py):
    its end date and reason, its start-date salaries, SCP and hours (kept in step with the spine
    and the person's record), and each stored month. And its adjustments: each one's difference is
    due minus paid, and for every month adjusted the latest adjustment's due is what the month
    holds now (0 if the month is no longer in the schedule), because a month already paid changes
    only through an adjustment."""
    from ...domain.pay import to_pennies
    from ..protection.protections import compute, end_reason

    for record in db.session.scalars(select(Protection).order_by(Protection.id)).all():
        ref = f"protection {record.id}"
        end, months, inputs = compute(record)
        if record.ends_on != end.ends_on:
            yield Drift("protection_schedule", ref, "ends_on", text(record.ends_on), text(end.ends_on))
        reason = end_reason(end, inputs)
        if record.end_reason != reason:
            yield Drift("protection_schedule", ref, "end_reason", record.end_reason, reason)
        for name, fresh_value in (("old_salary", to_pennies(inputs.old_salary)),
                                  ("new_salary", to_pennies(inputs.new_salary[0][1])),
                                  ("new_scp", inputs.new_scp), ("hours_per_week", inputs.hours[0][1])):
            if getattr(record, name) != fresh_value:
                yield Drift("protection_schedule", ref, name, text(getattr(record, name)), text(fresh_value))
        held = {row.month: row for row in record.months}
        yield from _month_drifts(ref, held, {m.month: m for m in months}, inputs)
        yield from _adjustment_drifts(ref, record, held)
        yield 1


def _month_drifts(ref: str, held: dict[date, Any], fresh: dict[date, Any], inputs: Any) -> Iterator[Drift]:
    """Each stored month of a protection against the fresh schedule's."""
    from ..protection.protections import month_projected

    for month in sorted(set(held) | set(fresh)):
        h, f = held.get(month), fresh.get(month)
        where = f"{ref} {month:%Y-%m}"
        if h is None or f is None:
            yield Drift("protection_schedule", where, "month",
                        "held" if h else "missing", "due" if f else "not due")
            continue
        for name in ("new_salary", "protection", "payment", "phase"):
            if getattr(h, name) != getattr(f, name):
                yield Drift("protection_schedule", where, name, text(getattr(h, name)), text(getattr(f, name)))
        if h.projected != month_projected(month, inputs):
            yield Drift("protection_schedule", where, "projected", text(h.projected),
                        text(month_projected(month, inputs)))


def _adjustment_drifts(ref: str, record: Protection, held: dict[date, Any]) -> Iterator[Drift]:
    """A protection's adjustments: each difference is due minus paid, and each adjusted month's
    latest due is what the month holds now."""
    latest = {}
    for adjustment in sorted(record.adjustments, key=lambda a: a.id):
        where = f"{ref} {adjustment.month:%Y-%m}"
        if adjustment.difference != adjustment.due - adjustment.paid:
            yield Drift("protection_adjustment", where, "difference", text(adjustment.difference),
                        text(adjustment.due - adjustment.paid))
        latest[adjustment.month] = adjustment
    for month, adjustment in sorted(latest.items()):
        now = held[month].payment if month in held else Decimal("0.00")
        if adjustment.due != now:
            yield Drift("protection_adjustment", f"{ref} {month:%Y-%m}", "due", text(adjustment.due), text(now))


def letter_hashes(on: date) -> Iterator[Drift | int]:
    """Every issued letter's stored SHA-256 against the hash of its stored bytes."""
    rows = db.session.execute(select(Letter.reference, Letter.pdf, Letter.sha256).order_by(Letter.id)
                              .execution_options(yield_per=200))
    for reference, pdf, stored in rows:
        computed = hashlib.sha256(pdf).hexdigest()
        if computed != stored:
            yield Drift("letter_hash", f"letter {reference}", "sha256", stored, computed)
        yield 1


def cached_figures(on: date) -> Iterator[Drift | int]:
    """Every dashboard figure this process would serve from its cache, against a fresh count."""
    from .figures_cache import live_entries

    for key, held, compute in live_entries():
        fresh = compute()
        if fresh != held:
            yield Drift("cached_figure", f"figure {key}", "value", text(held)[:200], text(fresh)[:200])
        yield 1


def post_grades(on: date) -> Iterator[Drift | int]:
    """Every post's held dated grades (post_grades) against a fresh timeline from its sources:
    its job evaluation scores and its council's band versions (services/pay/post_grades.py). All
    dates, not just `on`: a grade written ahead must be right before its day comes."""
    numbers = dict(db.session.execute(select(Post.id, Post.post_number)).all())
    fresh = fresh_timelines()
    held = held_timelines()
    for post_id in sorted(set(fresh) | set(held), key=lambda i: numbers.get(i, "")):
        ref = f"post {numbers.get(post_id, post_id)}"
        was, now = held.get(post_id, []), fresh.get(post_id, [])
        if was != now:
            days = sorted({r.effective_from for r in (*was, *now)}
                          | {r.effective_to + timedelta(days=1) for r in (*was, *now) if r.effective_to is not None})
            for day in days:
                h, f = grade_in_force(was, day), grade_in_force(now, day)
                if h is None and f is None:
                    continue
                if (h.grade if h else None) != (f.grade if f else None) or (h is None) != (f is None):
                    yield Drift("post_grades", ref, f"grade from {day.isoformat()}",
                                text(h.grade) if h else "no row", text(f.grade) if f else "no row")
                elif h is not None and f is not None and h != f and (h.effective_from == day or f.effective_from == day):
                    yield Drift("post_grades", ref, f"row from {day.isoformat()}", _grade_row(h), _grade_row(f))
        yield 1


def evaluation_points(on: date) -> Iterator[Drift | int]:
    """Every job evaluation with factor levels: its scheme version is the one in force
    on its date, each factor's points and its total are that version's, and each post's recorded
    score is its latest grading evaluation's under its own council's conventions."""
    from sqlalchemy.orm import selectinload

    from ...domain.job_evaluation import in_force, score
    from ...models import JobEvaluation
    from ...models.grading import GRADING_STATUSES
    from ..pay.jes import scheme

    versions = scheme.versions()
    plans = {v.effective_from: (v.id, scheme.as_plan(v)) for v in versions}
    evaluations = db.session.scalars(select(JobEvaluation).options(selectinload(JobEvaluation.factors))
                                     .where(JobEvaluation.scheme_version_id.is_not(None))
                                     .order_by(JobEvaluation.id)).all()
    for evaluation in evaluations:
        ref = f"job evaluation {evaluation.id}"
        plan = in_force([p for _, p in plans.values()], evaluation.evaluated_on)
        if plan is None:
            yield Drift("evaluation_points", ref, "scheme version", text(evaluation.scheme_version_id), "none in force")
            yield 1
            continue
        version_id = plans[plan.effective_from][0]
        if evaluation.scheme_version_id != version_id:
            yield Drift("evaluation_points", ref, "scheme version", text(evaluation.scheme_version_id), text(version_id))
        rows = sorted(evaluation.factors, key=lambda f: f.factor_number)
        try:
            fresh = score([f.level for f in rows], plan)
        except ValueError as error:
            yield Drift("evaluation_points", ref, "levels", ", ".join(str(f.level) for f in rows), str(error))
            yield 1
            continue
        for row, scored in zip(rows, fresh.factors, strict=True):
            if row.points != scored.points:
                yield Drift("evaluation_points", ref, f"factor {row.factor_number} points", text(row.points),
                            text(scored.points))
        if evaluation.score != fresh.points:
            yield Drift("evaluation_points", ref, "points", text(evaluation.score), text(fresh.points))
        yield 1
    latest: dict[int, tuple[date, int, int]] = {}
    for post_id, evaluated_on, evaluation_id, points in db.session.execute(
            select(JobEvaluation.post_id, JobEvaluation.evaluated_on, JobEvaluation.id, JobEvaluation.score)
            .join(Post, Post.id == JobEvaluation.post_id)
            .where(JobEvaluation.council_id == Post.council_id, JobEvaluation.status.in_(GRADING_STATUSES))):
        if post_id not in latest or (evaluated_on, evaluation_id) > latest[post_id][:2]:
            latest[post_id] = (evaluated_on, evaluation_id, points)
    for post_id, number, held in db.session.execute(select(Post.id, Post.post_number, Post.je_score)):
        if post_id in latest and held != latest[post_id][2]:
            yield Drift("evaluation_points", f"post {number}", "je_score", text(held), text(latest[post_id][2]))


def _grade_row(row: DatedGrade | None) -> str:
    if row is None:
        return "no row"
    return (f"{row.effective_from} to {row.effective_to or 'open'}, {row.je_score} points, "
            f"{row.grade or 'no grade'}, bands {row.convention_id}")


def person_grades(on: date) -> Iterator[Drift | int]:
    """On the check date, each person in a post on the NJC spine (a point, no local salary) whose
    point is outside the SCP range of their post's grade that day. People on protected (TUPE)
    terms are left out: they keep the pay they transferred with, not the new employer's grading
    (services/pay/regrading.py). Posts with no grade (above the top grade) have no range."""
    def in_force(model: Any) -> Any:
        return and_(model.effective_from <= on, or_(model.effective_to.is_(None), model.effective_to >= on))

    protected = exists().where(TermsRecord.employment_id == Employment.id, TermsRecord.basis == "protected",
                               in_force(TermsRecord))
    rows = db.session.execute(
        select(Employee.person_number, Post.post_number, Assignment.scp, PostGrade.grade, GradeBand.scp_min,
               GradeBand.scp_max)
        .select_from(Assignment)
        .join(Employment, Employment.id == Assignment.employment_id)
        .join(Employee, Employee.id == Employment.employee_id)
        .join(Post, Post.id == Assignment.post_id)
        .join(PostGrade, and_(PostGrade.post_id == Post.id, in_force(PostGrade)))
        .join(GradeBand, and_(GradeBand.convention_id == PostGrade.convention_id, GradeBand.grade == PostGrade.grade))
        .where(in_force(Assignment), Assignment.scp.is_not(None), Assignment.local_salary.is_(None), ~protected)
        .order_by(Employee.person_number))
    for number, post_number, scp, grade, scp_min, scp_max in rows:
        assert scp is not None, "only assignments with an SCP are selected"
        if not scp_min <= scp <= scp_max:
            yield Drift("person_grades", f"person {number}", f"SCP in the grade of post {post_number}",
                        f"SCP {scp}", f"{grade}: SCP {scp_min} to {scp_max}")
        yield 1


CHECKERS: dict[str, CheckFn] = {
    "evaluation_points": evaluation_points,
    "post_grades": post_grades,
    "person_grades": person_grades,
    "cached_figures": cached_figures,
    "protection_schedules": protection_schedules,
    "letter_hashes": letter_hashes,
}
