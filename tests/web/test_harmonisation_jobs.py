"""Running a harmonisation model on the job queue (issue 17), through the pages: "Run the model"
lands on the job's page, which (the test app runs jobs at once) has finished and says what the
run found; the results saved on the model are those the run works out in a request (the code
before issue 17); a failed run says so in plain words, keeps nothing, and "Try again" runs it;
a model already being run is not run twice at once."""
from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from hrtool.extensions import db
from hrtool.jobs.kinds import harmonisation as harmonisation_kinds
from hrtool.models import AuditEvent, HarmonisationModel, Job, User
from hrtool.services.harmonisation import harmonisation
from hrtool.services.harmonisation.harmonisation_results import dump
from hrtool.services.platform import unit_of_work

from ..conftest import Auth

HR = "hr@hrtool.example"


@pytest.fixture
def hr(app):
    client = app.test_client()
    assert Auth(client).login(HR).status_code == 302
    return client


def _create(client, name: str) -> int:
    response = client.post("/harmonisation/new", data={"start": "council:SBC", "name": name, "as_of": ["1", "4", "2026"],
                                                       "description": "Job tests"})
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.location.rstrip("/").split("/")[-1])


def _job_id(response) -> int:
    assert response.status_code == 302 and "/jobs/" in response.location, response.location
    return int(response.location.rstrip("/").split("/")[-1])


def _results(app, model_id: int) -> dict | None:
    with app.app_context():
        return db.session.get(HarmonisationModel, model_id).results


def _without_run_time(results: dict) -> dict:
    return {k: v for k, v in results.items() if k != "ran_at"}


def test_running_a_model_is_a_job_whose_results_are_those_of_a_run_in_a_request(app, hr):
    model_id = _create(hr, "Job-run model")
    response = hr.post(f"/harmonisation/{model_id}/run")
    job_id = _job_id(response)
    page = hr.get(response.location).get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Job, job_id).status == "done"
    assert "Run a harmonisation model" in page and "Run harmonisation model “Job-run model”" in page
    assert "Done" in page and "Harriet Officer" in page
    found = re.search(r"Model “Job-run model” run as at 1 April 2026: ([\d,]+) people in the model", page)
    assert found and f'href="/harmonisation/{model_id}"' in page and "See the results" in page
    kept = _results(app, model_id)
    assert kept is not None and f"{kept['total']['people']:,}" == found[1]

    with app.app_context():  # the same model run in a request, as before issue 17, keeping nothing
        with unit_of_work.dry_run():
            direct = dump(harmonisation.run_model(db.session.get(HarmonisationModel, model_id)))
        assert _without_run_time(direct) == _without_run_time(kept)
        hr_id = db.session.scalar(select(User.id).where(User.username == HR))
        runs = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "run",
                                                           AuditEvent.entity_id == str(model_id))).all()
        assert [e.actor_id for e in runs] == [hr_id]  # audited once, as the person who started it
    model = hr.get(f"/harmonisation/{model_id}").get_data(as_text=True)
    assert "Going up" in model and "This model has not been run" not in model


def test_a_failed_run_is_plain_keeps_nothing_and_can_be_tried_again(app, hr, monkeypatch):
    model_id = _create(hr, "Failing model")
    real = harmonisation.run_model

    def broken(model):
        model.results = {"half": "written"}
        db.session.flush()
        raise OperationalError("UPDATE harmonisation_models SET results=... 'Jane Example'", {}, Exception("locked"))

    monkeypatch.setattr(harmonisation, "run_model", broken)
    failed = _job_id(hr.post(f"/harmonisation/{model_id}/run"))
    page = hr.get(f"/jobs/{failed}").get_data(as_text=True)
    assert "It could not be done" in page and "because of a fault in the system" in page
    assert "Jane Example" not in page and "UPDATE" not in page and 'id="job-retry"' in page
    assert _results(app, model_id) is None  # nothing of the failed run was kept

    monkeypatch.setattr(harmonisation, "run_model", real)
    again = _job_id(hr.post(f"/jobs/{failed}/retry"))
    assert "people in the model" in hr.get(f"/jobs/{again}").get_data(as_text=True)
    assert _results(app, model_id)["total"]["people"] > 0


def test_a_model_being_run_is_not_run_again_at_once(app, hr):
    model_id = _create(hr, "Busy model")
    with app.app_context():
        running = Job(kind="harmonisation_run", description="Run", status="running", params_json="{}",
                      dedupe_key=harmonisation_kinds.run_key(model_id), updated_at=datetime.now(UTC))
        db.session.add(running)
        db.session.commit()
        running_id = running.id
    response = hr.post(f"/harmonisation/{model_id}/run", follow_redirects=True)
    body = response.get_data(as_text=True)
    assert f"The model could not be run. This is already under way (job {running_id}" in body
    assert f"This model is being run now (<a class=\"govuk-link\" href=\"/jobs/{running_id}\">job {running_id}</a>" in body
    assert _results(app, model_id) is None
