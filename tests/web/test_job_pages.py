"""Issue 17: a job's page shows who started it, when, its progress and outcome; a failed job
shows its reason in plain words (never the technical detail) and is tried again from its page."""
from __future__ import annotations

import re

from sqlalchemy import select

from hrtool.extensions import db
from hrtool.jobs import records
from hrtool.jobs.registry import Outcome, kind
from hrtool.models import AuditEvent, Job, User

from ..conftest import Auth


def _admin() -> User:
    return db.session.scalar(select(User).where(User.username == "admin@hrtool.example"))


def test_a_failed_backup_says_why_in_plain_words(app, client, tmp_path, monkeypatch):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the backup folder should be")
    monkeypatch.setitem(app.config, "BACKUP_FOLDER", str(blocked / "backups"))
    with app.test_request_context():
        job_id = records.submit("backup", {}, _admin()).id  # runs at once in the test app
    Auth(client).as_role("admin")
    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "Back up the database" in page and "Failed" in page and "Admin" in page and "Try again" in page
    error = re.search(r'id="job-error">([^<]*)<', page).group(1)
    assert "fault in the system, not in the records" in error and re.search(r"E-[0-9A-F]{4}", error)
    assert "NotADirectoryError" not in page and str(blocked) not in page  # the detail is in the log only


# A kind of job for these tests only: it fails while its store is out of reach, as a real one
# would (a full disk, a share not mounted), and succeeds once it is back.
OUT_OF_REACH = {"now": True}


@kind("test_flaky_store", "Write to the store (tests)")
def _flaky(params, progress):
    if OUT_OF_REACH["now"]:
        raise OSError("No space left on device: /mnt/store/secret-name.csv")
    progress(3, 3)
    return Outcome("Wrote 3 records to the store")


def test_a_failed_job_is_tried_again_from_its_page(app, client):
    OUT_OF_REACH["now"] = True
    with app.test_request_context():
        job_id = records.submit("test_flaky_store", {"n": 3}, _admin()).id
    Auth(client).as_role("hr")
    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "Failed" in page and "fault in the system" in page and "secret-name" not in page
    OUT_OF_REACH["now"] = False  # the store is back
    response = client.post(f"/jobs/{job_id}/retry")
    assert response.status_code == 302
    again = int(response.location.rsplit("/", 1)[1])
    assert again != job_id
    with app.app_context():
        job = db.session.get(Job, again)
        assert job.status == "done" and job.retry_of_id == job_id and job.params == {"n": 3}
        assert job.outcome == "Wrote 3 records to the store" and (job.done, job.total) == (3, 3)
        hr = db.session.scalar(select(User.id).where(User.username == "hr@hrtool.example"))
        assert job.requested_by_id == hr  # the person who tried again
        actions = set(db.session.scalars(select(AuditEvent.action).where(AuditEvent.entity_type == "job",
                                                                          AuditEvent.entity_id == str(again))))
        assert {"start", "finish"} <= actions
    page = client.get(f"/jobs/{again}").get_data(as_text=True)
    assert "Done" in page and "Wrote 3 records" in page and f"/jobs/{job_id}" in page  # says which it tried again
    # Only a job that failed is tried again.
    assert client.post(f"/jobs/{again}/retry").status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Job.id).order_by(Job.id.desc()).limit(1)) == again


def test_hr_sees_the_jobs_list_but_not_a_backups_page(app, client, monkeypatch, tmp_path):
    monkeypatch.setitem(app.config, "BACKUP_FOLDER", str(tmp_path / "backups"))
    with app.test_request_context():
        backup = records.submit("backup", {}, _admin()).id
        check = records.submit("nightly_check", {}, None).id
    Auth(client).as_role("hr")
    listing = client.get("/jobs/").get_data(as_text=True)
    assert f"/jobs/{check}" in listing and f"/jobs/{backup}" not in listing
    assert "scheduled" in listing  # a job nobody started: the schedule's
    assert client.get(f"/jobs/{backup}").status_code == 403
    page = client.get(f"/jobs/{check}").get_data(as_text=True)
    assert "derived facts agree with their rules" in page
    status = client.get(f"/jobs/{check}/status").get_json()
    assert status["status"] == "done" and status["stalled"] is False
    assert client.get("/jobs/?status=failed").status_code == 200


def test_a_job_that_meets_a_record_changed_under_it_says_so_in_plain_words(app):
    """An import committing while HR saves one of its people: the version check stops it (no lost
    update); the page says what happened and that trying again works, not "a fault"."""
    from sqlalchemy.orm.exc import StaleDataError

    with app.app_context():
        message = records.plain_failure(StaleDataError("UPDATE statement on table 'employees' expected to update "
                                                       "1000 row(s); 999 were matched."), "Job 1 (import_commit)")
    assert message.startswith("Someone changed some of the same records while this was being done")
    assert "fault" not in message and "employees" not in message
