"""Data protection pages: download everything held about you (or, for HR, about a person who made
a subject access request), who viewed a record, and leavers' records due for deletion."""
from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, cast

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from ...errors import DomainError
from ...extensions import db
from ...models import Employee
from ...permissions import require_employee_visible, requires
from ...services.people import record_views, retention, subject_access
from ..auth.reauth import recent_password_required
from ..downloads import send_bytes
from ..form_errors import show_domain_error
from ..paging import paginate_list
from ..request_hooks import log_view
from .forms import EraseForm, SubjectAccessForm

bp = Blueprint("privacy", __name__)
bp.after_app_request(log_view)


def _zip(content: bytes, name: str) -> Any:
    return send_bytes(content, "application/zip", name)


@bp.get("/me/data")
@requires("me.view")
def my_data() -> Any:
    if current_user.employee_id is None:
        abort(404)
    return render_template("privacy/my_data.html")


@bp.get("/me/data.zip")
@requires("me.view")
@recent_password_required
def my_data_zip() -> Any:
    if current_user.employee_id is None:
        abort(404)
    exported = subject_access.export(current_user.employee_id, datetime.now(UTC))
    if exported is None:
        abort(404)
    return _zip(*exported)


@bp.route("/employees/<int:employee_id>/data", methods=["GET", "POST"])
@requires("privacy.subject_access")
@recent_password_required
def subject_access_export(employee_id: int) -> Any:
    """HR answering a subject access request for someone: the same export, with the request noted."""
    require_employee_visible(employee_id)
    employee = db.get_or_404(Employee, employee_id)
    form = SubjectAccessForm()
    if form.validate_on_submit():
        exported = subject_access.export(employee_id, datetime.now(UTC), reason=form.reason.data.strip(),
                                         by_hr=True)
        return _zip(*cast("tuple[bytes, str]", exported))  # None only for no such person, found above
    return render_template("privacy/subject_access.html", employee=employee, form=form), 400 if form.errors else 200


@bp.get("/employees/<int:employee_id>/views")
@requires("privacy.record_views")
def record_views_page(employee_id: int) -> Any:
    employee = db.get_or_404(Employee, employee_id)
    return render_template("privacy/record_views.html", employee=employee,
                           viewers=record_views.viewers_of(employee_id), views=record_views.views_of(employee_id),
                           page_name=record_views.page_name)


@bp.get("/retention/")
@requires("privacy.retention")
def retention_list() -> Any:
    today = date.today()
    leavers = retention.leavers_due(today)
    due, held = [x for x in leavers if x.status.deletable], [x for x in leavers if x.status.held_by]
    # Counts cover everyone; each list shows one page.
    return render_template("privacy/retention.html", today=today, years=retention.retention_years(today),
                           due=paginate_list(due, "privacy.retention_list"),
                           held=paginate_list(held, "privacy.retention_list", arg="held_page"))


@bp.route("/retention/<int:employee_id>/delete", methods=["GET", "POST"])
@requires("privacy.retention")
@recent_password_required
def erase(employee_id: int) -> Any:
    today = date.today()
    leaver = retention.status_of(employee_id, today)
    if leaver is None:
        abort(404)
    form = EraseForm()
    if form.validate_on_submit():
        try:
            retention.erase(employee_id, form.reason.data, today)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(f"Record {employee_id} deleted under the retention rule. The audit trail keeps the fact.", "success")
            return redirect(url_for("privacy.retention_list"))
    return (render_template("privacy/erase.html", leaver=leaver, form=form, years=retention.retention_years(today)),
            400 if form.errors else 200)
