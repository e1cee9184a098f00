"""What the pages list, asked of the services: councils and services in choice order, people by
number and id, audit trails, open posts, the transfers overview, elections, jobs, letters, the
outbox and the import history."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select

from hrtool.extensions import db
from hrtool.jobs import records
from hrtool.models import (
    AuditEvent,
    ChecklistItem,
    Council,
    Election,
    LetterTemplate,
    OutboxMessage,
    Protection,
    Service,
    Transfer,
)
from hrtool.services.letters import letter_jobs, letters, mail
from hrtool.services.people import councils, employee_io, employees, posts
from hrtool.services.platform import audit, dashboards
from hrtool.services.protection import protections
from hrtool.services.tupe import protected_terms, transfers

from ..factories import council, employ, make_employee, make_post, make_postholder, service

TODAY = date.today()




# -- the queries, as the pages asked them --------------------------------------------------------

def test_councils_and_services_in_the_order_of_every_choice(ctx):
    by_code = list(db.session.scalars(select(Council).order_by(Council.code)))
    assert councils.council_names() == [(c.code, c.short_name) for c in by_code]
    by_name = list(db.session.scalars(select(Service).order_by(Service.name)))
    assert councils.shared_services() == by_name
    assert councils.service_names() == [(s.id, s.name) for s in by_name]


def test_person_lookups(ctx):
    person = make_postholder()
    assert employees.employee_id_with_number(f"  {person.person_number.lower()} ") == person.id
    assert employees.employee_id_with_number("NOBODY-AT-ALL") is None
    other = make_postholder()
    assert employees.people_by_id({person.id, other.id}) == {person.id: person, other.id: other}
    assert employees.people_by_id(set()) == {}
    assert employees.employee(person.id) is person


def test_audit_trails_newest_first(ctx):
    post = make_post("SBC", "Licensing")
    person = make_postholder()
    for n in range(3):
        audit.record("update", "post", post.id, after={"n": n}, reason=f"post {n}")
        audit.record("update", "employee", person.id, after={"n": n}, reason=f"person {n}", employee_id=person.id)
    db.session.flush()
    assert [e.reason for e in audit.post_trail(post.id, limit=2)] == ["post 2", "post 1"]
    assert [e.reason for e in audit.person_trail(person.id)][:3] == ["person 2", "person 1", "person 0"]


def test_protection_history_by_time_then_id(ctx):
    at = datetime(2026, 1, 1, tzinfo=UTC)
    for n, when in enumerate([at, at + timedelta(days=1), at]):
        db.session.add(AuditEvent(action="update", entity_type="protection", entity_id="999999", at=when,
                                  actor_label="test", reason=f"event {n}", before={}, after={}))
    db.session.flush()
    assert [e.reason for e in audit.protection_history(999999)] == ["event 1", "event 2", "event 0"]


def test_audit_browser_filters(ctx):
    person = make_postholder()
    audit.record("update", "employee", person.id, after={"a": 1}, reason="kept", employee_id=person.id)
    db.session.flush()
    found = list(db.session.scalars(audit.events_query(person_number=person.person_number.lower(),
                                                       entity="employee", action="update", start=TODAY,
                                                       end=TODAY)))
    assert [e.reason for e in found] == ["kept"]
    assert list(db.session.scalars(audit.events_query(person_number="NOBODY-AT-ALL"))) == []
    assert list(db.session.scalars(audit.events_query(person_number=person.person_number,
                                                      start=TODAY + timedelta(days=1)))) == []
    ids = [e.id for e in db.session.scalars(audit.events_query().limit(50))]
    assert ids == sorted(ids, reverse=True)
    assert "employee" in audit.entity_types() and audit.entity_types() == sorted(set(audit.entity_types()))
    assert "update" in audit.actions() and audit.actions() == sorted(set(audit.actions()))
    people, users = audit.subjects(found)
    assert people == {person.id: person} and users == {}


def test_open_posts_of_an_employer(ctx):
    a = make_post("SBC", "Licensing", title="Qqmoved Alpha Officer")
    b = make_post("SBC", "Licensing", title="Qqmoved Beta Officer")
    closed = make_post("SBC", "Licensing", title="Qqmoved Closed Officer", closed_on=date(2020, 1, 1))
    elsewhere = make_post("CCDC", "Licensing", title="Qqmoved Alpha Officer")
    sbc = council("SBC").id
    assert posts.find_open_posts(sbc, "qqmoved officer", limit=10) == [a, b]
    assert posts.find_open_posts(sbc, "qqmoved officer", limit=1) == [a]
    assert posts.find_open_posts(sbc, b.post_number.lower(), limit=10) == [b]
    assert posts.open_post(sbc, b.id) is b
    assert posts.open_post(sbc, closed.id) is None and posts.open_post(sbc, elsewhere.id) is None
    every = posts.open_posts(sbc)
    assert a in every and closed not in every and elsewhere not in every
    assert every == sorted(every, key=lambda p: (p.title, p.post_number))
    assert posts.open_post_count(sbc, up_to=3) == 3
    assert posts.open_post_count(sbc, up_to=10**6) == len(every)
    assert posts.post(a.id) is a


def _transfer() -> Transfer:
    return transfers.create_transfer({
        "service_id": service("Licensing").id, "transferor_id": council("SBC").id,
        "transferee_id": council("CCDC").id, "transfer_date": date(2026, 11, 1), "legal_basis": "tupe",
        "reasons": "Shared service", "transferor_measures_none": True, "transferee_measures_none": True},
        date(2026, 10, 1))


def test_transfer_overview_members_and_steps(ctx):
    record = _transfer()
    other = _transfer()
    person = make_postholder()
    member = transfers.add_member(record, person.id, "Works in the service")
    found = transfers.overview(date(2026, 10, 20))
    assert found.transfers == list(db.session.scalars(
        select(Transfer).order_by(Transfer.transfer_date.desc(), Transfer.reference)))
    assert found.cohort[record.id] == 1 and other.id not in found.cohort
    overdue = sum(1 for i in record.checklist if i.done_on is None and i.due_on < date(2026, 10, 20))
    assert found.overdue.get(record.id, 0) == overdue
    assert found.status[record.id] == "planned"
    assert transfers.member_of(record, member.id) is member
    assert transfers.member_of(other, member.id) is None
    item = record.checklist[0]
    assert transfers.step_of(record, item.id) is item
    assert transfers.step_of(other, item.id) is None
    assert db.session.get(ChecklistItem, item.id) is item


def test_latest_election(ctx):
    person = make_employee()
    first, second = (employ(person, "SBC", date(2010, 1, 1), date(2014, 12, 31)),
                     employ(person, "SBC", date(2015, 1, 1)))
    assert protected_terms.latest_election(person.id) is None
    for employment in (first, second):
        db.session.add(Election(employee_id=person.id, employment_id=employment.id, effective_from=date(2027, 1, 1),
                                understood_irreversible=True))
    db.session.flush()
    latest = protected_terms.latest_election(person.id)
    assert latest is not None and latest.employment_id == second.id


def test_a_protections_posts(ctx):
    old, new = make_post("SBC", "Licensing"), make_post("SBC", "Licensing")
    record = Protection(old_post_id=old.id, new_post_id=new.id)
    assert protections.posts_of(record) == {old.id: old, new.id: new}
    assert protections.posts_of(Protection(old_post_id=None, new_post_id=None)) == {}



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
    audiences = [t.audience for t in templates]
    # Unions' letters first, then employees', each in the order they were made.
    assert audiences == ["union"] * audiences.count("union") + ["employee"] * audiences.count("employee")
    assert audiences.count("union") and audiences.count("employee")
    for audience in ("union", "employee"):
        ids = [t.id for t in templates if t.audience == audience]
        assert ids == sorted(ids)
    assert len(templates) == db.session.scalar(select(func.count()).select_from(LetterTemplate))
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

    before = dashboards.elections_awaiting_countersignature()
    for countersigned in (None, datetime(2026, 1, 5, tzinfo=UTC)):
        person = make_employee()
        employment = employ(person, "SBC", date(2015, 1, 1))
        db.session.add(Election(employee_id=person.id, employment_id=employment.id, effective_from=date(2027, 1, 1),
                                understood_irreversible=True, countersigned_at=countersigned))
    db.session.flush()
    assert dashboards.elections_awaiting_countersignature() == before + 1
