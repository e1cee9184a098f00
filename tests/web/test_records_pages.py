"""The HR records pages through the test client: list filters, editing, concurrent edits, posts."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from hrtool.extensions import db
from hrtool.models import AuditEvent, Employee, Employment, Post, TermsRecord

from ..conftest import Auth

HR, ADMIN = "hr@hrtool.example", "admin@hrtool.example"


def _signed_in(app, username=HR):
    client = app.test_client()
    assert Auth(client).login(username).status_code == 302
    return client


def _someone(app, **where):
    with app.app_context():
        query = select(Employee).join(Employment).where(Employment.end_date.is_(None))
        return db.session.scalars(query.order_by(Employee.id).offset(20)).first()


def test_search_by_name_and_person_number(app):
    client = _signed_in(app)
    person = _someone(app)
    for q in (person.last_name, person.person_number, f"{person.first_name} {person.last_name}",
              f"{person.last_name[:3].upper()} {person.first_name[:2].lower()}"):  # word starts, any order
        body = client.get("/employees/", query_string={"q": q}).get_data(as_text=True)
        assert person.person_number in body, q
    # Every word must match: a second word matching nobody leaves nobody.
    body = client.get("/employees/", query_string={"q": f"{person.last_name} zzqx"}).get_data(as_text=True)
    assert person.person_number not in body and "No one matches" in body
    body = client.get("/employees/", query_string={"q": "zzqx-nobody"}).get_data(as_text=True)
    assert "No one matches" in body


def test_filters_narrow_the_list(app):
    client = _signed_in(app)
    with app.app_context():
        protected = db.session.scalar(select(func.count(func.distinct(Employment.employee_id)))
                                      .join(TermsRecord).where(TermsRecord.basis == "protected",
                                                               TermsRecord.effective_to.is_(None),
                                                               Employment.end_date.is_(None)))
    body = client.get("/employees/", query_string={"terms": "protected"}).get_data(as_text=True)
    assert f"{protected} {'person' if protected == 1 else 'people'}" in body
    assert "Own</td>" not in body
    body = client.get("/employees/", query_string={"employer": "CCDC"}).get_data(as_text=True)
    assert "Stafford Borough</td>" not in body and "Cannock Chase</td>" in body
    body = client.get("/employees/", query_string={"status": "left"}).get_data(as_text=True)
    assert "Left</strong>" in body


def test_sorting_and_paging(app):
    client = _signed_in(app)
    body = client.get("/employees/", query_string={"sort": "person_number", "desc": "1"}).get_data(as_text=True)
    numbers = [part.split("<")[0] for part in body.split('<td class="govuk-table__cell">P0')[1:]]
    assert numbers == sorted(numbers, reverse=True) and len(numbers) == 50
    page2 = client.get("/employees/", query_string={"page": "2"}).get_data(as_text=True)
    assert "page 2 of" in page2
    assert client.get("/employees/", query_string={"page": "999"}).status_code == 200
    assert client.get("/employees/", query_string={"page": "x", "sort": "evil"}).status_code == 200
    # A service id that cannot be one is a 404, as a bad id in the path (issue 16, web/fields.py).
    assert client.get("/employees/", query_string={"service": "abc"}).status_code == 404


def test_two_officers_editing_the_same_person(app):
    """The second save is refused with a clear message, the first change is shown, nothing is lost."""
    person = _someone(app)
    first, second = _signed_in(app, HR), _signed_in(app, ADMIN)
    form = {"first_name": person.first_name, "last_name": person.last_name,
            "date_of_birth": [str(person.date_of_birth.day), str(person.date_of_birth.month), str(person.date_of_birth.year)],
            "sex": person.sex,
            "continuous_service_date": [str(person.continuous_service_date.day), str(person.continuous_service_date.month),
                                        str(person.continuous_service_date.year)],
            "email": person.email, "phone": person.phone, "address": person.address, "postcode": person.postcode,
            "trade_union_id": str(person.trade_union_id or ""), "version": str(person.version)}
    url = f"/employees/{person.id}/details"
    assert first.get(url).status_code == 200 and second.get(url).status_code == 200
    saved = first.post(url, data={**form, "phone": "01785 111111", "reason": "New number"})
    assert saved.status_code == 302
    refused = second.post(url, data={**form, "email": "second@example.org", "reason": "New email"})
    body = refused.get_data(as_text=True)
    assert refused.status_code == 409
    assert "Harriet Officer (demo HR) changed this record while you were editing it (Phone)" in body
    assert "01785 111111" in body  # the other's change is shown
    assert 'value="second@example.org"' in body  # and nothing the second officer typed is lost
    with app.app_context():
        stored = db.session.get(Employee, person.id)
        assert (stored.phone, stored.email) == ("01785 111111", person.email)
        version = stored.version
    again = second.post(url, data={**form, "phone": "01785 111111", "email": "second@example.org",
                                   "version": str(version), "reason": "New email"})
    assert again.status_code == 302
    with app.app_context():
        stored = db.session.get(Employee, person.id)
        assert (stored.phone, stored.email) == ("01785 111111", "second@example.org")


def test_edit_form_errors_keep_input(app):
    client = _signed_in(app)
    person = _someone(app)
    response = client.post(f"/employees/{person.id}/details", data={
        "first_name": "", "last_name": "Kept", "date_of_birth": ["31", "2", "1980"], "sex": "F",
        "continuous_service_date": ["1", "1", "2010"], "email": "not-an-email", "version": "1", "reason": ""})
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in body
    for message in ("Enter the first name", "Date of birth must be a real date", "Enter an email address",
                    "Enter the reason for the change"):
        assert message in body
    assert 'value="Kept"' in body and 'value="not-an-email"' in body


def test_post_grade_follows_each_councils_bands(app):
    """400 JE points: Grade 7 at Stafford (400-439), F at Cannock Chase (370-414)."""
    client = _signed_in(app)
    with app.app_context():
        councils = {c: i for c, i in db.session.execute(select(Post.council_id, Post.council_id))}
        from hrtool.models import Council, Service

        ids = {c.code: c.id for c in db.session.scalars(select(Council))}
        service = db.session.scalar(select(Service.id).where(Service.name == "Licensing"))
    assert councils
    for code, number, grade in (("SBC", "SB-T-400", "Grade 7"), ("CCDC", "CC-T-400", "F")):
        response = client.post("/posts/new", data={
            "post_number": number, "council_id": ids[code], "service_id": service, "title": "Licensing Officer",
            "tier": "officer", "fte": "1", "je_score": "400", "established_on": ["1", "4", "2026"],
            "reason": "New post"})
        assert response.status_code == 302, response.get_data(as_text=True)
        page = client.get(response.location).get_data(as_text=True)
        assert grade in page and "Vacant" in client.get("/posts/", query_string={"q": number}).get_data(as_text=True)
    duplicate = client.post("/posts/new", data={
        "post_number": "SB-T-400", "council_id": ids["SBC"], "service_id": service, "title": "X", "tier": "officer",
        "fte": "1", "established_on": ["1", "4", "2026"], "reason": "again"})
    assert "Another post already has that post number" in duplicate.get_data(as_text=True)


def test_post_page_lists_holders_over_time(app):
    client = _signed_in(app)
    with app.app_context():
        from hrtool.models import Assignment

        post_id = db.session.scalar(select(Assignment.post_id).group_by(Assignment.post_id)
                                    .having(func.count() > 1).limit(1))
        holders = db.session.scalar(select(func.count()).select_from(Assignment).where(Assignment.post_id == post_id))
    body = client.get(f"/posts/{post_id}").get_data(as_text=True)
    assert body.count("/employees/") >= holders


def test_audit_log_search(app):
    client = _signed_in(app)
    person = _someone(app)
    client.post(f"/employees/{person.id}/leaver", data={"end_date": ["31", "3", str(date.today().year + 1)],
                                                         "reason": "retired"})
    body = client.get("/audit/", query_string={"employee": person.person_number}).get_data(as_text=True)
    assert "retired" in body and "update employment" in body
    assert "1 events" in body or "events, newest first" in body
    body = client.get("/audit/", query_string={"employee": "P9999999"}).get_data(as_text=True)
    assert "No events match" in body
    assert "Enter a date like" in client.get("/audit/", query_string={"from": "yesterday"}).get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                                 .where(AuditEvent.employee_id == person.id)) >= 1
