"""Migration 0013 (issue 14): an existing database gets the dated period for employee liability
information, the checklist with the transferee's measures before the regulation 13 letter (only
where the shipped checklist is still in force, never over an administrator's version), and its
planned transfers' open steps moved to the statutory dates; downgrading takes back exactly that.
A new database gets the same from `load-reference` instead."""
from __future__ import annotations

from datetime import date, timedelta

from flask_migrate import downgrade, upgrade
from sqlalchemy import delete, select, text

from hrtool import ROOT, create_app
from hrtool.extensions import db
from hrtool.models import Council, Policy, RuleSetting, Service
from hrtool.services.rules.reference_data import load_reference_data

MIGRATIONS = str(ROOT / "migrations")
SHIPPED = {"items": [
    {"key": "inform_representatives", "title": "Inform the recognised unions (reg. 13 letter)", "days_before": 60},
    {"key": "consultation_started", "title": "Start consultation with the unions", "days_before": 45},
    {"key": "measures_letter", "title": "Transferee's measures sent to the transferor", "days_before": 45},
    {"key": "eli_sent", "title": "Employee liability information sent to the transferee", "days_before": 28},
    {"key": "individual_letters", "title": "Letters to each transferring employee", "days_before": 21},
]}


def _migrate(step, **kw) -> None:
    db.session.remove()  # no read left open across the migration's own connection (SQLite)
    step(directory=MIGRATIONS, **kw)


def _eli_settings() -> list[tuple[date, str]]:
    return [(r.effective_from, r.value) for r in db.session.scalars(
        select(RuleSetting).where(RuleSetting.key == "eli_clear_days").order_by(RuleSetting.effective_from))]


def _checklists() -> list[Policy]:
    return list(db.session.scalars(select(Policy).where(Policy.kind == "tupe_checklist", Policy.council_id.is_(None))
                                   .order_by(Policy.effective_from, Policy.id)))


def _old_transfer(reference: str, on: date, letter_done: bool) -> None:
    """A planned transfer as the release before made it: ELI 28 calendar days before, the measures
    45 days before (after the reg. 13 letter at 60). Written in SQL with the columns of revision
    0012 (the Transfer model has columns added since, issue 15)."""
    councils = list(db.session.scalars(select(Council).order_by(Council.code)))
    db.session.execute(text(
        "INSERT INTO transfers (reference, service_id, transferor_id, transferee_id, transfer_date, legal_basis, "
        "status, reasons, transferor_measures, transferor_measures_none, transferee_measures, transferee_measures_none, "
        "implications, agency_workers, version) VALUES (:r, :s, :a, :b, :d, 'tupe', 'planned', 'Shared service', '', "
        ":f, '', :f, '', '', 1)"),
        {"r": reference, "s": db.session.scalars(select(Service.id)).first(), "a": councils[0].id,
         "b": councils[1].id, "d": on, "f": False})
    transfer_id = db.session.execute(text("SELECT id FROM transfers WHERE reference = :r"), {"r": reference}).scalar()
    for item in SHIPPED["items"]:
        done = on - timedelta(days=70) if letter_done and item["key"] == "inform_representatives" else None
        db.session.execute(text("INSERT INTO transfer_checklist_items (transfer_id, key, title, due_on, done_on, note) "
                                "VALUES (:t, :k, :title, :due, :done, '')"),
                           {"t": transfer_id, "k": item["key"], "title": item["title"], "done": done,
                            "due": on - timedelta(days=item["days_before"])})


def _due(reference: str) -> dict[str, date]:
    rows = db.session.execute(text(
        "SELECT i.key, i.due_on FROM transfer_checklist_items i JOIN transfers t ON t.id = i.transfer_id "
        "WHERE t.reference = :r"), {"r": reference}).all()
    return {key: due if isinstance(due, date) else date.fromisoformat(str(due)) for key, due in rows}


def test_existing_databases_get_the_tupe_dates_and_downgrade_takes_back_only_those(tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "x",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'tupe.sqlite3'}"})
    app.extensions["migrate"].directory = MIGRATIONS
    today = date.today()
    with app.app_context():
        # A new database: nothing to change until its reference data is loaded, which brings it all.
        _migrate(upgrade)
        assert _eli_settings() == []
        load_reference_data()
        db.session.commit()
        assert _eli_settings() == [(date(2006, 4, 6), "14"), (date(2014, 5, 1), "28")]
        assert [i["key"] for i in _checklists()[0].body["items"]][:2] == ["measures_letter", "inform_representatives"]
        _migrate(downgrade, revision="0012")  # it added none of them: none go
        assert len(_eli_settings()) == 2 and len(_checklists()) == 1

        # A database from before this release: no ELI period held, the shipped checklist, and two
        # planned transfers on 1 May 2027 (one whose reg. 13 letter is done) and one on 1 July 2013.
        db.session.execute(delete(RuleSetting).where(RuleSetting.key == "eli_clear_days"))
        _checklists()[0].body = SHIPPED
        _old_transfer("TR-OLD-1", date(2027, 5, 1), letter_done=False)
        _old_transfer("TR-OLD-2", date(2027, 5, 1), letter_done=True)
        _old_transfer("TR-OLD-3", date(2013, 7, 1), letter_done=False)
        db.session.commit()
        _migrate(upgrade)
        assert _eli_settings() == [(date(2006, 4, 6), "14"), (date(2014, 5, 1), "28")]
        shipped, corrected = _checklists()
        assert shipped.body == SHIPPED and shipped.effective_to == today - timedelta(days=1)
        assert corrected.effective_from == today and corrected.effective_to is None
        assert [i["key"] for i in corrected.body["items"]] == ["measures_letter", "inform_representatives",
                                                                "consultation_started", "individual_letters"]
        # 1 May 2027: ELI by 1 May - 29 = 2 April 2027 (3-30 April clear), not 3 April; the measures
        # 74 days before: 1 May - 30 = 1 April, - 31 = 1 March, - 13 = 16 February 2027.
        assert (_due("TR-OLD-1")["eli_sent"], _due("TR-OLD-1")["measures_letter"]) == (date(2027, 4, 2),
                                                                                       date(2027, 2, 16))
        # The reg. 13 letter already sent: its measures step stays where it was (1 May - 45 = 17 March).
        assert (_due("TR-OLD-2")["eli_sent"], _due("TR-OLD-2")["measures_letter"]) == (date(2027, 4, 2),
                                                                                       date(2027, 3, 17))
        # 1 July 2013, before the amendment: 14 clear days, so 1 July - 15 = 16 June 2013.
        assert _due("TR-OLD-3")["eli_sent"] == date(2013, 6, 16)

        _migrate(downgrade, revision="0012")
        assert _eli_settings() == [] and [p.body for p in _checklists()] == [SHIPPED]
        assert _checklists()[0].effective_to is None
        assert (_due("TR-OLD-1")["eli_sent"], _due("TR-OLD-1")["measures_letter"]) == (date(2027, 4, 3),
                                                                                       date(2027, 3, 17))
        assert _due("TR-OLD-3")["eli_sent"] == date(2013, 6, 3)  # 28 calendar days, as the old release read it

        # An administrator's own checklist version and ELI period are left exactly as they are.
        own = {"items": [{"key": "inform_representatives", "title": "Our letter", "days_before": 50}]}
        _checklists()[0].body = own
        db.session.add(RuleSetting(key="eli_clear_days", value="30", effective_from=date(2026, 1, 1),
                                   description="Our own"))
        db.session.commit()
        _migrate(upgrade)
        assert [p.body for p in _checklists()] == [own]
        assert _eli_settings() == [(date(2026, 1, 1), "30")]
        assert _due("TR-OLD-1")["measures_letter"] == date(2027, 3, 17)  # no corrected checklist: not moved
        # ELI by the administrator's 30 clear days from 2026: 1 May 2027 - 31 = 31 March 2027.
        assert _due("TR-OLD-1")["eli_sent"] == date(2027, 3, 31)
        db.session.remove()
        db.engine.dispose()
