"""The queries the transfers, audit, posts, staff, protected terms and pay protection pages used
to build themselves, now service functions: the same rows in the same order. And the money
fields of their forms read as pounds ("£32,076.00"), refusing what is not an amount."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from hrtool.extensions import db
from hrtool.models import (
    Assignment,
    AuditEvent,
    ChecklistItem,
    Council,
    Election,
    Employee,
    Employment,
    Post,
    Protection,
    Service,
    Transfer,
)
from hrtool.services.people import councils, employees, posts
from hrtool.services.people.records import spine_on
from hrtool.services.platform import audit
from hrtool.services.protection import protections
from hrtool.services.tupe import protected_terms, transfers

from .conftest import Auth
from .factories import assign, council, employ, make_employee, make_post, own_terms, service

HR = "hr@hrtool.example"
TODAY = date.today()


def _hr(app):
    client = app.test_client()
    assert Auth(client).login(HR).status_code == 302
    return client


def _person(employer: str = "SBC", *, scp: int | None = 10, post: Post | None = None) -> Employee:
    person = make_employee()
    employment = employ(person, employer, date(2015, 4, 1))
    assign(employment, post or make_post(employer, "Licensing"), date(2015, 4, 1), scp=scp)
    own_terms(employment, date(2015, 4, 1))
    return person


# -- the queries, as the pages asked them --------------------------------------------------------

def test_councils_and_services_in_the_order_of_every_choice(ctx):
    by_code = list(db.session.scalars(select(Council).order_by(Council.code)))
    assert councils.council_names() == [(c.code, c.short_name) for c in by_code]
    by_name = list(db.session.scalars(select(Service).order_by(Service.name)))
    assert councils.shared_services() == by_name
    assert councils.service_names() == [(s.id, s.name) for s in by_name]


def test_person_lookups(ctx):
    person = _person()
    assert employees.employee_id_with_number(f"  {person.person_number.lower()} ") == person.id
    assert employees.employee_id_with_number("NOBODY-AT-ALL") is None
    other = _person()
    assert employees.people_by_id({person.id, other.id}) == {person.id: person, other.id: other}
    assert employees.people_by_id(set()) == {}
    assert employees.employee(person.id) is person


def test_audit_trails_newest_first(ctx):
    post = make_post("SBC", "Licensing")
    person = _person()
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
    person = _person()
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
    person = _person()
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


# -- money typed as pounds -----------------------------------------------------------------------

def _post_form(app, **money: str) -> dict:
    with app.app_context():
        ids = {c.code: c.id for c in db.session.scalars(select(Council))}
        licensing = db.session.scalar(select(Service.id).where(Service.name == "Licensing"))
    return {"post_number": "QQ-MONEY-1", "council_id": ids["SBC"], "service_id": licensing,
            "title": "Head of Licensing", "tier": "head of service", "fte": "1",
            "established_on": ["1", "4", "2026"], "reason": "New post", **money}


def test_a_posts_band_is_taken_as_typed_in_pounds(app):
    client = _hr(app)
    response = client.post("/posts/new", data=_post_form(app, band_min="£32,076.00", band_max="£40,000"))
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        saved = db.session.scalars(select(Post).where(Post.post_number == "QQ-MONEY-1")).one()
        assert (saved.band_min, saved.band_max) == (Decimal("32076.00"), Decimal("40000.00"))


def test_a_posts_band_with_a_misplaced_comma_is_refused_in_plain_words(app):
    response = _hr(app).post("/posts/new", data=_post_form(app, band_min="1,23", band_max="40000"))
    assert response.status_code == 200
    assert ("Local band minimum (chief officers) must be an amount in pounds, like 950.00"
            in response.get_data(as_text=True))
    with app.app_context():
        assert db.session.scalar(select(Post.id).where(Post.post_number == "QQ-MONEY-1")) is None


def _chief_officer(app) -> tuple[int, int, int]:
    """A person on a chief officer's post, and another post of their employer: (person, current
    assignment, other post)."""
    with app.app_context():
        person = _person(scp=None, post=make_post("SBC", "Licensing", tier="head of service",
                                                  band_min=Decimal(30000), band_max=Decimal(40000)))
        person_id = person.id
        current = db.session.scalars(select(Assignment).join(Employment)
                                     .where(Employment.employee_id == person_id)).one()
        current.local_salary = Decimal(31000)
        other = make_post("SBC", "Licensing", tier="head of service", band_min=Decimal(30000),
                          band_max=Decimal(40000))
        db.session.commit()
        return person_id, current.id, other.id


def _assignment_form(current_id: int, post_id: int, local_salary: str) -> dict:
    return {"based_on": str(current_id), "effective_from": [str(TODAY.day), str(TODAY.month), str(TODAY.year)],
            "post_id": str(post_id), "hours_per_week": "37", "scp": "", "local_salary": local_salary,
            "reason": "Moved to a new post"}


def test_a_local_salary_is_taken_as_typed_in_pounds(app):
    person_id, current_id, other = _chief_officer(app)
    response = _hr(app).post(f"/employees/{person_id}/assignment",
                             data=_assignment_form(current_id, other, "£32,076.00"))
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        latest = db.session.scalars(select(Assignment).join(Employment).where(Employment.employee_id == person_id)
                                    .order_by(Assignment.effective_from.desc())).first()
        assert latest.post_id == other and latest.local_salary == Decimal("32076.00")


def test_a_local_salary_with_a_misplaced_comma_is_refused_in_plain_words(app):
    person_id, current_id, other = _chief_officer(app)
    response = _hr(app).post(f"/employees/{person_id}/assignment", data=_assignment_form(current_id, other, "1,23"))
    assert response.status_code == 200
    assert ("Local salary (chief officers only, full-time a year) must be an amount in pounds, like 950.00"
            in response.get_data(as_text=True))


def _protection_form(number: str, old_salary: str, new_salary: str) -> dict:
    return {"person_number": number, "source": "manual", "start_date": ["1", "6", "2026"], "old_salary": old_salary,
            "new_salary": new_salary, "hours_per_week": "37", "reason": "Redeployed on medical advice"}


def test_a_protected_salary_is_taken_as_typed_in_pounds(app, auth):
    with app.app_context():
        person = _person(scp=5)
        number, person_id = person.person_number, person.id
        new = spine_on(date(2026, 6, 1))[1][5]
        db.session.commit()
    assert new < Decimal("32076.00")
    auth.as_role("hr")
    response = auth.client.post("/protection/new", data=_protection_form(number, "£32,076.00", f"£{new:,.2f}"))
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        record = db.session.scalars(select(Protection).where(Protection.employee_id == person_id)).one()
        assert (record.old_salary, record.new_salary) == (Decimal("32076.00"), new)


def test_a_protected_salary_with_a_misplaced_comma_is_refused_in_plain_words(app, auth):
    auth.as_role("hr")
    response = auth.client.post("/protection/new", data=_protection_form("NOBODY", "1,23", "30000"))
    assert response.status_code == 400
    assert "Old salary, full-time, a year (£) must be an amount in pounds, like 950.00" in response.get_data(
        as_text=True)
