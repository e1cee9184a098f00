"""The reference data the rules run on, as the administrator's reference page lists it."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from ...extensions import db
from ...models import GradeConvention, PaySpinePoint, Policy, Service, StatutoryLimit


@dataclass(frozen=True)
class ReferenceLists:
    services: list[Service]
    conventions: list[GradeConvention]
    spine_years: list[date]
    spine: dict[int, dict[date, Decimal]]  # scp -> pay year -> annual salary
    limits: list[StatutoryLimit]
    policies: list[Policy]


def reference_lists() -> ReferenceLists:
    """Services, grade conventions, the pay spine as a table (a row per point, a column per pay
    year), statutory limits and policies."""
    points = db.session.scalars(select(PaySpinePoint).order_by(PaySpinePoint.scp, PaySpinePoint.pay_year_from)).all()
    spine: dict[int, dict[date, Decimal]] = {}
    for point in points:
        spine.setdefault(point.scp, {})[point.pay_year_from] = point.annual_salary
    return ReferenceLists(
        services=list(db.session.scalars(select(Service).order_by(Service.name))),
        conventions=list(db.session.scalars(select(GradeConvention).order_by(GradeConvention.council_id))),
        spine_years=sorted({p.pay_year_from for p in points}), spine=spine,
        limits=list(db.session.scalars(select(StatutoryLimit).order_by(StatutoryLimit.name,
                                                                       StatutoryLimit.effective_from))),
        policies=list(db.session.scalars(select(Policy).order_by(Policy.kind, Policy.council_id))),
    )
