"""A failed letter job says what failed in plain words, with an error reference to the log, and
never shows or stores a raw SQL statement or its parameters (issue 17). A job whose thread died
is shown failed after a minute of no progress, with a way to start again. The batch page says
exactly how many letters it would send and who is skipped; a re-issue needs a reason."""
from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from hrtool.extensions import db
from hrtool.models import Letter, LetterJob, TransferMember
from hrtool.services.letters import letter_jobs

from .test_letter_pages import _login, _transfer_with_unions_informed

NAME, ADDRESS = "Margaret Oyelaran-Whitfield", "14 Sandon Road, Stafford ST16 3ES"


def _sql_error(index: int) -> None:
    """A database error as the driver gives it: the statement and its parameters, a person's
    name and home address among them."""
    if index == 1:
        raise IntegrityError(
            "INSERT INTO letters (reference, addressee, subject) VALUES (?, ?, ?)",
            ("HR-2026-000123", f"{NAME}\n{ADDRESS}", "Transfer notice"),
            Exception("UNIQUE constraint failed: letters.reference"))


def test_a_failed_job_shows_plain_words_and_a_reference_never_the_sql(app, client, monkeypatch, caplog):
    _login(client, "hr")
    transfer_id = _transfer_with_unions_informed(app)
    monkeypatch.setattr(letter_jobs, "fail_at", _sql_error)
    monkeypatch.setattr(app.logger, "disabled", False)  # Alembic's fileConfig in the session setup disables it
    with caplog.at_level(logging.ERROR):
        response = client.post(f"/letters/batch/transfer/{transfer_id}",
                               data={"letter_type": "transfer_notice", "reissue": "y", "reason": "Test"})
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    status = client.get(response.location + "/status").get_json()
    with app.app_context():
        job = db.session.get(LetterJob, int(response.location.rstrip("/").rsplit("/", 1)[1]))
        stored = job.error
        assert job.status == "failed" and job.batch_id is None
    found = re.search(r"error reference (E-[0-9A-F]{4})", stored)
    assert found, stored
    for shown in (page, stored, status["error"]):
        for secret in (NAME, "Sandon Road", "ST16", "INSERT", "VALUES", "UNIQUE constraint", "HR-2026-000123"):
            assert secret not in shown
    assert found.group(1) in page and "Nothing was issued" in page and "Start again" in page
    # The detail is in the log, under the same reference.
    logged = [r for r in caplog.records if found.group(1) in r.getMessage()]
    assert logged and "INSERT INTO letters" in str(logged[0].exc_info[1])


def test_a_job_whose_worker_died_is_swept_run_again_then_failed(app, client):
    """A batch whose worker was killed (no heartbeat): while within JOBS_STALE_SECONDS (30 s) it is
    running; past it the page says it has stopped (without writing on a GET), and the sweep (every
    worker runs it every 15 s) queues it again: it runs and issues its letters. Killed on its last
    allowed attempt, it is failed with the reason, and can be started again."""
    from hrtool.jobs import records

    _login(client, "hr")
    transfer_id = _transfer_with_unions_informed(app)

    def stuck(attempts: int, seconds_silent: int) -> int:
        with app.app_context():
            job = LetterJob(letter_type="transfer_notice", scope_kind="transfer", scope_id=transfer_id,
                            description="x", status="running", total=5, done=2, error="", attempts=attempts,
                            updated_at=datetime.now(UTC) - timedelta(seconds=seconds_silent))
            db.session.add(job)
            db.session.commit()
            return job.id

    job_id = stuck(1, 20)
    assert client.get(f"/letters/jobs/{job_id}/status").get_json()["stalled"] is False
    with app.app_context():
        assert records.sweep() == []  # twenty seconds without a heartbeat: still running
        db.session.get(LetterJob, job_id).updated_at = datetime.now(UTC) - timedelta(seconds=31)
        db.session.commit()
    status = client.get(f"/letters/jobs/{job_id}/status").get_json()
    assert status["status"] == "running" and status["stalled"] is True  # the page only reads
    with app.app_context():
        assert records.sweep() == [("letter", job_id, "queued again")]
        again = db.session.get(LetterJob, job_id)
        assert again.status == "done" and again.attempts == 2 and again.batch_id is not None  # run (at once, in tests)
        assert again.total == len(letter_jobs.batch_letters(again.batch_id)) > 0

    job_id = stuck(2, 61)  # its second run killed too: failed, with the reason
    with app.app_context():
        assert records.sweep() == [("letter", job_id, "failed")]
    status = client.get(f"/letters/jobs/{job_id}/status").get_json()
    assert status["status"] == "failed" and "did not come back within a minute, after 2 tries" in status["error"]
    page = client.get(f"/letters/jobs/{job_id}").get_data(as_text=True)
    assert "Start again" in page and "letter_type=transfer_notice" in page
    # The stopped job no longer blocks the batch: it can be started again.
    response = client.post(f"/letters/batch/transfer/{transfer_id}",
                           data={"letter_type": "transfer_notice", "reissue": "y", "reason": "Restarted"})
    assert response.status_code == 302 and "/letters/jobs/" in response.location


def test_the_batch_page_counts_what_will_be_sent_and_a_reissue_needs_a_reason(app, client):
    _login(client, "hr")
    transfer_id = _transfer_with_unions_informed(app)
    with app.app_context():
        members = db.session.scalars(select(TransferMember.id).where(
            TransferMember.transfer_id == transfer_id, TransferMember.status.in_(("proposed", "confirmed")))).all()
        written = set(db.session.scalars(select(Letter.source_id).where(
            Letter.transfer_id == transfer_id, Letter.letter_type == "transfer_notice")))
    to_send = len([m for m in members if m not in written])
    skipped = len([m for m in members if m in written])
    page = client.get(f"/letters/batch/transfer/{transfer_id}").get_data(as_text=True)
    assert f'data-to-send="transfer_notice">{to_send}<' in page
    assert f'data-skipped="transfer_notice">{skipped}<' in page
    refused = client.post(f"/letters/batch/transfer/{transfer_id}", data={"letter_type": "transfer_notice",
                                                                          "reissue": "y", "reason": " "})
    assert refused.status_code == 200 and "Say why the letter is sent again" in refused.get_data(as_text=True)
    if to_send:
        response = client.post(f"/letters/batch/transfer/{transfer_id}", data={"letter_type": "transfer_notice"})
        status = client.get(response.location + "/status").get_json()
        assert status["status"] == "done" and status["total"] == to_send and status["skipped"] == skipped
    page = client.get(f"/letters/batch/transfer/{transfer_id}").get_data(as_text=True)
    assert 'data-to-send="transfer_notice">0<' in page
    again = client.post(f"/letters/batch/transfer/{transfer_id}", data={"letter_type": "transfer_notice"})
    assert again.status_code == 200 and "already has this letter" in again.get_data(as_text=True)


def test_a_big_batchs_page_lists_its_letters_a_page_at_a_time(app, client, monkeypatch):
    _login(client, "hr")
    transfer_id = _transfer_with_unions_informed(app)
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    response = client.post(f"/letters/batch/transfer/{transfer_id}",
                           data={"letter_type": "transfer_notice", "reissue": "y", "reason": "Sent again"})
    job_url = response.location
    with app.app_context():
        job = db.session.get(LetterJob, int(job_url.rsplit("/", 1)[1]))
        references = [x.reference for x in letter_jobs.batch_letters(job.batch_id)]
    assert len(references) >= 3
    first = client.get(job_url).get_data(as_text=True)
    second = client.get(f"{job_url}?page=2").get_data(as_text=True)
    assert [r in first for r in references] == [True, True] + [False] * (len(references) - 2)
    assert references[2] in second and references[0] not in second
    assert f"page 1 of {-(-len(references) // 2)}" in first
