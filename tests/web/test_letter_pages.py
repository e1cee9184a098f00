"""Letter pages (issue 8): issuing with a preview that lists missing facts, template versions
behind re-authentication, batches with a status page and a ZIP, byte-identical downloads, my
letters, and no route that changes or deletes an issued letter."""
from __future__ import annotations

import hashlib
import io
import zipfile

from sqlalchemy import func, select

from hrtool.extensions import db
from hrtool.models import Letter, LetterTemplate, Transfer, TransferMember, User

from ..factories import DEMO_PASSWORDS
from .test_role_matrix import ROLE_USERS, _routes


def _login(client, role):
    username = ROLE_USERS[role]
    assert client.post("/login", data={"username": username, "password": DEMO_PASSWORDS[username]}).status_code == 302


def _transfer_with_unions_informed(app):
    with app.app_context():
        return db.session.scalar(select(Transfer.id).join(Letter, Letter.transfer_id == Transfer.id)
                                 .where(Transfer.status == "planned").order_by(Transfer.id).limit(1))


def _fingerprint(app):
    with app.app_context():
        return db.session.execute(select(Letter.id, Letter.reference, Letter.subject, Letter.sha256,
                                         func.length(Letter.pdf)).order_by(Letter.id)).all()


def test_register_filters_and_byte_identical_download(app, client):
    _login(client, "hr")
    page = client.get("/letters/?letter_type=tupe_reg13&q=UNISON").get_data(as_text=True)
    assert "HR-" in page and "TUPE regulation 13" in page
    with app.app_context():
        letter = db.session.scalars(select(Letter).order_by(Letter.id).limit(1)).one()
        pdf, sha = letter.pdf, letter.sha256
    first = client.get(f"/letters/{letter.id}/pdf")
    second = client.get(f"/letters/{letter.id}/pdf")
    assert first.mimetype == "application/pdf" and first.data == second.data == pdf
    assert hashlib.sha256(first.data).hexdigest() == sha
    assert sha in client.get(f"/letters/{letter.id}").get_data(as_text=True)


def test_issue_previews_then_issues_and_a_missing_fact_is_listed(app, client):
    _login(client, "hr")
    transfer_id = _transfer_with_unions_informed(app)
    with app.app_context():
        member_id = db.session.scalar(select(TransferMember.id).where(
            TransferMember.transfer_id == transfer_id, TransferMember.status.in_(("proposed", "confirmed"))))
        # A planned transfer whose unions have not been written to yet: its agency workers are not recorded.
        bare = db.session.scalar(select(Transfer.id).outerjoin(Letter, Letter.transfer_id == Transfer.id)
                                 .where(Transfer.status == "planned", Letter.id.is_(None)).limit(1))
        union_id = db.session.scalar(select(User.union_id).where(User.username == ROLE_USERS["union_rep"]))
    page = client.post("/letters/issue", data={"letter_type": "tupe_reg13", "source": f"{bare}:{union_id}",
                                               "preview": "Preview"}).get_data(as_text=True)
    assert "cannot fill the letter yet" in page and "transfer.agency_workers" in page
    page = client.post("/letters/issue", data={"letter_type": "tupe_reg13", "source": f"{bare}:{union_id}",
                                               "submit": "Issue"}).get_data(as_text=True)
    assert "cannot fill the letter yet" in page
    page = client.post("/letters/issue", data={"letter_type": "transfer_notice", "source": str(member_id),
                                               "preview": "Preview"}).get_data(as_text=True)
    assert "Preview" in page and "Dear " in page
    before = len(_fingerprint(app))
    response = client.post("/letters/issue", data={"letter_type": "transfer_notice", "source": str(member_id),
                                                   "submit": "Issue"})
    assert response.status_code == 302 and len(_fingerprint(app)) == before + 1


def test_templates_are_versioned_and_checked(app, client):
    _login(client, "hr")
    with app.app_context():
        template_id = db.session.scalar(select(LetterTemplate.id).where(LetterTemplate.key == "at_risk"))
    url = f"/letters/templates/{template_id}/edit"
    page = client.post(url, data={"subject": "At risk", "body": "Your pay is {{ employee.salary }}.",
                                  "note": "try"}).get_data(as_text=True)
    assert "this letter type has no field {{ employee.salary }}" in page
    page = client.post(url, data={"subject": "At risk", "body": "Code: {{ employee.__class__ }}",
                                  "note": "try"}).get_data(as_text=True)
    assert "is not a field name" in page
    response = client.post(url, data={"subject": "{{ restructure.name }}: your post is at risk",
                                      "body": "Dear {{ employee.name }},\n\nYours sincerely", "note": "Shorter"})
    assert response.status_code == 302
    page = client.get(f"/letters/templates/{template_id}").get_data(as_text=True)
    assert "Version 2" in page and "Version 1" in page and "Shorter" in page


def test_editing_a_template_and_issuing_a_batch_ask_for_the_password_again(app, client):
    _login(client, "hr")
    with client.session_transaction() as session:
        session.pop("password_confirmed_at", None)
    transfer_id = _transfer_with_unions_informed(app)
    for url in ("/letters/templates/1/edit", f"/letters/batch/transfer/{transfer_id}"):
        response = client.get(url)
        assert response.status_code == 302 and "/confirm-password" in response.location
        posted = client.post(url, data={})  # answered with the password prompt at the same address
        assert posted.status_code == 200 and "Confirm your password to finish" in posted.get_data(as_text=True)


def test_a_batch_for_a_cohort_shows_its_status_and_zips_one_pdf_per_person(app, client):
    _login(client, "hr")
    transfer_id = _transfer_with_unions_informed(app)
    response = client.post(f"/letters/batch/transfer/{transfer_id}", data={"letter_type": "transfer_notice"})
    assert response.status_code == 302 and "/letters/jobs/" in response.location
    job_url = response.location
    status = client.get(job_url + "/status").get_json()
    assert status["status"] == "done" and status["done"] == status["total"] and status["zip_url"]
    page = client.get(job_url).get_data(as_text=True)
    assert "job-progress.js" in page and "Download all" in page
    archive = zipfile.ZipFile(io.BytesIO(client.get(status["zip_url"]).data))
    with app.app_context():
        members = db.session.scalars(select(TransferMember).where(
            TransferMember.transfer_id == transfer_id, TransferMember.status.in_(("proposed", "confirmed")))).all()
        names = sorted(m.employee.full_name for m in members)
    assert len(archive.namelist()) == len(names) == status["total"]
    from pypdf import PdfReader

    found = sorted(next(n for n in names if n in PdfReader(io.BytesIO(archive.read(f))).pages[0].extract_text())
                   for f in archive.namelist())
    assert found == names


def test_my_letters_are_mine_only(app, client):
    with app.app_context():
        own = db.session.scalar(select(User.employee_id).where(User.username == ROLE_USERS["employee"]))
        member = db.session.scalar(select(TransferMember.id).where(TransferMember.status.in_(("proposed", "confirmed"))))
        other = db.session.scalar(select(Letter.id).where(Letter.employee_id.is_not(None), Letter.employee_id != own))
    _login(client, "hr")
    # Give the demo employee a letter of their own: a statement of their protected terms.
    from hrtool.models import ProtectedTerms

    with app.app_context():
        snapshot = db.session.scalar(select(ProtectedTerms.id).where(ProtectedTerms.employee_id == own))
    assert client.post("/letters/issue", data={"letter_type": "protected_terms", "source": str(snapshot),
                                               "submit": "Issue"}).status_code == 302
    client.post("/logout")
    _login(client, "employee")
    page = client.get("/me/letters/").get_data(as_text=True)
    assert "Statement of your protected terms" in page
    with app.app_context():
        mine = db.session.scalar(select(Letter.id).where(Letter.employee_id == own))
    assert client.get(f"/me/letters/{mine}/pdf").mimetype == "application/pdf"
    assert client.get(f"/me/letters/{other}/pdf").status_code == 404
    assert member  # there are other people's letters to refuse


def test_no_route_changes_or_deletes_an_issued_letter(app):
    """Every route, GET and POST, as every role: the register's letters are exactly as before
    (the database refuses UPDATE and DELETE too; this proves no route even tries)."""
    from .test_role_matrix import _SAMPLES, SAMPLE_ARGS, _ids, _samples, _urls

    before = _fingerprint(app)
    own, other = _ids(app)
    _SAMPLES.update(_samples(app))
    for role in ROLE_USERS:
        client = app.test_client()
        _login(client, role)
        for rule, method in _routes(app):
            if (rule.endpoint, method) in {("auth.logout", "POST"), ("auth.login", "POST")}:
                continue
            for _, url in _urls(rule, own, other):
                client.open(url, method=method, data={"reason": "x", "subject": "x", "body": "x", "note": "x"}).close()
    after = _fingerprint(app)
    assert [row for row in after if row[0] <= before[-1][0]] == before
    assert SAMPLE_ARGS["letter_id"] == before[0][0]
