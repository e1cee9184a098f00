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
from hrtool.services import letter_jobs

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


def test_a_job_whose_thread_died_is_shown_failed_after_a_minute(app, client):
    _login(client, "hr")
    transfer_id = _transfer_with_unions_informed(app)
    with app.app_context():
        job = LetterJob(letter_type="transfer_notice", scope_kind="transfer", scope_id=transfer_id, description="x",
                        status="running", total=5, done=2, error="",
                        updated_at=datetime.now(UTC) - timedelta(seconds=20))
        db.session.add(job)
        db.session.commit()
        job_id = job.id
    # Twenty seconds without progress: still running.
    assert client.get(f"/letters/jobs/{job_id}/status").get_json()["status"] == "running"
    with app.app_context():
        db.session.get(LetterJob, job_id).updated_at = datetime.now(UTC) - timedelta(seconds=61)
        db.session.commit()
    status = client.get(f"/letters/jobs/{job_id}/status").get_json()
    assert status["status"] == "failed" and "made no progress for a minute" in status["error"]
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
