"""Migration 0012 (issue 14): an existing database gets every statutory week's pay cap it lacks
(October 2009 to April 2026), never overwriting a value an administrator entered, a service date
for redundancy on each person, and the at-risk letter's new wording where it still has the
shipped one; downgrading deletes exactly what it added. A new database gets the caps and wording
from `load-reference` instead."""
from __future__ import annotations

import csv
import importlib.util
from datetime import date
from decimal import Decimal

from flask_migrate import downgrade, upgrade
from sqlalchemy import delete, inspect, select

from hrtool import ROOT, create_app
from hrtool.extensions import db
from hrtool.models import LetterTemplate, LetterTemplateVersion, StatutoryLimit
from hrtool.services.letters.letters import _read_seed
from hrtool.services.rules.reference_data import load_reference_data

MIGRATIONS = str(ROOT / "migrations")
CAP = "statutory_redundancy_week_pay_cap"
ADDED = "(Added to this database by the upgrade to revision 0012.)"


def _migrate(step, **kw) -> None:
    db.session.remove()  # no read left open across the migration's own connection (SQLite)
    step(directory=MIGRATIONS, **kw)


def _caps() -> dict[date, tuple[Decimal, str]]:
    return {row.effective_from: (row.value, row.source) for row in db.session.scalars(
        select(StatutoryLimit).where(StatutoryLimit.name == CAP))}


def _shipped() -> dict[date, Decimal]:
    with (ROOT / "hrtool" / "reference_data" / "statutory_limits.csv").open(encoding="utf-8") as handle:
        return {date.fromisoformat(r["effective_from"]): Decimal(r["value_gbp"]) for r in csv.DictReader(handle)}


def _migration():
    spec = importlib.util.spec_from_file_location(
        "m0012", ROOT / "migrations" / "versions" / "0012_redundancy_service_date_and_limits.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _at_risk() -> list[tuple[int, str, str]]:
    template = db.session.scalar(select(LetterTemplate).where(LetterTemplate.key == "at_risk"))
    return [(v.version, v.body, v.note) for v in db.session.scalars(
        select(LetterTemplateVersion).where(LetterTemplateVersion.template_id == template.id)
        .order_by(LetterTemplateVersion.version))]


def _columns() -> set[str]:
    return {c["name"] for c in inspect(db.engine).get_columns("employees")}


def test_an_old_database_gets_the_missing_caps_and_keeps_an_administrators_value(tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "x",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'limits.sqlite3'}"})
    app.extensions["migrate"].directory = MIGRATIONS
    shipped = _shipped()
    # The caps of October 2009 to April 2026, as the Orders set them (the file this release ships).
    assert shipped[date(2009, 10, 1)] == 380 and shipped[date(2026, 4, 6)] == 751 and len(shipped) == 17
    with app.app_context():
        # A new database: nothing to add until its reference data is loaded, which brings them all.
        _migrate(upgrade)
        assert _caps() == {} and "redundancy_service_date" in _columns()
        load_reference_data()
        db.session.commit()
        assert {on: value for on, (value, _) in _caps().items()} == shipped

        # A database from before this release: the four caps of 2022 to 2025 it was made with, and
        # an administrator's own (different) value for 6 April 2026.
        _migrate(downgrade, revision="0011")
        assert "redundancy_service_date" not in _columns()
        assert len(_caps()) == len(shipped)  # load-reference's rows are not the migration's to take back
        db.session.execute(delete(StatutoryLimit).where(StatutoryLimit.effective_from < date(2022, 4, 6)))
        db.session.execute(delete(StatutoryLimit).where(StatutoryLimit.effective_from == date(2026, 4, 6)))
        db.session.add(StatutoryLimit(name=CAP, effective_from=date(2026, 4, 6), value=Decimal("750.00"),
                                      source="Our own entry"))
        # ... and the at-risk letter as shipped before this release.
        wording = _migration()
        version = db.session.scalar(select(LetterTemplateVersion).join(LetterTemplate)
                                    .where(LetterTemplate.key == "at_risk"))
        # load-reference ships the wording of this release's file (reworded again since, issue 15)
        assert version.body == _read_seed("at_risk")[1]
        version.body = wording.AT_RISK_BEFORE
        db.session.commit()
        assert sorted(_caps()) == [date(2022, 4, 6), date(2023, 4, 6), date(2024, 4, 6), date(2025, 4, 6),
                                   date(2026, 4, 6)]

        _migrate(upgrade)
        held = _caps()
        assert set(held) == set(shipped)
        assert held[date(2026, 4, 6)] == (Decimal("750.00"), "Our own entry")  # never overwritten
        assert held[date(2022, 4, 6)][1] == "Employment Rights (Increase of Limits) Order 2022"  # was there
        for on in (date(2009, 10, 1), date(2011, 2, 1), date(2018, 4, 6), date(2021, 4, 6)):
            value, source = held[on]
            assert value == shipped[on] and source.endswith(ADDED)
        assert "redundancy_service_date" in _columns()
        # The shipped wording gets a new version stating the service date and notice.
        assert [(n, b) for n, b, _ in _at_risk()] == [(1, wording.AT_RISK_BEFORE), (2, wording.AT_RISK_AFTER)]
        assert "{{ notice.to_give }}" in wording.AT_RISK_AFTER

        # Going back down takes away only what the upgrade added.
        _migrate(downgrade, revision="0011")
        assert sorted(_caps()) == [date(2022, 4, 6), date(2023, 4, 6), date(2024, 4, 6), date(2025, 4, 6),
                                   date(2026, 4, 6)]
        assert _caps()[date(2026, 4, 6)] == (Decimal("750.00"), "Our own entry")
        assert [n for n, _, _ in _at_risk()] == [1]

        # An administrator's own wording is theirs: the upgrade leaves it.
        version = db.session.scalar(select(LetterTemplateVersion).join(LetterTemplate)
                                    .where(LetterTemplate.key == "at_risk"))
        version.body = "Our own letter, {{ recipient.salutation }}.\n"
        db.session.commit()
        _migrate(upgrade)
        assert set(_caps()) == set(shipped)
        assert [(n, b) for n, b, _ in _at_risk()] == [(1, "Our own letter, {{ recipient.salutation }}.\n")]
        db.session.remove()
        db.engine.dispose()
