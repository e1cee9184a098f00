"""The HR employees list as rebuilt for issue 17 (pages flat at 100,000 people): the page's
people are chosen first, in order, then only their rows are joined. These check what a reader
sees through the page itself: the order by name (regardless of case), a name search's three
ways of matching (last name, first name, person number) each person once, paging that neither
skips nor repeats anyone, the filters against the records worked through by hand, the capped
count, and a change dated today showing at once (no nightly job)."""
from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from hrtool.extensions import db
from hrtool.models import Assignment, Employee, Employment, TermsRecord
from hrtool.services.people import employee_search
from hrtool.services.people.employees import AssignmentChange, change_assignment
from hrtool.services.platform import planner_stats
from hrtool.web import paging

from ..conftest import Auth
from ..factories import assign, employ, make_employee, make_post, own_terms, service

HR = "hr@hrtool.example"
TODAY = date.today()
ROW = re.compile(r'<th scope="row" class="govuk-table__header"><a class="govuk-link" href="/employees/(\d+)">')


def _signed_in(app):
    client = app.test_client()
    assert Auth(client).login(HR).status_code == 302
    return client


def _person(last: str, first: str = "Alex", *, employer: str = "SBC", service: str = "Licensing",
            person_number: str | None = None, hours: str = "37") -> Employee:
    extra = {"person_number": person_number} if person_number else {}
    person = make_employee(last_name=last, first_name=first, **extra)
    employment = employ(person, employer, date(2015, 4, 1))
    assign(employment, make_post(employer, service), date(2015, 4, 1), hours=hours)
    own_terms(employment, date(2015, 4, 1))
    return person


def _ids(body: str) -> list[int]:
    return [int(i) for i in ROW.findall(body)]


def _every_page(client, **query) -> list[int]:
    """The ids on each page of the list in turn, following its own page count."""
    first = client.get("/employees/", query_string=query).get_data(as_text=True)
    pages = int(re.search(r"page 1 of (\d+)", first).group(1))
    ids = _ids(first)
    for number in range(2, pages + 1):
        ids += _ids(client.get("/employees/", query_string={**query, "page": number}).get_data(as_text=True))
    return ids


def test_names_sort_regardless_of_case_and_a_search_finds_each_person_once(app):
    client = _signed_in(app)
    with app.app_context():
        # Worked by hand: case-insensitive order of (last name, first name) is
        #   Aardvark, Qzlistd (found by first name) < qzlista, Bea < Qzlistb, Cy < QZLISTC, Di
        # where a byte-wise sort would put QZLISTC first and qzlista last.
        c = _person("QZLISTC", "Di").id
        b = _person("Qzlistb", "Cy").id
        a = _person("qzlista", "Bea").id
        by_first = _person("Aardvark", "Qzlistd").id
        both = _person("Qzlistboth", "Qzlistboth").id  # first and last names both match: listed once
        _person("Unrelated", "Person")
        db.session.commit()
    body = client.get("/employees/", query_string={"q": "qzlist"}).get_data(as_text=True)
    # qzlista < qzlistb < qzlistboth < qzlistc (b before "both": a shorter prefix sorts first)
    assert _ids(body) == [by_first, a, b, both, c]
    assert "5 people matching" in body
    # Two words: each must start the first or the last name.
    assert _ids(client.get("/employees/", query_string={"q": "qzlistb cy"}).get_data(as_text=True)) == [b]
    # Descending reverses the whole order, the search's arms included.
    body = client.get("/employees/", query_string={"q": "qzlist", "desc": "1"}).get_data(as_text=True)
    assert _ids(body) == [c, both, b, a, by_first]
    # The export of the same search holds the same people.
    with app.app_context():
        exported = db.session.scalars(employee_search.person_ids(employee_search.EmployeeFilters(q="qzlist"), TODAY))
        assert sorted(exported) == sorted([by_first, a, b, both, c])


def test_a_person_number_is_found_alone_or_with_a_name(app):
    client = _signed_in(app)
    with app.app_context():
        person = _person("Numbered", "Nina", person_number="QZ90210").id
        _person("Numbered", "Ned")
        db.session.commit()
    assert _ids(client.get("/employees/", query_string={"q": "qz90210"}).get_data(as_text=True)) == [person]
    # As the first of two words, the number is the search's third arm; the name narrows it.
    assert _ids(client.get("/employees/", query_string={"q": "QZ90210 numbered"}).get_data(as_text=True)) == [person]
    assert _ids(client.get("/employees/", query_string={"q": "QZ90210 zzqx"}).get_data(as_text=True)) == []


def test_pages_of_a_search_hold_everyone_once_in_order(app):
    client = _signed_in(app)
    with app.app_context():
        # 30 people, created out of order, with mixed case: 25 on page 1, 5 on page 2.
        names = [f"Qzpage{n:02d}" if n % 2 else f"qzpage{n:02d}" for n in (17, 3, 29, 8, 22, 11, 1, 26, 14, 5, 20,
                                                                             9, 30, 2, 24, 13, 6, 19, 28, 10, 4, 16,
                                                                             27, 7, 21, 12, 25, 15, 18, 23)]
        people = {name: _person(name).id for name in names}
        db.session.commit()
    expected = [people[name] for name in sorted(names, key=str.lower)]
    first = client.get("/employees/", query_string={"q": "qzpage", "per_page": 25}).get_data(as_text=True)
    assert "30 people matching" in first and "page 1 of 2" in first
    assert _every_page(client, q="qzpage", per_page=25) == expected


def test_filters_find_the_people_the_records_say(app):
    """Employer, service, terms and part-time together, against the records read one by one."""
    client = _signed_in(app)
    with app.app_context():
        wanted = _person("Filtered", "Wanted", employer="CCDC", service="Revenues and Benefits", hours="18.5")
        _person("Filtered", "Fulltime", employer="CCDC", service="Revenues and Benefits", hours="37")
        _person("Filtered", "Elsewhere", employer="CCDC", service="Licensing", hours="18.5")
        _person("Filtered", "Otherco", employer="SBC", service="Revenues and Benefits", hours="18.5")
        left = _person("Filtered", "Gone", employer="CCDC", service="Revenues and Benefits", hours="18.5")
        employment = db.session.scalars(select(Employment).where(Employment.employee_id == left.id)).one()
        employment.end_date = TODAY - timedelta(days=1)
        service_id = service("Revenues and Benefits").id
        ids = (wanted.id, left.id)
        db.session.commit()
    query = {"q": "filtered", "employer": "CCDC", "service": service_id, "part_time": "yes"}
    assert _ids(client.get("/employees/", query_string=query).get_data(as_text=True)) == [ids[0]]
    body = client.get("/employees/", query_string={**query, "status": "left"}).get_data(as_text=True)
    assert _ids(body) == [ids[1]] and "Left</strong>" in body
    assert _ids(client.get("/employees/", query_string={**query, "terms": "protected"}).get_data(as_text=True)) == []
    assert _ids(client.get("/employees/", query_string={**query, "terms": "own"}).get_data(as_text=True)) == [ids[0]]


def test_protected_terms_filter_matches_the_register_of_terms(app):
    """Everyone the demo data holds on protected terms today, with each employer, read from the
    dated records one person at a time (no query of the list's), against every page of the list."""
    client = _signed_in(app)
    with app.app_context():
        expected: dict[str, list[int]] = {"SBC": [], "CCDC": []}
        people = db.session.scalars(select(Employee)).all()
        for person in sorted(people, key=lambda p: (p.last_name.lower(), p.first_name.lower(), p.id)):
            started = [e for e in person.employments if e.start_date <= TODAY]
            if not started:
                continue
            employment = max(started, key=lambda e: e.start_date)
            if employment.end_date is not None and employment.end_date < TODAY:
                continue
            terms = [t for t in employment.terms_records if t.effective_from <= TODAY
                     and (t.effective_to is None or t.effective_to >= TODAY)]
            if [t.basis for t in terms] == ["protected"]:
                expected[employment.employer.code].append(person.id)
        assert db.session.scalar(select(TermsRecord.id).where(TermsRecord.basis == "protected").limit(1))
    for code, ids in expected.items():
        assert _every_page(client, terms="protected", employer=code, per_page=25) == ids, code


def test_a_change_dated_today_shows_in_the_list_at_once(app):
    client = _signed_in(app)
    with app.app_context():
        person = _person("Qzmover", "Today", employer="SBC", service="Licensing")
        assignment = person.employments[0].assignments[0]
        new_post = make_post("SBC", "Revenues and Benefits")
        later_post = make_post("SBC", "Waste Contract Management")
        db.session.commit()
        change_assignment(assignment.id, AssignmentChange(TODAY, new_post.id, Decimal(37), 10, None, "Moved today"))
        moved = db.session.scalars(select(Assignment)
                                   .where(Assignment.post_id == new_post.id)).one()
        change_assignment(moved.id, AssignmentChange(TODAY + timedelta(days=1), later_post.id, Decimal(37), 10,
                                                     None, "Moving tomorrow"))
        services = {name: service(name).id for name in ("Licensing", "Revenues and Benefits", "Waste Contract Management")}
        # Tomorrow's list (the service function, dated) already has the change dated tomorrow.
        tomorrow = db.session.scalars(employee_search.person_ids(
            employee_search.EmployeeFilters(q="qzmover", service_id=services["Waste Contract Management"]),
            TODAY + timedelta(days=1))).all()
        assert tomorrow == [person.id]
    for name, shown in (("Licensing", False), ("Revenues and Benefits", True), ("Waste Contract Management", False)):
        body = client.get("/employees/", query_string={"q": "qzmover", "service": services[name]}).get_data(as_text=True)
        assert (_ids(body) == [person.id]) is shown, name


def test_the_count_stops_at_the_cap_and_the_page_stays_full(app, monkeypatch):
    client = _signed_in(app)
    monkeypatch.setattr(paging, "COUNT_CAP", 30)
    body = client.get("/employees/", query_string={"per_page": 25}).get_data(as_text=True)
    assert "More than 30 people" in body and "page 1 of 2" in body and len(_ids(body)) == 25
    # Past the last page counted: the last one (never an error, never an empty page).
    body = client.get("/employees/", query_string={"per_page": 25, "page": 9}).get_data(as_text=True)
    assert "page 2 of 2" in body and len(_ids(body)) == 25


@pytest.mark.parametrize("query", [{}, {"q": "smith"}, {"q": "smith", "employer": "SBC"}])
def test_a_page_by_name_is_read_in_order_not_sorted(app, query):
    """The statement that picks a page's people reads the name index in order and stops at the
    page's end: SQLite's plan holds no sort of everyone who matches (a temporary B-tree for the
    ORDER BY), which is what made the list grow with the workforce. A name search merges its
    arms (last name, first name, person number), each read in that order too."""
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("the plan checked is SQLite's (PostgreSQL's depends on its statistics)")
        planner_stats.refresh()  # as the demo data and every import leave it (rolled back after)
        filters = employee_search.EmployeeFilters(**query)
        statement = employee_search.keys(filters, TODAY).limit(51)
        sql = str(statement.compile(db.engine, compile_kwargs={"literal_binds": True}))
        plan = [row[-1] for row in db.session.execute(db.text("EXPLAIN QUERY PLAN " + sql))]
    sorts = [step for step in plan if "TEMP B-TREE FOR ORDER BY" in step]
    # The first-name arm of a search may be sorted (its few matches); at 100,000 people SQLite
    # reads it through the same index too, skipping from one last name to the next.
    assert len(sorts) <= (1 if "q" in query else 0), plan
    assert any("ix_employees_sort_name" in step for step in plan), plan


def test_a_big_employers_posts_are_found_by_number_or_title_for_a_change_of_post(app, monkeypatch):
    """Past POST_CHOICES open posts (50,000 at 100,000 people) the change-of-post page lists the
    current post and the posts found by number or title, not every post; saving a found post
    works as before, and a post of another employer sent by hand is refused."""
    from hrtool.web.staff import views

    monkeypatch.setattr(views, "POST_CHOICES", 3)
    client = _signed_in(app)
    with app.app_context():
        person = _person("Qzposter", "Pat", employer="SBC")
        current = person.employments[0].assignments[0]
        target = make_post("SBC", "Licensing", title="Qzunique Licensing Officer")
        elsewhere = make_post("CCDC", "Licensing", title="Qzunique Licensing Officer")
        db.session.commit()
        person_id, current_id, current_post = person.id, current.id, current.post_id
        target_id, target_number, elsewhere_id = target.id, target.post_number, elsewhere.id
    url = f"/employees/{person_id}/assignment"

    def options(body: str) -> list[int]:
        return [int(i) for i in re.findall(r'<option value="(\d+)"', body)]

    body = client.get(url).get_data(as_text=True)
    assert "Find the new post" in body and options(body) == [current_post]
    body = client.get(url, query_string={"find": "qzunique officer"}).get_data(as_text=True)
    assert options(body) == [current_post, target_id] and "1 open post found" in body
    assert options(client.get(url, query_string={"find": target_number.lower()}).get_data(as_text=True)) == [
        current_post, target_id]
    assert "No open post found" in client.get(url, query_string={"find": "zzqx"}).get_data(as_text=True)
    form = {"based_on": str(current_id), "effective_from": [str(TODAY.day), str(TODAY.month), str(TODAY.year)],
            "hours_per_week": "37", "scp": "10", "local_salary": "", "reason": "Moved to the found post"}
    refused = client.post(url, data={**form, "post_id": str(elsewhere_id)})
    assert refused.status_code == 200 and "Not a valid choice" in refused.get_data(as_text=True)
    saved = client.post(f"{url}?find=qzunique", data={**form, "post_id": str(target_id)})
    assert saved.status_code == 302
    with app.app_context():
        latest = db.session.scalars(select(Assignment).join(Employment).where(Employment.employee_id == person_id)
                                    .order_by(Assignment.effective_from.desc(), Assignment.id.desc())).first()
        assert latest.post_id == target_id and latest.effective_from == TODAY
