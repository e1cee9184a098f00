"""Pay protection pages: bad input re-renders with errors and keeps what was typed, a protection
recorded by hand, ending early, changing a policy (admin only), the calculator page, and the
employee's own view showing only their own protection."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from hrtool.extensions import db
from hrtool.models import Assignment, Employee, Employment, Policy, Protection, User
from hrtool.services.people.records import spine_on


def _demo_employee_id(app) -> int:
    with app.app_context():
        return db.session.scalar(select(User.employee_id).where(User.username == "employee@hrtool.example"))


def test_recording_by_hand_refuses_bad_input_and_keeps_it(app, auth):
    auth.as_role("hr")
    response = auth.client.post("/protection/new", data={
        "person_number": "NOBODY", "source": "manual", "start_date": ["1", "4", "2026"], "old_salary": "30000",
        "new_salary": "31000", "hours_per_week": "37", "reason": "Redeployed"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "govuk-error-summary" in page and "No employee has that person number" in page
    assert 'value="NOBODY"' in page and "Redeployed" in page


def test_recording_by_hand_with_a_salary_that_did_not_go_down(app, auth):
    with app.app_context():
        number = db.session.scalar(select(Employee.person_number).order_by(Employee.id).limit(1))
    auth.as_role("hr")
    response = auth.client.post("/protection/new", data={
        "person_number": number, "source": "manual", "start_date": ["1", "4", "2026"], "old_salary": "30000",
        "new_salary": "31000", "hours_per_week": "37", "reason": "Redeployed"})
    assert response.status_code == 400
    assert "nothing to protect" in response.get_data(as_text=True)


def _on_the_spine_unprotected(on: date) -> tuple[Employee, Decimal, Decimal]:
    """Someone on the spine without a protection, with their salary on `on` and one three points up."""
    _, spine = spine_on(on)
    row = db.session.execute(
        select(Employee, Assignment.scp).join(Employment, Employment.employee_id == Employee.id)
        .join(Assignment, Assignment.employment_id == Employment.id)
        .where(~Employee.id.in_(select(Protection.employee_id)), Assignment.scp.is_not(None),
               Assignment.local_salary.is_(None), Assignment.scp + 3 <= max(spine), Assignment.effective_from < on,
               Assignment.effective_to.is_(None), Employment.end_date.is_(None))
        .order_by(Employee.id).limit(1)).one()
    return row[0], spine[row[1]], spine[row[1] + 3]


def test_hr_records_one_and_ends_it_early(app, auth):
    with app.app_context():
        person, new, old = _on_the_spine_unprotected(date(2026, 6, 1))
        number, employee_id = person.person_number, person.id
    auth.as_role("hr")
    response = auth.client.post("/protection/new", data={
        "person_number": number, "source": "manual", "start_date": ["1", "6", "2026"], "old_salary": str(old),
        "new_salary": str(new), "hours_per_week": "37", "reason": "Redeployed on medical advice"})
    assert response.status_code == 302, response.get_data(as_text=True)
    url = response.location
    page = auth.client.get(url).get_data(as_text=True)
    assert "Redeployed on medical advice" in page and "Schedule month by month" in page
    response = auth.client.post(f"{url}/end", data={"kind": "promotion", "first_day_without": ["1", "2", "2027"],
                                                    "reason": "Promoted to team leader"})
    assert response.status_code == 302
    with app.app_context():
        record = db.session.scalars(select(Protection).where(Protection.employee_id == employee_id)).one()
        assert record.ends_on == date(2027, 2, 1) and record.ended_early_kind == "promotion"
        assert record.months[-1].month == date(2027, 1, 1)
    # Ending it twice is refused with a message, not a 500.
    response = auth.client.post(f"{url}/end", data={"kind": "leaving", "first_day_without": ["1", "1", "2027"],
                                                    "reason": "Left"})
    assert response.status_code == 400 and "already ended early" in response.get_data(as_text=True)


def test_only_an_admin_changes_a_policy(app, auth):
    auth.as_role("hr")
    assert auth.client.get("/protection/policies/1/new").status_code == 403
    auth.logout()
    auth.as_role("admin")
    response = auth.client.post("/protection/policies/1/new", data={
        "effective_from": ["1", "4", "2030"], "kind": "tapered", "phases": "12 months at 100%\n6 months at 0.5",
        "ends_early_on": ["promotion", "leaving"], "pro_rata_for_hours": "y", "expiry_warning_days": "60",
        "reason": "Agreed at the joint consultative committee"})
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        latest = db.session.scalars(select(Policy).where(Policy.kind == "pay_protection", Policy.council_id == 1)
                                    .order_by(Policy.effective_from.desc())).first()
        assert latest.effective_from == date(2030, 4, 1)
        assert latest.body["phases"] == [{"months": "12", "share_of_difference": "1"},
                                         {"months": "6", "share_of_difference": "0.5"}]
        assert latest.body["expiry_warning_days"] == "60"
    bad = auth.client.post("/protection/policies/1/new", data={
        "effective_from": ["1", "4", "2031"], "kind": "tapered", "phases": "a year", "expiry_warning_days": "60",
        "reason": "Typo"})
    assert bad.status_code == 400 and "like “12 months at 1.0”" in bad.get_data(as_text=True)


def test_the_calculator_page(app, auth):
    auth.as_role("hr")
    page = auth.client.get("/protection/calculator?council=SBC&old_scp=25&new_scp=20&start=1&start=10&start=2024")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "1 October 2027" in text and "£3,649.00" in text and "£304.08" in text
    bad = auth.client.get("/protection/calculator?council=SBC&old_scp=20&new_scp=25&start=1&start=10&start=2024")
    assert bad.status_code == 400 and "nothing to protect" in bad.get_data(as_text=True)


def test_the_employee_sees_only_their_own_protection(app, auth):
    own = _demo_employee_id(app)
    with app.app_context():
        mine = db.session.scalar(select(func.count()).select_from(Protection).where(Protection.employee_id == own))
        other = db.session.scalars(select(Employee).join(Protection, Protection.employee_id == Employee.id)
                                   .where(Employee.id != own)).first()
        other_number = other.person_number
    assert mine >= 1
    auth.as_role("employee")
    page = auth.client.get("/me/protection/").get_data(as_text=True)
    assert "Your pay is protected until" in page or "Your protection ended" in page
    assert other_number not in page
    pdf = auth.client.get("/me/protection/statement.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert auth.client.get("/protection/").status_code == 403


def test_a_union_rep_sees_no_individual_protection(app, auth):
    auth.as_role("union_rep")
    for url in ["/protection/", "/protection/1", "/protection/export/protections.csv", "/me/protection/"]:
        assert auth.client.get(url).status_code == 403
