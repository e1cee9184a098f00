"""The field preview before a batch is issued (issue 15): each field of the letter for a sample
recipient, its value, and the record it came from with when that was last changed; a field the
template needs and the record lacks is flagged, so HR completes the record before issuing."""
from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select

from hrtool.extensions import db
from hrtool.models import Letter, LetterTemplate, Restructure, TradeUnion, Transfer
from hrtool.services.letters import letters
from hrtool.services.platform import audit

from ..factories import DEMO_PASSWORDS
from .test_role_matrix import ROLE_USERS

ON = date.today()


def _login(client, role):
    username = ROLE_USERS[role]
    assert client.post("/login", data={"username": username, "password": DEMO_PASSWORDS[username]}).status_code == 302


def _planned(app) -> tuple[int, str]:
    with app.app_context():
        transfer = db.session.scalars(select(Transfer).join(Letter, Letter.transfer_id == Transfer.id)
                                      .where(Transfer.status == "planned").order_by(Transfer.id).limit(1)).one()
        return transfer.id, transfer.reference


def test_each_field_with_its_value_and_where_it_came_from(app, client):
    transfer_id, reference = _planned(app)
    with app.app_context():
        transfer = db.session.get(Transfer, transfer_id)
        agency = transfer.agency_workers
        service = transfer.service.name
    _login(client, "hr")
    batch = client.get(f"/letters/batch/transfer/{transfer_id}").get_data(as_text=True)
    assert f"/letters/batch/transfer/{transfer_id}/fields" in batch
    page = client.get(f"/letters/batch/transfer/{transfer_id}/fields?letter_type=tupe_reg13").get_data(as_text=True)
    assert "What the letters will say, field by field" in page
    assert "transfer.agency_workers" in page and agency in page
    assert f"the transfer {reference}" in page
    assert "transfer.service_phrase" in page and service in page
    assert "Missing" not in page and "cannot be made yet" not in page
    # Every recognised union is a recipient to choose from, by name.
    with app.app_context():
        unions = [u.name for u in db.session.scalars(select(TradeUnion))]
    assert all(f">{name}</option>" in page for name in unions)
    # transfer.affected_count is offered but unused: the template uses the worded count.
    assert "Fields not used by the template" in page and page.index("transfer.affected_count") > page.index(
        "not used by the template")
    assert "fields the template uses: none missing" in page


def test_a_missing_value_is_flagged_and_the_record_named_with_its_last_change(app, client):
    transfer_id, reference = _planned(app)
    with app.app_context():
        transfer = db.session.get(Transfer, transfer_id)
        transfer.agency_workers = ""
        audit.record("update", "transfer", transfer.id, before={"agency_workers": "x"}, after={"agency_workers": ""})
        db.session.commit()
    _login(client, "hr")
    page = client.get(f"/letters/batch/transfer/{transfer_id}/fields?letter_type=tupe_reg13").get_data(as_text=True)
    assert "This letter cannot be made yet" in page
    assert "no value for {{ transfer.agency_workers }}" in page
    assert "Missing" in page and "fields the template uses: 1 field missing" in page
    today = f"{ON.day} {ON:%B %Y}"
    assert f"the transfer {reference}, last changed {today}" in page


def test_a_sample_recipient_can_be_chosen(app, client):
    transfer_id, _ = _planned(app)
    with app.app_context():
        preview = letters.field_preview("transfer_notice", "transfer", transfer_id, ON)
        token, label = preview.recipients[-1]
        name = label.split(" (")[0]
    _login(client, "hr")
    page = client.get(f"/letters/batch/transfer/{transfer_id}/fields?letter_type=transfer_notice&sample={token}")
    text = page.get_data(as_text=True)
    assert f"Notice of transfer and measures to {label}" in text
    assert f"the employee record of {name}" in text and "employee.post" in text
    # The person's particulars were shown to HR: a view of their record, logged.
    from hrtool.models import RecordView, TransferMember

    with app.app_context():
        member = db.session.get(TransferMember, int(token))
        viewed = db.session.scalars(select(RecordView).where(RecordView.employee_id == member.employee_id)
                                    .order_by(RecordView.id.desc())).first()
        assert viewed is not None and viewed.page == "letters.batch_transfer_fields"


def test_restructure_letters_preview_and_no_500_when_nobody_is_due_one(app, client):
    with app.app_context():
        restructure_id = db.session.scalar(select(Restructure.id).order_by(Restructure.id).limit(1))
    _login(client, "hr")
    for letter_type in ("assimilation_outcome", "at_risk", "alternative_offer", "collective_redundancy", "bogus"):
        response = client.get(f"/letters/batch/restructure/{restructure_id}/fields?letter_type={letter_type}")
        assert response.status_code == 200, letter_type
    client.post("/logout")
    _login(client, "employee")
    assert client.get(f"/letters/batch/restructure/{restructure_id}/fields").status_code == 403


def test_the_preview_of_one_letter_says_where_each_value_comes_from(app, client):
    from hrtool.models import Employee, ProtectedTerms

    with app.app_context():
        snapshot = db.session.scalars(select(ProtectedTerms).order_by(ProtectedTerms.id).limit(1)).one()
        person = db.session.get(Employee, snapshot.employee_id)
        taken, name, number = snapshot.taken_on, person.full_name, person.person_number
        reference = snapshot.transfer.reference
    _login(client, "hr")
    page = client.post("/letters/issue", data={"letter_type": "protected_terms", "source": str(snapshot.id),
                                               "preview": "Preview"}).get_data(as_text=True)
    assert "Where each value comes from" in page
    assert (f"the protected terms of {name} taken on {taken.day} {taken:%B %Y} at transfer {reference}") in page
    assert f"the employee record of {name} ({number})" in page
    assert "none missing" in page


def test_the_template_editor_warns_when_free_text_is_spliced_into_a_sentence(app, client):
    with app.app_context():
        template_id = db.session.scalar(select(LetterTemplate.id).where(LetterTemplate.key == "pay_protection"))
    _login(client, "hr")
    shipped = client.get(f"/letters/templates/{template_id}/edit").get_data(as_text=True)
    assert "Wording to check" not in shipped  # the shipped wording puts the reason on its own line
    assert re.search(r"protection\.reason \}\}</code> <strong class=\"govuk-tag govuk-tag--grey\">free text", shipped)
    page = client.post(f"/letters/templates/{template_id}/edit", data={
        "subject": "Your pay protection", "note": "", "source": "",
        "body": "{{ recipient.salutation }},\n\nYour pay is protected because {{ protection.reason }}.\n\nYours sincerely",
        "preview": "Preview"}).get_data(as_text=True)
    assert "Wording to check (you can still save)" in page
    assert "{{ protection.reason }} is free text as someone typed it" in page
