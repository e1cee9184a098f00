"""Pay by pay year on the HR employee page and on "My record" (issue 15)."""
from __future__ import annotations

from sqlalchemy import select

from hrtool.extensions import db
from hrtool.models import Employee, User

from ..conftest import Auth


def _client(app, role):
    client = app.test_client()
    assert Auth(client).as_role(role).status_code == 302
    return client


def _demo_employee(app):
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "employee@hrtool.example"))
        person = db.session.get(Employee, user.employee_id)
        other = db.session.scalar(select(Employee.id).where(Employee.id != person.id).limit(1))
        return person.id, person.full_name, person.person_number, other


def test_hr_sees_a_persons_pay_by_year(app):
    person_id, name, number, _ = _demo_employee(app)
    client = _client(app, "hr")
    assert f"/employees/{person_id}/pay" in client.get(f"/employees/{person_id}").get_data(as_text=True)
    page = client.get(f"/employees/{person_id}/pay")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert name in text and number in text
    assert "Pay by pay year" in text and "Basic pay" in text and "2025/26" in text


def test_an_employee_sees_their_own_pay_by_year_only(app):
    _, name, _, other = _demo_employee(app)
    client = _client(app, "employee")
    assert "/me/pay" in client.get("/me/").get_data(as_text=True)
    text = client.get("/me/pay").get_data(as_text=True)
    assert "My pay by pay year" in text and name in text
    assert client.get(f"/employees/{other}/pay").status_code == 403
