"""Employee self-service: my own record, nobody else's."""
from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort, render_template, url_for
from flask_login import current_user

from ...extensions import db
from ...models import Employee
from ...permissions import requires
from ...services.people import salary_history
from ...services.people.records import picture_on, timeline
from ..auth.reauth import recent_password_required_to_submit

bp = Blueprint("me", __name__, url_prefix="/me")


@bp.get("/")
@requires("me.view")
def record() -> Any:
    if current_user.employee_id is None:
        abort(404)
    picture = picture_on(current_user.employee_id, date.today())
    if picture is None:
        abort(404)
    return render_template("me/record.html", picture=picture, timeline=timeline(current_user.employee_id),
                           pay_history_url=url_for("me.pay_history"))


@bp.get("/pay")
@requires("me.view")
def pay_history() -> Any:
    if current_user.employee_id is None:
        abort(404)
    employee = db.get_or_404(Employee, current_user.employee_id)
    return render_template("pay_history/pay_history.html", employee=employee, mine=True,
                           history=salary_history.pay_history(employee.id, date.today()))


@bp.route("/terms", methods=["GET", "POST"])
@requires("me.view")
@recent_password_required_to_submit
def terms() -> Any:
    """My protected terms next to my employer's terms, and my choice to move onto them."""
    from flask import request

    from ...permissions import has
    from ..protected.views import my_terms_view

    if current_user.employee_id is None:
        abort(404)
    if request.method == "POST" and not has("me.elect"):
        abort(403)
    return my_terms_view(current_user.employee_id)
