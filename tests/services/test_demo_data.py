"""The demo generator: deterministic, and shaped like the councils' papers."""
from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from hrtool import create_app
from hrtool.domain.dates import age_on
from hrtool.extensions import db
from hrtool.models import Assignment, Employee, Employment, Post, Service, ServiceLead, TermsRecord
from hrtool.services.demo.workforce import DEMO_AS_OF, generate
from hrtool.services.people.records import as_at
from hrtool.services.rules.reference_data import load_reference_data

# DOMAIN.md section 1, written out here independently of the reference files.
SHARED_SERVICES = {
    "Technology": ("SBC", date(2011, 1, 1)),
    "Legal Services": ("SBC", date(2011, 4, 1)),
    "Human Resources": ("SBC", date(2011, 4, 1)),
    "Building Control": ("CCDC", date(2011, 1, 1)),
    "Revenues and Benefits": ("CCDC", date(2011, 4, 1)),
    "Finance": ("CCDC", date(2011, 4, 1)),
    "Audit, Risk and Resilience and Procurement": ("CCDC", date(2011, 4, 1)),
    "Pest Control": ("SBC", date(2018, 4, 1)),
    "Information Governance": ("CCDC", date(2018, 4, 1)),
}


def _fresh_app(tmp_path: Path, name: str):
    from flask_migrate import upgrade

    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / name}"})
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        load_reference_data()
        db.session.commit()
    return app


def _dump(app) -> dict[str, list[tuple]]:
    with app.app_context():
        out = {}
        for model in (Employee, Employment, Assignment, TermsRecord, Post):
            cols = [c for c in model.__table__.columns if c.key not in ("created_at", "recorded_at")]
            out[model.__tablename__] = [tuple(r) for r in db.session.execute(select(*cols).order_by(model.id))]
        return out


@pytest.fixture(scope="module")
def demo_apps(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("demo")
    apps = {}
    for name, seed in (("a", 11), ("b", 11), ("c", 12)):
        app = _fresh_app(tmp, f"{name}.sqlite3")
        with app.app_context():
            generate(600, seed)
            db.session.commit()
        apps[name] = app
    return apps


def test_same_seed_same_data_different_seed_different_data(demo_apps):
    a, b, c = (_dump(demo_apps[k]) for k in "abc")
    assert a == b
    assert a["employees"] != c["employees"]


def test_shared_services_carry_the_papers_leads_and_dates(demo_apps):
    with demo_apps["a"].app_context():
        leads = db.session.execute(
            select(Service.name, ServiceLead).join(ServiceLead).where(ServiceLead.status == "agreed")).all()
        found = {name: (lead.lead_council.code, lead.effective_from) for name, lead in leads}
    assert found == SHARED_SERVICES


def test_current_senior_structure_has_twelve_posts_held(demo_apps):
    with demo_apps["a"].app_context():
        rows = db.session.execute(as_at(DEMO_AS_OF).where(Post.tier.in_(["chief executive", "head of service"]))).all()
        by_tier = Counter((row[3].tier, row[3].council.code) for row in rows)
    assert by_tier == {("chief executive", "CCDC"): 1, ("chief executive", "SBC"): 1,
                       ("head of service", "CCDC"): 5, ("head of service", "SBC"): 5}


def test_workforce_shape_follows_the_papers(demo_apps):
    with demo_apps["a"].app_context():
        rows = db.session.execute(as_at(DEMO_AS_OF)).all()
        people = {row[0].id: row for row in rows}
        ages = [age_on(row[0].date_of_birth, DEMO_AS_OF) for row in people.values()]
        over_55 = sum(1 for a in ages if a >= 55) / len(ages)
        sexes = Counter(row[0].sex for row in people.values())
        part_time = sum(1 for row in people.values() if row[2].hours_per_week < 37)
        protected = sum(1 for row in people.values() if row[4].basis == "protected")
        shared_ids = {s for s, in db.session.execute(select(ServiceLead.service_id).where(ServiceLead.status == "agreed"))}
        in_shared = sum(1 for row in people.values() if row[3].service_id in shared_ids)
        transferred = db.session.scalar(select(Employment.id).where(Employment.began_by == "tupe").limit(1))
        everyone = db.session.scalar(select(func.count()).select_from(Employee))
        leavers = db.session.scalar(select(func.count()).select_from(Employment).where(
            Employment.end_date < DEMO_AS_OF, Employment.end_reason != "transferred to the lead authority"))
    assert everyone == 600
    assert 540 <= len(people) < 600 and leavers > 0  # about one in twenty has left
    assert 0.25 <= over_55 <= 0.45  # about a third over 55
    assert sexes["F"] > 100 and sexes["M"] > 100
    assert part_time > 50
    assert 0.2 <= in_shared / len(people) <= 0.42  # 31% in 2022
    assert protected > 0 and transferred is not None
