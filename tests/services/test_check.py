"""`hrtool check` (issue 13): every derived fact recomputed from its sources and compared with
what is held. On the demo data nothing drifts; a value altered behind the app's back with SQL is
reported, naming the record, and the command exits 1."""
from __future__ import annotations

import json
from datetime import date

from sqlalchemy import select, text

from hrtool.extensions import db
from hrtool.models import Letter, ProtectionMonthRow
from hrtool.services.platform import check


def test_the_demo_data_has_no_drift(ctx):
    report = check.run(date.today())
    assert report.ok, report.drift[:10]
    assert report.checked["protection_schedules"] > 0
    assert report.checked["letter_hashes"] > 0


def test_a_schedule_month_altered_with_sql_is_reported_by_record_and_field(ctx):
    row = db.session.scalars(select(ProtectionMonthRow).order_by(ProtectionMonthRow.id).limit(1)).one()
    held = row.payment
    db.session.execute(text("UPDATE protection_months SET payment = payment + 1 WHERE id = :id"), {"id": row.id})
    db.session.expire_all()
    report = check.run(date.today(), ["protection_schedules"])
    assert not report.ok
    [drift] = [d for d in report.drift if d.field == "payment"]
    assert drift.id == f"protection {row.protection_id} {row.month:%Y-%m}"
    assert (drift.held, drift.recomputed) == (str(held + 1), str(held))


def test_a_letter_altered_with_sql_is_reported(ctx, app):
    letter = db.session.scalars(select(Letter).order_by(Letter.id).limit(1)).one()
    if db.engine.dialect.name == "postgresql":  # letters are immutable: the trigger must be bypassed
        db.session.execute(text("SET LOCAL session_replication_role = replica"))
    else:
        db.session.execute(text("DROP TRIGGER IF EXISTS letters_no_update"))
    db.session.execute(text("UPDATE letters SET sha256 = :h WHERE id = :id"), {"h": "0" * 64, "id": letter.id})
    report = check.run(date.today(), ["letter_hashes"])
    assert [(d.id, d.field, d.held) for d in report.drift] == [(f"letter {letter.reference}", "sha256", "0" * 64)]


def test_the_command_prints_json_and_exits_by_drift(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["check", "--json", "--on", "2026-12-03"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert body["on"] == "2026-12-03" and body["drift"] == []
    assert set(body["checked"]) >= {"protection_schedules", "letter_hashes"}
    bad = runner.invoke(args=["check", "--on", "not-a-date"])
    assert bad.exit_code == 2 and "YYYY-MM-DD" in bad.output


def test_the_page_is_for_administrators_and_shows_the_report(client, auth):
    auth.as_role("admin")
    page = client.get("/admin/check/?run=1&on=03/12/2026")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "No differences" in body, body[body.find("<main"):][:3000]
    bad = client.get("/admin/check/?run=1&on=31/02/2026")
    assert bad.status_code == 400 and "Enter a real date" in bad.get_data(as_text=True)


def test_a_cached_dashboard_figure_that_no_longer_matches_is_reported(app, ctx, monkeypatch):
    from hrtool.services.platform import figures_cache

    monkeypatch.setitem(app.config, "FIGURES_CACHE_SECONDS", 300)
    monkeypatch.setattr(figures_cache, "_store", {})
    counts = {"n": 7}
    assert figures_cache.cached(("test", "headcount"), lambda: counts["n"]) == 7
    assert check.run(date.today(), ["cached_figures"]).ok
    counts["n"] = 8  # the source moved on without the stamp changing: the cache now serves a wrong figure
    report = check.run(date.today(), ["cached_figures"])
    assert [(d.kind, d.held, d.recomputed) for d in report.drift] == [("cached_figure", "7", "8")]
