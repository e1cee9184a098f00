"""A person's disciplinary and grievance matters and claims: the record the employee liability
information draws on (TUPE 2006 reg. 11(2)(c)-(d)). HR only; every change is audited."""
from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from ...errors import DomainError
from ...extensions import db
from ...models import Employee
from ...permissions import require_employee_visible, requires
from ...services.people import cases
from ..form_errors import show_domain_error
from .forms import CaseChangeForm, CaseForm

bp = Blueprint("cases", __name__, url_prefix="/employees/<int:employee_id>/cases")


def _employee(employee_id: int) -> Employee:
    require_employee_visible(employee_id)
    return db.get_or_404(Employee, employee_id)


def _values(form: CaseForm) -> dict[str, Any]:
    return {name: getattr(form, name).data for name in cases.FIELDS}


@bp.get("/")
@requires("cases.manage")
def cases_list(employee_id: int) -> Any:
    employee = _employee(employee_id)
    return render_template("cases/list.html", employee=employee, cases=cases.cases_for(employee_id),
                           kinds=cases.KINDS)


@bp.route("/new", methods=["GET", "POST"])
@requires("cases.manage")
def create(employee_id: int) -> Any:
    employee = _employee(employee_id)
    form = CaseForm()
    if form.validate_on_submit():
        try:
            cases.create_case(employee_id, _values(form), date.today())
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash("Case recorded.", "success")
            return redirect(url_for("cases.cases_list", employee_id=employee_id))
    return render_template("cases/form.html", employee=employee, form=form, case=None)


@bp.route("/<int:case_id>", methods=["GET", "POST"])
@requires("cases.manage")
def edit(employee_id: int, case_id: int) -> Any:
    employee = _employee(employee_id)
    case = cases.case_of(employee_id, case_id)
    if case is None:
        abort(404)
    form = CaseChangeForm(obj=case if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            changed = cases.update_case(case, _values(form), form.reason.data, date.today())
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash("Case updated." if changed else "Nothing was changed.", "success")
            return redirect(url_for("cases.cases_list", employee_id=employee_id))
    return render_template("cases/form.html", employee=employee, form=form, case=case)
