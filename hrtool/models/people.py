"""Employees and their dated employment history.

History is never overwritten: an employment (who employs the person), an assignment (which post,
hours and spinal column point) and a terms record (whose terms they are on) each run from
effective_from to effective_to inclusive, NULL meaning "still in force". A change closes the
record in force and opens a new one; a correction edits a record in place with an audited reason.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, String, Text, func, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from ._types import Hours, Money
from .org import Council, TradeUnion
from .posts import Post

if TYPE_CHECKING:  # a relationship names its class; the registry resolves it at run time
    from .transfers import Transfer

SEXES = {"F": "Female", "M": "Male"}

# How an employment began: the legal basis is a field, never an assumption (DOMAIN.md 1).
EMPLOYMENT_BASES = {
    "appointment": "Appointed",
    "tupe": "TUPE transfer",
    "cosop": "TUPE-equivalent transfer (COSOP)",
}
TERMS_BASES = {"own": "Employer's own terms", "protected": "Protected terms from a transfer"}


class Employee(Model):
    __tablename__ = "employees"
    __table_args__ = (
        Index("ix_employees_name", "last_name", "first_name"),
        # Name search matches the start of a name, case-insensitively, through these (0007).
        Index("ix_employees_last_name_lower", func.lower(text("last_name"))),
        Index("ix_employees_first_name_lower", func.lower(text("first_name"))),
        # The employees list's order by name, so a page of it is read in order (0023).
        Index("ix_employees_sort_name", func.lower(text("last_name")), func.lower(text("first_name")), text("id")),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    person_number: Mapped[str] = mapped_column(String(20), unique=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    date_of_birth: Mapped[date]
    sex: Mapped[str] = mapped_column(String(1))
    email: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    address: Mapped[str] = mapped_column(Text, default="")
    postcode: Mapped[str] = mapped_column(String(10), default="")
    # Survives TUPE; the start date with the current employer is Employment.start_date.
    continuous_service_date: Mapped[date]
    # For redundancy pay only: an earlier date where continuous service with other
    # local-government employers counts (Redundancy Payments (Continuity of Employment in Local
    # Government, etc.) (Modification) Order 1999); None: the continuous service date is used.
    redundancy_service_date: Mapped[date | None]
    trade_union_id: Mapped[int | None] = mapped_column(ForeignKey("trade_unions.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    version: Mapped[int] = mapped_column(default=1)

    employments: Mapped[list[Employment]] = relationship(
        back_populates="employee", order_by="Employment.start_date"
    )
    trade_union: Mapped[TradeUnion | None] = relationship()

    __mapper_args__ = {"version_id_col": version}

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def __repr__(self) -> str:
        return f"<Employee {self.person_number}>"


class Employment(Model):
    """A contract with one employer. A TUPE transfer ends one employment and begins another with
    the lead authority; the continuous service date on Employee is untouched."""

    __tablename__ = "employments"
    __table_args__ = (
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="dates_in_order"),
        Index("ix_employments_employee_start", "employee_id", "start_date"),
        Index("ix_employments_employer_end", "employer_id", "end_date"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id"))
    employer_id: Mapped[int] = mapped_column(ForeignKey("councils.id"))
    start_date: Mapped[date]
    end_date: Mapped[date | None]
    began_by: Mapped[str] = mapped_column(String(20), default="appointment")
    transfer_id: Mapped[int | None] = mapped_column(ForeignKey("transfers.id"))
    end_reason: Mapped[str] = mapped_column(String(100), default="")

    employee: Mapped[Employee] = relationship(back_populates="employments")
    employer: Mapped[Council] = relationship()
    assignments: Mapped[list[Assignment]] = relationship(
        back_populates="employment", order_by="Assignment.effective_from"
    )
    terms_records: Mapped[list[TermsRecord]] = relationship(
        back_populates="employment", order_by="TermsRecord.effective_from"
    )


class _Dated:
    """Columns every dated record carries: when it applies, why, and who recorded it."""

    effective_from: Mapped[date]
    effective_to: Mapped[date | None]
    reason: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Assignment(_Dated, Model):
    """A person in a post for a period: hours and spinal column point (or a local salary for
    chief officers, who are off the NJC spine)."""

    __tablename__ = "assignments"
    __table_args__ = (
        CheckConstraint("effective_to IS NULL OR effective_to >= effective_from", name="dates_in_order"),
        CheckConstraint("hours_per_week > 0 AND hours_per_week <= 48", name="hours_range"),
        Index("ix_assignments_employment_from", "employment_id", "effective_from"),
        Index("ix_assignments_post_from", "post_id", "effective_from"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    employment_id: Mapped[int] = mapped_column(ForeignKey("employments.id"))
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"))
    hours_per_week: Mapped[Decimal] = mapped_column(Hours)
    scp: Mapped[int | None]
    local_salary: Mapped[Decimal | None] = mapped_column(Money)  # chief officers only, full-time annual

    employment: Mapped[Employment] = relationship(back_populates="assignments")
    post: Mapped[Post] = relationship()


class TermsRecord(_Dated, Model):
    """Which terms and conditions someone is on, with its source: the employer's own current
    terms, or terms protected from a named transfer. The protected-terms snapshot itself is
    attached by the TUPE transfer capability."""

    __tablename__ = "terms_records"
    __table_args__ = (
        CheckConstraint("effective_to IS NULL OR effective_to >= effective_from", name="dates_in_order"),
        CheckConstraint("basis IN ('own', 'protected')", name="basis_known"),
        CheckConstraint("basis = 'own' OR transfer_id IS NOT NULL", name="protected_names_transfer"),
        Index("ix_terms_records_employment_from", "employment_id", "effective_from"),
        # The few protected terms, so the employees list filtered on them starts there (0023).
        Index("ix_terms_records_protected", "effective_to", "employment_id",
              sqlite_where=text("basis = 'protected'"), postgresql_where=text("basis = 'protected'")),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    employment_id: Mapped[int] = mapped_column(ForeignKey("employments.id"))
    basis: Mapped[str] = mapped_column(String(20))
    terms_council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"))  # whose terms they are
    transfer_id: Mapped[int | None] = mapped_column(ForeignKey("transfers.id"))
    # For protected terms: the frozen snapshot taken when the transfer completed.
    protected_terms_id: Mapped[int | None] = mapped_column(ForeignKey("protected_terms.id"))

    employment: Mapped[Employment] = relationship(back_populates="terms_records")
    terms_council: Mapped[Council] = relationship()
    transfer: Mapped[Transfer | None] = relationship()

