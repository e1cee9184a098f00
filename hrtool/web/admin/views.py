"""Administration: users and the reference data the rules run on."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template
from sqlalchemy import select

from ...extensions import db
from ...models import GradeConvention, PaySpinePoint, Policy, Service, StatutoryLimit, User
from ...permissions import requires

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/users")
@requires("admin.manage")
def users() -> Any:
    return render_template("admin/users.html", users=db.session.scalars(select(User).order_by(User.role, User.username)))


@bp.get("/reference")
@requires("reference.view")
def reference() -> Any:
    spine = db.session.scalars(select(PaySpinePoint).order_by(PaySpinePoint.scp, PaySpinePoint.pay_year_from)).all()
    years = sorted({p.pay_year_from for p in spine})
    table: dict[int, dict[Any, Any]] = {}
    for point in spine:
        table.setdefault(point.scp, {})[point.pay_year_from] = point.annual_salary
    return render_template(
        "admin/reference.html",
        services=db.session.scalars(select(Service).order_by(Service.name)).all(),
        conventions=db.session.scalars(select(GradeConvention).order_by(GradeConvention.council_id)).all(),
        spine_years=years, spine=table,
        limits=db.session.scalars(select(StatutoryLimit).order_by(StatutoryLimit.name, StatutoryLimit.effective_from)).all(),
        policies=db.session.scalars(select(Policy).order_by(Policy.kind, Policy.council_id)).all(),
    )
