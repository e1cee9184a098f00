"""The trade union representative's area: aggregate figures only, never individuals."""
from __future__ import annotations

from datetime import date, timedelta
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


@bp.get("/transfers")
@requires("union.portal")
def transfers() -> Any:
    from sqlalchemy import select

    from ...extensions import db
    from ...models import Transfer

    rows = db.session.scalars(select(Transfer).where(Transfer.status != "cancelled")
                              .order_by(Transfer.transfer_date.desc(), Transfer.reference)).all()
    return render_template("unions/transfers.html", transfers=rows, union=current_user.union)


@bp.get("/transfers/<int:transfer_id>")
@requires("union.portal")
def transfer(transfer_id: int) -> Any:
    from ...extensions import db
    from ...models import Transfer
    from ...services.dashboards import transfer_figures

    record = db.get_or_404(Transfer, transfer_id)
    # The member's employment is with the transferor; figures are taken before the transfer date.
    figures = transfer_figures(transfer_id, min(date.today(), record.transfer_date - timedelta(days=1)))
    return render_template("unions/transfer.html", transfer=record, figures=figures)
