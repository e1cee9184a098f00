"""Councils, the services they run, who leads each shared service over time, and unions."""
from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model


class Council(Model):
    __tablename__ = "councils"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    short_name: Mapped[str] = mapped_column(String(100))
    notes: Mapped[str] = mapped_column(Text, default="")

    def __repr__(self) -> str:
        return f"<Council {self.code}>"


class Service(Model):
    """A service as both councils know it (e.g. Planning Policy). Before it is shared each council
    runs its own; once shared, one lead authority employs its staff (ServiceLead)."""

    __tablename__ = "services"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    area: Mapped[str] = mapped_column(String(200), default="")  # head-of-service area in the new structure
    kind: Mapped[str] = mapped_column(String(40), default="")  # support / front line
    in_scope_for_sharing: Mapped[bool] = mapped_column(default=True)
    notes: Mapped[str] = mapped_column(Text, default="")

    leads: Mapped[list[ServiceLead]] = relationship(
        back_populates="service", order_by="ServiceLead.effective_from", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Service {self.name}>"


class ServiceLead(Model):
    """Which council is the lead authority (the employer) of a shared service, from when to when.
    status 'agreed' for facts, 'proposed' for the planned phase-2 sharing."""

    __tablename__ = "service_leads"
    __table_args__ = (
        CheckConstraint("effective_to IS NULL OR effective_to >= effective_from", name="dates_in_order"),
        Index("ix_service_leads_service_from", "service_id", "effective_from"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    lead_council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"))
    effective_from: Mapped[date]
    effective_to: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(20), default="agreed")
    phase: Mapped[str] = mapped_column(String(20), default="")
    source: Mapped[str] = mapped_column(Text, default="")

    service: Mapped[Service] = relationship(back_populates="leads")
    lead_council: Mapped[Council] = relationship()


class TradeUnion(Model):
    __tablename__ = "trade_unions"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))

    recognitions: Mapped[list[UnionRecognition]] = relationship(back_populates="union")


class UnionRecognition(Model):
    """A union recognised for collective bargaining at a council, from a date."""

    __tablename__ = "union_recognitions"
    __table_args__ = (UniqueConstraint("union_id", "council_id", "recognised_from"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    union_id: Mapped[int] = mapped_column(ForeignKey("trade_unions.id"))
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"))
    recognised_from: Mapped[date]
    recognised_to: Mapped[date | None]

    union: Mapped[TradeUnion] = relationship(back_populates="recognitions")
    council: Mapped[Council] = relationship()
