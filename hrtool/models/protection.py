"""Pay protection: who is protected, under which council's policy, from when, for how much, and
the month-by-month schedule (DOMAIN.md 3.5)."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from ._types import Hours, Money
from .org import Council

PROTECTION_SOURCES = ("restructure", "re-evaluation", "harmonisation", "regrade", "manual")


class Protection(Model):
    """A period of pay protection for someone who moved to a lower salary. Amounts are annual and
    full-time; the schedule applies the policy and pro rata for hours."""

    __tablename__ = "protections"
    __table_args__ = (
        CheckConstraint("source IN ('restructure', 're-evaluation', 'harmonisation', 'regrade', 'manual')",
                        name="source_known"),
        Index("ix_protections_council_end", "council_id", "ends_on"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id"), index=True)
    employment_id: Mapped[int | None] = mapped_column(ForeignKey("employments.id"))
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"))  # whose policy applies
    policy_id: Mapped[int] = mapped_column(ForeignKey("policies.id"))
    source: Mapped[str] = mapped_column(String(20))
    source_ref: Mapped[str] = mapped_column(String(200), default="")  # e.g. restructure and post
    reason: Mapped[str] = mapped_column(Text, default="")
    start_date: Mapped[date]
    old_post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id"))
    new_post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id"))
    old_grade: Mapped[str] = mapped_column(String(40), default="")
    new_grade: Mapped[str] = mapped_column(String(40), default="")
    # Full-time annual salaries on the start date. Where the pay is a spine point (old_scp,
    # new_scp), they are that point's salary in the spine of the pay year holding the start date
    # as held now, kept in step by every recompute (a back-dated award changes them); on local pay
    # (no SCP) they are the salaries given.
    old_salary: Mapped[Decimal] = mapped_column(Money)
    new_salary: Mapped[Decimal] = mapped_column(Money)
    old_scp: Mapped[int | None]
    new_scp: Mapped[int | None]
    hours_per_week: Mapped[Decimal] = mapped_column(Hours)
    ends_on: Mapped[date | None]  # the first day without protection, from the latest schedule
    end_reason: Mapped[str] = mapped_column(Text, default="")
    ended_early_on: Mapped[date | None]  # an early-ending event (promotion, leaving, ...)
    ended_early_kind: Mapped[str] = mapped_column(String(60), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), server_default=func.now())
    version: Mapped[int] = mapped_column(default=1)

    council: Mapped[Council] = relationship()
    months: Mapped[list[ProtectionMonthRow]] = relationship(
        back_populates="record", order_by="ProtectionMonthRow.month", cascade="all, delete-orphan")
    adjustments: Mapped[list[ProtectionAdjustment]] = relationship(
        back_populates="record", order_by="(ProtectionAdjustment.month, ProtectionAdjustment.id)",
        cascade="all, delete-orphan")

    __mapper_args__ = {"version_id_col": version}


class ProtectionMonthRow(Model):
    """One month of a protection's schedule as last computed (replaced, with an audit event, when
    an award, increment, change of hours or early ending changes it)."""

    __tablename__ = "protection_months"
    __table_args__ = (UniqueConstraint("protection_id", "month"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    protection_id: Mapped[int] = mapped_column(ForeignKey("protections.id"))
    month: Mapped[date]  # first day of the month
    phase: Mapped[int]
    new_salary: Mapped[Decimal] = mapped_column(Money)  # annual, pro rata to hours
    protection: Mapped[Decimal] = mapped_column(Money)  # annual rate of the payment that month
    payment: Mapped[Decimal] = mapped_column(Money)  # paid for the month (annual / 12, part months pro rata)
    projected: Mapped[bool] = mapped_column(default=False)  # future pay spine not yet known

    record: Mapped[Protection] = relationship(back_populates="months")

    @property
    def total(self) -> Decimal:
        """Annual pay that month: the new salary plus the protection (both at the person's hours)."""
        return self.new_salary + self.protection


class ProtectionAdjustment(Model):
    """A month already paid whose payment a recompute changed (a back-dated pay award, a change of
    hours or SCP recorded late, a late leaver...): the month's row now shows what is due, and this
    records what had been paid, so the difference is paid or recovered in the next pay instead of
    being silently rewritten. Kept for good; never changed."""

    __tablename__ = "protection_adjustments"
    __table_args__ = (Index("ix_protection_adjustments_protection_month", "protection_id", "month"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    protection_id: Mapped[int] = mapped_column(ForeignKey("protections.id"))
    month: Mapped[date]  # first day of the month
    paid: Mapped[Decimal] = mapped_column(Money)  # what had been paid (or settled) for the month
    due: Mapped[Decimal] = mapped_column(Money)  # what is due for it now
    difference: Mapped[Decimal] = mapped_column(Money)  # due - paid: more than 0 underpaid, less overpaid
    recorded_on: Mapped[date]
    why: Mapped[str] = mapped_column(Text, default="")

    record: Mapped[Protection] = relationship(back_populates="adjustments")


class ProtectionWarning(Model):
    """That an expiry warning was given, so the daily check warns once per ending."""

    __tablename__ = "protection_warnings"
    __table_args__ = (UniqueConstraint("protection_id", "ends_on"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    protection_id: Mapped[int] = mapped_column(ForeignKey("protections.id"))
    ends_on: Mapped[date]
    warned_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    window_days: Mapped[int]
