"""The trade union representative's area: aggregate figures only, never individuals."""
from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, render_template
from flask_login import current_user

from ...permissions import requires
from ...services.dashboards import by_service, headcount_by_service_and_employer, suppress_small_groups

bp = Blueprint("unions", __name__, url_prefix="/union")


@bp.get("/")
@requires("union.portal")
def overview() -> Any:
    today = date.today()
    rows = suppress_small_groups(headcount_by_service_and_employer(today), today)
    employers = sorted({row.employer for row in rows})
    return render_template("unions/overview.html", services=by_service(rows, employers), employers=employers,
                           union=current_user.union, today=today)
