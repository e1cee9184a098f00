"""Importing employees from a payroll export: upload, preview (a dry run), confirm, result. The
preview and the import are jobs (hrtool/jobs/kinds/imports.py)."""
from __future__ import annotations

from datetime import date
from typing import Any

from flask import (
    Blueprint,
    abort,
    redirect,
    render_template,
    send_file,
    url_for,
)
from flask_login import current_user
from flask_wtf import FlaskForm

from ... import ROOT
from ...errors import DomainError
from ...extensions import db
from ...jobs import records
from ...jobs.kinds import imports as kinds
from ...models import Job
from ...permissions import requires
from ...services.people import employee_io
from ...services.people.employee_rows import OPTIONAL, REQUIRED
from ...services.platform import import_uploads
from ..fields import id_from_query
from ..jobs.views import STATUSES
from .forms import ConfirmForm, UploadForm

bp = Blueprint("imports", __name__, url_prefix="/imports")

EXAMPLE = ROOT / "examples" / "employees-import-example.csv"


def _upload_page(form: UploadForm, status: int = 200) -> Any:
    return render_template("imports/upload.html", form=form, required=REQUIRED, optional=OPTIONAL), status


@bp.route("/", methods=["GET", "POST"])
@requires("employees.edit")
def upload() -> Any:
    """The upload is stored, and checked by a job (a 100,000-row file took longer than
    a request may): its page shows progress, then what would change, or every problem."""
    form = UploadForm()
    if not form.validate_on_submit():
        return _upload_page(form)
    stored = import_uploads.store(form.file.data.stream, form.file.data.filename or "", form.effective_date.data,
                                  current_user.id)
    job = records.submit("import_preview", {"token": stored.token, "user_id": current_user.id}, current_user,
                         description=f"Check the import file {stored.file_name}")
    return redirect(url_for("imports.preview", job_id=job.id))


def _preview_job(job_id: int) -> Job:
    job = db.get_or_404(Job, job_id)
    if job.kind != "import_preview":
        abort(404)
    return job


@bp.get("/check/<int:job_id>")
@requires("employees.edit")
def preview(job_id: int) -> Any:
    """The check of an upload: its progress while the job runs; then what would change, with the
    button that imports it (for the person who uploaded it), or every problem found."""
    job = _preview_job(job_id)
    if job.status != "done":
        return render_template("imports/checking.html", job=job, status=records.status(job), form=FlaskForm(),
                               statuses=STATUSES)
    report = job.result
    mine = job.requested_by_id == current_user.id
    confirm = ConfirmForm(token=report.get("token"), preview=job.id) if report.get("token") and mine else None
    return render_template("imports/preview.html", report=report, job=job, confirm=confirm,
                           effective_on=date.fromisoformat(report["effective_on"]),
                           shown=kinds.SHOWN_CHANGES, shown_errors=kinds.SHOWN_PROBLEMS)


@bp.post("/confirm")
@requires("employees.edit")
def confirm() -> Any:
    """Import the checked upload: a job (all or nothing), started only for the file that was
    checked, by the person who uploaded it, once at a time."""
    form = ConfirmForm()
    try:
        if not form.validate_on_submit():
            raise DomainError(import_uploads.EXPIRED)
        checked = db.session.get(Job, int(form.preview.data))
        report = checked.result if checked is not None and checked.kind == "import_preview" else {}
        if (checked is None or checked.status != "done" or checked.requested_by_id != current_user.id
                or not report.get("token") or report["token"] != form.token.data):
            raise DomainError(import_uploads.EXPIRED)
        stored = import_uploads.load(form.token.data, current_user.id)
        if import_uploads.digest(stored) != report["sha256"]:
            raise DomainError(kinds.CHANGED)
        job = records.submit("import_commit", {"token": stored.token, "user_id": current_user.id,
                                               "sha256": report["sha256"], "checked_by_job": checked.id},
                             current_user, description=f"Import {stored.file_name}",
                             dedupe_key=kinds.commit_key(stored.token))
    except DomainError as error:
        upload_form = UploadForm(formdata=None)
        upload_form.form_errors.append(error.message)
        return _upload_page(upload_form)
    return redirect(url_for("jobs.show", job_id=job.id))


@bp.get("/result")
@requires("employees.edit")
def result() -> Any:
    event_id = id_from_query("event")
    event = employee_io.import_event(event_id) if event_id is not None else None
    recent = employee_io.recent_imports()
    return render_template("imports/result.html", event=event, recent=recent)


@bp.get("/example.csv")
@requires("employees.edit")
def example() -> Any:
    if not EXAMPLE.is_file():
        abort(404)
    return send_file(EXAMPLE, mimetype="text/csv", as_attachment=True, download_name=EXAMPLE.name)
