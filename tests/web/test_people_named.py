"""People are named as people (issue 15): wherever a page shows a person it gives their name and
person number, never the database's internal id ("Employee 49").

- The protected terms register's list of elections waiting for a countersignature.
- The audit log: the person an event is about, and an event on an employee record."""
from __future__ import annotations

import re
from datetime import date, timedelta

from sqlalchemy import select

from hrtool.extensions import db
from hrtool.models import Employee
from hrtool.services.platform import audit
from hrtool.services.tupe import protected_terms


def _people_on_protected_terms(app, count: int) -> list[tuple[int, str, str, str, str]]:
    """Some people on protected terms today: (id, person number, first name, last name, full name)."""
    with app.app_context():
        rows = protected_terms.register(date.today())
        people = []
        for row in rows[:count]:
            e = row[0]
            people.append((e.id, e.person_number, e.first_name, e.last_name, e.full_name))
        assert len(people) == count, "the demo data has people on protected terms"
        return people


def _pending_table(html: str) -> str:
    start = html.index("Elections waiting for a countersignature")
    return html[start:html.index("</table>", start)]


def test_the_countersign_list_names_each_person_with_their_person_number(app, client, auth):
    people = _people_on_protected_terms(app, 1)  # the session's demo data has one such person
    with app.app_context():
        for employee_id, *_ in people:
            protected_terms.record_election(employee_id, date.today() + timedelta(days=30), True, date.today())
    auth.as_role("hr")
    html = client.get("/protected-terms/").get_data(as_text=True)
    table = _pending_table(html)
    for employee_id, number, first, last, full in people:
        # The register's own style: "Last, First" linking to their terms, then the person number.
        link = re.search(rf'href="/protected-terms/employees/{employee_id}">([^<]+)</a>\s*<span[^>]*>([^<]+)</span>', table)
        assert link, f"no row for {number}"
        assert link.group(1) == f"{last}, {first}"
        assert link.group(2) == number
        # The button says whose election it countersigns (for a screen reader: many buttons).
        assert f"the election of {full}" in table
        assert f"Employee {employee_id}" not in table
    assert not re.search(r"Employee \d+\b", table)


def test_an_election_by_someone_with_markup_in_their_name_is_escaped(app, client, auth):
    """A name is text, never markup, in the list and in the button's hidden label."""
    (employee_id, number, *_), = _people_on_protected_terms(app, 1)
    with app.app_context():
        person = db.session.get(Employee, employee_id)
        person.last_name = "O'Brien <b>"
        db.session.commit()
        protected_terms.record_election(employee_id, date.today() + timedelta(days=30), True, date.today())
    auth.as_role("hr")
    table = _pending_table(client.get("/protected-terms/").get_data(as_text=True))
    assert "<b>" not in table
    assert "O&#39;Brien &lt;b&gt;" in table and number in table


def test_the_audit_log_names_the_person_an_event_is_about(app, client, auth):
    with app.app_context():
        person = db.session.scalars(select(Employee).order_by(Employee.id.desc())).first()
        employee_id, number, full = person.id, person.person_number, person.full_name
        audit.record("update", "employee", employee_id, employee_id=employee_id,
                     before={"phone": "01785 000000"}, after={"phone": "01785 111111"}, reason="Phone number changed")
        db.session.commit()
    auth.as_role("hr")
    html = client.get(f"/audit/?employee={number}").get_data(as_text=True)
    body = html[html.index("<tbody"):html.index("</tbody>")]
    row = next(r for r in body.split("</tr>") if "Phone number changed" in r)
    # The person column: their name linking to their record, and their person number.
    assert re.search(rf'href="/employees/{employee_id}">{re.escape(full)}</a>\s*<span[^>]*>{number}</span>', row)
    # What changed: the employee record by person number, not by internal id.
    assert f"update employee {number}" in row
    assert f"employee {employee_id}<" not in row and ">Record<" not in row


def test_the_audit_log_says_a_deleted_record_rather_than_an_id(app, client, auth):
    """An event about someone whose record has since been deleted (retention) keeps no name."""
    with app.app_context():
        missing = (db.session.scalar(select(Employee.id).order_by(Employee.id.desc())) or 0) + 1000
        # audit_events.employee_id has no foreign key: events outlive the records they are about
        audit.record("erase", "leaver", missing, employee_id=missing, reason="Deleted under the retention rule (test)")
        db.session.commit()
    auth.as_role("hr")
    html = client.get("/audit/?entity=leaver").get_data(as_text=True)
    row = next(r for r in html.split("</tr>") if "Deleted under the retention rule (test)" in r)
    assert "A deleted record" in row
    assert f"/employees/{missing}" not in row


def test_the_audit_log_names_a_login_by_its_display_name(app, client, auth):
    with app.app_context():
        from hrtool.models import User

        hr = db.session.scalar(select(User).where(User.username == "hr@hrtool.example"))
        user_id, name = hr.id, hr.display_name
        audit.record("update", "user", user_id, before={"role": "hr"}, after={"role": "hr"},
                     reason="Role confirmed (people-named test)")
        db.session.commit()
    auth.as_role("hr")
    html = client.get("/audit/?entity=user").get_data(as_text=True)
    row = next(r for r in html.split("</tr>") if "Role confirmed (people-named test)" in r)
    assert f"update user {name}" in row
    assert f"update user {user_id}<" not in row
