"""A transfer of a service's staff to its lead authority: the legal event behind protected terms.
The full lifecycle (cohort, checklist, measures, completion) belongs to the TUPE capability; the
foundation holds the event itself so employments and protected terms can name it."""
from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .org import Council, Service

LEGAL_BASES = {
    "tupe": "TUPE 2006",
    "cosop": "TUPE-equivalent under the Cabinet Office Statement of Practice (COSOP)",
    "s113": "Placement under s.113 Local Government Act 1972",
}
TRANSFER_STATUSES = ("planned", "completed", "cancelled")


class Transfer(db.Model):
    __tablename__ = "transfers"
    __table_args__ = (
        CheckConstraint("transferor_id <> transferee_id", name="different_councils"),
        CheckConstraint("legal_basis IN ('tupe', 'cosop', 's113')", name="legal_basis_known"),
        CheckConstraint("status IN ('planned', 'completed', 'cancelled')", name="status_known"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    transferor_id: Mapped[int] = mapped_column(ForeignKey("councils.id"))
    transferee_id: Mapped[int] = mapped_column(ForeignKey("councils.id"))
    transfer_date: Mapped[date]
    legal_basis: Mapped[str] = mapped_column(String(10), default="tupe")
    status: Mapped[str] = mapped_column(String(20), default="planned")
    reasons: Mapped[str] = mapped_column(Text, default="")

    service: Mapped[Service] = relationship()
    transferor: Mapped[Council] = relationship(foreign_keys=[transferor_id])
    transferee: Mapped[Council] = relationship(foreign_keys=[transferee_id])
