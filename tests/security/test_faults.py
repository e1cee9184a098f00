"""A failure injected part-way through an import or a transfer completion leaves every table as
it was: all or nothing, checked by counting the rows of every table before and after."""
from __future__ import annotations

import pytest
from sqlalchemy import inspect, select, text

from hrtool.extensions import db
from hrtool.models import Transfer
from hrtool.services.people import employee_io
from hrtool.services.people.employee_io import import_employees
from hrtool.services.people.employee_rows import COLUMNS
from hrtool.services.platform import audit
from hrtool.services.tupe import transfers

from ..services.test_transfers import TODAY, UNMET, team  # noqa: F401  (the fixture: three people in a planned transfer)
from ..spreadsheets import exported, new_person, write

pytestmark = pytest.mark.usefixtures("ctx")


def every_table() -> dict[str, int]:
    names = [t for t in inspect(db.session.connection()).get_table_names() if t != "alembic_version"]
    return {t: db.session.scalar(text(f'SELECT COUNT(*) FROM "{t}"')) for t in names}


@pytest.mark.parametrize("fail_at", ["second chunk of people", "the import's own audit event"])
def test_a_failure_part_way_through_an_import_writes_nothing(tmp_path, monkeypatch, fail_at):
    """1,500 new people and everyone on record with a changed phone number: two chunks of 1,000
    rows, updates and inserts. A failure after the first chunk has been written (or at the very
    end) and the caller's rollback leave every table exactly as it was."""
    header, rows = exported()
    for row in rows:
        row[COLUMNS.index("phone")] = "01785 999999"
    rows += [new_person(n) for n in range(1, 1501)]
    path = write(tmp_path / "big", header, rows, "csv")
    db.session.commit()
    before = every_table()
    calls = {"n": 0}
    original_apply, original_record = employee_io._apply, audit.record

    def apply_then_fail(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError("disk full")
        return original_apply(*args, **kwargs)

    def record_then_fail(action, *args, **kwargs):
        if action == "import":
            raise OSError("disk full")
        return original_record(action, *args, **kwargs)

    if fail_at == "second chunk of people":
        monkeypatch.setattr(employee_io, "_apply", apply_then_fail)
    else:
        monkeypatch.setattr(employee_io.audit, "record", record_then_fail)
    with pytest.raises(OSError):
        import_employees(path)
    db.session.rollback()
    assert every_table() == before
    assert calls["n"] == 2 or fail_at != "second chunk of people"


def test_a_failure_at_the_last_step_of_a_transfer_completion_writes_nothing(team, monkeypatch):  # noqa: F811
    transfer, _ = team
    transfers.confirm_cohort(transfer)
    db.session.commit()
    before = every_table()
    original = audit.record

    def fail_on_complete(action, *args, **kwargs):
        if action == "complete":
            raise OSError("connection lost")
        return original(action, *args, **kwargs)

    monkeypatch.setattr(transfers.audit, "record", fail_on_complete)
    with pytest.raises(OSError):
        transfers.complete(transfer, TODAY, reason=UNMET)
    db.session.rollback()
    assert every_table() == before
    assert db.session.scalar(select(Transfer.status).where(Transfer.id == transfer.id)) == "planned"
