"""Letters (issue 8): every letter type renders on the demo data with the right names, dates and
figures, page numbers and metadata; the register keeps byte-identical PDFs with their SHA-256;
batches are all or nothing; `hrtool letters verify` finds a tampered letter."""
from __future__ import annotations

import hashlib
import io
import zipfile
from datetime import UTC, date
from decimal import Decimal

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select, text

from hrtool.errors import DomainError
from hrtool.extensions import db
from hrtool.letters.template import TemplateError
from hrtool.models import (
    Council,
    Election,
    Employee,
    Letter,
    LetterJob,
    Policy,
    ProtectedTerms,
    Protection,
    ProtectionMonthRow,
    Restructure,
    RouteDecision,
    StructurePost,
    TradeUnion,
    Transfer,
    TransferMember,
)
from hrtool.services.letters import letter_jobs, letters
from hrtool.services.letters.letters import Target

from ..conftest import dialect

pytestmark = pytest.mark.usefixtures("ctx")
ON = date(2026, 11, 23)


def pdf_text(data: bytes) -> tuple[str, dict, int]:
    reader = PdfReader(io.BytesIO(data))
    pages = [page.extract_text() for page in reader.pages]
    text_ = "\n".join(pages)
    meta = dict(reader.metadata or {})
    meta["/Lang"] = str(reader.trailer["/Root"].get("/Lang", ""))
    return " ".join(text_.split()), meta, len(pages)


def council_id(code: str) -> int:
    return db.session.scalar(select(Council.id).where(Council.code == code))


@pytest.fixture
def restructure():
    """A restructure of both councils' posts, effective 1 July 2027: 20 postholders at risk, a
    ring-fenced pool of 3 for 1 post, one slot-in and one alternative offer."""
    people = list(db.session.scalars(select(Employee).order_by(Employee.id).limit(25)))
    r = Restructure(name="Test operations restructure", description="Merging the two councils' operations teams.",
                    effective_date=date(2027, 7, 1), status="consulting")
    db.session.add(r)
    db.session.flush()

    def post(side: str, title: str, council: str, grade: str = "Grade 6") -> StructurePost:
        p = StructurePost(restructure_id=r.id, side=side, title=title, grade=grade, employer_id=council_id(council))
        db.session.add(p)
        db.session.flush()
        return p

    old_ccdc, old_sbc = post("current", "Operations Officer", "CCDC"), post("current", "Operations Officer", "SBC", "Grade 7")
    lead = post("proposed", "Operations Team Leader", "SBC", "Grade 8")
    new = post("proposed", "Operations Coordinator", "SBC", "Grade 6")
    decisions = {}
    for i, person in enumerate(people[:20]):
        db.session.add(RouteDecision(restructure_id=r.id, employee_id=person.id, route="at_risk",
                                     current_post_id=(old_ccdc if i % 2 else old_sbc).id,
                                     reasons="No post in the new structure matches this post by 50% or more."))
    for person in people[20:23]:
        db.session.add(RouteDecision(restructure_id=r.id, employee_id=person.id, route="ring_fence",
                                     current_post_id=old_ccdc.id, pool=[lead.id], reasons="Pool of three for one post."))
    decisions["slot_in"] = RouteDecision(restructure_id=r.id, employee_id=people[23].id, route="slot_in",
                                         current_post_id=old_sbc.id, proposed_post_id=new.id,
                                         reasons="The new post matches 85% of the current job at the same grade.")
    decisions["alternative"] = RouteDecision(restructure_id=r.id, employee_id=people[24].id, route="alternative",
                                             current_post_id=old_ccdc.id, proposed_post_id=new.id,
                                             reasons="A suitable alternative at the same grade.")
    db.session.add_all(decisions.values())
    db.session.flush()
    return r, decisions, people


@pytest.fixture
def protection():
    person = db.session.scalars(select(Employee).order_by(Employee.id.desc()).limit(1)).one()
    policy = db.session.scalars(select(Policy).where(Policy.kind == "pay_protection",
                                                     Policy.council_id == council_id("CCDC"))).one()
    p = Protection(employee_id=person.id, council_id=council_id("CCDC"), policy_id=policy.id, source="restructure",
                   reason="your post was re-graded from Grade 7 to Grade 6 in the restructure",
                   start_date=date(2026, 4, 1), old_grade="Grade 7", new_grade="Grade 6",
                   old_salary=Decimal("30000.00"), new_salary=Decimal("27000.00"), hours_per_week=Decimal(37),
                   ends_on=date(2028, 4, 1))
    db.session.add(p)
    db.session.flush()
    # Tapered: 100% of the £3,000 difference for 12 months: £250.00 a month; then 50%: £125.00.
    for month, phase, rate, payment in [(date(2026, 4, 1), 1, "3000.00", "250.00"),
                                        (date(2027, 4, 1), 2, "1500.00", "125.00")]:
        db.session.add(ProtectionMonthRow(protection_id=p.id, month=month, phase=phase, new_salary=Decimal("27000.00"),
                                          protection=Decimal(rate), payment=Decimal(payment)))
    db.session.flush()
    db.session.refresh(p)
    return p, person


def _planned_transfer() -> Transfer:
    """The demo's planned transfer whose unions have been written to."""
    return db.session.scalars(select(Transfer).join(Letter, Letter.transfer_id == Transfer.id)
                              .where(Transfer.status == "planned", Letter.letter_type == "tupe_reg13")
                              .order_by(Transfer.id).limit(1)).one()


def _union(code: str) -> TradeUnion:
    return db.session.scalars(select(TradeUnion).where(TradeUnion.code == code)).one()


def _issue(target: Target) -> tuple[Letter, str, dict, int]:
    letter = letters.issue_one(target, ON)
    db.session.flush()
    body, meta, pages = pdf_text(letter.pdf)
    assert f"Page 1 of {pages}" in body and f"Page {pages} of {pages}" in body
    assert meta["/Lang"] == "en-GB" and meta["/Title"] == letter.subject and meta["/Author"]
    assert meta["/Subject"] == letters.T.LETTER_TYPES[letter.letter_type].name
    assert letter.reference in body and "23 November 2026" in body
    return letter, body, meta, pages


def test_reg13_letter_states_the_regulation_13_information(restructure):
    transfer = _planned_transfer()
    letter, body, meta, _ = _issue(Target("tupe_reg13", transfer.id, _union("GMB").id))
    assert letter.union_id == _union("GMB").id and letter.employee_id is None
    assert f"{transfer.transfer_date.day} {transfer.transfer_date:%B %Y}" in body
    assert transfer.service.name in body and "regulation 13" in body
    assert "Cannock Chase District Council" in body and "Stafford Borough Council" in body  # a shared service
    assert meta["/Author"] == "Cannock Chase District Council and Stafford Borough Council"
    assert transfer.agency_workers in body and "Dear Branch Secretary" in body
    members = db.session.scalar(select(func.count()).select_from(TransferMember).where(
        TransferMember.transfer_id == transfer.id, TransferMember.status != "removed"))
    # A cohort under the disclosure threshold (5) is not counted to the union (issue 16).
    affected = f"{members} employees" if members >= 5 else "fewer than 5 employees"
    assert f"The transfer affects {affected} assigned to the service" in body
    # Consultation starts by the checklist's date (45 days before the transfer in the policy data).
    due = next(i.due_on for i in transfer.checklist if i.key == "consultation_started")
    assert f"no later than {due.day} {due:%B %Y}" in body


def test_grades_with_fewer_people_than_the_threshold_are_withheld_in_the_union_letter():
    transfer = _planned_transfer()
    letter, _body, _, _ = _issue(Target("tupe_reg13", transfer.id, _union("UNISON").id))
    rows = letter.fields["table"]["affected_by_grade"]["rows"]
    assert rows and all(r[1] in ("Fewer than 5", "Withheld") or int(r[1]) >= 5 for r in rows)


def test_notice_of_transfer_to_an_employee():
    transfer = _planned_transfer()
    member = next(m for m in transfer.members if m.status in ("proposed", "confirmed"))
    letter, body, _, _ = _issue(Target("transfer_notice", member.id))
    employee = member.employee
    assert letter.employee_id == employee.id
    assert f"Dear {employee.full_name}" in body and employee.postcode in body
    csd = employee.continuous_service_date
    assert f"continuous service from {csd.day} {csd:%B %Y}" in body
    day_before = date.fromordinal(transfer.transfer_date.toordinal() - 1)
    assert f"will end on {day_before.day} {day_before:%B %Y}" in body


def test_statement_of_protected_terms():
    snapshot = db.session.scalars(select(ProtectedTerms).order_by(ProtectedTerms.id).limit(1)).one()
    _letter, body, _, _ = _issue(Target("protected_terms", snapshot.id))
    particulars = snapshot.snapshot["particulars"]
    assert particulars["post_title"] in body
    if particulars["full_time_salary"]:
        assert f"£{Decimal(particulars['full_time_salary']):,.2f} a year full-time" in body
    else:  # the demo's 2011 snapshots hold the point, not that year's salary
        assert f"spinal column point {particulars['scp']} of the NJC pay spine" in body
    assert f"{snapshot.snapshot['entitlements']['annual_leave_days']} days a year" in body


def test_election_confirmation_needs_hr_countersignature():
    election = db.session.scalars(select(Election).order_by(Election.id).limit(1)).one()
    if election.countersigned_at is None:
        with pytest.raises(TemplateError, match="countersigned"):
            letters.issue_one(Target("election_confirmation", election.id), ON)
        from datetime import datetime
        election.countersigned_at = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
        db.session.flush()
    _letter, body, _, _ = _issue(Target("election_confirmation", election.id))
    assert f"From {election.effective_from.day} {election.effective_from:%B %Y}" in body
    assert "cannot be reversed" in body


def test_restructure_letters(restructure):
    r, decisions, _people = restructure
    # Slot-in: the new post and its grade.
    letter, body, _, _ = _issue(Target("assimilation_outcome", decisions["slot_in"].id))
    assert "Operations Coordinator (Grade 6)" in body and "1 July 2027" in body
    assert letter.restructure_id == r.id
    # Alternative offer: a 4-week trial from 1 July 2027 ends on 28 July 2027 (ERA s.138: four
    # weeks beginning with the first day, so 1 July + 27 days).
    _, body, _, _ = _issue(Target("alternative_offer", decisions["alternative"].id))
    assert "trial period of 4 weeks" in body and "starts on 1 July 2027 and ends on 28 July 2027" in body
    # At risk.
    at_risk = db.session.scalars(select(RouteDecision).where(RouteDecision.restructure_id == r.id,
                                                             RouteDecision.route == "at_risk")).first()
    _, body, _, _ = _issue(Target("at_risk", at_risk.id))
    assert "at risk of redundancy" in body and "No decision to dismiss has been made" in body
    with pytest.raises(DomainError, match="route"):
        letters.issue_one(Target("at_risk", decisions["slot_in"].id), ON)


def test_collective_redundancy_letter_where_the_threshold_is_met(restructure):
    r, _, _ = restructure
    _letter, body, _, _pages = _issue(Target("collective_redundancy", r.id, _union("UNISON").id))
    # 20 at risk + (3 in a pool for 1 post: 2 surplus) = 22 proposed: 20-99, so 30 days before
    # the first dismissal on 1 July 2027: consultation must begin by 1 June 2027.
    assert "up to 22 employees" in body and "at least 30 days" in body
    assert "no later than 1 June 2027" in body
    assert "1.5 times the statutory number of weeks" in body  # CCDC's policy data
    assert "section 188" in body


def test_no_collective_letter_below_the_threshold(restructure):
    r, _, _ = restructure
    for d in db.session.scalars(select(RouteDecision).where(RouteDecision.restructure_id == r.id,
                                                            RouteDecision.route == "at_risk").limit(5)):
        d.route = "slot_in"
    db.session.flush()
    # 15 at risk + 2 surplus = 17 < 20
    with pytest.raises(DomainError, match=r"17 redundancies.*applies from 20"):
        letters.issue_one(Target("collective_redundancy", r.id, _union("UNISON").id), ON)


def test_pay_protection_confirmation_with_its_schedule(protection):
    record, person = protection
    _letter, body, _, _ = _issue(Target("pay_protection", record.id))
    assert f"Dear {person.full_name}" in body
    assert "£30,000.00 a year" in body and "£27,000.00 a year" in body
    assert "£3,000.00 a year full-time, is fixed in cash" in body  # 30,000 - 27,000
    assert "100% for 12 months; then 50% for 12 months" in body
    assert "ends on 31 March 2028" in body  # the day before the first day without protection
    assert "they add up to £375.00" in body  # 250.00 + 125.00
    assert "April 2026" in body and "£250.00" in body and "£125.00" in body


def test_a_missing_fact_stops_the_letter_never_a_blank():
    transfer = _planned_transfer()
    transfer.agency_workers = ""
    db.session.flush()
    with pytest.raises(TemplateError, match=r"no value for \{\{ transfer.agency_workers \}\}"):
        letters.issue_one(Target("tupe_reg13", transfer.id, _union("UNISON").id), ON)


def test_redownload_is_byte_identical_and_the_sha256_is_of_the_pdf():
    transfer = _planned_transfer()
    letter = letters.issue_one(Target("tupe_reg13", transfer.id, _union("UNITE").id), ON)
    db.session.flush()
    letter_id, pdf = letter.id, letter.pdf
    db.session.expire_all()
    again = db.session.get(Letter, letter_id)
    assert again.pdf == pdf and again.sha256 == hashlib.sha256(pdf).hexdigest()
    # Rendering the same letter again from what it was filled with gives the same bytes.
    version = again.template_version
    prepared = letters.prepare(Target("tupe_reg13", transfer.id, _union("UNITE").id), version, ON, again.reference,
                               letters.signatory(None))
    assert prepared.pdf == pdf


def test_the_database_refuses_to_change_or_delete_a_letter():
    letter = db.session.scalars(select(Letter).limit(1)).one()
    for statement in (f"UPDATE letters SET subject = 'changed' WHERE id = {letter.id}",
                      f"DELETE FROM letters WHERE id = {letter.id}"):
        with pytest.raises(Exception, match="immutable"):
            with db.session.begin_nested():
                db.session.execute(text(statement))


def test_a_correction_is_a_new_letter_naming_the_old():
    old = db.session.scalars(select(Letter).where(Letter.letter_type == "tupe_reg13").limit(1)).one()
    before = (old.reference, old.sha256)
    new = letters.correct(old, "The consultation date was wrong.", ON)
    db.session.flush()
    body, _, _ = pdf_text(new.pdf)
    assert new.corrects_id == old.id and new.id != old.id
    assert f"corrects and replaces our letter {old.reference}" in body and "The consultation date was wrong." in body
    assert (old.reference, old.sha256) == before
    with pytest.raises(DomainError):
        letters.correct(old, " ", ON)


def _cohort_size(transfer: Transfer) -> int:
    return sum(1 for m in transfer.members if m.status in ("proposed", "confirmed"))


def test_a_batch_issues_one_letter_per_person_and_a_zip(app):
    transfer = _planned_transfer()
    before = db.session.scalar(select(func.count()).select_from(Letter))
    with app.test_request_context():
        job = letter_jobs.start("transfer_notice", "transfer", transfer.id, ON, None)
    job = db.session.get(LetterJob, job.id)
    assert job.status == "done" and job.done == job.total == _cohort_size(transfer)
    issued = letter_jobs.batch_letters(job.batch_id)
    assert len(issued) == job.total == db.session.scalar(select(func.count()).select_from(Letter)) - before
    archive = zipfile.ZipFile(io.BytesIO(letters.zip_of(issued)))
    assert len(archive.namelist()) == len(issued)
    for letter, name in zip(issued, archive.namelist(), strict=True):
        assert archive.read(name) == letter.pdf
        employee = db.session.get(Employee, letter.employee_id)
        assert employee.full_name in pdf_text(letter.pdf)[0] and letter.reference in name


@pytest.mark.parametrize("fail_at", ["making", "writing"])
def test_a_batch_that_fails_part_way_leaves_nothing_in_the_register(app, monkeypatch, fail_at):
    transfer = _planned_transfer()
    size = _cohort_size(transfer)
    assert size >= 2
    before = db.session.scalar(select(func.count()).select_from(Letter))
    stop = 1 if fail_at == "making" else size + 1  # the second letter made, or the second written

    def fail(index: int) -> None:
        if index == stop:
            raise RuntimeError("disk full")

    monkeypatch.setattr(letter_jobs, "fail_at", fail)
    with app.test_request_context():
        job = letter_jobs.start("transfer_notice", "transfer", transfer.id, ON, None)
    job = db.session.get(LetterJob, job.id)
    assert job.status == "failed" and job.batch_id is None
    assert "Nothing was issued" in job.error and "disk full" not in job.error  # issue 17: plain words, detail logged
    assert db.session.scalar(select(func.count()).select_from(Letter)) == before


def test_verify_checks_every_letter_and_reports_a_mismatch(app):
    runner = app.test_cli_runner()
    total = db.session.scalar(select(func.count()).select_from(Letter))
    result = runner.invoke(args=["letters", "verify"])
    assert result.exit_code == 0, result.output
    assert f"Checked {total} letters." in result.output
    letter = db.session.scalars(select(Letter).order_by(Letter.id).limit(1)).one()
    if dialect(app) == "sqlite":
        db.session.execute(text("DROP TRIGGER letters_no_update"))
    else:
        db.session.execute(text("ALTER TABLE letters DISABLE TRIGGER letters_immutable"))
    db.session.execute(text("UPDATE letters SET sha256 = :s WHERE id = :i"), {"s": "0" * 64, "i": letter.id})
    result = runner.invoke(args=["letters", "verify"])
    assert result.exit_code == 1
    assert f"Checked {total} letters." in result.output and f"MISMATCH {letter.reference}" in result.output


def test_demo_data_has_reg13_letters_to_each_recognised_union_and_verifies():
    transfers = db.session.scalars(select(Transfer).where(Transfer.status == "completed")).all()
    assert transfers
    for transfer in transfers:
        unions = {letter.union_id for letter in db.session.scalars(select(Letter).where(
            Letter.transfer_id == transfer.id, Letter.letter_type == "tupe_reg13"))}
        assert unions == set(db.session.scalars(select(TradeUnion.id)))
    assert db.session.scalar(select(func.count()).select_from(Letter).where(Letter.letter_type == "transfer_notice"))
    assert letters.verify().mismatches == []


def test_a_template_using_an_unknown_field_cannot_be_saved():
    template = letters.template_by_key("at_risk")
    with pytest.raises(TemplateError, match=r"no field \{\{ employee.salary \}\}"):
        letters.save_version(template, "At risk", "Your salary is {{ employee.salary }}.", "test")
    version = letters.save_version(template, "At risk: {{ restructure.name }}", "Dear {{ employee.name }}.", "shorter")
    assert version.version == 2 and [v.version for v in template.versions] == [1, 2]
