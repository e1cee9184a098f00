"""The go-live pages (issue 15): the preview lists what implementing does and what blocks it;
implementing without a reason (or without the gaps reason) re-renders with what was typed and
changes nothing; with them it implements once and the restructure page lists what changed;
a second attempt is refused; undoing before the date puts the establishment back."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from hrtool.extensions import db
from hrtool.models import Council, Restructure, StructurePost
from hrtool.services.restructures import restructure_go_live as go_live
from hrtool.services.restructures import restructures as service

STARTS = date(2027, 4, 1)
TODAY = date(2026, 11, 22)


def _senior(app, *, ready: bool):
    """The demo senior restructure; with `ready`, the Chief Executive and one Head of Service are
    appointed and the vacant new posts have an employer decided, so nothing blocks."""
    with app.app_context():
        restructure = db.session.scalar(select(Restructure).where(Restructure.name == "Senior structure 2023"))
        if ready:
            people = service.holders(restructure, TODAY)
            proposed = {p.title: p for p in restructure.posts if p.side == "proposed"}
            chief = next(h for h in people if h.post.title.startswith("Chief Executive (Stafford"))
            ops = next(h for h in people if h.post.title.startswith("Head of Operations"))
            for holder, title, salary in ((chief, "Chief Executive (Head of Paid Service)", 140000),
                                          (ops, "Head of Operations", 80000)):
                service.record_appointment(restructure, {
                    "proposed_post_id": proposed[title].id, "employee_id": holder.employee.id,
                    "outcome": "appointed", "start_date": STARTS, "salary": Decimal(salary)}, TODAY)
            sbc = db.session.scalar(select(Council).where(Council.code == "SBC"))
            for post in proposed.values():  # the vacant posts: HR decides their employer
                if post.title not in ("Chief Executive (Head of Paid Service)", "Head of Operations"):
                    service.update_post(post, {**service.values_of(post), "employer_id": sbc.id})
            return restructure.id, chief.employee.full_name
        return restructure.id, None


def test_preview_shows_what_blocks_and_offers_no_button(app, client, auth):
    rid, _ = _senior(app, ready=False)
    auth.as_role("hr")
    page = client.get(f"/restructures/{rid}/implement").get_data(as_text=True)
    assert "It cannot be implemented yet" in page and "choose its employer" in page
    # Each such problem links to the post's page, where the employer is chosen.
    with app.app_context():
        place = db.session.scalar(select(StructurePost).where(StructurePost.restructure_id == rid,
                                                              StructurePost.title == "Deputy Chief Executive - Place"))
    assert f'href="/restructures/{rid}/posts/{place.id}/edit">Deputy Chief Executive - Place: choose its employer' in page
    assert "Implement from" not in page
    assert "12 current postholders have no appointment" in page
    overview = client.get(f"/restructures/{rid}").get_data(as_text=True)
    assert "Not implemented yet" in overview


def test_implementing_needs_reasons_keeps_what_was_typed_then_goes_live_once(app, client, auth):
    rid, chief_name = _senior(app, ready=True)
    auth.as_role("hr")
    page = client.get(f"/restructures/{rid}/implement").get_data(as_text=True)
    assert "Implement from 1 April 2027" in page and chief_name in page and "£126,500.00" in page
    assert "£140,000.00" in page and "None: pay does not fall" in page
    # No reason for going ahead without appointments for the other ten: refused, nothing changed.
    response = client.post(f"/restructures/{rid}/implement", data={"reason": "Council decision 12 March 2027",
                                                                    "gaps_reason": ""})
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "confirm that it goes ahead without them" in body and "Council decision 12 March 2027" in body
    with app.app_context():
        assert go_live.standing(db.session.get(Restructure, rid)) is None
    response = client.post(f"/restructures/{rid}/implement", data={
        "reason": "Council decision 12 March 2027", "gaps_reason": "Their consultation continues"})
    assert response.status_code == 302
    page = client.get(f"/restructures/{rid}/implement").get_data(as_text=True)
    assert "is implemented from 1 April 2027: 2 people moved" in page
    assert "Posts established (10)" in page and "People moved into their new posts (2)" in page
    assert "Their consultation continues" in page and "Undo the implementation" in page
    overview = client.get(f"/restructures/{rid}").get_data(as_text=True)
    assert "Posts established (10)" in overview and f"{chief_name} (" in overview
    appointments = client.get(f"/restructures/{rid}/appointments").get_data(as_text=True)
    assert "In the new post from 1 April 2027" in appointments
    again = client.post(f"/restructures/{rid}/implement", data={"reason": "Again", "gaps_reason": "Again"})
    assert again.status_code == 400 and "can be implemented only once" in again.get_data(as_text=True)


def test_undo_before_the_date_needs_a_reason(app, client, auth):
    rid, _ = _senior(app, ready=True)
    auth.as_role("hr")
    client.post(f"/restructures/{rid}/implement", data={"reason": "Council decision", "gaps_reason": "Continues"})
    response = client.post(f"/restructures/{rid}/implement/undo", data={"undo_reason": ""})
    assert response.status_code == 400 and "Enter the reason for undoing" in response.get_data(as_text=True)
    response = client.post(f"/restructures/{rid}/implement/undo", data={"undo_reason": "Wrong decision"})
    assert response.status_code == 302
    page = client.get(f"/restructures/{rid}/implement").get_data(as_text=True)
    assert "the establishment is as it was" in page and "Undone before" in page and "Wrong decision" in page
    assert "Implement from 1 April 2027" in page


def test_the_password_prompt_keeps_the_reasons_and_finishes_implementing(app, client, auth):
    from hrtool.web.auth.reauth import SESSION_KEY

    from ..factories import DEMO_PASSWORDS

    rid, _ = _senior(app, ready=True)
    auth.as_role("hr")
    with client.session_transaction() as session:
        session.pop(SESSION_KEY, None)  # signed in a while ago: no recent password
    data = {"reason": "Council decision 12 March 2027", "gaps_reason": "Their consultation continues"}
    prompt = client.post(f"/restructures/{rid}/implement", data=data)
    body = prompt.get_data(as_text=True)
    assert prompt.status_code == 200 and "reauth_password" in body and "Their consultation continues" in body
    with app.app_context():
        assert go_live.standing(db.session.get(Restructure, rid)) is None  # nothing done yet
    done = client.post(f"/restructures/{rid}/implement", data={
        **data, "reauth_prompt": "1", "reauth_password": DEMO_PASSWORDS["hr@hrtool.example"]})
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/restructures/{rid}/implement")
    with app.app_context():
        record = go_live.standing(db.session.get(Restructure, rid))
        assert record.reason == data["reason"] and record.gaps_reason == data["gaps_reason"]


def test_an_implemented_restructures_grid_and_appointments_refuse_changes_with_a_message(app, client, auth):
    rid, _ = _senior(app, ready=True)
    auth.as_role("hr")
    client.post(f"/restructures/{rid}/implement", data={"reason": "Council decision", "gaps_reason": "Continues"})
    with app.app_context():
        restructure = db.session.get(Restructure, rid)
        current = next(p for p in restructure.posts if p.side == "current")
        proposed = next(p for p in restructure.posts if p.side == "proposed")
    grid = client.post(f"/restructures/{rid}/matches", data={f"m_{current.id}_{proposed.id}": "50"})
    assert grid.status_code == 400 and "is implemented" in grid.get_data(as_text=True)
    made = client.post(f"/restructures/{rid}/appointments", data={
        "proposed_post_id": str(proposed.id), "employee_id": "0", "external_name": "A Candidate",
        "outcome": "appointed", "start_date": ["1", "4", "2027"], "salary": "140000"})
    assert made.status_code == 400 and "is implemented" in made.get_data(as_text=True)


def test_a_restructure_with_no_date_says_so(app, client, auth):
    with app.app_context():
        rid = service.create_restructure("Undated review", "", None).id
    auth.as_role("hr")
    response = client.get(f"/restructures/{rid}/implement")
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "has no effective date" in body and "Implement from" not in body
    refused = client.post(f"/restructures/{rid}/implement", data={"reason": "Decision", "gaps_reason": ""})
    assert refused.status_code == 400 and "has no effective date" in refused.get_data(as_text=True)
