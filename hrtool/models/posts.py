"""Posts: establishment positions, which exist apart from the people who hold them, and their
dated grades."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    bindparam,
    case,
    select,
)
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from ..extensions import Model
from ._types import Fte, Money
from .org import Council, Service


class Post(Model):
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
    # `grade` (below, after PostGrade) is read-only: the grade in force today, from post_grades.
    # Mapped after the class, so only the checker reads it here.
    if TYPE_CHECKING:
        grade: Mapped[str | None]
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


class PostGrade(Model):
    """A post's grade over a run of days: derived from its job evaluation scores and
    its council's dated grade bands by `domain.grading.grade_timeline`, written ahead (a change
    of bands from a future date is a row from that date) and kept in step by
    `services.pay.post_grades` whenever a source changes (services/platform/derived.py). Rows of a post run
    back to back from the day it is established to the day it closes. `grade` is NULL without a
    score or above the top grade (chief officers, paid on a local band)."""

    __tablename__ = "post_grades"
    __table_args__ = (
        UniqueConstraint("post_id", "effective_from"),
        CheckConstraint("effective_to IS NULL OR effective_to >= effective_from", name="dates_in_order"),
        Index("ix_post_grades_grade", "grade"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"))
    effective_from: Mapped[date]
    effective_to: Mapped[date | None]
    je_score: Mapped[int | None]
    grade: Mapped[str | None] = mapped_column(String(40))
    convention_id: Mapped[int | None] = mapped_column(ForeignKey("grade_conventions.id"))


# Today's date, taken when a query runs (not when it is built), so the grade read never goes stale
# at midnight; one parameter object, so a statement using it twice binds one value.
TODAY = bindparam("hrtool_grade_today", callable_=date.today, type_=Date)

# A post's grade in force today: the row starting last on or before today (so a closed post keeps
# the grade it closed with), or, for a post not yet established, its first row. Read-only: grades
# are written to post_grades by services.pay.post_grades, never to the post.
Post.grade = column_property(
    select(PostGrade.grade)
    .where(PostGrade.post_id == Post.id,
           PostGrade.effective_from <= case((Post.established_on > TODAY, Post.established_on), else_=TODAY))
    .order_by(PostGrade.effective_from.desc())
    .limit(1)
    .correlate_except(PostGrade)
    .scalar_subquery()
)
