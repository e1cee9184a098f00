"""Job evaluations in and out: import from CSV/XLSX, all or nothing; export in the
same columns; a blank template. A file holds at most 5,000 evaluations: the check runs in the
request (a few seconds), the import itself as a job (hrtool/jobs/kinds/evaluations.py)."""
from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user

from ...errors import DomainError
from ...extensions import db
from ...jobs import records
from ...jobs.kinds import evaluations as evaluation_jobs
from ...models import Post
from ...permissions import requires
from ...services.pay.jes import evaluation_io
from ...services.people.councils import council_with_code, councils
from ...services.platform import import_uploads
from ..auth.reauth import recent_password_required
from ..downloads import require_spreadsheet_format, send_spreadsheet
from .forms import ConfirmForm, UploadForm

bp = Blueprint("evaluation_io", __name__, url_prefix="/grading/evaluations")
SHOWN = 500  # rows and problems listed on the preview


def _page(form: UploadForm, status: int = 200) -> Any:
    return render_template("evaluation_io/import.html", form=form, councils=councils(),
                           descriptions=evaluation_io.DESCRIPTIONS, max_rows=evaluation_io.MAX_ROWS), status


@bp.route("/import", methods=["GET", "POST"])
@requires("grading.edit")
def upload() -> Any:
    """Upload a file: every row is checked and the preview shows every problem, or what would be
    imported, with the button that imports exactly the file checked."""
    form = UploadForm()
    if not form.validate_on_submit():
        return _page(form, 400 if request.method == "POST" else 200)
    stored = import_uploads.store(form.file.data.stream, form.file.data.filename or "", None, current_user.id)
    report = evaluation_io.check_file(stored.path, stored.file_name, date.today())
    confirm = None
    if report.ok:
        confirm = ConfirmForm(formdata=None, token=stored.token, sha256=import_uploads.digest(stored))
    else:
        import_uploads.discard(stored)
    return render_template("evaluation_io/preview.html", report=report, confirm=confirm, shown=SHOWN)


@bp.post("/import/confirm")
@requires("grading.edit")
def confirm() -> Any:
    """Import the checked file, if it is still the one checked (its SHA-256): a job (thousands of
    rows, each grading its post, take minutes), all or nothing in its one unit of work."""
    form = ConfirmForm()
    try:
        if not form.validate_on_submit():
            raise DomainError(import_uploads.EXPIRED)
        stored = import_uploads.load(form.token.data, current_user.id)
        if import_uploads.digest(stored) != form.sha256.data:
            raise DomainError(evaluation_io.CHANGED)
        job = records.submit("evaluation_import", {"token": stored.token, "user_id": current_user.id,
                                                   "sha256": form.sha256.data}, current_user,
                             description=f"Import job evaluations from {stored.file_name}",
                             dedupe_key=evaluation_jobs.commit_key(stored.token))
    except DomainError as error:
        upload_form = UploadForm(formdata=None)
        upload_form.form_errors.append(error.message)
        return _page(upload_form, 400)
    return redirect(url_for("jobs.show", job_id=job.id))


@bp.get("/template.<fmt>")
@requires("grading.edit")
def template(fmt: str) -> Any:
    return send_spreadsheet(lambda out: evaluation_io.write_template(out, fmt), fmt, f"job-evaluations-template.{fmt}")


@bp.get("/export.<fmt>")
@requires("grading.view")
@recent_password_required  # every evaluation, with the names of the panels' members
def export(fmt: str) -> Any:
    """Every evaluation, or one council's (?council=CCDC), or one post's (?post=ID), in the
    import's columns plus points. Audited."""
    require_spreadsheet_format(fmt)
    code = request.args.get("council", "").strip().upper()
    council = council_with_code(code) if code else None
    if code and council is None:
        abort(404)
    post_id = request.args.get("post", "").strip()
    post = db.session.get(Post, int(post_id)) if post_id.isdigit() else None
    if post_id and post is None:
        abort(404)
    scope = f"-{code.lower()}" if council else f"-{post.post_number}" if post else ""
    return send_spreadsheet(lambda out: evaluation_io.export_audited(out, fmt, council=council, post=post), fmt,
                            f"job-evaluations{scope}-{date.today():%Y-%m-%d}.{fmt}")
