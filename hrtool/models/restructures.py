"""Restructures: a current and a proposed structure, how far each new post's job content
matches each old one, each postholder's route under the joint policy, and appointments
(DOMAIN.md 3.4)."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from ._types import Fte, Money


class Restructure(Model):
    __tablename__ = "restructures"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    effective_date: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(20), default="draft")  # draft / consulting / decided / implemented
    created_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), server_default=func.now())

    posts: Mapped[list[StructurePost]] = relationship(back_populates="restructure", order_by="StructurePost.id")


class StructurePost(Model):
    """A post in the current or the proposed structure. Current posts link to the establishment
    post (and so to their holders); proposed posts carry a grade or salary band, functions, who
    they report to and how their cost is shared."""

    __tablename__ = "structure_posts"
    __table_args__ = (CheckConstraint("side IN ('current', 'proposed')", name="side_known"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    restructure_id: Mapped[int] = mapped_column(ForeignKey("restructures.id"), index=True)
    side: Mapped[str] = mapped_column(String(10))
    title: Mapped[str] = mapped_column(String(200))
    tier: Mapped[str] = mapped_column(String(40), default="")
    grade: Mapped[str] = mapped_column(String(40), default="")
    band_min: Mapped[Decimal | None] = mapped_column(Money)
    band_max: Mapped[Decimal | None] = mapped_column(Money)
    fte: Mapped[Decimal] = mapped_column(Fte, default=Decimal("1"))
    functions: Mapped[str] = mapped_column(Text, default="")
    reports_to_id: Mapped[int | None] = mapped_column(ForeignKey("structure_posts.id"))
    employer_id: Mapped[int | None] = mapped_column(ForeignKey("councils.id"))
    ccdc_share: Mapped[Decimal] = mapped_column(Numeric(5, 4), default=Decimal("0.5"))  # share of cost met by CCDC
    budget: Mapped[Decimal | None] = mapped_column(Money)  # the papers' budget incl. on-costs, where given
    post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id"))  # current side: the establishment post
    recruitment: Mapped[str] = mapped_column(String(20), default="internal")  # internal / external

    restructure: Mapped[Restructure] = relationship(back_populates="posts")


class JobMatch(Model):
    __tablename__ = "job_matches"
    __table_args__ = (
        UniqueConstraint("proposed_post_id", "current_post_id"),
        CheckConstraint("match_percent >= 0 AND match_percent <= 100", name="percent_range"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    restructure_id: Mapped[int] = mapped_column(ForeignKey("restructures.id"), index=True)
    proposed_post_id: Mapped[int] = mapped_column(ForeignKey("structure_posts.id"))
    current_post_id: Mapped[int] = mapped_column(ForeignKey("structure_posts.id"))
    match_percent: Mapped[int]
    note: Mapped[str] = mapped_column(Text, default="")


class RouteDecision(Model):
    """A postholder's route under the joint policy, with why; HR may override with a reason."""

    __tablename__ = "route_decisions"
    __table_args__ = (
        UniqueConstraint("restructure_id", "employee_id"),
        CheckConstraint("route IN ('slot_in', 'ring_fence', 'alternative', 'at_risk')", name="route_known"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    restructure_id: Mapped[int] = mapped_column(ForeignKey("restructures.id"), index=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id"))
    current_post_id: Mapped[int] = mapped_column(ForeignKey("structure_posts.id"))
    route: Mapped[str] = mapped_column(String(20))
    proposed_post_id: Mapped[int | None] = mapped_column(ForeignKey("structure_posts.id"))
    pool: Mapped[list[int] | None] = mapped_column(JSON)  # proposed posts a ring-fenced pool competes for
    reasons: Mapped[str] = mapped_column(Text)
    trial_ends_on: Mapped[date | None]
    computed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), server_default=func.now())
    overridden: Mapped[bool] = mapped_column(default=False)
    override_reason: Mapped[str] = mapped_column(Text, default="")
    overridden_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    details: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class Appointment(Model):
    """An outcome for a proposed post: someone appointed (with start date and salary) or a
    selection outcome for a pool member."""

    __tablename__ = "appointments"
    id: Mapped[int] = mapped_column(primary_key=True)
    restructure_id: Mapped[int] = mapped_column(ForeignKey("restructures.id"), index=True)
    proposed_post_id: Mapped[int] = mapped_column(ForeignKey("structure_posts.id"))
    employee_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))  # None: external appointee
    external_name: Mapped[str] = mapped_column(String(200), default="")
    outcome: Mapped[str] = mapped_column(String(20), default="appointed")  # appointed / unsuccessful
    start_date: Mapped[date | None]
    salary: Mapped[Decimal | None] = mapped_column(Money)
    protection_id: Mapped[int | None] = mapped_column(ForeignKey("protections.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Implementation(Model):
    """A restructure put into the establishment on its effective date: who did it, when
    and why, the reason HR gave for going ahead with people not yet appointed, and, if it was
    undone before the date, who undid it and why. At most one stands (not undone) per restructure."""

    __tablename__ = "restructure_implementations"
    __table_args__ = (
        Index("uq_restructure_implementations_standing", "restructure_id", unique=True,
              sqlite_where=text("undone_at IS NULL"), postgresql_where=text("undone_at IS NULL")),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    restructure_id: Mapped[int] = mapped_column(ForeignKey("restructures.id"), index=True)
    effective_date: Mapped[date]
    status_before: Mapped[str] = mapped_column(String(20))
    implemented_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    implemented_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    implemented_by: Mapped[str] = mapped_column(String(200), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    gaps_reason: Mapped[str] = mapped_column(Text, default="")  # going ahead with people not appointed
    undone_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    undone_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    undone_by: Mapped[str] = mapped_column(String(200), default="")
    undo_reason: Mapped[str] = mapped_column(Text, default="")

    changes: Mapped[list[ImplementationChange]] = relationship(
        back_populates="implementation", order_by="ImplementationChange.id")


class ImplementationChange(Model):
    """One thing an implementation changed, enough to list it and to undo it: a post opened (the
    establishment post a proposed post became), a post closed (with the closing date it had
    before), a person moved (the assignment closed, its old end, and the one opened), or a
    protection created or linked to the new post."""

    __tablename__ = "restructure_changes"
    __table_args__ = (
        CheckConstraint("kind IN ('post_opened', 'post_closed', 'moved', 'protection_created', 'protection_linked')",
                        name="kind_known"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    implementation_id: Mapped[int] = mapped_column(ForeignKey("restructure_implementations.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    structure_post_id: Mapped[int | None] = mapped_column(ForeignKey("structure_posts.id"))
    post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id"))
    employee_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    appointment_id: Mapped[int | None] = mapped_column(ForeignKey("appointments.id"))
    assignment_id: Mapped[int | None] = mapped_column(ForeignKey("assignments.id"))  # the one opened
    previous_assignment_id: Mapped[int | None] = mapped_column(ForeignKey("assignments.id"))  # the one closed
    protection_id: Mapped[int | None] = mapped_column(ForeignKey("protections.id"))
    previous_end: Mapped[date | None]  # the closed record's (or post's) end before
    summary: Mapped[str] = mapped_column(Text, default="")  # in words, as listed on the restructure page

    implementation: Mapped[Implementation] = relationship(back_populates="changes")
