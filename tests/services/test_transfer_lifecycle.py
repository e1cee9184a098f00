"""Transfers through their whole life (issue 15): the completion guard on hand-worked dates,
edits audited with a reason and guarded by the version, letters that no longer match offered a
correction, required fields read from the letters' templates, batches checked before they start,
withdrawal, and bulk actions on the cohort."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select, text

from hrtool.domain.transfer_guard import GuardFacts, Objection, StepDone, clear_days_between, completion_guard
from hrtool.errors import DomainError, StaleRecord
from hrtool.extensions import db
from hrtool.models import AuditEvent, Employment, Letter, LetterJob, Service, Transfer
from hrtool.services.letters import letter_jobs, letters
from hrtool.services.letters.letter_fields import recognised_unions
from hrtool.services.letters.letters import Target
from hrtool.services.tupe import transfer_changes, transfer_steps, transfers

from ..factories import assign, council, employ, make_employee, make_post, own_terms, service

pytestmark = pytest.mark.usefixtures("ctx")
# Dates in the past, as a step cannot be recorded as done in the future.
PLANNED_ON = date(2026, 8, 3)
TRANSFER_ON = date(2026, 12, 1)  # Tuesday 1 December 2026
VALUES = {"legal_basis": "tupe", "reasons": "The councils share the service under the lead authority model.",
          "implications": "Staff keep their terms and continuity of service.",
          "transferor_measures": "", "transferor_measures_none": True,
          "transferee_measures": "A new rota from September 2027.", "transferee_measures_none": False,
          "agency_workers": "Two agency gardeners, seasonal grounds maintenance."}


def _values(transfer: Transfer, **changes: object) -> dict[str, object]:
    values = {name: getattr(transfer, name) for name in transfer_changes.EDITABLE}
    values.update(changes)
    return values


@pytest.fixture
def planned():
    """Two people in SBC's (made-up) Test Cemeteries service, transferring to CCDC on 1 December 2026."""
    db.session.add(Service(name="Test Cemeteries", area="Operations"))
    db.session.flush()
    post = make_post("SBC", "Test Cemeteries", title="Cemetery Officer", je_score=330)
    for n, start in enumerate([date(2010, 5, 4), date(2019, 9, 2)]):
        employee = make_employee(last_name=f"Sexton{n}", continuous_service_date=start)
        employment = employ(employee, "SBC", start)
        assign(employment, post, start, None, scp=14, hours="37")
        own_terms(employment, start)
    transfer = transfer_changes.plan_transfer({
        **VALUES, "service_id": service("Test Cemeteries").id, "transferor_id": council("SBC").id,
        "transferee_id": council("CCDC").id, "transfer_date": TRANSFER_ON}, PLANNED_ON)
    return transfer


def _unions(transfer: Transfer, on: date = PLANNED_ON) -> list:
    return recognised_unions([transfer.transferor_id, transfer.transferee_id], on)


def _step(transfer: Transfer, key: str):
    return next(item for item in transfer.checklist if item.key == key)


# -- the completion guard on hand-worked dates -----------------------------------------------------

def _facts(**changes: object) -> GuardFacts:
    base = dict(transfer_date=TRANSFER_ON, eli_clear_days=28, steps=[], transferor_measures_stated=True,
                transferee_measures_stated=True, proposed=[], objections=[], without_notice=[],
                unions_without_letter=[])
    base.update(changes)
    return GuardFacts(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(("given_on", "met", "clear"), [
    # Transfer Tuesday 1 December 2026, 28 clear days (reg. 11(6), from 1 May 2014): neither the day
    # given nor the transfer day counts. Given Monday 2 November: 3 to 30 November are clear, 28 days.
    (date(2026, 11, 2), True, 28),
    # Given Tuesday 3 November: 4 to 30 November, 27 clear days: one too few.
    (date(2026, 11, 3), False, 27),
    # Given 1 October: 2 to 31 October (30) and 1 to 30 November (30), 60 clear days.
    (date(2026, 10, 1), True, 60),
])
def test_eli_in_time_counts_clear_days(given_on, met, clear):
    assert clear_days_between(given_on, TRANSFER_ON) == clear
    eli = next(s for s in completion_guard(_facts(steps=[StepDone("eli_sent", date(2026, 11, 2), given_on)]))
               if s.key == "eli_in_time")
    assert eli.met is met
    assert f"{clear} clear days" in eli.detail and "due by 2 November 2026" in eli.detail


def test_eli_before_may_2014_needed_14_clear_days():
    # A transfer on Saturday 1 March 2014 (before 1 May 2014): 14 clear days, so the last day is
    # 1 March - 15 days = Friday 14 February 2014 (15 to 28 February clear: 14 days).
    assert transfers.eli_clear_days(date(2014, 3, 1)) == 14
    facts = _facts(transfer_date=date(2014, 3, 1), eli_clear_days=14,
                   steps=[StepDone("eli_sent", date(2014, 2, 14), date(2014, 2, 15))])
    eli = next(s for s in completion_guard(facts) if s.key == "eli_in_time")
    assert not eli.met and "13 clear days" in eli.detail and "due by 14 February 2014" in eli.detail


@pytest.mark.parametrize(("objections", "proposed", "met", "detail"), [
    ([], [], True, "Everyone's position is settled; no objections."),
    ([Objection("Ann Lee", date(2026, 11, 20))], [], True, "Everyone's position is settled; 1 objection recorded in time."),
    ([Objection("Ann Lee", date(2026, 12, 2))], [], False, "Objection dated after the transfer: Ann Lee."),
    ([], ["Bo Ng", "Cy Oh"], False, "2 still only proposed: Bo Ng, Cy Oh."),
])
def test_objections_step(objections, proposed, met, detail):
    step = next(s for s in completion_guard(_facts(objections=objections, proposed=proposed))
                if s.key == "objections_resolved")
    assert (step.met, step.detail) == (met, detail)


@pytest.mark.parametrize(("without_notice", "unions", "detail"), [
    (["Ann Lee (P1)"], [], "1 person has no notice of transfer: Ann Lee (P1)."),
    ([f"P{n}" for n in range(7)], ["GMB"],
     "7 people have no notice of transfer: P0, P1, P2, P3, P4 and 2 more; no regulation 13 letter to GMB."),
    ([], ["GMB", "UNISON"], "No regulation 13 letter to GMB, UNISON."),
])
def test_letters_step(without_notice, unions, detail):
    step = next(s for s in completion_guard(_facts(without_notice=without_notice, unions_without_letter=unions))
                if s.key == "letters_issued")
    assert not step.met and step.detail == detail


def test_measures_step_names_the_side_not_stated():
    step = next(s for s in completion_guard(_facts(transferee_measures_stated=False)) if s.key == "measures_stated")
    assert not step.met and step.detail == "No measures (nor that there are none) stated for the transferee."


def test_guard_steps_by_the_checklist_dates(planned):
    due = {item.key: item.due_on for item in planned.checklist}
    # The joint checklist's lead times before Tuesday 1 December 2026: the reg. 13 letter 60 days
    # before, Friday 2 October 2026 (2 Oct + 29 = 31 Oct, + 30 = 30 Nov, + 1 = 1 Dec); consultation 45
    # days before, Saturday 17 October 2026 (17 Oct + 14 = 31 Oct, + 30 = 30 Nov, + 1); the transferee's
    # measures 74 days before, Friday 18 September 2026 (18 Sep + 12 = 30 Sep, + 31, + 30, + 1).
    # Employee liability information by Monday 2 November 2026 (1 December - 29 days).
    assert due["inform_representatives"] == date(2026, 10, 2)
    assert due["consultation_started"] == date(2026, 10, 17)
    assert due["measures_letter"] == date(2026, 9, 18)
    assert due["eli_sent"] == date(2026, 11, 2)
    transfers.mark_step(_step(planned, "inform_representatives"), date(2026, 10, 2), "Letters sent")
    transfers.mark_step(_step(planned, "consultation_started"), date(2026, 10, 18), "First meeting")
    steps = {s.key: s for s in transfer_steps.guard(planned, TRANSFER_ON)}
    assert steps["reg13_in_time"].met and "Done 2 October 2026 (due by 2 October 2026)" in steps["reg13_in_time"].detail
    assert not steps["consultation_in_time"].met
    assert steps["consultation_in_time"].detail == "Done 18 October 2026, 1 day after it was due (17 October 2026)."
    assert steps["measures_stated"].met
    assert not steps["letters_issued"].met and "2 people have no notice of transfer" in steps["letters_issued"].detail
    assert not steps["objections_resolved"].met and "2 still only proposed" in steps["objections_resolved"].detail


def test_the_register_shows_the_regulation_13_information_given_where_the_checklist_was_not_marked(planned):
    unions = _unions(planned, TRANSFER_ON)
    assert len(unions) >= 2
    for union in unions[:-1]:
        letters.issue_one(Target("tupe_reg13", planned.id, union.id), date(2026, 9, 25))
    letters.issue_one(Target("tupe_reg13", planned.id, unions[-1].id), date(2026, 10, 3))  # one day late
    reg13 = next(s for s in transfer_steps.guard(planned, TRANSFER_ON) if s.key == "reg13_in_time")
    # Due by Friday 2 October 2026 (60 days before 1 December); the last union was written to on the 3rd.
    assert not reg13.met
    assert reg13.detail.startswith("A regulation 13 letter had reached every recognised union by 3 October 2026 "
                                   "(due by 2 October 2026")
    transfers.mark_step(_step(planned, "inform_representatives"), date(2026, 10, 2), "Told at the JCC")
    assert next(s for s in transfer_steps.guard(planned, TRANSFER_ON) if s.key == "reg13_in_time").met


def test_completing_with_steps_unmet_needs_a_reason_and_records_them(planned):
    transfers.confirm_cohort(planned)
    with pytest.raises(DomainError, match="legal steps were not met") as refused:
        transfers.complete(planned, TRANSFER_ON)
    assert refused.value.field == "reason"
    assert planned.status == "planned"
    transfers.complete(planned, TRANSFER_ON, reason="The councils agreed the date; consulted in person.")
    assert planned.status == "completed"
    assert planned.completion_reason == "The councils agreed the date; consulted in person."
    titles = [s["title"] for s in planned.completion_unmet]
    assert "Employee liability information given in time (reg. 11(6))" in titles
    assert "Letters issued to every person transferring and every recognised union" in titles
    assert "Measures stated by both councils (reg. 13(2)(d))" not in titles  # they were stated
    event = db.session.scalars(select(AuditEvent).where(
        AuditEvent.entity_type == "transfer", AuditEvent.entity_id == str(planned.id),
        AuditEvent.action == "complete")).one()
    assert event.reason == planned.completion_reason and event.after["unmet_steps"] == titles


def test_completing_a_transfer_saved_meanwhile_completes_nothing(planned):
    transfers.confirm_cohort(planned)
    assert planned.version == 1
    db.session.execute(text("UPDATE transfers SET version = version + 1 WHERE id = :i"), {"i": planned.id})
    with pytest.raises(StaleRecord, match="nothing was completed"):
        transfers.complete(planned, TRANSFER_ON, reason="Agreed date")
    db.session.expire_all()
    assert planned.status == "planned" and all(m.status == "confirmed" for m in planned.members)
    assert all(m.employment.end_date is None for m in planned.members)


def test_completing_with_every_step_met_needs_no_reason(planned):
    transfers.confirm_cohort(planned)
    for key, done_on in [("measures_letter", date(2026, 9, 15)), ("inform_representatives", date(2026, 10, 1)),
                         ("consultation_started", date(2026, 10, 15)), ("eli_sent", date(2026, 11, 2)),
                         ("individual_letters", date(2026, 11, 5))]:
        transfers.mark_step(_step(planned, key), done_on, "")
    for union in _unions(planned, TRANSFER_ON):
        letters.issue_one(Target("tupe_reg13", planned.id, union.id), date(2026, 10, 1))
    for member in planned.members:
        letters.issue_one(Target("transfer_notice", member.id), date(2026, 11, 5))
    assert transfer_steps.unmet_steps(planned, TRANSFER_ON) == []
    transfers.complete(planned, TRANSFER_ON)
    assert planned.status == "completed" and planned.completion_unmet is None and planned.completion_reason == ""


# -- required fields follow from the letters ---------------------------------------------------------

def test_required_fields_are_read_from_the_templates():
    required = transfer_changes.required_fields()
    # The shipped regulation 13 letter uses {{ transfer.agency_workers }}; the notice of transfer does not.
    assert required["agency_workers"] == ["TUPE regulation 13 information and consultation letter"]
    assert "notice of transfer and measures" in required["reasons"]  # worded for the middle of a sentence
    template = letters.template_by_key("tupe_reg13")
    current = letters.latest(template)
    body = "\n".join(line for line in current.body.splitlines() if "agency_workers" not in line)
    letters.save_version(template, current.subject, body, "Agency workers in an annex instead")
    assert "agency_workers" not in transfer_changes.required_fields()


def test_planning_refuses_a_blank_field_a_letter_needs(planned):
    values = _values(planned, agency_workers="  ")
    with pytest.raises(transfer_changes.FieldsRequired) as refused:
        transfer_changes.plan_transfer(values, PLANNED_ON)
    assert list(refused.value.missing) == ["agency_workers"]
    assert "the TUPE regulation 13 information and consultation letter uses it" in refused.value.missing["agency_workers"]


def test_a_batch_checks_every_field_before_it_starts(app, planned):
    planned.agency_workers = ""  # held from before the field was required (as the issue found)
    db.session.flush()
    jobs = db.session.scalar(select(func.count()).select_from(LetterJob))
    with app.test_request_context(), pytest.raises(letter_jobs.BatchRefused) as refused:
        letter_jobs.start("tupe_reg13", "transfer", planned.id, PLANNED_ON, None)
    [missing] = refused.value.missing
    assert missing.name == "transfer.agency_workers" and missing.on_transfer
    assert "no value for {{ transfer.agency_workers }}" in refused.value.message and "Line" not in refused.value.message
    assert db.session.scalar(select(func.count()).select_from(LetterJob)) == jobs  # nothing started
    transfer_changes.edit_transfer(planned, _values(planned, agency_workers="None: no agency workers."),
                                   "Agency workers left out", planned.version, PLANNED_ON)
    with app.test_request_context():
        job = letter_jobs.start("tupe_reg13", "transfer", planned.id, PLANNED_ON, None)
    job = db.session.get(LetterJob, job.id)
    assert job.status == "done" and job.total == len(_unions(planned))


def test_a_batch_names_the_people_whose_letters_lack_a_value(app, planned):
    employee = make_employee(last_name="Gravedigger")
    employment = employ(employee, "SBC", date(2012, 1, 9))
    post = make_post("SBC", "Test Cemeteries", title="Gravedigger", je_score=250)
    assign(employment, post, date(2012, 1, 9), date(2026, 6, 30), scp=8, hours="37")  # between posts since July
    transfers.add_member(planned, employee.id, "Works in the cemeteries; between posts")
    with app.test_request_context(), pytest.raises(letter_jobs.BatchRefused) as refused:
        letter_jobs.start("transfer_notice", "transfer", planned.id, PLANNED_ON, None)
    [missing] = refused.value.missing
    assert missing.name == "employee.post" and not missing.on_transfer and missing.who == [employee.full_name]
    assert "no value for {{ employee.post }} in 1 of the 3 letters" in refused.value.message


# -- editing -------------------------------------------------------------------------------------

def test_an_edit_is_audited_field_by_field_with_its_reason(planned):
    outcome = transfer_changes.edit_transfer(
        planned, _values(planned, agency_workers="Three agency gardeners.", transferor_measures_none=False,
                         transferor_measures="A review of overtime."), "Corrected after the union meeting",
        planned.version, PLANNED_ON)
    assert outcome.changed == ["Transferor's measures", "Transferor envisages no measures", "Agency workers"]
    event = db.session.scalars(select(AuditEvent).where(
        AuditEvent.entity_type == "transfer", AuditEvent.entity_id == str(planned.id), AuditEvent.action == "update")
        .order_by(AuditEvent.id.desc())).first()
    assert event.reason == "Corrected after the union meeting"
    assert event.before == {"transferor_measures": "", "transferor_measures_none": True,
                            "agency_workers": VALUES["agency_workers"]}
    assert event.after == {"transferor_measures": "A review of overtime.", "transferor_measures_none": False,
                           "agency_workers": "Three agency gardeners."}


def test_an_edit_needs_a_reason_and_a_change(planned):
    with pytest.raises(DomainError, match="reason") as refused:
        transfer_changes.edit_transfer(planned, _values(planned, reasons="Other"), " ", planned.version, PLANNED_ON)
    assert refused.value.field == "reason"
    with pytest.raises(DomainError, match="Nothing has changed"):
        transfer_changes.edit_transfer(planned, _values(planned), "No change", planned.version, PLANNED_ON)


def test_an_edit_from_a_stale_page_is_refused(planned):
    seen = planned.version
    transfer_changes.edit_transfer(planned, _values(planned, reasons="First edit."), "One", seen, PLANNED_ON)
    with pytest.raises(StaleRecord, match="changed this transfer while you were editing it"):
        transfer_changes.edit_transfer(planned, _values(planned, reasons="Second edit."), "Two", seen, PLANNED_ON)
    assert planned.reasons == "First edit."


def test_a_race_lost_at_the_database_is_refused_too(planned):
    """Both saves read the same version; the other one's UPDATE lands first (here, straight in SQL,
    which leaves this session holding the version it read): this one's UPDATE ... WHERE version =
    the one read finds no row, and nothing of it is kept."""
    seen = planned.version
    db.session.execute(text("UPDATE transfers SET version = version + 1 WHERE id = :i"), {"i": planned.id})
    assert planned.version == seen  # the session still holds what it read
    with pytest.raises(StaleRecord, match="while you were editing it"):
        transfer_changes.edit_transfer(planned, _values(planned, reasons="Mine."), "Mine", seen, PLANNED_ON)
    db.session.expire_all()
    assert planned.reasons == VALUES["reasons"]
    assert planned.version == seen
    db.session.execute(text("UPDATE transfers SET version = version + 1 WHERE id = :i"), {"i": planned.id})
    with pytest.raises(StaleRecord):  # a withdrawal racing an edit: the same
        transfer_changes.withdraw(planned, "Not going ahead.", PLANNED_ON)
    db.session.expire_all()
    assert planned.status == "planned" and all(m.status == "proposed" for m in planned.members)


def test_a_new_date_moves_the_checklist(planned):
    # Monday 1 February 2027: employee liability information by 1 February - 29 days = Sunday 3 January
    # 2027 (4 to 31 January clear: 28 days).
    transfer_changes.edit_transfer(planned, _values(planned, transfer_date=date(2027, 2, 1)), "Date agreed later",
                                   planned.version, PLANNED_ON)
    assert _step(planned, "eli_sent").due_on == date(2027, 1, 3)


def test_a_new_service_rescopes_the_cohort_and_keeps_those_added_by_hand(planned):
    elsewhere = make_employee(last_name="Florist")
    assign(employ(elsewhere, "SBC", date(2017, 5, 1)), make_post("SBC", "Licensing", title="Clerk", je_score=250),
           date(2017, 5, 1), None, scp=9, hours="37")
    transfers.add_member(planned, elsewhere.id, "Works mostly for the cemeteries")
    before = {m.employee_id for m in planned.members if m.employee_id != elsewhere.id}
    db.session.add(Service(name="Test Crematoria", area="Operations"))
    db.session.flush()
    post = make_post("SBC", "Test Crematoria", title="Crematorium Technician", je_score=300)
    newcomer = make_employee(last_name="Stoker")
    employment = employ(newcomer, "SBC", date(2021, 1, 4))
    assign(employment, post, date(2021, 1, 4), None, scp=12, hours="37")
    outcome = transfer_changes.edit_transfer(planned, _values(planned, service_id=service("Test Crematoria").id),
                                             "Wrong service chosen", planned.version, PLANNED_ON)
    assert len(outcome.removed) == 2 and outcome.proposed == 1
    live = {m.employee_id for m in planned.members if m.status == "proposed"}
    assert live == {newcomer.id} and before.isdisjoint(live)
    assert next(m for m in planned.members if m.employee_id == elsewhere.id).status == "confirmed"  # by hand: kept


def test_a_new_transferor_rescopes_the_cohort(planned):
    post = make_post("CCDC", "Test Cemeteries", title="Bereavement Officer", je_score=320)
    ccdc_person = make_employee(last_name="Mourner")
    assign(employ(ccdc_person, "CCDC", date(2018, 3, 5)), post, date(2018, 3, 5), None, scp=15, hours="37")
    outcome = transfer_changes.edit_transfer(
        planned, _values(planned, transferor_id=council("CCDC").id, transferee_id=council("SBC").id),
        "The councils were the wrong way round", planned.version, PLANNED_ON)
    assert sorted(outcome.removed) == sorted(m.employee.full_name for m in planned.members if m.status == "removed")
    assert len(outcome.removed) == 2 and outcome.proposed == 1
    assert [m.employee_id for m in planned.members if m.status == "proposed"] == [ccdc_person.id]
    assert all(m.reason.startswith("No longer in scope after the transfer was changed: The councils were")
               for m in planned.members if m.status == "removed")


def test_letters_that_no_longer_match_are_offered_a_correction(planned):
    union = _unions(planned)[0]
    letter = letters.issue_one(Target("tupe_reg13", planned.id, union.id), PLANNED_ON)
    notice = letters.issue_one(Target("transfer_notice", planned.members[0].id), PLANNED_ON)
    assert transfer_changes.affected_letters(planned, PLANNED_ON) == []
    # What a letter would say now can differ without the transfer changing (a release rewording a
    # field): only a recorded change of the transfer since the letter makes it out of date.
    planned.reasons = "Reworded outside an edit."
    db.session.flush()
    assert transfer_changes.affected_letters(planned, PLANNED_ON) == []
    transfer_changes.edit_transfer(planned, _values(planned, agency_workers="Three agency gardeners."),
                                   "Miscounted", planned.version, PLANNED_ON)
    [affected] = transfer_changes.affected_letters(planned, PLANNED_ON)  # the notice does not mention them
    assert affected.letter.id == letter.id and len(affected.differences) == 1  # not the reasons
    described, said, says = affected.differences[0]
    assert "agency workers" in described and said.startswith("Two agency gardeners") and says.startswith("Three")
    assert db.session.get(Letter, letter.id).fields["transfer"]["agency_workers"].startswith("Two")  # kept as sent
    letters.correct(letter, "The number of agency workers was wrong.", PLANNED_ON)
    assert transfer_changes.affected_letters(planned, PLANNED_ON) == []
    assert notice.id not in [a.letter.id for a in transfer_changes.affected_letters(planned, PLANNED_ON)]


def test_a_new_date_makes_every_letter_using_it_out_of_date(planned):
    union = _unions(planned)[0]
    reg13 = letters.issue_one(Target("tupe_reg13", planned.id, union.id), PLANNED_ON)
    notice = letters.issue_one(Target("transfer_notice", planned.members[0].id), PLANNED_ON)
    transfer_changes.edit_transfer(planned, _values(planned, transfer_date=date(2027, 2, 1)), "Date agreed later",
                                   planned.version, PLANNED_ON)
    affected = {a.letter.id: {said: says for _, said, says in a.differences}
                for a in transfer_changes.affected_letters(planned, PLANNED_ON)}
    assert set(affected) == {reg13.id, notice.id}
    assert affected[notice.id]["1 December 2026"] == "1 February 2027"  # the transfer date
    assert affected[notice.id]["30 November 2026"] == "31 January 2027"  # the last day before it
    # Consultation by the checklist: 45 days before 1 February 2027 is 18 December 2026.
    assert affected[reg13.id]["17 October 2026"] == "18 December 2026"


# -- withdrawal ----------------------------------------------------------------------------------

def test_withdrawing_releases_the_cohort_cancels_jobs_and_tells_the_unions(planned):
    employments = {m.employee_id: (m.employment_id, m.employment.end_date) for m in planned.members}
    pending = LetterJob(letter_type="transfer_notice", scope_kind="transfer", scope_id=planned.id, status="queued",
                        total=2, done=0, error="", description="pending")
    db.session.add(pending)
    db.session.flush()
    done = transfer_changes.withdraw(planned, "The councils decided not to share the service.", PLANNED_ON)
    assert planned.status == "withdrawn" and planned.withdrawal_reason.startswith("The councils decided")
    assert done.released == 2 and all(m.status == "released" for m in planned.members)
    for member in planned.members:  # nothing about their employment changes
        employment = db.session.get(Employment, member.employment_id)
        assert (employment.id, employment.end_date) == employments[member.employee_id]
    assert done.jobs_cancelled == 1 and pending.status == "failed" and "withdrawn" in pending.error
    unions = _unions(planned)
    assert sorted(letter.union_id for letter in done.letters) == sorted(u.id for u in unions)
    letter = done.letters[0]
    assert letter.letter_type == "transfer_withdrawn" and letter.transfer_id == planned.id
    assert letter.fields["withdrawal"]["reason"].startswith("The councils decided")
    assert letter.fields["withdrawal"]["date"] == f"{date.today().day} {date.today():%B %Y}"
    assert db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.entity_type == "transfer", AuditEvent.entity_id == str(planned.id))).all()[-1] == "withdraw"


def test_a_withdrawn_transfer_is_read_only(app, planned):
    transfer_changes.withdraw(planned, "Not going ahead.", PLANNED_ON)
    with pytest.raises(DomainError, match="withdrawn"):
        transfer_changes.edit_transfer(planned, _values(planned, reasons="x"), "y", planned.version, PLANNED_ON)
    with pytest.raises(DomainError, match="withdrawn"):
        transfers.mark_step(_step(planned, "eli_sent"), PLANNED_ON, "")
    with pytest.raises(DomainError, match="withdrawn"):
        transfers.confirm_cohort(planned)
    with pytest.raises(DomainError, match="withdrawn"):
        transfer_changes.withdraw(planned, "Again", PLANNED_ON)
    for letter_type in ("tupe_reg13", "transfer_notice"):
        with app.test_request_context(), pytest.raises(DomainError, match="was withdrawn: no more letters"):
            letter_jobs.start(letter_type, "transfer", planned.id, PLANNED_ON, None)
    assert "already withdrawn" in " ".join(transfers.plan_completion(planned, TRANSFER_ON).problems)


def test_withdrawal_needs_a_reason_and_a_planned_transfer(planned):
    with pytest.raises(DomainError, match="reason") as refused:
        transfer_changes.withdraw(planned, "  ", PLANNED_ON)
    assert refused.value.field == "reason" and planned.status == "planned"


def test_a_job_cancelled_while_queued_never_writes(app, planned, held_queue):
    with app.test_request_context():
        job = letter_jobs._queue("transfer_notice", "transfer", planned.id, PLANNED_ON, None)
    transfer_changes.withdraw(planned, "Not going ahead.", PLANNED_ON)
    before = db.session.scalar(select(func.count()).select_from(Letter))
    with app.test_request_context():
        letter_jobs.run(job.id, PLANNED_ON)
    assert db.session.get(LetterJob, job.id).status == "failed"
    assert db.session.scalar(select(func.count()).select_from(Letter)) == before


# -- bulk actions on the cohort ---------------------------------------------------------------------

def test_mark_eli_checked_for_many_at_once(planned):
    ids = [m.id for m in planned.members]
    assert transfer_changes.mark_eli_checked(planned, ids, date(2026, 7, 30), PLANNED_ON) == 2
    assert all(m.eli_cases_checked_on == date(2026, 7, 30) for m in planned.members)
    events = db.session.scalars(select(AuditEvent).where(
        AuditEvent.entity_type == "transfer_member", AuditEvent.entity_id.in_([str(i) for i in ids]),
        AuditEvent.action == "update")).all()
    assert len(events) == 2
    with pytest.raises(DomainError, match="at least one") as refused:
        transfer_changes.mark_eli_checked(planned, [], date(2026, 7, 30), PLANNED_ON)
    assert refused.value.field == "members"
    with pytest.raises(DomainError, match="not in this transfer's cohort"):
        transfer_changes.mark_eli_checked(planned, [ids[0], 10**9], date(2026, 7, 30), PLANNED_ON)
    with pytest.raises(DomainError, match="no later than today"):
        transfer_changes.mark_eli_checked(planned, ids, date(2026, 8, 4), PLANNED_ON)


def test_issue_to_everyone_not_yet_written_to(app, planned):
    first = planned.members[0]
    letters.issue_one(Target("transfer_notice", first.id), PLANNED_ON)
    assert transfer_changes.unwritten(planned, PLANNED_ON) == {"tupe_reg13": len(_unions(planned)), "transfer_notice": 1}
    with app.test_request_context():
        job = letter_jobs.start("transfer_notice", letter_jobs.UNWRITTEN, planned.id, PLANNED_ON, None)
    job = db.session.get(LetterJob, job.id)
    assert job.status == "done" and job.total == 1
    [issued] = letter_jobs.batch_letters(job.batch_id)
    assert issued.source_id == planned.members[1].id
    assert transfer_changes.unwritten(planned, PLANNED_ON)["transfer_notice"] == 0
    with app.test_request_context(), pytest.raises(DomainError, match="Nobody in that group"):
        letter_jobs.start("transfer_notice", letter_jobs.UNWRITTEN, planned.id, PLANNED_ON, None)


def test_a_step_not_yet_due_is_worded_as_due(planned):
    early = {s.key: s for s in transfer_steps.guard(planned, date(2026, 9, 1))}
    assert early["eli_in_time"].detail.startswith("Not recorded as given; it is due by 2 November 2026")
    late = {s.key: s for s in transfer_steps.guard(planned, TRANSFER_ON)}
    assert late["eli_in_time"].detail.startswith("Not recorded as given; it was due by 2 November 2026")


def test_the_command_line_warns_of_unmet_steps(app, planned):
    import json

    db.session.commit()  # the command runs in its own app context: let it see the transfer
    result = app.test_cli_runner().invoke(args=["report", "transfer-steps", "--transfer", planned.reference,
                                                "--on", "2026-12-01"])
    assert result.exit_code == 1
    out = json.loads(result.stdout)
    assert out["unmet"] == 5 and {s["key"] for s in out["steps"] if s["met"]} == {"measures_stated"}
    assert "WARNING: 5 legal steps were not met: completing the transfer needs a reason" in result.stderr
    missing = app.test_cli_runner().invoke(args=["report", "transfer-steps", "--transfer", "TR-NONE"])
    assert missing.exit_code == 1 and "No transfer has the reference" in missing.stderr
    bad = app.test_cli_runner().invoke(args=["report", "transfer-steps", "--transfer", "x", "--on", "1/12/26"])
    assert bad.exit_code == 2


def test_a_withdrawal_letter_that_cannot_be_made_withdraws_nothing(planned):
    template = letters.template_by_key("transfer_withdrawn")
    current = letters.latest(template)
    letters.save_version(template, current.subject, current.body + "\n{{ transfer.implications }}\n", "Add implications")
    planned.implications = ""
    db.session.flush()
    with pytest.raises(DomainError, match="nothing was withdrawn"):
        transfer_changes.withdraw(planned, "Not going ahead.", PLANNED_ON)
    assert planned.status == "planned" and all(m.status == "proposed" for m in planned.members)
