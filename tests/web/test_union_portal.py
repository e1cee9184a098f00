"""The union journey (issue 8): the UNISON rep sees the regulation 13 letter for the demo
transfer, acknowledges it and records a response; HR sees both; the rep cannot reach letters
addressed to individuals or to another union, and never sees an individual's pay."""
from __future__ import annotations

from sqlalchemy import select

from hrtool.extensions import db
from hrtool.models import Letter, TradeUnion, Transfer

from ..factories import DEMO_PASSWORDS

REP = "unison@hrtool.example"
HR = "hr@hrtool.example"


def _login(client, username):
    client.post("/logout")
    assert client.post("/login", data={"username": username, "password": DEMO_PASSWORDS[username]}).status_code == 302


def _letters(app):
    with app.app_context():
        unison = db.session.scalar(select(TradeUnion.id).where(TradeUnion.code == "UNISON"))
        gmb = db.session.scalar(select(TradeUnion.id).where(TradeUnion.code == "GMB"))
        planned = db.session.scalars(select(Letter).join(Transfer, Transfer.id == Letter.transfer_id).where(
            Transfer.status == "planned", Letter.union_id == unison, Letter.letter_type == "tupe_reg13")
            .order_by(Letter.id).limit(1)).one()
        other_union = db.session.scalar(select(Letter.id).where(Letter.union_id == gmb))
        individual = db.session.scalar(select(Letter.id).where(Letter.employee_id.is_not(None)))
        return planned.id, planned.reference, planned.subject, planned.transfer_id, other_union, individual


def test_a_rep_acknowledges_the_reg13_letter_and_responds_and_hr_sees_it(app, client):
    letter_id, reference, _subject, transfer_id, other_union, individual = _letters(app)
    _login(client, REP)
    listing = client.get("/union/letters").get_data(as_text=True)
    assert reference in listing and "regulation 13" in listing
    page = client.get(f"/union/letters/{letter_id}").get_data(as_text=True)
    assert "Acknowledge receipt" in page
    assert client.get(f"/union/letters/{letter_id}/pdf").mimetype == "application/pdf"
    response = client.post(f"/union/letters/{letter_id}/acknowledge", data={})
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    assert "acknowledged" in page.lower() and "Acknowledge receipt" not in page
    # Recording nothing is refused with a message, nothing lost.
    page = client.post(f"/union/letters/{letter_id}/notes", data={"kind": "response", "body": ""}).get_data(as_text=True)
    assert "Write the response or the notes" in page
    response = client.post(f"/union/letters/{letter_id}/notes",
                           data={"kind": "response", "body": "UNISON asks for a meeting on rotas before 1 December."})
    assert response.status_code == 302
    transfer_page = client.get(f"/union/transfers/{transfer_id}").get_data(as_text=True)
    assert "UNISON asks for a meeting on rotas" in transfer_page and reference in transfer_page
    assert "Deadlines" in transfer_page and "£" not in transfer_page  # no pay on the union's pages
    consultations = client.get("/union/consultations").get_data(as_text=True)
    assert "Start consultation with the unions" in consultations

    # The rep cannot reach another union's letter or a letter to an individual.
    for other in (other_union, individual):
        assert client.get(f"/union/letters/{other}").status_code == 404
        assert client.get(f"/union/letters/{other}/pdf").status_code == 404
        assert client.post(f"/union/letters/{other}/acknowledge", data={}).status_code == 404
        assert client.get(f"/letters/{other}/pdf").status_code == 403
        assert client.get(f"/me/letters/{other}/pdf").status_code == 403

    _login(client, HR)
    page = client.get(f"/letters/{letter_id}").get_data(as_text=True)
    assert "Uma Rep" in page and "UNISON asks for a meeting on rotas" in page
    register = client.get("/letters/?letter_type=tupe_reg13").get_data(as_text=True)
    assert "Not yet" in register  # the other unions' letters are still unacknowledged
    transfer = client.get(f"/transfers/{transfer_id}").get_data(as_text=True)
    assert "TUPE regulation 13 information and consultation letter" in transfer and "Acknowledged" in transfer


def test_the_existing_union_pages_still_work(client):
    _login(client, REP)
    for url in ("/union/", "/union/transfers"):
        assert client.get(url).status_code == 200
