"""Transfers through their whole life in the pages (issue 15): edit with a reason (what was typed
kept on every refusal, a stale page refused), withdraw, the completion guard with a reason
recorded and shown to HR and the unions, bulk actions, a batch refused with what is missing and
a link to edit the transfer; HR (and the administrator) only; bad input never a 500."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from hrtool.extensions import db
from hrtool.models import AuditEvent, ChecklistItem, Letter, Service, Transfer, TransferMember
from hrtool.services.tupe import transfers

from ..conftest import Auth
from ..factories import assign, council, employ, make_employee, make_post, own_terms, service

TRANSFER_ON = date.today() + timedelta(days=120)
PAST_ON = date.today() - timedelta(days=1)


def _client(app, role: str):
    client = app.test_client()
    assert Auth(client).as_role(role).status_code == 302
    return client


@pytest.fixture
def hr(app):
    return _client(app, "hr")


def _plan(app, name: str, on: date, agency_workers: str = "") -> int:
    """A planned transfer of SBC's made-up service `name` (two people) to CCDC, its agency workers
    left blank (as transfers planned before the field was required were)."""
    with app.app_context():
        db.session.add(Service(name=name, area="Operations"))
        db.session.flush()
        post = make_post("SBC", name, title="Warden", je_score=300)
        for last in ("Abbot", "Bell"):
            person = make_employee(last_name=last)
            employment = employ(person, "SBC", date(2015, 6, 1))
            assign(employment, post, date(2015, 6, 1), None, scp=12)
            own_terms(employment, date(2015, 6, 1))
        transfer = transfers.create_transfer({
            "service_id": service(name).id, "transferor_id": council("SBC").id, "transferee_id": council("CCDC").id,
            "transfer_date": on, "legal_basis": "tupe", "reasons": "Shared service.",
            "implications": "None beyond the change of employer.", "agency_workers": agency_workers,
            "transferor_measures_none": True, "transferee_measures_none": True}, date.today())
        transfers.propose_cohort(transfer)
        db.session.commit()
        return transfer.id


@pytest.fixture
def planned(app) -> int:
    return _plan(app, "Test Wardens", TRANSFER_ON)


def _form(transfer_id: int, app, **changes: str) -> dict[str, str]:
    with app.app_context():
        t = db.session.get(Transfer, transfer_id)
        data = {"service_id": str(t.service_id), "transferor_id": str(t.transferor_id),
                "transferee_id": str(t.transferee_id),
                "transfer_date": [str(t.transfer_date.day), str(t.transfer_date.month), str(t.transfer_date.year)],
                "legal_basis": t.legal_basis, "reasons": t.reasons, "implications": t.implications,
                "transferor_measures": "", "transferor_measures_none": "y", "transferee_measures": "",
                "transferee_measures_none": "y", "agency_workers": t.agency_workers, "version": str(t.version),
                "change_reason": "Agency workers left out of the plan"}
    data.update(changes)
    return data


def test_the_transfer_page_says_what_its_letters_need(hr, planned):
    body = hr.get(f"/transfers/{planned}").get_data(as_text=True)
    assert "cannot be issued until it holds" in body
    assert "Enter the agency workers" in body and "regulation 13 information and consultation letter uses it" in body
    assert "Change the transfer" in body and "Withdraw the transfer" in body


def test_planning_requires_the_fields_the_letters_use_and_keeps_what_was_typed(app, hr):
    with app.app_context():
        data = {"service_id": str(service("Licensing").id), "transferor_id": str(council("SBC").id),
                "transferee_id": str(council("CCDC").id), "transfer_date": ["1", "9", str(date.today().year + 1)],
                "legal_basis": "tupe",
                "reasons": "Typed reasons stay", "implications": "Typed implications stay",
                "transferor_measures_none": "y", "transferee_measures_none": "y"}
    response = hr.post("/transfers/new", data=data)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "Enter the agency workers" in body
    assert "Typed reasons stay" in body and "Typed implications stay" in body
    assert "Required: the TUPE regulation 13 information and consultation letter uses it." in body  # the hint


def test_an_edit_needs_a_reason_and_keeps_what_was_typed(app, hr, planned):
    page = hr.get(f"/transfers/{planned}/edit")
    assert page.status_code == 200 and "Reason for the change" in page.get_data(as_text=True)
    response = hr.post(f"/transfers/{planned}/edit", data=_form(planned, app, agency_workers="Four agency porters",
                                                                   change_reason=""))
    body = response.get_data(as_text=True)
    assert response.status_code == 400 and "Enter the reason for the change" in body and "Four agency porters" in body


def test_an_edit_saves_and_is_audited(app, hr, planned):
    response = hr.post(f"/transfers/{planned}/edit", data=_form(planned, app, agency_workers="Four agency porters"))
    assert response.status_code == 302 and response.location.endswith(f"/transfers/{planned}")
    with app.app_context():
        assert db.session.get(Transfer, planned).agency_workers == "Four agency porters"
        event = db.session.scalars(select(AuditEvent).where(
            AuditEvent.entity_type == "transfer", AuditEvent.entity_id == str(planned), AuditEvent.action == "update")
            .order_by(AuditEvent.id.desc())).first()
        assert event.reason == "Agency workers left out of the plan"
        assert event.before == {"agency_workers": ""} and event.after == {"agency_workers": "Four agency porters"}
    assert "cannot be issued until it holds" not in hr.get(f"/transfers/{planned}").get_data(as_text=True)


def test_an_edit_from_a_stale_page_is_refused_keeping_what_was_typed(app, hr, planned):
    stale = _form(planned, app, agency_workers="Mine: four porters")
    hr.post(f"/transfers/{planned}/edit", data=_form(planned, app, agency_workers="Theirs: two porters"))
    response = hr.post(f"/transfers/{planned}/edit", data=stale)
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Harriet Officer (demo HR) changed this transfer while you were editing it (Agency workers)" in body
    assert "Mine: four porters" in body
    with app.app_context():
        assert db.session.get(Transfer, planned).agency_workers == "Theirs: two porters"


def test_a_tampered_version_is_not_a_500(app, hr, planned):
    response = hr.post(f"/transfers/{planned}/edit", data=_form(planned, app, version="x", agency_workers="A"))
    assert response.status_code == 400


def test_a_batch_refused_for_a_missing_field_links_to_editing_the_transfer(app, hr, planned):
    response = hr.post(f"/letters/batch/transfer/{planned}", data={"letter_type": "tupe_reg13"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "no value for {{ transfer.agency_workers }}" in body
    assert "Line 19" not in body and f'href="/transfers/{planned}/edit"' in body
    hr.post(f"/transfers/{planned}/edit", data=_form(planned, app, agency_workers="No agency workers."))
    response = hr.post(f"/letters/batch/transfer/{planned}", data={"letter_type": "tupe_reg13"})
    assert response.status_code == 302 and "/letters/jobs/" in response.location


def test_letters_to_correct_after_an_edit(app, hr):
    transfer_id = _plan(app, "Test Porters", TRANSFER_ON, agency_workers="Two agency porters.")
    assert hr.post(f"/letters/batch/transfer/{transfer_id}", data={"letter_type": "tupe_reg13"}).status_code == 302
    response = hr.post(f"/transfers/{transfer_id}/edit", data=_form(transfer_id, app, agency_workers="Three porters."))
    assert response.status_code == 302 and response.location.endswith(f"/transfers/{transfer_id}/letters/affected")
    body = hr.get(response.location).get_data(as_text=True)
    assert "The letter said: “Two agency porters.”" in body and "Now: “Three porters.”" in body
    assert "Issue a correction" in body and "/correct" in body


def test_withdrawing_from_the_pages(app, hr, planned):
    refused = hr.post(f"/transfers/{planned}/withdraw", data={"reason": "Typed reason kept"})
    body = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "Confirm you understand" in body and "Typed reason kept" in body
    response = hr.post(f"/transfers/{planned}/withdraw",
                       data={"reason": "The councils decided not to share it.", "understood": "y"})
    assert response.status_code == 302
    page = hr.get(f"/transfers/{planned}").get_data(as_text=True)
    assert "This transfer was withdrawn on" in page and "The councils decided not to share it." in page
    assert "Change the transfer" not in page and "Released (withdrawn)" in page
    assert "Withdrawn" in hr.get("/transfers/").get_data(as_text=True)
    assert hr.get(f"/transfers/{planned}/edit").status_code == 302  # read only: back to the transfer
    with app.app_context():
        unions = db.session.scalars(select(Letter.union_id).where(
            Letter.transfer_id == planned, Letter.letter_type == "transfer_withdrawn")).all()
        assert unions and all(unions)
    rep = _client(app, "union_rep")
    union_page = rep.get(f"/union/transfers/{planned}").get_data(as_text=True)
    assert "Withdrawn on" in union_page and "The councils decided not to share it." in union_page
    assert "Transfer of Test Wardens" in union_page  # the letter to the rep's own union, listed


def test_the_completion_guard_and_a_recorded_reason(app, hr):
    transfer_id = _plan(app, "Test Gardeners", PAST_ON, agency_workers="None.")
    hr.post(f"/transfers/{transfer_id}/confirm")
    page = hr.get(f"/transfers/{transfer_id}/completion").get_data(as_text=True)
    assert "The legal steps before the transfer" in page and "Unmet" in page
    assert "Employee liability information given in time (reg. 11(6))" in page
    assert "Reason for completing with steps not met" in page
    refused = hr.post(f"/transfers/{transfer_id}/complete", data={"reason": ""})
    assert refused.status_code == 400 and "give the reason for completing" in refused.get_data(as_text=True)
    done = hr.post(f"/transfers/{transfer_id}/complete", data={"reason": "Moved on the councils' agreed date."})
    assert done.status_code == 302
    page = hr.get(f"/transfers/{transfer_id}").get_data(as_text=True)
    assert "legal steps not met" in page and "Moved on the councils&#39; agreed date." in page
    assert "steps not met" in hr.get("/transfers/").get_data(as_text=True)
    rep = _client(app, "union_rep")
    union_page = rep.get(f"/union/transfers/{transfer_id}").get_data(as_text=True)
    assert "legal steps not met" in union_page and "Moved on the councils&#39; agreed date." in union_page
    assert "Abbot" not in union_page  # the steps' titles only: details can name people
    assert "steps not met" in rep.get("/union/transfers").get_data(as_text=True)


def test_mark_eli_checked_in_bulk(app, hr, planned):
    page = hr.get(f"/transfers/{planned}/eli-checked").get_data(as_text=True)
    assert page.count('name="members"') == 2 and page.count("checked>") >= 2  # those not yet checked, ticked
    today = date.today()
    when = {"checked_on": [str(today.day), str(today.month), str(today.year)]}
    refused = hr.post(f"/transfers/{planned}/eli-checked", data=when)
    assert refused.status_code == 400 and "Choose at least one person" in refused.get_data(as_text=True)
    with app.app_context():
        ids = db.session.scalars(select(TransferMember.id).where(TransferMember.transfer_id == planned)).all()
    response = hr.post(f"/transfers/{planned}/eli-checked", data={**when, "members": [str(i) for i in ids]})
    assert response.status_code == 302
    with app.app_context():
        assert all(m.eli_cases_checked_on == today for m in db.session.scalars(
            select(TransferMember).where(TransferMember.transfer_id == planned)))
    future = today + timedelta(days=3)
    bad = hr.post(f"/transfers/{planned}/eli-checked", data={
        "checked_on": [str(future.day), str(future.month), str(future.year)], "members": "x"})
    assert bad.status_code == 400


def test_write_to_those_not_yet_written_to(app, hr):
    transfer_id = _plan(app, "Test Ushers", TRANSFER_ON, agency_workers="None.")
    page = hr.get(f"/transfers/{transfer_id}/letters/unwritten").get_data(as_text=True)
    assert "2 people in the cohort have no notice of transfer yet." in page
    response = hr.post(f"/transfers/{transfer_id}/letters/unwritten", data={"letter_type": "transfer_notice"})
    assert response.status_code == 302 and "/letters/jobs/" in response.location
    page = hr.get(f"/transfers/{transfer_id}/letters/unwritten").get_data(as_text=True)
    assert "Everyone in the cohort has a notice of transfer." in page
    again = hr.post(f"/transfers/{transfer_id}/letters/unwritten", data={"letter_type": "transfer_notice"})
    assert again.status_code == 400 and "Nobody in that group" in again.get_data(as_text=True)


@pytest.mark.parametrize("role", ["employee", "union_rep"])
def test_only_hr_reaches_the_new_pages(app, role, planned):
    client = _client(app, role)
    for url in (f"/transfers/{planned}/edit", f"/transfers/{planned}/withdraw", f"/transfers/{planned}/eli-checked",
                f"/transfers/{planned}/letters/affected", f"/transfers/{planned}/letters/unwritten"):
        assert client.get(url).status_code == 403
        if not url.endswith("/affected"):  # a page to read only
            assert client.post(url, data={"reason": "x", "understood": "y"}).status_code == 403
    with app.app_context():
        assert db.session.get(Transfer, planned).status == "planned"


def test_completing_from_a_stale_dry_run_is_refused_keeping_the_reason(app, hr):
    transfer_id = _plan(app, "Test Rangers", PAST_ON, agency_workers="None.")
    hr.post(f"/transfers/{transfer_id}/confirm")
    assert 'name="version" type="hidden" value="1"' in hr.get(f"/transfers/{transfer_id}/completion").get_data(
        as_text=True)
    assert hr.post(f"/transfers/{transfer_id}/edit", data=_form(
        transfer_id, app, implications="Changed meanwhile.", change_reason="Another officer's edit")).status_code == 302
    response = hr.post(f"/transfers/{transfer_id}/complete", data={"version": "1", "reason": "My typed reason"})
    body = response.get_data(as_text=True)
    assert response.status_code == 400 and "changed this transfer while you were looking at this page (Implications)" in body
    assert "My typed reason" in body and 'name="version" type="hidden" value="2"' in body
    with app.app_context():
        assert db.session.get(Transfer, transfer_id).status == "planned"
    tampered = hr.post(f"/transfers/{transfer_id}/complete", data={"version": "<x>", "reason": "r"})
    assert tampered.status_code == 400 and "out of date" in tampered.get_data(as_text=True)
    done = hr.post(f"/transfers/{transfer_id}/complete", data={"version": "2", "reason": "My typed reason"})
    assert done.status_code == 302


def test_withdrawing_a_transfer_changed_meanwhile_asks_again(app, hr, planned):
    hr.post(f"/transfers/{planned}/edit", data=_form(planned, app, agency_workers="Changed meanwhile."))
    response = hr.post(f"/transfers/{planned}/withdraw", data={"version": "1", "reason": "Typed", "understood": "y"})
    assert response.status_code == 400 and "changed this transfer" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Transfer, planned).status == "planned"


def test_pages_of_a_withdrawn_transfer_refuse_changes_without_a_500(app, hr, planned):
    hr.post(f"/transfers/{planned}/withdraw", data={"reason": "Not going ahead.", "understood": "y"})
    today = date.today()
    checked = hr.post(f"/transfers/{planned}/eli-checked", data={
        "checked_on": [str(today.day), str(today.month), str(today.year)], "members": "1"})
    assert checked.status_code == 400 and "withdrawn" in checked.get_data(as_text=True)
    batch = hr.post(f"/letters/batch/transfer/{planned}", data={"letter_type": "tupe_reg13"})
    assert batch.status_code == 200 and "was withdrawn: no more letters" in batch.get_data(as_text=True)
    unwritten = hr.post(f"/transfers/{planned}/letters/unwritten", data={"letter_type": "tupe_reg13"})
    assert unwritten.status_code == 400
    completing = hr.post(f"/transfers/{planned}/complete", data={"reason": "x"})
    assert completing.status_code == 400 and "already withdrawn" in completing.get_data(as_text=True)
    assert hr.post(f"/transfers/{planned}/withdraw", data={"reason": "again", "understood": "y"}).status_code == 302
    with app.app_context():
        item = db.session.scalars(select(ChecklistItem.id).where(ChecklistItem.transfer_id == planned)).first()
    step = hr.post(f"/transfers/{planned}/steps/{item}", data={
        f"step{item}-done_on": [str(today.day), str(today.month), str(today.year)]})
    assert step.status_code == 302
    with app.app_context():
        assert db.session.get(ChecklistItem, item).done_on is None
