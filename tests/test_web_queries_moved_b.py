"""The queries the letters, pay, jobs, mail, imports and HR pages used to build themselves, now
service functions: the same rows in the same order. And the pay spine's salary read as pounds."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from hrtool.extensions import db
from hrtool.jobs import records
from hrtool.models import Election, LetterTemplate, OutboxMessage, PaySpinePoint
from hrtool.services.letters import letter_jobs, letters, mail
from hrtool.services.people import employee_io
from hrtool.services.platform import dashboards

from .conftest import Auth

ADMIN = "admin@hrtool.example"


def _spine_point_url(app) -> tuple[str, int]:
    with app.app_context():
        point_id = db.session.scalar(select(PaySpinePoint.id).where(PaySpinePoint.pay_year_from == date(2024, 4, 1),
                                                                    PaySpinePoint.scp == 10))
    return f"/pay/spine/{point_id}/edit", point_id


def _admin(app):
    client = app.test_client()
    assert Auth(client).login(ADMIN).status_code == 302
    return client


def test_a_spine_value_is_taken_as_typed_in_pounds(app):
    url, point_id = _spine_point_url(app)
    response = _admin(app).post(url, data={"annual_salary": "£32,076.00", "reason": "Typo"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(PaySpinePoint, point_id).annual_salary == Decimal("32076.00")


def test_a_spine_value_with_a_misplaced_comma_is_refused_in_plain_words(app):
    url, point_id = _spine_point_url(app)
    with app.app_context():
        before = db.session.get(PaySpinePoint, point_id).annual_salary
    response = _admin(app).post(url, data={"annual_salary": "1,23", "reason": "Typo"})
    assert response.status_code == 200
    assert "Full-time annual salary must be an amount in pounds, like 950.00" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(PaySpinePoint, point_id).annual_salary == before


def test_job_queries(ctx, held_queue):
    first = records.submit("pay_arrears", {"award_id": 0}, None, dedupe_key="test-moved-b")
    assert records.active("test-moved-b") == first
    assert records.latest_done("pay_arrears", dedupe_key="test-moved-b") is None
    first.status = "done"
    db.session.flush()
    second = records.submit("pay_arrears", {"award_id": 0}, None, dedupe_key="test-moved-b")
    second.status = "done"
    db.session.flush()
    assert records.active("test-moved-b") is None
    assert records.latest_done("pay_arrears", dedupe_key="test-moved-b") == second
    assert records.latest_done("pay_arrears", job_id=first.id) == first
    assert records.latest_done("harmonisation_run", job_id=first.id) is None

    listed = list(db.session.scalars(records.jobs_query(None, None)))
    assert [j.id for j in listed] == sorted((j.id for j in listed), reverse=True)
    assert listed[0] == second
    done = list(db.session.scalars(records.jobs_query("done", None)))
    assert done and all(j.status == "done" for j in done)
    assert not [j for j in db.session.scalars(records.jobs_query(None, ["pay_arrears"])) if j.kind == "pay_arrears"]


def test_letter_queries(ctx):
    templates = letters.templates_list()
    assert templates
    expected = db.session.scalars(select(LetterTemplate)).all()
    assert templates == sorted(expected, key=lambda t: (t.audience, -t.id), reverse=True)  # audience desc, id asc
    assert letters.letters_of_employee(-1) == []
    assert list(db.session.scalars(letter_jobs.batch_letters_query(-1))) == []


def test_outbox_imports_and_elections(ctx):
    rows = list(db.session.scalars(mail.outbox_query("")))
    assert [(m.created_at, m.id) for m in rows] == sorted(((m.created_at, m.id) for m in rows), reverse=True)
    assert all(m.status == "sent" for m in db.session.scalars(mail.outbox_query("sent")))
    assert len(rows) == db.session.scalar(select(func.count()).select_from(OutboxMessage))

    recent = employee_io.recent_imports()
    assert [e.id for e in recent] == sorted((e.id for e in recent), reverse=True)
    assert all(e.action == "import" and e.entity_type == "employee_import" for e in recent)
    assert employee_io.import_event(-1) is None
    if recent:
        assert employee_io.import_event(recent[0].id) == recent[0]

    pending = db.session.scalar(select(func.count()).select_from(Election).where(Election.countersigned_at.is_(None)))
    assert dashboards.elections_awaiting_countersignature() == pending
