"""Importing employees through the pages: upload, preview, confirm, result; and every way a
file can be wrong ending in a clear message with nothing imported."""
from __future__ import annotations

import io
import re
from pathlib import Path

from sqlalchemy import func, select

from hrtool.extensions import db
from hrtool.models import AuditEvent, Employee
from hrtool.services.people.employee_rows import COLUMNS

from ..conftest import Auth
from ..spreadsheets import new_person

HR, ADMIN = "hr@hrtool.example", "admin@hrtool.example"


def _signed_in(app, username=HR):
    client = app.test_client()
    assert Auth(client).login(username).status_code == 302
    return client


def _csv(rows: list[list[str]], header: list[str] = COLUMNS) -> bytes:
    import csv

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _upload(client, content: bytes, name: str = "payroll.csv", **form):
    """Upload a file; the check is a job (issue 17) whose page, once it has finished (the test app
    runs jobs at once), shows the report."""
    data = {"file": (io.BytesIO(content), name), **form}
    return client.post("/imports/", data=data, content_type="multipart/form-data", follow_redirects=True)


def _confirm_data(body: str) -> dict[str, str]:
    return {name: re.search(rf'name="{name}" type="hidden" value="([^"]+)"', body)[1] for name in ("token", "preview")}


def _count(app, model=Employee, *where):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _stored(app) -> list[Path]:
    folder = Path(app.instance_path) / "imports"
    return sorted(folder.iterdir()) if folder.exists() else []


def test_upload_preview_confirm_result(app):
    client = _signed_in(app)
    page = client.get("/imports/").get_data(as_text=True)
    assert "Import employees" in page and "person_number" in page and 'enctype="multipart/form-data"' in page
    before = _count(app)

    response = _upload(client, _csv([new_person(1), new_person(2, hours_per_week="18.5")]),
                       effective_date=["1", "12", "2026"])
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "Check the changes" in body
    assert "T000001 Test Starter1" in body and "T000002 Test Starter2" in body and "18.5 hours a week" in body
    assert "1 December 2026" in body
    assert _count(app) == before  # a preview writes nothing
    confirm = _confirm_data(body)
    token = confirm["token"]
    assert {f"{token}.csv", f"{token}.json"} <= {p.name for p in _stored(app)}

    response = client.post("/imports/confirm", data=confirm)
    assert response.status_code == 302 and "/jobs/" in response.location  # the import is a job
    job = client.get(response.location).get_data(as_text=True)
    assert "Imported payroll.csv: 2 created, 0 updated, 0 unchanged." in job
    result = client.get(re.search(r'href="(/imports/result\?event=\d+)"', job)[1]).get_data(as_text=True)
    assert "Recent imports" in result and "Harriet Officer" in result
    assert _count(app) == before + 2
    assert _count(app, AuditEvent, AuditEvent.action == "import") == 1
    assert not any(p.name.startswith(token) for p in _stored(app))  # the upload is gone once imported

    again = client.post("/imports/confirm", data=confirm).get_data(as_text=True)
    assert "expired or was already imported" in again and _count(app) == before + 2


def test_an_invalid_upload_shows_every_problem_and_imports_nothing(app):
    client = _signed_in(app)
    before, stored = _count(app), _stored(app)
    content = _csv([new_person(1), new_person(2, employer="XYZ"), new_person(3, hours_per_week="99")])
    body = _upload(client, content).get_data(as_text=True)
    assert "The file has problems" in body and "Nothing has been imported" in body
    assert "<caption" in body and 'govuk-table__header">3</th>' in body and "employer" in body
    assert 'govuk-table__header">4</th>' in body and "hours_per_week" in body and "at most 48" in body
    assert 'name="token"' not in body  # nothing to confirm
    assert _count(app) == before and _stored(app) == stored  # the upload is not kept


def test_a_file_matching_the_records_has_nothing_to_confirm(app):
    client = _signed_in(app)
    export = client.get("/employees/export.csv")
    assert export.status_code == 200
    body = _upload(client, export.data, "employees.csv").get_data(as_text=True)
    assert "Nothing to import" in body and 'name="token"' not in body


def test_wrong_type_empty_and_non_utf8_files_get_a_clear_message(app):
    client = _signed_in(app)
    stored = _stored(app)
    cases = [
        (b"%PDF-1.4", "letter.pdf", "must be a CSV, XLSX or ODS file"),
        (b"", "empty.csv", "The selected file is empty"),
        ("person_number,first_name\nP1,Zoë\n".encode("latin-1"), "old.csv",
         "The file is not UTF-8: save it as &#39;CSV UTF-8&#39; and try again"),
        (b"PK\x03\x04 not really", "book.xlsx", "not a readable XLSX workbook"),
    ]
    for content, name, message in cases:
        response = _upload(client, content, name)
        assert response.status_code in (200, 400) and message in response.get_data(as_text=True), name
    assert _stored(app) == stored


def test_empty_posts_re_render_with_errors(app):
    client = _signed_in(app)
    response = client.post("/imports/")
    assert response.status_code == 200 and "Select a CSV, XLSX or ODS file" in response.get_data(as_text=True)
    response = client.post("/imports/confirm")
    assert response.status_code == 200 and "upload the file again" in response.get_data(as_text=True)


def test_only_the_uploader_can_confirm(app):
    hr = _signed_in(app, HR)
    body = _upload(hr, _csv([new_person(1)])).get_data(as_text=True)
    confirm = _confirm_data(body)
    admin = _signed_in(app, ADMIN)
    preview = admin.get(f"/imports/check/{confirm['preview']}").get_data(as_text=True)
    assert "Check the changes" in preview and 'name="token"' not in preview  # not theirs to import
    assert "Only the person who uploaded this file can import it" in preview
    body = admin.post("/imports/confirm", data=confirm).get_data(as_text=True)
    assert "expired" in body and _count(app, Employee, Employee.person_number == "T000001") == 0
    for path in _stored(app):  # tidy the instance folder for the other tests
        path.unlink()


def test_the_example_file_downloads(app):
    client = _signed_in(app)
    response = client.get("/imports/example.csv")
    assert response.status_code == 200 and response.data.startswith(b"person_number,")
    response.close()


def test_import_is_linked_from_the_employees_list_for_hr_only(app):
    assert 'href="/imports/"' in _signed_in(app, HR).get("/employees/").get_data(as_text=True)
    client = _signed_in(app, "employee@hrtool.example")
    assert 'href="/imports/"' not in client.get("/me/").get_data(as_text=True)
    assert client.get("/imports/").status_code == 403


def test_the_preview_says_what_was_done_about_the_sheet(app):
    """A title above the header and a totals row below are said once; a person number a
    spreadsheet stripped of its zeros is listed as matched, not created."""
    from datetime import date

    from ..factories import assign, employ, make_employee, make_post, own_terms

    with app.app_context():
        post = make_post("SBC", post_number="0009002")
        held = make_employee(person_number="0054321")
        employment = employ(held, "SBC", date(2015, 4, 1))
        assign(employment, post, date(2015, 4, 1), scp=12)
        own_terms(employment, date(2015, 4, 1))
        db.session.commit()
    client = _signed_in(app)
    stripped = new_person(1, person_number="54321", post_number="9002", start_date="2015-04-01",
                          continuous_service_date="2015-04-01")
    content = (b"Payroll export March\n\n" + _csv([new_person(2), stripped])
               + ("Total" + "," * (len(COLUMNS) - 1) + "\n").encode())
    body = _upload(client, content).get_data(as_text=True)
    assert "Check the changes" in body, body
    assert "Rows 1-2 above the header (row 3) were skipped (a title: &#39;Payroll export March&#39;)" in body
    assert "Row 6 is a totals row and was skipped" in body
    assert "line 5: person_number 0054321 read as 54321 by a spreadsheet: matched" in body
    assert "line 5: post_number 0009002 read as 9002 by a spreadsheet: matched" in body
