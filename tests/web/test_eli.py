"""The employee liability information pages through the test client: the pack page, the XLSX,
a PDF per person, the ZIP, recording the check, and the cases pages; bad input never a 500."""
from __future__ import annotations

import io
import zipfile
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from hrtool.extensions import db
from hrtool.models import AuditEvent, EmployeeCase, Service, Transfer, TransferMember
from hrtool.services.tupe import transfers

from ..conftest import Auth
from ..factories import assign, council, employ, make_employee, make_post, own_terms, service

ON = date(2027, 3, 1)


@pytest.fixture
def hr(app):
    client = app.test_client()
    assert Auth(client).as_role("hr").status_code == 302
    return client


@pytest.fixture
def planned(app):
    """A planned transfer of CCDC's (made-up) Test Kiosks team to SBC: Ward and Young transfer,
    Zane objects. Returns the transfer id and {last name: (employee id, member id)}."""
    with app.app_context():
        db.session.add(Service(name="Test Kiosks", area="Operations"))
        db.session.flush()
        post = make_post("CCDC", "Test Kiosks", title="Kiosk Supervisor", je_score=330)  # CCDC E
        for name in ("Ward", "Young", "Zane"):
            person = make_employee(last_name=name, address="2 Church Street\nCannock", postcode="WS11 1AA")
            employment = employ(person, "CCDC", date(2014, 2, 3))
            assign(employment, post, date(2014, 2, 3), None, scp=20)
            own_terms(employment, date(2014, 2, 3))
        transfer = transfers.create_transfer({
            "service_id": service("Test Kiosks").id, "transferor_id": council("CCDC").id,
            "transferee_id": council("SBC").id, "transfer_date": ON, "legal_basis": "tupe",
            "reasons": "Shared service", "transferor_measures_none": True, "transferee_measures_none": True},
            date.today())
        transfers.propose_cohort(transfer)
        people = {m.employee.last_name: (m.employee_id, m.id) for m in transfer.members}
        transfers.record_objection(next(m for m in transfer.members if m.employee.last_name == "Zane"),
                                   date.today(), "Letter")
        db.session.commit()
        return transfer.id, people


def test_the_pack_page_lists_people_with_their_completeness(hr, planned):
    transfer_id, people = planned
    body = hr.get(f"/transfers/{transfer_id}/eli/").get_data(as_text=True)
    assert "Employee liability information" in body and "Ward, Test" in body and "Young, Test" in body
    assert "Missing: disciplinary, grievance and claims not yet checked" in body
    assert "Zane" in body.split("Not included")[1].split("</div>")[0]  # named only as left out
    assert "Zane, Test" not in body
    assert f"/transfers/{transfer_id}/eli/members/{people['Ward'][1]}.pdf" in body
    assert f"/transfers/{transfer_id}/eli/pack.xlsx" in body and f"/transfers/{transfer_id}/eli/pack.zip" in body
    assert "National Agreement on Pay and Conditions of Service (the Green Book)" in body
    assert 'style="' not in body and "<script>" not in body  # the CSP allows neither inline
    assert "<caption" in body and 'scope="col"' in body
    transfer_page = hr.get(f"/transfers/{transfer_id}").get_data(as_text=True)
    assert f'href="/transfers/{transfer_id}/eli/"' in transfer_page


def test_the_workbook_has_one_row_per_person(hr, planned):
    transfer_id, _ = planned
    response = hr.get(f"/transfers/{transfer_id}/eli/pack.xlsx")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data), read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Person number" and sorted(r[1] for r in rows[1:]) == ["Ward", "Young"]


def test_each_pdf_and_the_zip(app, hr, planned):
    transfer_id, people = planned
    for name in ("Ward", "Young"):
        response = hr.get(f"/transfers/{transfer_id}/eli/members/{people[name][1]}.pdf")
        assert response.status_code == 200 and response.mimetype == "application/pdf"
        assert response.data.startswith(b"%PDF")
        assert f"/Title (Employee liability information: Test {name})".encode() in response.data
    assert hr.get(f"/transfers/{transfer_id}/eli/members/{people['Zane'][1]}.pdf").status_code == 404  # objected
    assert hr.get(f"/transfers/{transfer_id}/eli/members/999999.pdf").status_code == 404
    assert hr.get("/transfers/999999/eli/").status_code == 404
    response = hr.get(f"/transfers/{transfer_id}/eli/pack.zip")
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert len(archive.namelist()) == 2
    assert all(archive.read(n).startswith(b"%PDF") for n in archive.namelist())
    with app.app_context():
        reference = db.session.get(Transfer, transfer_id).reference
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.entity_type == "eli_pack",
                                                             AuditEvent.entity_id == str(transfer_id))).all()
    assert sorted((e.after["format"], e.after["count"]) for e in events) == [("pdf", 1), ("pdf", 1), ("zip", 2)]
    assert all(e.action == "export" and e.after["transfer"] == reference for e in events)


def test_a_member_of_another_transfer_is_not_found(hr, planned, app):
    transfer_id, people = planned
    with app.app_context():
        other = db.session.scalar(select(Transfer.id).where(Transfer.id != transfer_id, Transfer.status == "planned"))
    assert hr.get(f"/transfers/{other}/eli/members/{people['Ward'][1]}.pdf").status_code == 404
    assert hr.get(f"/transfers/{other}/eli/members/{people['Ward'][1]}/cases-checked").status_code == 404


def test_recording_the_check(app, hr, planned):
    transfer_id, people = planned
    url = f"/transfers/{transfer_id}/eli/members/{people['Ward'][1]}/cases-checked"
    page = hr.get(url).get_data(as_text=True)
    assert "Nothing recorded." in page and f"{date.today().day}" in page
    body = hr.post(url, data={}).get_data(as_text=True)
    assert "Enter the date the records were checked" in body and "Confirm the records were checked" in body
    future = date.today() + timedelta(days=3)
    body = hr.post(url, data={"checked_on": [str(future.day), str(future.month), str(future.year)],
                              "confirm": "y"}).get_data(as_text=True)
    assert "The date the records were checked must be" in body and "no later than today" in body  # issue 13
    assert hr.post(url, data={"checked_on": ["31", "2", "2026"], "confirm": "y"}).status_code == 200
    today = date.today()
    response = hr.post(url, data={"checked_on": [str(today.day), str(today.month), str(today.year)], "confirm": "y"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(TransferMember, people["Ward"][1]).eli_cases_checked_on == today
    body = hr.get(f"/transfers/{transfer_id}/eli/").get_data(as_text=True)
    ward_row = body.split("Ward, Test")[1].split("</tr>")[0]
    assert "govuk-tag--green" in ward_row and "Complete" in ward_row
    objector = f"/transfers/{transfer_id}/eli/members/{people['Zane'][1]}/cases-checked"
    assert "is not transferring" in hr.get(objector).get_data(as_text=True)
    body = hr.post(objector, data={"checked_on": [str(today.day), str(today.month), str(today.year)],
                                   "confirm": "y"}).get_data(as_text=True)
    assert "Only someone who is transferring" in body


def test_recording_and_changing_cases(app, hr, planned):
    _, people = planned
    employee_id = people["Ward"][0]
    assert "Disciplinary, grievance and claims" in hr.get(f"/employees/{employee_id}").get_data(as_text=True)
    assert "No disciplinary, grievance or claims records." in hr.get(f"/employees/{employee_id}/cases/").get_data(as_text=True)
    body = hr.post(f"/employees/{employee_id}/cases/new", data={}).get_data(as_text=True)
    assert "Choose whether this is a disciplinary matter" in body and "Enter the date it was opened" in body
    body = hr.post(f"/employees/{employee_id}/cases/new", data={
        "kind": "grievance", "opened_on": ["1", "6", "2025"], "closed_on": ["1", "5", "2025"],
        "summary": "Rota"}).get_data(as_text=True)
    assert "The date closed must be on or after the date opened" in body
    assert hr.post(f"/employees/{employee_id}/cases/new", data={
        "kind": "grievance", "opened_on": ["31", "2", "2025"], "summary": "Rota"}).status_code == 200
    response = hr.post(f"/employees/{employee_id}/cases/new", data={
        "kind": "grievance", "opened_on": ["1", "6", "2025"], "summary": "=Rota changes", "outcome": ""})
    assert response.status_code == 302
    with app.app_context():
        case_id = db.session.scalar(select(EmployeeCase.id).where(EmployeeCase.employee_id == employee_id))
    listing = hr.get(f"/employees/{employee_id}/cases/").get_data(as_text=True)
    assert "=Rota changes" in listing and "Still open" in listing
    edit = f"/employees/{employee_id}/cases/{case_id}"
    assert 'value="2025"' in hr.get(edit).get_data(as_text=True)
    body = hr.post(edit, data={"kind": "grievance", "opened_on": ["1", "6", "2025"], "closed_on": ["1", "7", "2025"],
                               "summary": "=Rota changes", "outcome": "Upheld"}).get_data(as_text=True)
    assert "Enter the reason for the change" in body
    assert hr.post(edit, data={"kind": "grievance", "opened_on": ["1", "6", "2025"], "closed_on": ["1", "7", "2025"],
                               "summary": "=Rota changes", "outcome": "Upheld", "reason": "Outcome letter"}
                   ).status_code == 302
    assert hr.get(f"/employees/{people['Young'][0]}/cases/{case_id}").status_code == 404  # not Young's case
    assert hr.get(f"/employees/{employee_id}/cases/999999").status_code == 404
    with app.app_context():
        actions = db.session.scalars(select(AuditEvent.action).where(
            AuditEvent.entity_type == "employee_case", AuditEvent.employee_id == employee_id)
            .order_by(AuditEvent.id)).all()
    assert actions == ["create", "update"]


@pytest.mark.parametrize("role", ["employee", "union_rep"])
def test_only_hr_sees_the_pack_and_the_cases(app, planned, role):
    transfer_id, people = planned
    client = app.test_client()
    Auth(client).as_role(role)
    for url in (f"/transfers/{transfer_id}/eli/", f"/transfers/{transfer_id}/eli/pack.xlsx",
                f"/transfers/{transfer_id}/eli/pack.zip", f"/transfers/{transfer_id}/eli/members/{people['Ward'][1]}.pdf",
                f"/transfers/{transfer_id}/eli/members/{people['Ward'][1]}/cases-checked",
                f"/employees/{people['Ward'][0]}/cases/", f"/employees/{people['Ward'][0]}/cases/new"):
        assert client.get(url).status_code == 403, url
