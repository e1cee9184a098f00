"""The append-only audit trail: who changed what personal data, when, before and after, and why.
Nothing in the app updates or deletes these rows, and database triggers refuse it too."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model


class AuditEvent(Model):
    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_entity", "entity_type", "entity_id"),
        Index("ix_audit_events_employee_at", "employee_id", "at"),
        Index("ix_audit_events_at", "at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_label: Mapped[str] = mapped_column(String(200))  # the user's name at the time, or "system"
    action: Mapped[str] = mapped_column(String(40))  # create / update / delete / import / export / login ...
    entity_type: Mapped[str] = mapped_column(String(60))
    entity_id: Mapped[str] = mapped_column(String(60), default="")
    # The person whose data this is, so a trail per employee is one indexed query. No foreign key:
    # the trail must outlive any row it describes.
    employee_id: Mapped[int | None]
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    reason: Mapped[str] = mapped_column(Text, default="")


class FiguresGeneration(Model):
    """A counter moved on, in the same transaction, by every change to the records the cached
    workforce figures read (services/platform/figures_cache.py): a change of someone's phone number leaves
    it alone, a change of post or hours moves it. One row per kind of figure."""

    __tablename__ = "figures_generations"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    generation: Mapped[int] = mapped_column(default=0, server_default="0")
