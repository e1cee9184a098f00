"""Viewing a person's record is itself recorded: who looked at whom, when, on which page. Lists
are not; the person looking at their own record is not."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select, text

from hrtool.extensions import db
from hrtool.models import AuditEvent, Employee, RecordView, TransferMember, User

from ..conftest import dialect
from .helpers import EMPLOYEE, HR, demo_employee_id


def _views(app, **where) -> list[RecordView]:
    with app.app_context():
        query = select(RecordView).order_by(RecordView.id)
        for key, value in where.items():
            query = query.where(getattr(RecordView, key) == value)
        return list(db.session.scalars(query))


def _someone(app) -> int:
    with app.app_context():
        own = db.session.scalar(select(User.employee_id).where(User.username == EMPLOYEE))
        return db.session.scalar(select(Employee.id).where(Employee.id != own).order_by(Employee.id))


def test_hr_opening_an_employee_page_is_recorded(app, client, auth):
    person = _someone(app)
    auth.as_role("hr")
    assert client.get(f"/employees/{person}").status_code == 200
    views = _views(app, employee_id=person)
    assert len(views) == 1
    with app.app_context():
        hr_id = db.session.scalar(select(User.id).where(User.username == HR))
    assert views[0].viewer_id == hr_id and views[0].page == "staff.employee"
    assert views[0].path == f"/employees/{person}" and views[0].at is not None


def test_every_page_about_a_person_is_recorded_but_not_lists(app, client, auth):
    person = _someone(app)
    auth.as_role("hr")
    for url in (f"/employees/{person}/details", f"/protected-terms/employees/{person}",
                f"/employees/{person}/cases/"):
        assert client.get(url).status_code == 200, url
    assert [v.page for v in _views(app, employee_id=person)] == [
        "staff.edit_details", "protected.for_employee", "cases.cases_list"]
    before = len(_views(app))
    for url in ("/employees/", "/employees/?q=a", "/protected-terms/", "/hr/"):
        client.get(url)
    assert len(_views(app)) == before, "list pages must not be logged as views of each person"


def test_a_page_found_through_another_record_is_recorded_against_its_person(app, client, auth):
    """The ELI PDF of one cohort member is a view of that member's record; the pack page, which
    shows everyone's particulars, is a view of each of them."""
    with app.app_context():
        member = db.session.scalars(select(TransferMember).where(TransferMember.transfer_id == 1)
                                    .order_by(TransferMember.id)).first()
        if member is None:
            pytest.skip("the session data's transfer 1 has no cohort")
        member_id, employee_id = member.id, member.employee_id
    auth.as_role("hr")
    response = client.get(f"/transfers/1/eli/members/{member_id}.pdf")
    if response.status_code == 404:  # not transferring (objected): the pack has no record for them
        pytest.skip("member 1 is not in the pack")
    assert [v.page for v in _views(app, employee_id=employee_id)] == ["eli.member_pdf"]
    assert client.get("/transfers/1/eli/").status_code == 200
    pack_views = _views(app, page="eli.pack")
    assert employee_id in {v.employee_id for v in pack_views}
    assert len(pack_views) == len({v.employee_id for v in pack_views})  # one per person, no duplicates


def test_an_employee_looking_at_their_own_record_is_not_recorded(app, client, auth):
    own = demo_employee_id(app)
    auth.as_role("employee")
    for url in ("/me/", "/me/terms", "/me/letters/", "/me/data"):
        assert client.get(url).status_code == 200, url
    assert _views(app, employee_id=own) == []


def test_refused_pages_are_not_recorded(app, client, auth):
    person = _someone(app)
    auth.as_role("employee")
    assert client.get(f"/employees/{person}").status_code == 403
    auth.logout()
    auth.as_role("union_rep")
    assert client.get(f"/employees/{person}").status_code == 403
    assert _views(app, employee_id=person) == []


def test_hr_sees_who_viewed_a_record(app, client, auth):
    person = _someone(app)
    auth.as_role("admin")
    client.get(f"/employees/{person}")
    client.get(f"/employees/{person}")
    auth.logout()
    auth.as_role("hr")
    client.get(f"/employees/{person}")
    page = client.get(f"/employees/{person}").get_data(as_text=True)
    assert "Who viewed this record" in page
    listing = client.get(f"/employees/{person}/views").get_data(as_text=True)
    assert _label(app, "admin@hrtool.example") in listing
    # Two by the administrator, then HR's three, newest first: the who-viewed page names the person
    # and shows who looked at them, so opening it is a view too (issue 16).
    assert [(v.viewer_label, v.views) for v in _viewer_rows(app, person)] == [
        (_label(app, HR), 3), (_label(app, "admin@hrtool.example"), 2)]


def _label(app, username: str) -> str:
    with app.app_context():
        return db.session.scalar(select(User.display_name).where(User.username == username))


def _viewer_rows(app, person: int):
    from hrtool.services.people.record_views import viewers_of

    with app.app_context():
        return viewers_of(person)


def test_views_are_kept_apart_from_the_change_trail(app, client, auth):
    """Views do not touch audit_events: the change trail (and the figures cache's data stamp,
    which is the newest audit event) is not disturbed by someone reading."""
    person = _someone(app)
    auth.as_role("hr")  # signing in is audited; reading afterwards is not
    with app.app_context():
        before = db.session.scalar(select(func.count(AuditEvent.id)))
    client.get(f"/employees/{person}")
    with app.app_context():
        assert db.session.scalar(select(func.count(AuditEvent.id))) == before
    assert len(_views(app, employee_id=person)) == 1


def test_the_view_log_refuses_update_and_delete(app, client, auth):
    person = _someone(app)
    auth.as_role("hr")
    client.get(f"/employees/{person}")
    with app.app_context():
        for sql in ("UPDATE record_views SET viewer_label = 'nobody'", "DELETE FROM record_views"):
            savepoint = db.session.begin_nested()
            with pytest.raises(Exception, match="append-only"):
                db.session.execute(text(sql))
            savepoint.rollback()
        if dialect(app) == "postgresql":
            savepoint = db.session.begin_nested()
            with pytest.raises(Exception, match="append-only"):
                db.session.execute(text("TRUNCATE record_views"))
            savepoint.rollback()


def test_a_view_while_the_database_is_busy_is_queued_and_written_later(app, client, auth, held_queue, monkeypatch):
    """During a long write (an import's commit holds SQLite's only write lock for tens of
    seconds) the page is still shown, and its view is handed to the job queue, then written with
    the time it happened once the lock is free; if it can be neither written nor queued, the
    answer is a 503 "busy" page, never the record without its view."""
    from datetime import UTC, datetime

    from sqlalchemy.exc import OperationalError

    from hrtool.jobs import queue
    from hrtool.services.people import record_views

    person = _someone(app)
    auth.as_role("hr")
    real = record_views._insert_views
    busy = {"now": True}

    def locked(*args, **kwargs):
        if busy["now"]:
            raise OperationalError("INSERT INTO record_views", {}, Exception("database is locked"))
        return real(*args, **kwargs)

    monkeypatch.setattr(record_views, "_insert_views", locked)
    before = datetime.now(UTC)
    assert client.get(f"/employees/{person}").status_code == 200
    assert _views(app, employee_id=person) == []  # not yet written: it waits on the queue
    busy["now"] = False  # the long write has finished: a worker takes the queued views
    with app.app_context():
        task = queue.huey.dequeue()
        assert task is not None and task.name.endswith("record_views")
        queue.huey.execute(task)
    [view] = _views(app, employee_id=person)
    at = view.at if view.at.tzinfo else view.at.replace(tzinfo=UTC)
    assert view.page == "staff.employee" and before <= at <= datetime.now(UTC)

    busy["now"] = True  # and when the queue cannot take it either: busy, try again
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)  # as in production
    monkeypatch.setattr("hrtool.jobs.tasks.record_views", lambda *a: (_ for _ in ()).throw(
        OperationalError("INSERT INTO kv", {}, Exception("database is locked"))))
    response = client.get(f"/employees/{person}")
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
