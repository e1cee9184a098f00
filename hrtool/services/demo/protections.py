"""Demo pay protections: a realistic handful per council, made through the same paths
HR uses, so their schedules are the real ones:

- re-evaluations: a post with one or two holders re-evaluated into the grade below (the job
  evaluation hook moves the holders to the new grade's top point and protects them);
- regrades: someone on a career-grade scheme returned to the scheme's lower grade;
- protections recorded by hand with a reason (a move to a lower graded post in the same service).

Dates are fixed (the demo has no clock) and chosen around the demo's "now" (late 2026, see
demo_data.plan_phase2_transfers) so that some protections end within 30, 60 and 90 days. The
demo employee login's person (cli.create_demo_users picks the first person still on protected
terms) gets one, so "My pay protection" has something to show. Deterministic. The whole load is
one unit of work (the services it calls are `@transaction`s and join it; each attempt is a
savepoint undone if the person does not fit), committed at its end unless a caller's unit of work
holds it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from ...domain.grading import GradeBand
from ...errors import DomainError
from ...extensions import db
from ...models import (
    Assignment,
    Council,
    Employee,
    Employment,
    Post,
    Protection,
    TermsRecord,
)
from ..people.employees import AssignmentChange, change_assignment
from ..people.posts import bands_on
from ..people.records import spine_on
from ..platform.unit_of_work import unit_of_work
from ..protection.protections import create_protection


@dataclass(frozen=True)
class Plan:
    route: str  # re-evaluation / regrade / manual
    start: date


# CCDC's illustrative policy protects for 24 months, SBC's for 36: the first two of each end on
# 1 December 2026 and in January/February 2027, inside the 90-day window of the demo's "now".
PLANS = {
    "CCDC": [Plan("re-evaluation", date(2024, 12, 1)), Plan("manual", date(2025, 1, 6)),
             Plan("regrade", date(2025, 2, 3)), Plan("re-evaluation", date(2025, 9, 1)),
             Plan("manual", date(2026, 4, 1))],
    "SBC": [Plan("manual", date(2023, 12, 1)), Plan("re-evaluation", date(2024, 1, 8)),
            Plan("regrade", date(2024, 6, 3)), Plan("re-evaluation", date(2025, 4, 1)),
            Plan("manual", date(2025, 11, 3))],
}
DEMO_EMPLOYEE_START = date(2025, 10, 1)


def _band_below(bands: list[GradeBand], grade: str | None) -> tuple[GradeBand, GradeBand] | None:
    ordered = sorted(bands, key=lambda b: b.points_min)
    names = [b.grade for b in ordered]
    if grade not in names or names.index(grade) == 0:
        return None
    index = names.index(grade)
    return ordered[index], ordered[index - 1]


def _candidates(council_id: int, start: date, taken: set[int]) -> list[tuple[Employee, Assignment, Post]]:
    """People on the spine with one open assignment that began before `start` and nothing later."""
    rows = db.session.execute(
        select(Employee, Assignment, Post).join(Employment, Employment.employee_id == Employee.id)
        .join(Assignment, Assignment.employment_id == Employment.id).join(Post, Post.id == Assignment.post_id)
        .where(Employment.employer_id == council_id, Employment.end_date.is_(None), Employment.start_date < start,
               Assignment.effective_to.is_(None), Assignment.effective_from < start, Assignment.scp.is_not(None),
               Assignment.local_salary.is_(None), Post.band_min.is_(None), Post.grade.is_not(None))
        .order_by(Employee.id).limit(300)).all()  # a few hundred to choose from, whatever the workforce size
    return [(e, a, p) for e, a, p in rows if e.id not in taken]


def _holders(post_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(Assignment).where(
        Assignment.post_id == post_id, Assignment.effective_to.is_(None))) or 0


def _attempt(plan: Plan, council: Council, employee: Employee, assignment: Assignment, post: Post) -> int:
    """Make one protection by the plan's route; the number made (0 if this person does not fit)."""
    from ...domain.job_evaluation import profile_for
    from ..pay.jes import scheme
    from ..pay.job_evaluations import DEMO_PANEL, record_evaluation

    pair = _band_below(bands_on(council.id, plan.start), post.grade)
    _, spine = spine_on(plan.start)
    if pair is None or assignment.scp is None or assignment.scp not in spine:
        return 0
    band, lower = pair
    if plan.route == "re-evaluation":
        if _holders(post.id) > 2:
            return 0
        _, factor_plan = scheme.plan_on(plan.start)
        levels = profile_for((lower.points_min + lower.points_max) // 2, factor_plan)  # a score within the band below
        record_evaluation(post.id, council.id, plan.start, levels, panel=DEMO_PANEL, today=plan.start,
                          notes="Duties reviewed: budget responsibility moved to the service manager")
        return db.session.scalar(select(func.count()).select_from(Protection).where(
            Protection.new_post_id == post.id, Protection.start_date == plan.start)) or 0
    # Both other routes move the person to a post graded at the grade below in the same service,
    # at its top point, so their point stays within their post's grade (`hrtool check`).
    new_post = db.session.scalars(select(Post).where(
        Post.council_id == council.id, Post.service_id == post.service_id, Post.grade == lower.grade,
        Post.closed_on.is_(None), Post.band_min.is_(None)).order_by(Post.id).limit(1)).first()
    if new_post is None:
        return 0
    new_scp = lower.scp_max
    if plan.route == "regrade":
        why = (f"Career-grade scheme: returned to the {lower.grade} post after the professional qualification was "
               "not completed")
    else:
        why = ("Redeployed at their request to a lower graded post on health grounds, on occupational health advice; "
               "protection agreed under the council's policy")
    change_assignment(assignment.id, AssignmentChange(plan.start, new_post.id, assignment.hours_per_week, new_scp,
                                                      None, why))
    if new_scp not in spine or spine[new_scp] >= spine[assignment.scp]:
        raise DomainError("no drop in pay")
    create_protection(employee_id=employee.id, start_date=plan.start, source=plan.route,
                      source_ref=f"{post.post_number} to {new_post.post_number}" if new_post is not post
                      else f"{post.post_number} {band.grade} to {lower.grade}",
                      reason=why, old_salary=spine[assignment.scp], new_salary=spine[new_scp],
                      hours_per_week=assignment.hours_per_week, old_post_id=post.id, new_post_id=new_post.id,
                      old_grade=band.grade, new_grade=lower.grade, new_scp=new_scp, council_id=council.id)
    return 1


def _demo_employee() -> Employee | None:
    """The person cli.create_demo_users links the demo employee login to (same query)."""
    return db.session.scalars(
        select(Employee).join(Employment).join(TermsRecord)
        .where(TermsRecord.basis == "protected", TermsRecord.effective_to.is_(None), Employment.end_date.is_(None))
        .order_by(Employee.id).limit(1)).first()


def load_demo_protections() -> int:
    with unit_of_work():
        return _load()


def _load() -> int:
    made = 0
    taken: set[int] = set()
    demo_person = _demo_employee()
    if demo_person is not None:
        taken.add(demo_person.id)
        row = db.session.execute(
            select(Assignment, Post, Employment).join(Employment).join(Post, Post.id == Assignment.post_id)
            .where(Employment.employee_id == demo_person.id, Employment.end_date.is_(None),
                   Assignment.effective_to.is_(None))).first()
        if row is not None and row[0].effective_from < DEMO_EMPLOYEE_START:
            assignment, post, employment = row
            council = db.session.get(Council, employment.employer_id)
            assert council is not None, "employer_id is a non-null foreign key"
            made += (_try(Plan("manual", DEMO_EMPLOYEE_START), council, demo_person, assignment, post)
                     or _try(Plan("regrade", DEMO_EMPLOYEE_START), council, demo_person, assignment, post))
    for code, plans in PLANS.items():
        council = db.session.scalars(select(Council).where(Council.code == code)).one()
        for plan in plans:
            for employee, assignment, post in _candidates(council.id, plan.start, taken):
                done = _try(plan, council, employee, assignment, post)
                if done:
                    made += done
                    taken.update(db.session.scalars(select(Protection.employee_id)))
                    break
    return made


def _try(plan: Plan, council: Council, employee: Employee, assignment: Assignment, post: Post) -> int:
    """One attempt, undone if the person's record does not allow it."""
    savepoint = db.session.begin_nested()
    try:
        done = _attempt(plan, council, employee, assignment, post)
    except DomainError:
        savepoint.rollback()
        return 0
    if done:
        savepoint.commit()
    else:
        savepoint.rollback()
    return done
