"""Test data: the session database's contents, and small builders for hand-made histories."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import select, text

from hrtool.cli import DEMO_USERS, create_demo_users
from hrtool.extensions import db
from hrtool.models import Assignment, Council, Employee, Employment, Post, Service, TermsRecord
from hrtool.services.demo.workforce import generate
from hrtool.services.rules.reference_data import load_reference_data

DEMO_PASSWORDS = {username: password for username, _, password, _ in DEMO_USERS}
SESSION_EMPLOYEES = 120
SESSION_SEED = 7


def reset_schema() -> None:
    """Empty the database (PostgreSQL reruns reuse it)."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))


def prepare_database(app: Flask) -> None:
    reset_schema()
    upgrade(directory=app.extensions["migrate"].directory)
    load_reference_data()
    generate(SESSION_EMPLOYEES, SESSION_SEED)
    create_demo_users()
    db.session.commit()
    create_sample_harmonisation_model()


def create_sample_harmonisation_model() -> None:
    """Harmonisation model 1, run, so the role matrix reaches the pages about one model."""
    from hrtool.services.demo.workforce import DEMO_AS_OF
    from hrtool.services.harmonisation import harmonisation

    harmonisation.run_model(harmonisation.create_model("Session model", "", DEMO_AS_OF, "council:CCDC"))
    db.session.commit()


def council(code: str) -> Council:
    return db.session.scalars(select(Council).where(Council.code == code)).one()


def service(name: str) -> Service:
    return db.session.scalars(select(Service).where(Service.name == name)).one()


_seq = iter(range(1, 10**6))


def make_post(council_code: str = "SBC", service_name: str = "Licensing", **kw: Any) -> Post:
    n = next(_seq)
    post = Post(post_number=kw.pop("post_number", f"T{n:06d}"), council_id=council(council_code).id,
                service_id=service(service_name).id, title=kw.pop("title", f"Test post {n}"),
                established_on=kw.pop("established_on", date(2000, 1, 1)), **kw)
    db.session.add(post)
    db.session.flush()
    from hrtool.services.platform.derived import settle

    settle()  # its dated grades (post_grades), as a unit of work would before committing
    return post


def make_employee(**kw: Any) -> Employee:
    n = next(_seq)
    employee = Employee(person_number=kw.pop("person_number", f"X{n:07d}"), first_name=kw.pop("first_name", "Test"),
                        last_name=kw.pop("last_name", f"Person{n}"), date_of_birth=kw.pop("date_of_birth", date(1980, 5, 17)),
                        sex=kw.pop("sex", "F"), continuous_service_date=kw.pop("continuous_service_date", date(2010, 1, 4)),
                        **kw)
    db.session.add(employee)
    db.session.flush()
    return employee


def employ(employee: Employee, employer: str, start: date, end: date | None = None, **kw: Any) -> Employment:
    employment = Employment(employee_id=employee.id, employer_id=council(employer).id, start_date=start,
                            end_date=end, **kw)
    db.session.add(employment)
    db.session.flush()
    return employment


def assign(employment: Employment, post: Post, start: date, end: date | None = None, *, scp: int | None = 10,
           hours: str = "37", reason: str = "test") -> Assignment:
    a = Assignment(employment_id=employment.id, post_id=post.id, effective_from=start, effective_to=end,
                   scp=scp, hours_per_week=Decimal(hours), reason=reason)
    db.session.add(a)
    db.session.flush()
    return a


def own_terms(employment: Employment, start: date, end: date | None = None) -> TermsRecord:
    t = TermsRecord(employment_id=employment.id, basis="own", terms_council_id=employment.employer_id,
                    effective_from=start, effective_to=end, reason="test")
    db.session.add(t)
    db.session.flush()
    return t


def make_postholder(employer: str = "SBC", *, scp: int | None = 10, post: Post | None = None,
                    since: date = date(2015, 4, 1)) -> Employee:
    """A person employed since `since` on their employer's own terms, holding `post` (a new
    Licensing post of the employer if none) on `scp`."""
    person = make_employee()
    employment = employ(person, employer, since)
    assign(employment, post or make_post(employer, "Licensing"), since, scp=scp)
    own_terms(employment, since)
    return person


def levels_scoring(points: int, on: date) -> list[int]:
    """13 factor levels whose points under the scheme in force on `on` are exactly `points` (the
    tests that need a particular total to test grading, not the scheme's arithmetic)."""
    from hrtool.domain.job_evaluation import profile_for, score
    from hrtool.services.pay.jes import scheme

    _, plan = scheme.plan_on(on)
    levels = profile_for(points, plan)
    assert score(levels, plan).points == points, f"no profile scores exactly {points}"
    return levels


def evaluate(post: Post, council_code: str, points: int, on: date, today: date, notes: str = "", **kw: Any) -> Any:
    """An agreed evaluation of `post` by a joint panel, with levels scoring exactly `points`."""
    from hrtool.services.pay import job_evaluations

    return job_evaluations.record_evaluation(post.id, council(council_code).id, on, levels_scoring(points, on),
                                             panel=job_evaluations.DEMO_PANEL, notes=notes, today=today, **kw)
