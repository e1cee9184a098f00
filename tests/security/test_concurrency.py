"""Concurrency against the real app and a real database (SQLite file or PostgreSQL), with threads
that each have their own connection: concurrent edits of one employee never lose an update, and
two imports at once are serialised (the second is refused at once, cleanly, nothing written)."""
from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import func, select

from hrtool.extensions import db
from hrtool.models import AuditEvent, Employee
from hrtool.services.people import employee_io
from hrtool.services.people.employee_io import IMPORT_BUSY, import_employees
from hrtool.services.people.employee_rows import COLUMNS

from ..factories import DEMO_PASSWORDS
from ..spreadsheets import new_person, write

HR = "hr@hrtool.example"


@pytest.fixture(scope="module")
def live(scratch):
    return scratch("concurrency", employees=40)


def _hr_client(app):
    client = app.test_client()
    assert client.post("/login", data={"username": HR, "password": DEMO_PASSWORDS[HR]}).status_code == 302
    return client


def _form(employee: Employee, **changes: str) -> dict:
    def day(d: date) -> list[str]:
        return [str(d.day), str(d.month), str(d.year)]

    data = {"first_name": employee.first_name, "last_name": employee.last_name,
            "date_of_birth": day(employee.date_of_birth), "sex": employee.sex,
            "continuous_service_date": day(employee.continuous_service_date), "email": employee.email or "",
            "phone": employee.phone or "", "address": employee.address or "", "postcode": employee.postcode or "",
            "trade_union_id": str(employee.trade_union_id or ""), "reason": "concurrency test",
            "version": str(employee.version)}
    data.update(changes)
    return data


def test_two_officers_saving_the_same_record_at_once_never_lose_an_update(live):
    """Both open the record at the same version and press save at the same moment, five times
    over: each time exactly one save wins, the other is told and keeps their typing, and the
    record holds exactly the winner's change (never a silent overwrite)."""
    with live.app_context():
        employee_id = db.session.scalar(select(Employee.id).order_by(Employee.id))
    officers = [_hr_client(live), _hr_client(live)]
    for round_ in range(5):
        with live.app_context():
            employee = db.session.get(Employee, employee_id)
            forms = [_form(employee, phone=f"01785 00{round_}00{n}", postcode=f"ST{n} {round_}AA") for n in (0, 1)]
            updates_before = db.session.scalar(select(func.count()).select_from(AuditEvent).where(
                AuditEvent.employee_id == employee_id, AuditEvent.action == "update"))
        start = threading.Barrier(2)
        results: dict[int, tuple[int, str]] = {}

        def save(n: int, start: threading.Barrier = start, forms: list = forms,
                 results: dict = results) -> None:
            start.wait()
            response = officers[n].post(f"/employees/{employee_id}/details", data=forms[n])
            results[n] = (response.status_code, response.get_data(as_text=True))

        threads = [threading.Thread(target=save, args=(n,)) for n in (0, 1)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        statuses = sorted(status for status, _ in results.values())
        assert statuses == [302, 409], f"round {round_}: {statuses}"
        winner = next(n for n, (status, _) in results.items() if status == 302)
        loser_body = results[1 - winner][1]
        assert "changed this record while you were editing it" in loser_body
        assert forms[1 - winner]["phone"] in loser_body  # what they typed is still on the page
        with live.app_context():
            saved = db.session.get(Employee, employee_id)
            assert (saved.phone, saved.postcode) == (forms[winner]["phone"], forms[winner]["postcode"])
            assert saved.version == int(forms[0]["version"]) + 1
            assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
                AuditEvent.employee_id == employee_id, AuditEvent.action == "update")) == updates_before + 1


def test_two_imports_at_once_the_second_is_refused_cleanly(live, tmp_path, monkeypatch):
    header = COLUMNS
    first = write(tmp_path / "first", header, [new_person(n) for n in range(900001, 900051)], "csv")
    second = write(tmp_path / "second", header, [new_person(n) for n in range(900101, 900111)], "csv")
    inside, release = threading.Event(), threading.Event()
    original = employee_io._apply

    def slow_apply(*args, **kwargs):
        if threading.current_thread().name == "first-import":
            inside.set()
            assert release.wait(timeout=60)
        return original(*args, **kwargs)

    monkeypatch.setattr(employee_io, "_apply", slow_apply)
    outcome: dict[str, object] = {}

    def first_import() -> None:
        with live.app_context():
            report = import_employees(first)
            outcome["first"] = report.ok
            db.session.commit()

    thread = threading.Thread(target=first_import, name="first-import")
    thread.start()
    try:
        assert inside.wait(timeout=60), "the first import never started writing"
        with live.app_context():
            before = db.session.scalar(select(func.count()).select_from(Employee))
            report = import_employees(second)
            assert not report.ok and [e.message for e in report.errors] == [IMPORT_BUSY]
            db.session.rollback()
            # A preview (dry run) is not held up by the running import.
            assert import_employees(second, dry_run=True).ok
            db.session.rollback()
    finally:
        release.set()
        thread.join(timeout=120)
    assert outcome == {"first": True}
    with live.app_context():
        numbers = set(db.session.scalars(select(Employee.person_number).where(Employee.person_number.like("T9%"))))
        assert len(numbers) == 50 and "T900101" not in numbers
        assert db.session.scalar(select(func.count()).select_from(Employee)) == before + 50
        # Once the first has finished, the second goes through.
        assert import_employees(second).ok
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(Employee)) == before + 60
