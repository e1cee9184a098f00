"""Who viewed whose record: an append-only log kept apart from the change trail (see migration
0008 for why). The database refuses UPDATE and DELETE on it, as on audit_events."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model


class RecordView(Model):
    __tablename__ = "record_views"
    __table_args__ = (
        Index("ix_record_views_employee_at", "employee_id", "at"),
        Index("ix_record_views_viewer_at", "viewer_id", "at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    viewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    viewer_label: Mapped[str] = mapped_column(String(200))  # the viewer's name at the time
    # The person whose record was viewed. No foreign key: the log outlives the record (a view
    # before a deletion under the retention rule is still accounted for).
    employee_id: Mapped[int | None]
    page: Mapped[str] = mapped_column(String(80))  # the page (endpoint) that showed the record
    path: Mapped[str] = mapped_column(String(300))
