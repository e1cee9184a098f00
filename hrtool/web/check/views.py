"""The consistency check on a page, for administrators: the same report as `hrtool check`."""
from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, render_template, request

from ...permissions import requires
from ...services.platform import check as checks
from ...services.platform.derived import dependencies_table
from ..fields import date_from_query

bp = Blueprint("check", __name__, url_prefix="/admin/check")


@bp.get("/")
@requires("admin.manage")
def report() -> Any:
    typed = request.args.get("on", "").strip()[:20]
    on = date_from_query(typed) if typed else date.today()
    error = "Enter a real date, for example 1/4/2027" if typed and on is None else None
    result = checks.run(on) if on is not None and request.args.get("run") else None
    return render_template("check/report.html", typed=typed, error=error, on=on, result=result,
                           dependencies=dependencies_table()), (400 if error else 200)
