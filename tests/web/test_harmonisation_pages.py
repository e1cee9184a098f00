"""Harmonisation pages through the test client: create, change, run, results, people affected and
their export, the unions' PDF, compare and delete; bad input never a 500."""
from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from hrtool.extensions import db
from hrtool.models import HarmonisationModel

from ..conftest import Auth

AS_OF = ["1", "4", "2026"]


@pytest.fixture
def hr(app):
    client = app.test_client()
    assert Auth(client).as_role("hr").status_code == 302
    return client


def _create(client, name="Web model", start="council:SBC"):
    response = client.post("/harmonisation/new", data={"start": start, "name": name, "as_of": AS_OF,
                                                       "description": "From the web tests"})
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.location.rstrip("/").split("/")[-1])


def _run(client, model_id):
    """Running a model is a job (issue 17): the page lands on the job's, which has finished (the
    test app runs jobs at once) and says what the run did."""
    response = client.post(f"/harmonisation/{model_id}/run")
    assert response.status_code == 302 and "/jobs/" in response.location
    job = client.get(response.location).get_data(as_text=True)
    assert "people in the model" in job and f"/harmonisation/{model_id}" in job, job
    return client.get(f"/harmonisation/{model_id}").get_data(as_text=True)


def test_create_run_and_read_the_results(hr):
    model_id = _create(hr)
    body = hr.get(f"/harmonisation/{model_id}").get_data(as_text=True)
    assert "This model has not been run" in body and "SBC&#39;s grade bands as they stood" in body
    assert hr.get(f"/harmonisation/{model_id}/people").status_code == 302  # nothing to list yet
    body = _run(hr, model_id)
    for text in ("Going up", "Staying the same", "Going down", "Annual cost of the change",
                 "Pay protection for those going down", "Protection cost by financial year", "Equality picture",
                 "Hourly pay gap between men and women", "hr-bar__fill", "assume no further pay awards"):
        assert text in body, text
    assert 'style="' not in body  # the CSP forbids inline styles
    listing = hr.get("/harmonisation/").get_data(as_text=True)
    assert "Web model" in listing and "Not run" not in listing.split("Web model")[1].split("</tr>")[0]


def test_people_affected_and_their_export(hr):
    model_id = _create(hr)
    _run(hr, model_id)
    with hr.application.app_context():
        results = db.session.get(HarmonisationModel, model_id).results
    affected = results["affected"]
    assert affected, "SBC's bands move someone in the demo workforce"
    body = hr.get(f"/harmonisation/{model_id}/people").get_data(as_text=True)
    assert affected[0]["person_number"] in body
    assert hr.get(f"/harmonisation/{model_id}/people?direction=down&page=zz").status_code == 200
    csv_text = hr.get(f"/harmonisation/{model_id}/people.csv").get_data().decode("utf-8-sig")
    header, *rows = csv_text.strip().splitlines()
    assert header.startswith("person_number,name,employer,post") and len(rows) == len(affected)
    xlsx = hr.get(f"/harmonisation/{model_id}/people.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.data), read_only=True).worksheets[0]
    assert sum(1 for _ in sheet.iter_rows()) == len(affected) + 1
    assert hr.get(f"/harmonisation/{model_id}/people.pdf").status_code == 404


def test_union_pdf(hr):
    model_id = _create(hr, name="Union summary test")
    _run(hr, model_id)
    response = hr.get(f"/harmonisation/{model_id}/summary.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    assert b"/Title (Harmonisation model: Union summary test)" in response.data
    assert b"/Author (hrtool" in response.data


def test_changing_the_bands(hr):
    model_id = _create(hr)
    form = hr.get(f"/harmonisation/{model_id}/edit").get_data(as_text=True)
    assert 'name="bands-0-grade"' in form and 'value="Grade 1"' in form
    with hr.application.app_context():
        model = db.session.get(HarmonisationModel, model_id)
        bands, version = model.bands, model.version
    data = {"name": "Web model", "as_of": AS_OF, "description": "", "version": str(version)}
    for i, band in enumerate(bands):
        for key, value in band.items():
            data[f"bands-{i}-{key}"] = str(value)
    # A gap between the first two grades: refused with the rule's words.
    gap = {**data, "bands-1-points_min": "205"}
    response = hr.post(f"/harmonisation/{model_id}/edit", data=gap)
    assert response.status_code == 400 and "gap between Grade 1 and Grade 2" in response.get_data(as_text=True)
    # A half-filled new row, and a number that is not one.
    response = hr.post(f"/harmonisation/{model_id}/edit", data={**data, f"bands-{len(bands)}-grade": "Grade 13",
                                                                 "bands-0-scp_max": "three"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Fill in every column of a grade&#39;s row, or clear the row" in body
    assert "Highest SCP must be a whole number" in body
    # Clearing the last row removes that grade; the model is saved and must be run again.
    last = len(bands) - 1
    cleared = {k: ("" if k.startswith(f"bands-{last}-") else v) for k, v in data.items()}
    assert hr.post(f"/harmonisation/{model_id}/edit", data=cleared).status_code == 302
    with hr.application.app_context():
        model = db.session.get(HarmonisationModel, model_id)
        assert len(model.bands) == len(bands) - 1 and model.based_on == "draft"
    # Someone else's save in between: refused, not overwritten.
    response = hr.post(f"/harmonisation/{model_id}/edit", data={**cleared, "name": "Late"})
    assert response.status_code == 409


def test_compare_two_models(hr):
    first, second = _create(hr, "First"), _create(hr, "Second", start="council:CCDC")
    _run(hr, first)
    _run(hr, second)
    body = hr.get("/harmonisation/compare", query_string={"a": first, "b": second}).get_data(as_text=True)
    assert "Side by side" in body and "First" in body and "Second" in body and "Second minus first" in body
    same = hr.get("/harmonisation/compare", query_string={"a": first, "b": first}).get_data(as_text=True)
    assert "Choose two different models" in same
    bad = hr.get("/harmonisation/compare", query_string={"a": "x", "b": "99999"})
    assert bad.status_code == 200 and "Not a valid choice" in bad.get_data(as_text=True)


def test_delete_needs_a_yes(hr):
    model_id = _create(hr)
    assert hr.post(f"/harmonisation/{model_id}/delete", data={}).status_code == 200
    assert hr.post(f"/harmonisation/{model_id}/delete", data={"confirm": "no"}).status_code == 302
    assert hr.post(f"/harmonisation/{model_id}/delete", data={"confirm": "yes"}).status_code == 302
    with hr.application.app_context():
        assert db.session.scalar(select(HarmonisationModel.id).where(HarmonisationModel.id == model_id)) is None
    assert hr.get(f"/harmonisation/{model_id}").status_code == 404


def test_bad_input_is_never_a_500(hr):
    assert hr.post("/harmonisation/new", data={"start": "model:nope", "name": "x", "as_of": AS_OF}).status_code == 200
    response = hr.post("/harmonisation/new", data={"start": "council:SBC", "name": "Session model", "as_of": AS_OF})
    assert response.status_code == 400 and "Another model already has that name" in response.get_data(as_text=True)
    assert hr.post("/harmonisation/new", data={"start": "council:SBC", "name": "x",
                                              "as_of": ["31", "2", "2026"]}).status_code == 200
    response = hr.post("/harmonisation/new", data={"start": "council:SBC", "name": "x", "as_of": ["1", "4", "2010"]})
    assert response.status_code == 400 and "No pay spine is held" in response.get_data(as_text=True)
    assert hr.get("/harmonisation/99999").status_code == 404
    assert hr.post("/harmonisation/99999/run").status_code == 404
    assert hr.get("/harmonisation/99999/summary.pdf").status_code == 404


def test_union_reps_and_employees_are_refused(app):
    for role in ("union_rep", "employee"):
        client = app.test_client()
        Auth(client).as_role(role)
        assert client.get("/harmonisation/1/summary.pdf").status_code == 403
        assert client.get("/harmonisation/1/people.csv").status_code == 403
