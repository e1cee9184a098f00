"""Protected terms: the register, the side-by-side comparison, elections and countersigning."""
from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from ...errors import DomainError
from ...extensions import db
from ...models import Employee
from ...permissions import require_employee_visible, requires
from ...security import safe_referrer
from ...services.people import employees
from ...services.tupe import protected_terms
from ..auth.reauth import recent_password_required, recent_password_required_to_submit
from ..downloads import send_spreadsheet
from ..fields import required_date
from ..form_errors import show_domain_error
from ..paging import paginate
from .forms import CountersignForm, ElectionForm

bp = Blueprint("protected", __name__, url_prefix="/protected-terms")


@bp.get("/")
@requires("protected.register")
def register() -> Any:
    today = date.today()
    pending = protected_terms.pending_elections()
    # Each election's person by name and person number (never the internal id).
    people = employees.people_by_id({election.employee_id for election in pending})
    # One page of the register (the download holds everyone).
    page = paginate(protected_terms.register_query(today), "protected.register", rows=True, capped=False)
    return render_template("protected/register.html", rows=page.items, page=page,
                           report=protected_terms.report(today), pending=pending, people=people,
                           countersign_form=CountersignForm(), today=today)


@bp.get("/register.<fmt>")
@requires("protected.register")
@recent_password_required  # a bulk export of personal data
def export(fmt: str) -> Any:
    return send_spreadsheet(lambda out: protected_terms.export_register(out, fmt, date.today()), fmt,
                            f"protected-terms-{date.today():%Y-%m-%d}.{fmt}")


@bp.route("/employees/<int:employee_id>", methods=["GET", "POST"])
@requires("employees.view_all")
@recent_password_required_to_submit
def for_employee(employee_id: int) -> Any:
    """HR's view of someone's protected terms side by side, and recording an election for them."""
    require_employee_visible(employee_id)
    return _side_by_side(employee_id, url_for("protected.for_employee", employee_id=employee_id), on_behalf=True)


def _side_by_side(employee_id: int, here: str, on_behalf: bool) -> Any:
    today = date.today()
    result = protected_terms.comparison(employee_id, today)
    employee = db.get_or_404(Employee, employee_id)
    form = ElectionForm()
    election = protected_terms.latest_election(employee_id)
    if form.validate_on_submit():
        try:
            protected_terms.record_election(employee_id, required_date(form.effective_from), form.understood.data, today)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash("The choice is recorded. HR will countersign it; until then nothing changes.", "success")
            return redirect(here)
    return render_template("protected/side_by_side.html", employee=employee, result=result, form=form,
                           election=election, on_behalf=on_behalf, today=today)


@bp.post("/elections/<int:election_id>/countersign")
@requires("elections.countersign")
@recent_password_required_to_submit
def countersign(election_id: int) -> Any:
    if not CountersignForm().validate_on_submit():
        abort(400)
    try:
        election = protected_terms.countersign(election_id)
    except DomainError as error:
        flash(error.message)
        return redirect(url_for("protected.register"))
    flash(f"Election countersigned: on the lead authority's terms from {election.effective_from:%d/%m/%Y}.", "success")
    return redirect(safe_referrer(request.referrer) or url_for("protected.register"))


def my_terms_view(employee_id: int) -> Any:
    """The employee's own page (registered on the `me` blueprint)."""
    return _side_by_side(employee_id, url_for("me.terms"), on_behalf=False)
