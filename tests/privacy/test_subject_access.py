"""Subject access export (UK GDPR Article 15): an employee downloads everything held about them,
and HR can produce the same for someone who asked; both are audited."""
from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime

from sqlalchemy import func, select

from hrtool.extensions import db
from hrtool.models import (
    AuditEvent,
    Employee,
    Employment,
    Letter,
    ProtectedTerms,
    TransferMember,
    User,
)
from hrtool.services.people import subject_access

from .helpers import (
    EMPLOYEE,
    HR,
    demo_employee_id,
    password_confirmation_expired,
    sign_in_confirmed,
)


def _open(data: bytes) -> tuple[dict, str, list[str]]:
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = archive.namelist()
    return json.loads(archive.read("data.json")), archive.read("index.html").decode(), names


def test_the_download_asks_for_the_password_first(app, client, auth):
    auth.as_role("employee")
    password_confirmation_expired(app, client)
    response = client.get("/me/data.zip")
    assert response.status_code == 302 and "/confirm-password" in response.location


def test_an_employee_downloads_everything_held_about_them(app, client):
    own = demo_employee_id(app)
    sign_in_confirmed(client, EMPLOYEE)
    response = client.get("/me/data.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    data, index, names = _open(response.data)
    sections = data["sections"]
    with app.app_context():
        person = db.session.get(Employee, own)
        employments = db.session.scalar(select(func.count()).where(Employment.employee_id == own))
        snapshots = db.session.scalar(select(func.count()).where(ProtectedTerms.employee_id == own))
        transfers = db.session.scalar(select(func.count()).where(TransferMember.employee_id == own))
        letters = list(db.session.scalars(select(Letter.reference).where(Letter.employee_id == own)))
        others = list(db.session.scalars(select(Employee.person_number).where(Employee.id != own).limit(50)))
        number, last_name = person.person_number, person.last_name
    assert [r["person_number"] for r in sections["employees"]] == [number]
    assert len(sections["employments"]) == employments >= 1
    assert len(sections.get("protected_terms", [])) == snapshots >= 1  # the demo employee is on protected terms
    assert len(sections.get("transfer_members", [])) == transfers >= 1
    assert sections["assignments"] and sections["terms_records"]
    assert {r["employment_id"] for r in sections["assignments"]} <= {r["id"] for r in sections["employments"]}
    assert sorted(f"letters/{ref}.pdf" for ref in letters) == sorted(n for n in names if n.startswith("letters/"))
    assert "transfers" in data["context"] and "posts" in data["context"]  # what their records refer to
    # Their sign-in account, without its password hash; nobody else's record.
    assert [u["username"] for u in sections["users"]] == [EMPLOYEE]
    blob = json.dumps(data)
    assert "password_hash" not in blob and "argon2" not in blob
    assert not [n for n in others if f'"{n}"' in blob]
    assert last_name in index and "<script" not in index
    for name in ("employments", "protected_terms", "audit_events"):
        assert f'id="{name}"' in index


def test_the_download_is_audited(app, client):
    own = demo_employee_id(app)
    sign_in_confirmed(client, EMPLOYEE)
    client.get("/me/data.zip")
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.entity_type == "subject_access")
                                   .order_by(AuditEvent.id.desc())).first()
    assert event.action == "export" and event.employee_id == own and event.after["by"] == "the person"
    assert event.after["counts"]["employees"] == 1


def test_hr_produces_the_same_export_for_a_request_with_the_request_noted(app, client):
    own = demo_employee_id(app)
    sign_in_confirmed(client, HR)
    empty = client.post(f"/employees/{own}/data", data={"reason": " "})
    assert empty.status_code == 400 and "Say which request this export answers" in empty.get_data(as_text=True)
    response = client.post(f"/employees/{own}/data", data={"reason": "SAR by email 3 March, ref IG-14"})
    assert response.status_code == 200 and response.mimetype == "application/zip"
    data, _, _ = _open(response.data)
    assert data["sections"]["employees"][0]["id"] == own
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.entity_type == "subject_access")
                                   .order_by(AuditEvent.id.desc())).first()
        hr_id = db.session.scalar(select(User.id).where(User.username == HR))
    assert event.actor_id == hr_id and event.employee_id == own
    assert event.reason == "SAR by email 3 March, ref IG-14" and event.after["by"] == "HR"


def test_the_export_holds_audit_events_about_the_person_and_views_of_their_record(app, client, auth):
    own = demo_employee_id(app)
    auth.as_role("hr")
    client.get(f"/employees/{own}")
    with app.app_context():
        sar = subject_access.build(own, datetime.now(UTC))
        trail = db.session.scalar(select(func.count()).where(AuditEvent.employee_id == own))
    assert len([e for e in sar.sections["audit_events"] if e["employee_id"] == own]) == trail
    assert [v["page"] for v in sar.sections["record_views"]] == ["staff.employee"]


def test_no_such_person(app):
    with app.app_context():
        assert subject_access.build(10**9, datetime.now(UTC)) is None


def test_a_request_note_with_control_characters_is_refused_with_a_message(app, client):
    """An escape character has no place in a note kept in the audit trail (NULs, which PostgreSQL
    cannot store, are dropped before any view: hrtool/security.py)."""
    own = demo_employee_id(app)
    sign_in_confirmed(client, HR)
    response = client.post(f"/employees/{own}/data", data={"reason": "ref\x1b[31m IG-14"})
    assert response.status_code == 400
    assert "must be plain text" in response.get_data(as_text=True)
