"""The HR officer's landing page."""
from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, render_template

from ...permissions import requires
from ...services.dashboards import headcount_by_service_and_employer, totals_by_employer

bp = Blueprint("hr", __name__, url_prefix="/hr")


@bp.get("/")
@requires("hr.dashboard")
def dashboard() -> Any:
    today = date.today()
    rows = headcount_by_service_and_employer(today)
    return render_template("hr/dashboard.html", rows=rows, totals=totals_by_employer(rows), today=today)
