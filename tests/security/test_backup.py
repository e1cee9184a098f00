"""`hrtool backup` and `hrtool restore`: a round trip into an empty database gives back every row
of every table; restoring over data needs --force; the restore is audited; bad files are refused."""
from __future__ import annotations

import json
import stat

from sqlalchemy import inspect, select, text

from hrtool.extensions import db
from hrtool.models import AuditEvent, Employee


def every_row(app) -> dict[str, list[str]]:
    with app.app_context():
        names = sorted(t for t in inspect(db.engine).get_table_names() if t != "alembic_version")
        with db.engine.connect() as conn:
            return {t: sorted(repr(tuple(r)) for r in conn.execute(text(f'SELECT * FROM "{t}"'))) for t in names}


def cli(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def test_backup_then_restore_into_an_empty_database_gives_back_every_row(scratch, tmp_path):
    source = scratch("backup_source", employees=60)
    original = every_row(source)
    assert len(original["employees"]) >= 60 and len(original["audit_events"]) > 60 and len(original) > 30

    made = cli(source, "backup", str(tmp_path / "hrtool.backup"))
    assert made.exit_code == 0, made.output
    summary = json.loads(made.output)
    assert summary["rows"]["employees"] == len(original["employees"]) and len(summary["sha256"]) == 64
    assert stat.S_IMODE((tmp_path / "hrtool.backup").stat().st_mode) == 0o600  # personal data

    target = scratch("backup_target", employees=0, migrate=False)  # a new, empty database
    restored = cli(target, "restore", str(tmp_path / "hrtool.backup"))
    assert restored.exit_code == 0, restored.output
    copy = every_row(target)
    assert copy.keys() == original.keys()
    for table in original:
        if table != "audit_events":
            assert copy[table] == original[table], table
    # Everything audited before, plus the restore itself.
    assert set(original["audit_events"]) < set(copy["audit_events"])
    assert len(copy["audit_events"]) == len(original["audit_events"]) + 1
    with target.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "restore"))
        assert event.entity_type == "database" and event.after["sha256"] == summary["sha256"]
        assert event.after["forced"] is False and event.actor_label.startswith("command line")
        # The restored database works: the app reads it and writes to it.
        assert db.session.scalar(select(Employee).order_by(Employee.id)).person_number
    client = target.test_client()
    assert client.post("/login", data={"username": "hr@hrtool.example", "password": "hrtool-demo-hr"}).status_code == 302
    assert client.get("/employees/").status_code == 200

    # Over a database with data, only with --force.
    in_use = every_row(target)
    refused = cli(target, "restore", str(tmp_path / "hrtool.backup"))
    assert refused.exit_code == 1 and "--force" in refused.output
    assert every_row(target) == in_use
    forced = cli(target, "restore", "--force", str(tmp_path / "hrtool.backup"))
    assert forced.exit_code == 0, forced.output
    again = every_row(target)
    assert {t: rows for t, rows in again.items() if t != "audit_events"} == {
        t: rows for t, rows in original.items() if t != "audit_events"}
    assert len(again["audit_events"]) == len(original["audit_events"]) + 1  # the earlier restore is gone too
    with target.app_context():
        assert db.session.scalar(select(AuditEvent.after).where(AuditEvent.action == "restore"))["forced"] is True


def test_a_file_that_is_not_a_backup_is_refused(scratch, tmp_path):
    target = scratch("backup_bad", employees=0, migrate=False)
    junk = tmp_path / "junk.backup"
    junk.write_bytes(b"this is not a database backup\x00" * 100)
    result = cli(target, "restore", str(junk))
    assert result.exit_code == 1
    with target.app_context():
        assert inspect(db.engine).get_table_names() in ([], ["alembic_version"])
    missing = cli(target, "restore", str(tmp_path / "nothing-here"))
    assert missing.exit_code == 2  # a usage error: no such file
