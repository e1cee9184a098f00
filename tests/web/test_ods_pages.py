"""ODS through the pages: every download offered as XLSX is offered as ODS too (each page's
XLSX link has an ODS twin, and each download route sends an ODS that the import's reader opens,
with the XLSX's header), and the import page takes an ODS."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import url_for

from hrtool.services.platform import tabular

from ..conftest import Auth
from .test_imports import _signed_in, _stored, _upload

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"

# The downloads that need no object made for them (the others share these routes' code).
ROUTES = [("staff.export", {}), ("protection.export_protections", {}), ("protection.export_costs", {}),
          ("grading.compare_export", {}), ("protected.export", {}), ("evaluation_io.template", {}),
          ("evaluation_io.export", {}), ("parting.export", {})]


def test_every_xlsx_link_in_the_templates_has_an_ods_twin():
    found = 0
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        for call in re.findall(r"url_for\([^)]*fmt='xlsx'[^)]*\)", text):
            found += 1
            assert call.replace("fmt='xlsx'", "fmt='ods'") in text, f"{template.name}: no ODS beside {call}"
    assert found >= 10


@pytest.mark.parametrize("endpoint,args", ROUTES, ids=[e for e, _ in ROUTES])
def test_each_download_is_an_ods_with_the_xlsx_header(app, client, tmp_path, endpoint, args):
    Auth(client).as_role("admin")
    with app.test_request_context():
        urls = {fmt: url_for(endpoint, fmt=fmt, **args) for fmt in ("xlsx", "ods")}
    headers = {}
    for fmt, url in urls.items():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        assert response.mimetype == tabular.MEDIA_TYPES[fmt]
        assert response.headers["Content-Disposition"].endswith(f".{fmt}") or f".{fmt}" in response.headers[
            "Content-Disposition"]
        path = tmp_path / f"download.{fmt}"
        path.write_bytes(response.get_data())
        with app.app_context(), tabular.open_table(path) as table:
            headers[fmt] = table.headers
            list(table.rows)
    assert headers["ods"] == headers["xlsx"] and headers["ods"]


def test_the_import_page_takes_the_employees_ods_and_finds_nothing_to_change(app):
    client = _signed_in(app)
    export = client.get("/employees/export.ods")
    assert export.status_code == 200
    body = _upload(client, export.data, "employees.ods").get_data(as_text=True)
    assert "Nothing to import" in body and 'name="token"' not in body
    page = client.get("/imports/").get_data(as_text=True)
    assert 'accept=".csv,.xlsx,.ods"' in page


def test_a_broken_ods_gets_a_clear_message(app):
    client = _signed_in(app)
    stored = _stored(app)
    response = _upload(client, b"PK\x03\x04 not really", "book.ods")
    assert "The file is not a valid ODS spreadsheet: save it again from your spreadsheet as .ods" in response.get_data(
        as_text=True)
    assert _stored(app) == stored
