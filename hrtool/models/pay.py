"""Rules as data: pay spines and awards, grade conventions, statutory limits, policies, settings.
Everything here is editable by an administrator and dated where it changes over time."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from ._types import Money
from .org import Council


class PaySpinePoint(Model):
    """Annual full-time salary (37-hour week for the NJC) of a spinal column point in a pay year."""

    __tablename__ = "pay_spine_points"
    __table_args__ = (UniqueConstraint("spine", "pay_year_from", "scp"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    spine: Mapped[str] = mapped_column(String(20), default="NJC")
    pay_year_from: Mapped[date]  # pay years start 1 April
    scp: Mapped[int]
    annual_salary: Mapped[Decimal] = mapped_column(Money)


class PayAward(Model):
    """A pay award as a rule: a flat amount or a percentage on a range of points, with points
    deleted, effective from the start of a pay year and often agreed months later."""

    __tablename__ = "pay_awards"
    __table_args__ = (
        CheckConstraint("kind IN ('flat_gbp', 'percent')", name="kind_known"),
        CheckConstraint("scp_to >= scp_from", name="scp_range"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    spine: Mapped[str] = mapped_column(String(20), default="NJC")
    pay_year_from: Mapped[date]
    scp_from: Mapped[int]
    scp_to: Mapped[int]
    kind: Mapped[str] = mapped_column(String(20))
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 4))
    deleted_scps: Mapped[str] = mapped_column(String(100), default="")
    status: Mapped[str] = mapped_column(String(20), default="agreed")
    agreed_on: Mapped[date | None]
    note: Mapped[str] = mapped_column(Text, default="")


class GradeConvention(Model):
    """A council's grade boundaries under the shared job evaluation scheme, dated. `notes` keeps
    the council's conventions in the other sense: its agreed factor-level interpretations."""

    __tablename__ = "grade_conventions"
    __table_args__ = (
        CheckConstraint("effective_to IS NULL OR effective_to >= effective_from", name="dates_in_order"),
        Index("ix_grade_conventions_council_from", "council_id", "effective_from"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"))
    name: Mapped[str] = mapped_column(String(200))
    effective_from: Mapped[date]
    effective_to: Mapped[date | None]
    notes: Mapped[str] = mapped_column(Text, default="")

    council: Mapped[Council] = relationship()
    bands: Mapped[list[GradeBand]] = relationship(
        back_populates="convention", order_by="GradeBand.points_min", cascade="all, delete-orphan"
    )


class GradeBand(Model):
    __tablename__ = "grade_bands"
    __table_args__ = (
        UniqueConstraint("convention_id", "grade"),
        CheckConstraint("points_max >= points_min", name="points_range"),
        CheckConstraint("scp_max >= scp_min", name="scp_range"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    convention_id: Mapped[int] = mapped_column(ForeignKey("grade_conventions.id"))
    grade: Mapped[str] = mapped_column(String(40))
    points_min: Mapped[int]
    points_max: Mapped[int]
    scp_min: Mapped[int]
    scp_max: Mapped[int]

    convention: Mapped[GradeConvention] = relationship(back_populates="bands")


class StatutoryLimit(Model):
    """A statutory limit in force from a date (e.g. the redundancy week's-pay cap)."""

    __tablename__ = "statutory_limits"
    __table_args__ = (UniqueConstraint("name", "effective_from"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    effective_from: Mapped[date]
    value: Mapped[Decimal] = mapped_column(Money)
    source: Mapped[str] = mapped_column(Text, default="")


class Policy(Model):
    """An HR policy of a council (or joint, council NULL), dated and versioned: terms and
    conditions, pay protection, redundancy, assimilation. The body holds the policy's values;
    numbers are stored as strings so they read back as exact Decimals."""

    __tablename__ = "policies"
    __table_args__ = (
        CheckConstraint("effective_to IS NULL OR effective_to >= effective_from", name="dates_in_order"),
        Index("ix_policies_kind_council_from", "kind", "council_id", "effective_from"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int | None] = mapped_column(ForeignKey("councils.id"))
    kind: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    effective_from: Mapped[date]
    effective_to: Mapped[date | None]
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    source: Mapped[str] = mapped_column(Text, default="")

    council: Mapped[Council | None] = relationship()


class RuleSetting(Model):
    """A single named rule value held as data, dated (e.g. the smallest group a union rep may
    see figures for)."""

    __tablename__ = "rule_settings"
    __table_args__ = (UniqueConstraint("key", "effective_from"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(100))
    value: Mapped[str] = mapped_column(String(200))
    effective_from: Mapped[date]
    description: Mapped[str] = mapped_column(Text, default="")
