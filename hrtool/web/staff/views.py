"""HR officers' view of employees."""
from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort, render_template, request
from sqlalchemy import func, or_, select

from ...extensions import db
from ...models import Employee
from ...permissions import employees_visible_to, require_employee_visible, requires
from ...services.records import picture_on, timeline
from ..paging import paginate

bp = Blueprint("staff", __name__, url_prefix="/employees")


@bp.get("/")
@requires("employees.view_all")
def employees() -> Any:
    q = request.args.get("q", "").strip()[:100]
    query = employees_visible_to(select(Employee))
    if q:
        like = f"%{q.lower()}%"
        query = query.where(or_(func.lower(Employee.last_name).like(like), func.lower(Employee.first_name).like(like),
                                func.lower(Employee.person_number).like(like)))
    page = paginate(query.order_by(Employee.last_name, Employee.first_name, Employee.id), "staff.employees", q=q)
    return render_template("staff/employees.html", page=page, q=q)


@bp.get("/<int:employee_id>")
@requires("employees.view_all")
def employee(employee_id: int) -> Any:
    require_employee_visible(employee_id)
    picture = picture_on(employee_id, date.today())
    if picture is None:
        abort(404)
    return render_template("staff/employee.html", picture=picture, timeline=timeline(employee_id))


