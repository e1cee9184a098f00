"""Importing employees on the job queue (issue 17), through the pages: the check of an upload (a
dry run) and the import itself (all or nothing) are jobs. Uploading lands on the check's page,
which (the test app runs jobs at once) shows what would change or every problem; the import of
the checked file lands on its job's page. Only the file that was checked is imported, by the
person who uploaded it, once at a time; a failed import says so in plain words, keeps the upload,
and "Try again" imports it."""
from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from hrtool.extensions import db
from hrtool.jobs.kinds import imports as import_kinds
from hrtool.models import AuditEvent, Employee, Job
from hrtool.services.people import employee_io
from hrtool.services.people.employee_rows import COLUMNS
from hrtool.services.platform import unit_of_work

from ..conftest import Auth
from ..spreadsheets import new_person

HR = "hr@hrtool.example"


def _signed_in(app, username=HR):
    client = app.test_client()
    assert Auth(client).login(username).status_code == 302
    return client


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _upload(client, content: bytes, name: str = "starters.csv"):
    return client.post("/imports/", data={"file": (io.BytesIO(content), name)}, content_type="multipart/form-data")


def _count(app, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Employee).where(*where))


def _stored(app) -> set[str]:
    folder = Path(app.instance_path) / "imports"
    return {p.name for p in folder.iterdir()} if folder.exists() else set()


@pytest.fixture(autouse=True)
def _tidy(app):
    """Remove the uploads a test leaves (they hold made-up personal data) for the other tests."""
    before = _stored(app)
    yield
    for name in _stored(app) - before:
        (Path(app.instance_path) / "imports" / name).unlink(missing_ok=True)


def _confirm_data(body: str) -> dict[str, str]:
    return {name: re.search(rf'name="{name}" type="hidden" value="([^"]+)"', body)[1] for name in ("token", "preview")}


def _job(app, job_id: int) -> Job:
    with app.app_context():
        job = db.session.get(Job, job_id)
        db.session.expunge(job)
        return job


def _job_id(response) -> int:
    assert response.status_code == 302 and "/jobs/" in response.location, response.location
    return int(response.location.rstrip("/").split("/")[-1])


def test_the_check_is_a_job_whose_report_is_the_dry_runs_and_the_import_a_job_after_it(app, tmp_path):
    client = _signed_in(app)
    before = _count(app)
    content = _csv([new_person(101), new_person(102)])
    response = _upload(client, content)
    assert response.status_code == 302 and "/imports/check/" in response.location
    preview_id = int(response.location.rstrip("/").split("/")[-1])
    page = client.get(response.location).get_data(as_text=True)
    assert "Check the changes" in page and "T000101 Test Starter101" in page and "T000102 Test Starter102" in page
    assert _count(app) == before  # the check keeps nothing
    checked = _job(app, preview_id)
    assert checked.kind == "import_preview" and checked.status == "done"
    assert (checked.result["rows"], checked.result["created"], checked.result["updated"]) == (2, 2, 0)
    # The report is the one the dry run gives in a request (the code before issue 17).
    path = tmp_path / "starters.csv"
    path.write_bytes(content)
    with app.app_context(), unit_of_work.dry_run():
        direct = employee_io.import_employees(path, file_name="starters.csv", dry_run=True, keep_changes=200)
    assert [[c.line, f"{c.person_number} {c.name}", "; ".join(c.changes)] for c in direct.changes] == \
        checked.result["changes"]
    assert (direct.rows, direct.created, direct.updated, direct.unchanged) == (2, 2, 0, 0)
    # The check's own job page says the same, and leads to the changes and the import button.
    job_page = client.get(f"/jobs/{preview_id}").get_data(as_text=True)
    assert "starters.csv checked: 2 new employees, 0 updated, 0 unchanged" in job_page
    assert f'href="/imports/check/{preview_id}"' in job_page and "Check the changes and import" in job_page

    imported = client.post("/imports/confirm", data=_confirm_data(page))
    job_id = _job_id(imported)
    done = client.get(imported.location).get_data(as_text=True)
    assert "Import employees" in done and "Imported starters.csv: 2 created, 0 updated, 0 unchanged." in done
    event = re.search(r'href="/imports/result\?event=(\d+)"', done)
    assert event and "See the import" in done
    assert _count(app) == before + 2
    with app.app_context():
        summary = db.session.get(AuditEvent, int(event[1]))
        assert summary.action == "import" and summary.after["created"] == 2
        # The people's audit events name the person who started the import, not "system".
        created = db.session.scalars(select(AuditEvent.actor_label).where(
            AuditEvent.action == "create", AuditEvent.entity_type == "employee")).all()
        assert created and set(created) == {"Harriet Officer (demo HR)"}
    assert not any(n.startswith(checked.result["token"]) for n in _stored(app))  # removed once imported
    assert _job(app, job_id).params["sha256"] == checked.result["sha256"]


def test_a_file_with_problems_shows_them_on_both_pages_and_is_not_kept(app):
    client = _signed_in(app)
    stored = _stored(app)
    response = _upload(client, _csv([new_person(111), new_person(112, employer="XYZ"),
                                     new_person(113, hours_per_week="99")]))
    preview_id = int(response.location.rstrip("/").split("/")[-1])
    page = client.get(response.location).get_data(as_text=True)
    assert "The file has problems" in page and 'govuk-table__header">3</th>' in page and "at most 48" in page
    assert 'name="token"' not in page
    job_page = client.get(f"/jobs/{preview_id}").get_data(as_text=True)
    assert "starters.csv has 2 problems, so nothing can be imported" in job_page
    assert "2 problems (the header is line 1)" in job_page and "line 3, employer" in job_page
    assert "line 4, hours_per_week" in job_page
    assert _stored(app) == stored  # the upload held personal data and nothing can be imported: gone


def test_only_the_file_that_was_checked_is_imported(app):
    client = _signed_in(app)
    before = _count(app)
    page = client.get(_upload(client, _csv([new_person(121)])).location).get_data(as_text=True)
    data = _confirm_data(page)
    # The stored upload changes after the check (a row added): it is not imported unseen.
    folder = Path(app.instance_path) / "imports"
    path = next(p for p in folder.iterdir() if p.name.startswith(data["token"]) and p.suffix == ".csv")
    path.write_bytes(_csv([new_person(121), new_person(122)]))
    refused = client.post("/imports/confirm", data=data).get_data(as_text=True)
    assert "The file changed after it was checked: upload it again" in refused
    assert _count(app) == before
    # A token from another check, or a check that is not an import's, is an expired preview.
    for bad in ({**data, "preview": "999999"}, {**data, "token": "x" * 43}):
        assert "expired or was already imported" in client.post("/imports/confirm", data=bad).get_data(as_text=True)
    path.unlink()


def test_one_import_of_an_upload_at_a_time(app):
    client = _signed_in(app)
    page = client.get(_upload(client, _csv([new_person(131)])).location).get_data(as_text=True)
    data = _confirm_data(page)
    with app.app_context():  # an import of this upload already under way
        running = Job(kind="import_commit", description="Import", status="running", params_json="{}",
                      dedupe_key=import_kinds.commit_key(data["token"]), updated_at=datetime.now(UTC))
        db.session.add(running)
        db.session.commit()
        running_id = running.id
    body = client.post("/imports/confirm", data=data).get_data(as_text=True)
    assert f"This is already under way (job {running_id}" in body
    assert _count(app, Employee.person_number == "T000131") == 0


def test_a_failed_import_is_plain_keeps_the_upload_and_try_again_imports_it(app, monkeypatch):
    client = _signed_in(app)
    page = client.get(_upload(client, _csv([new_person(141), new_person(142)])).location).get_data(as_text=True)
    data = _confirm_data(page)
    real = import_kinds.apply_import

    def broken(path, **kwargs):
        real(path, **kwargs)  # everything written...
        raise OperationalError("INSERT INTO employees ... 'Test Starter141', '141 Test Street'", {},
                               Exception("database is locked"))  # ...then a fault before the end

    monkeypatch.setattr(import_kinds, "apply_import", broken)
    failed = _job_id(client.post("/imports/confirm", data=data))
    error = client.get(f"/jobs/{failed}").get_data(as_text=True)
    assert "It could not be done" in error and "because of a fault in the system" in error
    assert "Test Street" not in error and "INSERT" not in error and "database is locked" not in error
    assert _count(app, Employee.person_number.in_(["T000141", "T000142"])) == 0  # all or nothing
    assert any(n.startswith(data["token"]) for n in _stored(app))  # kept, so it can be tried again

    monkeypatch.setattr(import_kinds, "apply_import", real)
    again = _job_id(client.post(f"/jobs/{failed}/retry"))
    assert "Imported starters.csv: 2 created" in client.get(f"/jobs/{again}").get_data(as_text=True)
    assert _count(app, Employee.person_number.in_(["T000141", "T000142"])) == 2
    assert not any(n.startswith(data["token"]) for n in _stored(app))
    # The failed job stays failed; asking to import the same upload again finds it gone.
    assert _job(app, failed).status == "failed"
    assert "expired or was already imported" in client.post("/imports/confirm", data=data).get_data(as_text=True)


def test_a_check_that_failed_shows_why_on_the_import_page(app, monkeypatch):
    client = _signed_in(app)

    def broken(*args, **kwargs):
        raise OperationalError("SELECT ... 'Test Starter151'", {}, Exception("disk I/O error"))

    monkeypatch.setattr(import_kinds, "import_employees", broken)
    response = _upload(client, _csv([new_person(151)]))
    page = client.get(response.location).get_data(as_text=True)
    assert "The file could not be checked" in page and "because of a fault in the system" in page
    assert "Test Starter151" not in page and 'id="job-retry"' in page
    monkeypatch.undo()
    preview_id = int(response.location.rstrip("/").split("/")[-1])
    again = _job_id(client.post(f"/jobs/{preview_id}/retry"))
    job_page = client.get(f"/jobs/{again}").get_data(as_text=True)
    assert "starters.csv checked: 1 new employee" in job_page
    assert "T000151 Test Starter151" in client.get(f"/imports/check/{again}").get_data(as_text=True)


def test_the_check_page_is_for_import_checks_only(app):
    client = _signed_in(app)
    assert client.get("/imports/check/999999").status_code == 404
    with app.app_context():  # another kind of job's id is not an import check
        other = Job(kind="pay_arrears", description="Arrears", status="done", params_json="{}")
        db.session.add(other)
        db.session.commit()
        other_id = other.id
    assert client.get(f"/imports/check/{other_id}").status_code == 404
    page = client.get(_upload(client, _csv([new_person(161)])).location).get_data(as_text=True)
    assert f"{date.today():%-d %B %Y}, unless a row gives its own date" in page  # the default effective date


def test_the_check_page_shows_progress_until_the_check_is_done(app):
    """With real workers the check may wait for one: its page says so and polls the job's status."""
    client = _signed_in(app)
    with app.app_context():
        hr_id = _user_id(HR)
        waiting = Job(kind="import_preview", description="Check the import file later.csv", status="queued",
                      params_json="{}", requested_by_id=hr_id, updated_at=datetime.now(UTC))
        db.session.add(waiting)
        db.session.commit()
        waiting_id = waiting.id
    page = client.get(f"/imports/check/{waiting_id}").get_data(as_text=True)
    assert "Check the import file later.csv" in page and "Waiting for a worker to check the file" in page
    assert f'data-status-url="/jobs/{waiting_id}/status"' in page and "job-progress.js" in page
    status = client.get(f"/jobs/{waiting_id}/status").get_json()
    assert status["status"] == "queued" and status["done"] == 0


def _user_id(username: str) -> int:
    from hrtool.models import User

    return db.session.scalar(select(User.id).where(User.username == username))
