"""Posts: establishment positions, which exist apart from the people who hold them."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._types import Fte, Money
from .org import Council, Service


class Post(db.Model):
    """A post belongs to a council's establishment in a service. It may be vacant or held by
    several part-timers (see Assignment). Chief officer posts (tier above the top grade) are paid
    on a local band (band_min/band_max) under JNC terms instead of the NJC spine."""

    __tablename__ = "posts"
    __table_args__ = (
        CheckConstraint("fte > 0", name="fte_positive"),
        CheckConstraint("closed_on IS NULL OR closed_on >= established_on", name="dates_in_order"),
        Index("ix_posts_council_service", "council_id", "service_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    post_number: Mapped[str] = mapped_column(String(30), unique=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"))
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    title: Mapped[str] = mapped_column(String(200))
    tier: Mapped[str] = mapped_column(String(40), default="officer")  # chief executive / head of service / officer
    fte: Mapped[Decimal] = mapped_column(Fte, default=Decimal("1"))
    je_score: Mapped[int | None]
    # The grade under the post's council's current convention, kept in step with je_score by the
    # grading service so the employees list can filter on it with an index.
    grade: Mapped[str | None] = mapped_column(String(40), index=True)
    band_min: Mapped[Decimal | None] = mapped_column(Money)
    band_max: Mapped[Decimal | None] = mapped_column(Money)
    established_on: Mapped[date]
    closed_on: Mapped[date | None]
    notes: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(default=1)

    council: Mapped[Council] = relationship()
    service: Mapped[Service] = relationship()

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_chief_officer(self) -> bool:
        return self.band_min is not None

    def __repr__(self) -> str:
        return f"<Post {self.post_number} {self.title}>"
