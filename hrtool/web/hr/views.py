"""The HR officer's landing page."""
from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, render_template

from ...permissions import requires
from ...services.platform.dashboards import (
    by_service,
    elections_awaiting_countersignature,
    headcount_by_service_and_employer,
    totals_by_employer,
    transfer_steps_due,
)
from ...services.rules import rule_status

bp = Blueprint("hr", __name__, url_prefix="/hr")


@bp.get("/")
@requires("hr.dashboard")
def dashboard() -> Any:
    today = date.today()
    rows = headcount_by_service_and_employer(today)
    totals = totals_by_employer(rows)
    employers = sorted(totals)
    # Steps of transfers dated outside the plausible window are set apart, not overdue for ever.
    steps = transfer_steps_due(today)
    pending = elections_awaiting_countersignature()
    return render_template("hr/dashboard.html", services=by_service(rows, employers), employers=employers,
                           totals=totals, today=today, overdue=steps.overdue, to_correct=steps.needing_correction,
                           due_soon=steps.due_soon,
                           pending=pending, rules_overdue=rule_status.overdue(today))
