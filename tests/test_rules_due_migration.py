"""Migration 0014 (issue 14): an existing database gets the tolerances `hrtool rules status` needs
(only keys it lacks, never over an administrator's value); downgrading deletes only what it added.
A new database gets them from `load-reference` instead."""
from __future__ import annotations

from flask_migrate import downgrade, upgrade
from sqlalchemy import delete, select

from hrtool import ROOT, create_app
from hrtool.extensions import db
from hrtool.models import RuleSetting
from hrtool.services.rules.reference_data import load_reference_data

MIGRATIONS = str(ROOT / "migrations")
KEYS = ("pay_award_overdue_days", "statutory_limit_overdue_days", "policy_review_overdue_days")


def _migrate(step, **kw) -> None:
    db.session.remove()  # no read left open across the migration's own connection (SQLite)
    step(directory=MIGRATIONS, **kw)


def _held() -> dict[str, str]:
    return {s.key: s.value for s in db.session.scalars(select(RuleSetting).where(RuleSetting.key.in_(KEYS)))}


def test_existing_databases_get_the_tolerances_and_downgrade_takes_back_only_those(tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "x",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'due.sqlite3'}"})
    app.extensions["migrate"].directory = MIGRATIONS
    with app.app_context():
        _migrate(upgrade)
        assert _held() == {}  # an empty database: load-reference brings them
        load_reference_data()
        db.session.commit()
        assert _held() == {"pay_award_overdue_days": "334", "statutory_limit_overdue_days": "0",
                           "policy_review_overdue_days": "0"}
        _migrate(downgrade, revision="0013")  # it added none of them: none go
        assert len(_held()) == 3

        # A database from before this release, where an administrator has already set one of them.
        db.session.execute(delete(RuleSetting).where(RuleSetting.key.in_(KEYS[:2])))
        db.session.scalars(select(RuleSetting).where(RuleSetting.key == KEYS[2])).one().value = "30"
        db.session.commit()
        _migrate(upgrade)
        assert _held() == {"pay_award_overdue_days": "334", "statutory_limit_overdue_days": "0",
                           "policy_review_overdue_days": "30"}
        _migrate(downgrade, revision="0013")
        assert _held() == {"policy_review_overdue_days": "30"}
        _migrate(upgrade)
    with app.app_context():
        db.engine.dispose()
