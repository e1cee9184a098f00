"""Importing employees from a payroll export: upload, preview (a dry run), confirm, result."""
from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    send_file,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select

from ... import ROOT
from ...errors import DomainError
from ...extensions import db
from ...models import AuditEvent
from ...permissions import requires
from ...services import import_uploads
from ...services.employee_io import ImportFailed, ImportReport, apply_import, import_employees
from ...services.employee_rows import OPTIONAL, REQUIRED
from ...sqlite import reads_only
from ..fields import id_from_query
from .forms import ConfirmForm, UploadForm

bp = Blueprint("imports", __name__, url_prefix="/imports")

EXAMPLE = ROOT / "examples" / "employees-import-example.csv"
SHOWN = 200  # changes listed on the preview
SHOWN_ERRORS = 500


def _upload_page(form: UploadForm, status: int = 200) -> Any:
    return render_template("imports/upload.html", form=form, required=REQUIRED, optional=OPTIONAL), status


def _preview(report: ImportReport, token: str | None, status: int = 200) -> Any:
    return render_template("imports/preview.html", report=report, confirm=ConfirmForm(token=token),
                           shown=SHOWN, shown_errors=SHOWN_ERRORS), status


@bp.route("/", methods=["GET", "POST"])
@reads_only  # the preview is a dry run: it must not hold the write lock while it checks (issue 16)
@requires("employees.edit")
def upload() -> Any:
    form = UploadForm()
    if not form.validate_on_submit():
        return _upload_page(form)
    stored = import_uploads.store(form.file.data.stream, form.file.data.filename or "", form.effective_date.data,
                                  current_user.id)
    report = import_employees(stored.path, file_name=stored.file_name, effective_on=stored.effective_on,
                              dry_run=True, keep_changes=SHOWN)
    if report.ok and report.changed + report.posts_created + report.posts_retitled:
        return _preview(report, stored.token)
    import_uploads.discard(stored)  # nothing to confirm: do not keep personal data
    if not report.rows and report.errors and report.errors[0].line is None:
        form.file.errors = [report.errors[0].message]  # the file itself is unreadable
        return _upload_page(form, 400)
    return _preview(report, None)


@bp.post("/confirm")
@requires("employees.edit")
def confirm() -> Any:
    form = ConfirmForm()
    try:
        if not form.validate_on_submit():
            raise DomainError(import_uploads.EXPIRED)
        stored = import_uploads.load(form.token.data, current_user.id)
    except DomainError as error:
        upload_form = UploadForm(formdata=None)
        upload_form.form_errors.append(error.message)
        return _upload_page(upload_form)
    try:
        report = apply_import(stored.path, file_name=stored.file_name, effective_on=stored.effective_on,
                              keep_changes=0)
    except ImportFailed as failed:  # the records changed since the preview: nothing was imported
        import_uploads.discard(stored)
        return _preview(failed.report, None, 409)
    import_uploads.discard(stored)
    flash(f"Imported {stored.file_name}: {report.created} created, {report.updated} updated, "
          f"{report.unchanged} unchanged.", "success")
    return redirect(url_for("imports.result", event=report.event_id))


@bp.get("/result")
@requires("employees.edit")
def result() -> Any:
    imports = select(AuditEvent).where(AuditEvent.action == "import", AuditEvent.entity_type == "employee_import")
    event_id = id_from_query("event")
    event = db.session.scalar(imports.where(AuditEvent.id == event_id)) if event_id is not None else None
    recent = db.session.scalars(imports.order_by(AuditEvent.id.desc()).limit(20)).all()
    return render_template("imports/result.html", event=event, recent=recent)


@bp.get("/example.csv")
@requires("employees.edit")
def example() -> Any:
    if not EXAMPLE.is_file():
        abort(404)
    return send_file(EXAMPLE, mimetype="text/csv", as_attachment=True, download_name=EXAMPLE.name)
