"""Migration 0011 (issue 13): an existing database gets the plausible date windows as rule
settings, each one that is absent, never overwriting one an administrator entered; downgrading
deletes exactly the rows it added. A new database gets them from `load-reference` instead."""
from __future__ import annotations

from datetime import date

from flask_migrate import downgrade, upgrade
from sqlalchemy import delete, select

from hrtool import ROOT, create_app
from hrtool.extensions import db
from hrtool.models import RuleSetting
from hrtool.services.rules.reference_data import date_window_settings, load_reference_data

MIGRATIONS = str(ROOT / "migrations")
ADMIN_KEY = "date_window.transfer_date.latest_years_ahead"


def _migrate(step, **kw) -> None:
    db.session.remove()  # no read left open across the migration's own connection (SQLite)
    step(directory=MIGRATIONS, **kw)


def _windows() -> dict[str, list[tuple[str, date, str]]]:
    rows = db.session.scalars(select(RuleSetting).where(RuleSetting.key.like("date_window.%"))
                              .order_by(RuleSetting.key, RuleSetting.effective_from)).all()
    found: dict[str, list[tuple[str, date, str]]] = {}
    for row in rows:
        found.setdefault(row.key, []).append((row.value, row.effective_from, row.description))
    return found


def test_existing_databases_get_the_absent_settings_and_downgrade_takes_back_only_those(tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "x",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'windows.sqlite3'}"})
    app.extensions["migrate"].directory = MIGRATIONS
    shipped = {key: value for key, value, _ in date_window_settings()}
    with app.app_context():
        # A new database: nothing to add until its reference data is loaded, which brings them.
        _migrate(upgrade)
        assert _windows() == {}
        load_reference_data()
        db.session.commit()
        assert {k: [v for v, _, _ in rows] for k, rows in _windows().items()} == {k: [v] for k, v in shipped.items()}
        _migrate(downgrade, revision="0010")  # it added none of them: none go
        assert len(_windows()) == len(shipped)

        # A database from before this release, where an administrator has already set one window.
        db.session.execute(delete(RuleSetting).where(RuleSetting.key.like("date_window.%")))
        db.session.add(RuleSetting(key=ADMIN_KEY, value="3", effective_from=date(2026, 1, 1),
                                   description="Our own limit"))
        db.session.commit()
        _migrate(upgrade)
        held = _windows()
        assert set(held) == set(shipped)
        assert held[ADMIN_KEY] == [("3", date(2026, 1, 1), "Our own limit")]  # never overwritten
        for key, rows in held.items():
            if key != ADMIN_KEY:
                assert [(v, d) for v, d, _ in rows] == [(shipped[key], date(2000, 4, 1))]
                assert rows[0][2].endswith("(Added to this database by the upgrade to revision 0011.)")

        # An administrator's later value of an added setting stays when going back down.
        db.session.add(RuleSetting(key="date_window.pay_year.latest_years_ahead", value="1",
                                   effective_from=date(2026, 6, 1), description="Plausible pay years"))
        db.session.commit()
        _migrate(downgrade, revision="0010")
        assert {k: [v for v, _, _ in rows] for k, rows in _windows().items()} == {
            ADMIN_KEY: ["3"], "date_window.pay_year.latest_years_ahead": ["1"]}
        _migrate(upgrade)
        assert set(_windows()) == set(shipped)
        db.session.remove()
        db.engine.dispose()
