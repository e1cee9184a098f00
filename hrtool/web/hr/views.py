"""The HR officer's landing page."""
from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, render_template

from ...permissions import requires
from ...services.dashboards import by_service, headcount_by_service_and_employer, totals_by_employer

bp = Blueprint("hr", __name__, url_prefix="/hr")


@bp.get("/")
@requires("hr.dashboard")
def dashboard() -> Any:
    today = date.today()
    rows = headcount_by_service_and_employer(today)
    totals = totals_by_employer(rows)
    employers = sorted(totals)
    from sqlalchemy import func, select
    from sqlalchemy.orm import joinedload

    from ...extensions import db
    from ...models import ChecklistItem, Election, Transfer

    # The transfer's service comes in the same query: one query however many steps are overdue.
    overdue = db.session.execute(
        select(ChecklistItem, Transfer).join(Transfer).options(joinedload(Transfer.service)).where(
            Transfer.status == "planned", ChecklistItem.done_on.is_(None), ChecklistItem.due_on < today)
        .order_by(ChecklistItem.due_on)).all()
    pending = db.session.scalar(select(func.count()).select_from(Election).where(Election.countersigned_at.is_(None)))
    return render_template("hr/dashboard.html", services=by_service(rows, employers), employers=employers,
                           totals=totals, today=today, overdue=overdue, pending=pending)
