"""A batch never sends a letter type twice for the same transfer or restructure unless HR
re-issues it with a reason (issue 17): "to send" is exactly who is written to, those already
written to are skipped, and the same batch started twice sends once."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import and_, func, or_, select

from hrtool.errors import DomainError
from hrtool.extensions import db
from hrtool.models import AuditEvent, Letter, LetterJob, TransferMember
from hrtool.services.letters import letter_jobs, letters

from .test_letter_register import _planned_transfer

pytestmark = pytest.mark.usefixtures("ctx")
ON = date(2026, 12, 3)


def _notices(transfer_id: int) -> dict[int, int]:
    """Transfer notices held per cohort member."""
    return dict(db.session.execute(select(Letter.source_id, func.count()).where(
        Letter.transfer_id == transfer_id, Letter.letter_type == "transfer_notice").group_by(Letter.source_id)).all())


def _members(transfer_id: int) -> list[int]:
    return list(db.session.scalars(select(TransferMember.id).where(
        TransferMember.transfer_id == transfer_id, TransferMember.status.in_(("proposed", "confirmed")))
        .order_by(TransferMember.id)))


def test_a_batch_skips_those_already_written_to_and_to_send_counts_what_is_sent(app):
    transfer = _planned_transfer()
    members = _members(transfer.id)
    held = _notices(transfer.id)
    # Two more people get their notice one at a time first.
    for member_id in [m for m in members if m not in held][:2]:
        letters.issue_one(letters.Target("transfer_notice", member_id), ON)
    written = set(_notices(transfer.id))
    plan = letter_jobs.plan("transfer_notice", "transfer", transfer.id, ON)
    assert [t.source_id for t in plan.to_send] == [m for m in members if m not in written]
    assert {t.source_id for t in plan.skipped} == written & set(members) and len(plan.skipped) >= 2
    with app.test_request_context():
        job = letter_jobs.start("transfer_notice", "transfer", transfer.id, ON, None)
    job = db.session.get(LetterJob, job.id)
    assert job.status == "done" and job.total == len(plan.to_send) and job.skipped == len(plan.skipped)
    assert len(letter_jobs.batch_letters(job.batch_id)) == len(plan.to_send)
    assert all(_notices(transfer.id)[m] == 1 for m in members)  # everyone has exactly one
    # Asked for again: nothing is left to send, so it is refused, saying how to re-issue.
    with app.test_request_context(), pytest.raises(DomainError, match="already has this letter"):
        letter_jobs.start("transfer_notice", "transfer", transfer.id, ON, None)
    assert all(_notices(transfer.id)[m] == 1 for m in members)


def test_a_reissue_with_a_reason_sends_again_and_is_audited(app):
    transfer = _planned_transfer()
    members = _members(transfer.id)
    with app.test_request_context():
        letter_jobs.start("transfer_notice", "transfer", transfer.id, ON, None)
    before = _notices(transfer.id)
    with app.test_request_context():
        job = letter_jobs.start("transfer_notice", "transfer", transfer.id, ON, None,
                                "The first notices gave the wrong transfer date")
    job = db.session.get(LetterJob, job.id)
    assert job.status == "done" and job.total == len(members) and job.skipped == 0
    assert all(_notices(transfer.id)[m] == before[m] + 1 for m in members)
    reasons = set(db.session.scalars(select(AuditEvent.reason).where(or_(  # each id with its own type
        and_(AuditEvent.entity_type == "letter_job", AuditEvent.entity_id == str(job.id)),
        and_(AuditEvent.entity_type == "letter_batch", AuditEvent.entity_id == str(job.batch_id))))))
    assert reasons == {"The first notices gave the wrong transfer date"}


def test_the_same_batch_started_twice_makes_one_job(app, held_queue):
    transfer = _planned_transfer()
    queued = letter_jobs._queue("transfer_notice", "transfer", transfer.id, ON, None, "")
    # A double click, or a second worker, while the first is queued: refused, nothing more queued.
    with app.test_request_context(), pytest.raises(DomainError, match="already being made"):
        letter_jobs.start("transfer_notice", "transfer", transfer.id, ON, None)
    assert db.session.scalar(select(func.count()).select_from(LetterJob).where(
        LetterJob.scope_id == transfer.id, LetterJob.status.in_(("queued", "running")))) == 1
    assert queued.status == "queued"


def test_a_job_run_twice_or_overtaken_sends_nothing_twice(app, held_queue):
    """The check inside the locked, final transaction: a job whose people got the letter while
    it was being made (the same batch run by another worker) writes only to the others."""
    transfer = _planned_transfer()
    members = _members(transfer.id)
    job = letter_jobs._queue("transfer_notice", "transfer", transfer.id, ON, None, "")
    to_send = job.total
    assert to_send >= 1
    late = next(m for m in members if m not in _notices(transfer.id))
    original = letter_jobs.fail_at

    def overtaken(index: int) -> None:  # while the job makes its letters, someone else sends one
        if index == 0:
            letters.issue_one(letters.Target("transfer_notice", late), ON)

    letter_jobs.fail_at = overtaken
    try:
        letter_jobs.run(job.id, ON)
    finally:
        letter_jobs.fail_at = original
    job = db.session.get(LetterJob, job.id)
    assert job.status == "done" and job.total == to_send - 1 and job.skipped >= 1
    assert all(n == 1 for m, n in _notices(transfer.id).items() if m in members)
    letter_jobs.run(job.id, ON)  # run again (a second worker picking it up): it is not queued, so nothing
    assert all(n == 1 for m, n in _notices(transfer.id).items() if m in members)


def test_the_panels_to_send_is_what_a_batch_sends_even_after_someone_left_the_cohort(app):
    """Reproduces "8 to send" that sent to 20: the panel took letters held from those issued,
    counting letters to people no longer in the cohort. Worked by hand: a cohort of n with two
    written to, one of whom then leaves the cohort: n - 1 remain, 1 has the letter, n - 2 to send
    (the old sum said n - 1 - 2 = n - 3)."""
    from hrtool.services.letters.letter_consultation import transfer_panel

    transfer = _planned_transfer()
    members = [m for m in _members(transfer.id) if m not in _notices(transfer.id)]
    assert len(members) >= 3
    for member_id in members[:2]:
        letters.issue_one(letters.Target("transfer_notice", member_id), ON)
    db.session.get(TransferMember, members[0]).status = "removed"
    db.session.flush()
    remaining = _members(transfer.id)
    written = set(_notices(transfer.id))
    row = next(r for r in transfer_panel(transfer, ON) if r.letter_type == "transfer_notice")
    assert row.to_send == len([m for m in remaining if m not in written])
    assert row.to_send == len(letter_jobs.plan("transfer_notice", "transfer", transfer.id, ON).to_send)
    with app.test_request_context():
        job = letter_jobs.start("transfer_notice", "transfer", transfer.id, ON, None)
    assert db.session.get(LetterJob, job.id).total == row.to_send
