"""Importing and exporting job evaluations through the pages (issue 18): a file with a problem is
refused whole with every problem listed; a good one previews (points worked out, grades that would
change), and the confirmation imports exactly the file checked; exports and the template download
in the import's columns, and an export is audited."""
from __future__ import annotations

import csv
import io
import re
from datetime import date

from sqlalchemy import func, select

from hrtool.extensions import db
from hrtool.models import AuditEvent, JobEvaluation
from hrtool.services.pay.jes.evaluation_io import COLUMNS, EXPORT_COLUMNS

from ..conftest import Auth
from ..factories import make_post

# 80 + 39 + 39 + 26 + 39 + 20 + 20 + 20 + 26 + 13 + 13 + 13 + 20 = 368 points (factor plan, by hand).
LEVELS = [4, 3, 3, 2, 3, 2, 2, 2, 2, 1, 1, 1, 2]


def _signed_in(app, role="hr"):
    client = app.test_client()
    assert Auth(client).as_role(role).status_code == 302
    return client


def _file(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS[:8] + [f"f{n}" for n in range(1, 14)])
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _row(post_number: str, levels=LEVELS, on: str = "01/04/2024") -> list[str]:
    return [post_number, "CCDC", on, "agreed", "Alex Morgan", "Sam Patel", "JD v1", ""] + [str(x) for x in levels]


def _upload(client, content: bytes, name: str = "evaluations.csv"):
    return client.post("/grading/evaluations/import", data={"file": (io.BytesIO(content), name)},
                       content_type="multipart/form-data")


def _count(app, post_id: int) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(JobEvaluation)
                                 .where(JobEvaluation.post_id == post_id))


def _post(app, **kw):
    with app.app_context():
        post = make_post("CCDC", je_score=250, **kw)
        db.session.commit()
        return post.id, post.post_number


def test_the_import_page_documents_the_columns_and_links_the_template(app):
    client = _signed_in(app)
    page = client.get("/grading/evaluations/import").get_data(as_text=True)
    for column in ("post_number", "council", "evaluated_on", "panel_union", "f1_convention", "f13"):
        assert f"<code>{column}</code>" in page
    assert "/grading/evaluations/template.csv" in page and "/grading/evaluations/export.xlsx?council=SBC" in page
    template = client.get("/grading/evaluations/template.csv")
    assert template.status_code == 200
    assert template.get_data(as_text=True).lstrip("\ufeff").strip() == ",".join(COLUMNS)
    assert "/grading/evaluations/import" in client.get("/grading/").get_data(as_text=True)  # linked from grading


def test_a_file_with_one_bad_level_is_refused_whole(app):
    post_id, number = _post(app)
    bad = list(LEVELS)
    bad[4] = 9  # factor 5, Initiative and independence: levels 1 to 8
    before = _count(app, post_id)
    response = _upload(_signed_in(app), _file([_row(number), _row(number, bad, on="02/04/2024")]))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "The file has problems" in page and "Nothing has been imported" in page
    assert "Factor 5, Initiative and independence: level 9 is outside its range 1 to 8" in page
    assert re.search(r">3</th>\s*<td[^>]*>f5</td>", page)  # line 3, column f5
    assert "Import these evaluations" not in page
    assert _count(app, post_id) == before


def test_a_good_file_previews_then_imports_the_file_checked(app):
    post_id, number = _post(app)
    client = _signed_in(app)
    preview = _upload(client, _file([_row(number)])).get_data(as_text=True)
    assert "Check the evaluations" in preview and ">368<" in preview
    # CCDC's illustrative bands: 250 points is C, 368 is E, from 1 April 2024.
    assert "Grades that would change" in preview and "1 April 2024" in preview
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', preview)[1]
    sha = re.search(r'name="sha256" type="hidden" value="([0-9a-f]{64})"', preview)[1]
    before = _count(app, post_id)

    tampered = client.post("/grading/evaluations/import/confirm", data={"token": token, "sha256": "0" * 64})
    assert tampered.status_code == 400 and "The file has changed since it was checked" in tampered.get_data(as_text=True)
    assert _count(app, post_id) == before

    done = client.post("/grading/evaluations/import/confirm", data={"token": token, "sha256": sha},
                       follow_redirects=True)
    # The import is a job (the test app runs it at once): its page says what it did.
    assert done.status_code == 200 and "Imported 1 job evaluation from evaluations.csv." in done.get_data(as_text=True)
    with app.app_context():
        latest = db.session.scalars(select(JobEvaluation).where(JobEvaluation.post_id == post_id)
                                    .order_by(JobEvaluation.id.desc())).first()
        assert latest.score == 368 and latest.evaluated_on == date(2024, 4, 1)
        assert [f.level for f in latest.factors] == LEVELS
    again = client.post("/grading/evaluations/import/confirm", data={"token": token, "sha256": sha})
    assert again.status_code == 400 and "expired or was already imported" in again.get_data(as_text=True)


def _with_title_rows(rows: list[list[str]]) -> bytes:
    """The rows as a council's sheet often is: a title and a blank row above the header."""
    lines = _file(rows).decode("utf-8").splitlines()
    return "\n".join(["Job evaluations: Licensing review,,", ",,", *lines]).encode("utf-8") + b"\n"


def test_the_check_says_what_was_done_about_the_sheets_shape(app):
    _, number = _post(app)
    preview = _upload(_signed_in(app), _with_title_rows([_row(number)])).get_data(as_text=True)
    assert "Check the evaluations" in preview and ">368<" in preview
    assert "About the spreadsheet" in preview
    # One of the two rows above is blank, so the one skipped is a title.
    assert ("Rows 1-2 above the header (row 3) were skipped (a title: &#39;Job evaluations: Licensing review&#39;)"
            in preview)


def test_a_refused_sheets_problems_count_lines_from_its_own_header(app):
    _, number = _post(app)
    refused = _upload(_signed_in(app), _with_title_rows([_row(number, levels=[9] + LEVELS[1:])]))
    page = refused.get_data(as_text=True)
    assert "The file has problems" in page and "the header is line 3" in page
    assert "Rows 1-2 above the header (row 3) were skipped" in page


def test_exports_in_the_import_columns_are_audited(app):
    post_id, number = _post(app, post_number="000789")
    client = _signed_in(app)
    preview = _upload(client, _file([_row(number)])).get_data(as_text=True)
    client.post("/grading/evaluations/import/confirm", data={
        name: re.search(rf'name="{name}" type="hidden" value="([^"]+)"', preview)[1] for name in ("token", "sha256")})
    for fmt in ("csv", "xlsx"):
        response = client.get(f"/grading/evaluations/export.{fmt}?post={post_id}")
        assert response.status_code == 200
    text = client.get(f"/grading/evaluations/export.csv?post={post_id}").get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))
    # The score held on the post before (kept as a total-only evaluation), then the one imported.
    assert rows[0] == EXPORT_COLUMNS and [r[0] for r in rows[1:]] == ["000789", "000789"]
    assert rows[1][8] == "" and rows[1][-1] == "250" and rows[2][8:21] == [str(x) for x in LEVELS]
    assert client.get("/grading/evaluations/export.csv?council=CCDC").status_code == 200
    assert client.get("/grading/evaluations/export.csv?council=NOPE").status_code == 404
    assert client.get("/grading/evaluations/export.pdf").status_code == 404
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "export",
                                                             AuditEvent.entity_type == "job_evaluation")).all()
        assert any(e.after.get("post") == "000789" and e.after.get("format") == "xlsx" for e in events)


def test_union_reps_and_employees_cannot_import_or_export(app):
    for role in ("union_rep", "employee"):
        client = _signed_in(app, role)
        assert client.get("/grading/evaluations/import").status_code == 403
        assert client.get("/grading/evaluations/export.csv").status_code == 403
