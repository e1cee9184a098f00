"""The faster import (issue 17) writes what the slower one wrote: bulk rows stored exactly as
SQLAlchemy stores them, new posts' dated grades as `post_grades.refresh` would hold them, the
derived facts of new people settled, and the preview's counts unchanged when only some changes
are kept in words."""
from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, insert, select, text

from hrtool.extensions import db
from hrtool.models import AuditEvent, Council, HarmonisationModel, Post, PostGrade, Service
from hrtool.services.harmonisation import harmonisation
from hrtool.services.pay import post_grades
from hrtool.services.people.employee_io import import_employees
from hrtool.services.platform.bulk import execute_many, insert_many
from hrtool.services.platform.check import run as run_check

from ..spreadsheets import exported, new_person, write

pytestmark = pytest.mark.usefixtures("ctx")


def _raw(table: str, ids: list[int], columns: str) -> list[tuple]:
    """Rows as the database holds them (SQLite: the text of dates and JSON), bypassing the ORM."""
    marks = ", ".join(str(int(i)) for i in ids)
    return [tuple(r) for r in db.session.execute(text(f"SELECT {columns} FROM {table} WHERE id IN ({marks}) "
                                                      "ORDER BY id"))]


def test_bulk_rows_are_stored_byte_for_byte_as_sqlalchemy_stores_them():
    council = db.session.scalar(select(Council.id).order_by(Council.id).limit(1))
    service = db.session.scalar(select(Service.id).order_by(Service.id).limit(1))
    # Dates, money with places, a column left to its default (tier, fte, notes, version) and text.
    posts = [{"post_number": f"BULK-{n}", "council_id": council, "service_id": service,
              "title": f"Officer “{n}” – café", "established_on": date(2020, 4, 1 + n)} for n in range(3)]
    core = [{**p, "post_number": p["post_number"] + "-core"} for p in posts]
    ids = insert_many(Post, posts)
    db.session.execute(insert(Post.__table__), core)
    core_ids = list(db.session.scalars(select(Post.id).where(Post.post_number.like("BULK-%-core")).order_by(Post.id)))
    assert len(ids) == len(core_ids) == 3
    assert [n for n, in db.session.execute(select(Post.post_number).where(Post.id.in_(ids)).order_by(Post.id))] == [
        "BULK-0", "BULK-1", "BULK-2"]  # the ids come back in the rows' order
    columns = "council_id, service_id, title, established_on, closed_on, tier, fte, notes, version"
    assert _raw("posts", ids, columns) == _raw("posts", core_ids, columns)

    # JSON (None is JSON null, as SQLAlchemy writes it), one timestamp for the batch, unicode.
    at = datetime(2026, 12, 3, 9, 30, 15, 123456, tzinfo=UTC)
    events = [{"at": at, "actor_id": None, "actor_label": "system", "reason": "Bulk test", "before": None,
               "employee_id": None, "action": "create", "entity_type": "bulk-test", "entity_id": str(n),
               "after": {"name": "Zoë", "hours": "37.50", "nested": {"list": [1, None, "x"]}}} for n in range(3)]
    execute_many(AuditEvent, events)
    db.session.execute(insert(AuditEvent.__table__), [{**e, "entity_type": "bulk-test-core"} for e in events])
    columns = "at, actor_id, actor_label, action, entity_id, employee_id, before, after, reason"

    def held(kind: str) -> list[tuple]:
        found = list(db.session.scalars(select(AuditEvent.id).where(AuditEvent.entity_type == kind)
                                        .order_by(AuditEvent.id)))
        return _raw("audit_events", found, columns)

    assert held("bulk-test") == held("bulk-test-core") and len(held("bulk-test")) == 3


def test_bulk_rows_follow_pending_orm_writes():
    """An object added through the ORM and not yet flushed is written first, as session.execute
    would, so the new rows' ids are theirs and not the pending object's."""
    council = db.session.scalar(select(Council.id).order_by(Council.id).limit(1))
    service = db.session.scalar(select(Service.id).order_by(Service.id).limit(1))
    db.session.add(AuditEvent(at=datetime.now(UTC), actor_label="system", action="create", entity_type="pending",
                              entity_id="1", reason=""))
    ids = insert_many(Post, [{"post_number": "BULK-AFTER", "council_id": council, "service_id": service,
                              "title": "After", "established_on": date(2021, 4, 1)}])
    assert db.session.get(Post, ids[0]).post_number == "BULK-AFTER"
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.entity_type == "pending")) == 1


def _import_new_people(tmp_path, count: int):
    header, _ = exported("csv")
    rows = [new_person(n) for n in range(1, count + 1)]
    return import_employees(write(tmp_path / "new", header, rows, "csv"), keep_changes=2), rows


def test_new_posts_get_the_dated_grades_the_rule_gives(tmp_path):
    report, rows = _import_new_people(tmp_path, 12)
    assert report.ok and report.applied and report.posts_created == 12
    numbers = [row[7] for row in rows]  # post_number
    post_ids = list(db.session.scalars(select(Post.id).where(Post.post_number.in_(numbers))))
    assert len(post_ids) == 12
    # What the import wrote is what post_grades works out from the posts' sources now ...
    held = post_grades.held_timelines(post_ids)
    assert held == post_grades.fresh_timelines(post_ids) and all(held[p] for p in post_ids)
    # ... from the day each post is established (the person's start date), with no score: no grade.
    first = {p.post_number: p for p in db.session.scalars(select(Post).where(Post.id.in_(post_ids)))}
    for row in rows:
        grades = held[first[row[7]].id]
        assert grades[0].effective_from == date.fromisoformat(row[12]) and grades[-1].effective_to is None
        assert {g.grade for g in grades} == {None}
    # ... and `hrtool check` finds nothing to correct.
    assert not [d for d in run_check(date.today(), ["post_grades"]).drift if int(d.id) in post_ids]
    assert db.session.scalar(select(func.count()).select_from(PostGrade).where(PostGrade.post_id.in_(post_ids))) == \
        sum(len(v) for v in held.values())


def test_importing_new_people_marks_saved_harmonisation_results_stale(tmp_path):
    model = db.session.scalars(select(HarmonisationModel).where(HarmonisationModel.results.is_not(None))
                               .order_by(HarmonisationModel.id).limit(1)).first()
    if model is None:
        pytest.skip("the test data has no saved harmonisation model")
    assert harmonisation.stale_reason(model) is None
    report, _ = _import_new_people(tmp_path, 3)
    assert report.applied and report.created == 3
    db.session.expire_all()
    stale = harmonisation.stale_reason(db.session.get(HarmonisationModel, model.id))
    assert stale is not None and "New employees imported" in stale["why"]


def test_every_change_is_counted_though_only_some_are_kept_in_words(tmp_path):
    report, rows = _import_new_people(tmp_path, 7)
    assert report.change_count == report.created == 7
    assert len(report.changes) == 2  # keep_changes=2
    assert [c.person_number for c in report.changes] == [rows[0][0], rows[1][0]]
    assert all(c.action == "create" for c in report.changes)
    with_posts = import_employees(write(tmp_path / "again", exported("csv")[0], rows, "csv"), dry_run=True,
                                  keep_changes=0)
    assert with_posts.ok and with_posts.change_count == 0 and with_posts.changes == []
    assert with_posts.unchanged == 7 and Decimal(with_posts.rows) == 7
