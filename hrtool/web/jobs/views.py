"""Job pages: every piece of long work, its progress, who started it, when, and its
outcome; a failed job can be tried again. HR and administrators see every job; a backup's page
only administrators."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from ...errors import DomainError
from ...extensions import db
from ...jobs import records, registry
from ...models import Job
from ...permissions import has, requires
from ..paging import paginate

bp = Blueprint("jobs", __name__, url_prefix="/jobs")

STATUSES = {"queued": "Waiting", "running": "Running", "done": "Done", "failed": "Failed"}


def _visible(job: Job) -> Job:
    if not has(registry.get(job.kind).permission):
        abort(403)
    return job


@bp.get("/")
@requires("jobs.view")
def jobs_list() -> Any:
    status = request.args.get("status", "")
    hidden = None if has("admin.manage") else [k.name for k in registry.KINDS.values() if k.permission == "admin.manage"]
    query = records.jobs_query(status if status in STATUSES else None, hidden)
    page = paginate(query, "jobs.jobs_list", capped=False, status=status if status in STATUSES else None)
    return render_template("jobs/list.html", page=page, status=status, statuses=STATUSES,
                           titles={k: v.title for k, v in registry.KINDS.items()})


@bp.get("/<int:job_id>")
@requires("jobs.view")
def show(job_id: int) -> Any:
    job = _visible(db.get_or_404(Job, job_id))
    return render_template("jobs/show.html", job=job, status=records.status(job), form=FlaskForm(),
                           title=registry.get(job.kind).title, statuses=STATUSES)


@bp.get("/<int:job_id>/status")
@requires("jobs.view")
def status(job_id: int) -> Any:
    job = _visible(db.get_or_404(Job, job_id))
    response = jsonify(records.status(job))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/<int:job_id>/retry")
@requires("jobs.view")
def retry(job_id: int) -> Any:
    job = _visible(db.get_or_404(Job, job_id))
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        again = records.retry(job.id, current_user)
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("jobs.show", job_id=job.id))
    return redirect(url_for("jobs.show", job_id=again.id))
