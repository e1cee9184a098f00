"""A transfer of a service's staff to its lead authority: the legal event behind protected terms
(DOMAIN.md 1 and 3.3). A transfer has its cohort (members), its checklist of statutory and
practical steps, and on completion each member's terms become an immutable snapshot."""
from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, CheckConstraint, DateTime, ForeignKey, Index, String, Text, UniqueConstraint, func
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from .org import Council, Service

if TYPE_CHECKING:  # a relationship names its class; the registry resolves it at run time
    from .people import Employee, Employment

LEGAL_BASES = {
    "tupe": "TUPE 2006",
    "cosop": "TUPE-equivalent under the Cabinet Office Statement of Practice (COSOP)",
    "s113": "Placement under s.113 Local Government Act 1972",
}
TRANSFER_STATUSES = ("planned", "completed", "cancelled", "withdrawn")


class Transfer(Model):
    __tablename__ = "transfers"
    __table_args__ = (
        CheckConstraint("transferor_id <> transferee_id", name="different_councils"),
        CheckConstraint("legal_basis IN ('tupe', 'cosop', 's113')", name="legal_basis_known"),
        CheckConstraint("status IN ('planned', 'completed', 'cancelled', 'withdrawn')", name="status_known"),
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
    # Measures each side envisages in connection with the transfer (TUPE reg. 13(2)(d)); an empty
    # text with the flag set means "none", stated, not forgotten.
    transferor_measures: Mapped[str] = mapped_column(Text, default="", server_default="")
    transferor_measures_none: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    transferee_measures: Mapped[str] = mapped_column(Text, default="", server_default="")
    transferee_measures_none: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    implications: Mapped[str] = mapped_column(Text, default="", server_default="")  # legal, economic and social implications
    agency_workers: Mapped[str] = mapped_column(Text, default="", server_default="")
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), server_default=func.now())
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    # Withdrawn: the cohort released, pending letters cancelled, the unions told.
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    withdrawal_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Completed with legal steps unmet: the completion guard's unmet steps as they
    # stood ([{"key", "title", "detail"}]) and why it was completed all the same.
    completion_unmet: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    completion_reason: Mapped[str] = mapped_column(Text, default="", server_default="")

    service: Mapped[Service] = relationship()
    transferor: Mapped[Council] = relationship(foreign_keys=[transferor_id])
    transferee: Mapped[Council] = relationship(foreign_keys=[transferee_id])
    members: Mapped[list[TransferMember]] = relationship(back_populates="transfer", order_by="TransferMember.id")
    checklist: Mapped[list[ChecklistItem]] = relationship(back_populates="transfer", order_by="ChecklistItem.due_on")

    __mapper_args__ = {"version_id_col": version}


class TransferMember(Model):
    """One person in a transfer's cohort: proposed from who is assigned to the service at the
    transferor on the transfer date, confirmed by HR, added or removed with a reason."""

    __tablename__ = "transfer_members"
    __table_args__ = (
        UniqueConstraint("transfer_id", "employee_id"),
        CheckConstraint("status IN ('proposed', 'confirmed', 'removed', 'transferred', 'objected', 'released')",
                        name="status_known"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    transfer_id: Mapped[int] = mapped_column(ForeignKey("transfers.id"))
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id"), index=True)
    employment_id: Mapped[int] = mapped_column(ForeignKey("employments.id"))  # with the transferor
    status: Mapped[str] = mapped_column(String(20), default="proposed")
    reason: Mapped[str] = mapped_column(Text, default="")  # why added or removed by hand
    objected_on: Mapped[date | None]
    objection_note: Mapped[str] = mapped_column(Text, default="")
    eli_cases_checked_on: Mapped[date | None]  # disciplinary, grievance and claims checked for the ELI
    new_employment_id: Mapped[int | None] = mapped_column(ForeignKey("employments.id"))

    transfer: Mapped[Transfer] = relationship(back_populates="members")
    employee: Mapped[Employee] = relationship()
    employment: Mapped[Employment] = relationship(foreign_keys=[employment_id])


class ChecklistItem(Model):
    """A step of the transfer, due a number of days before the transfer date (rules as data)."""

    __tablename__ = "transfer_checklist_items"
    __table_args__ = (UniqueConstraint("transfer_id", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    transfer_id: Mapped[int] = mapped_column(ForeignKey("transfers.id"))
    key: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[date]
    done_on: Mapped[date | None]
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(Text, default="")

    transfer: Mapped[Transfer] = relationship(back_populates="checklist")


class TermsPackage(Model):
    """A council's terms and conditions, dated and versioned: structured where a term can be
    (days, months, rates), text where it cannot."""

    __tablename__ = "terms_packages"
    __table_args__ = (
        CheckConstraint("effective_to IS NULL OR effective_to >= effective_from", name="dates_in_order"),
        Index("ix_terms_packages_council_from", "council_id", "effective_from"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"))
    name: Mapped[str] = mapped_column(String(200))
    effective_from: Mapped[date]
    effective_to: Mapped[date | None]
    working_week_hours: Mapped[str] = mapped_column(String(10))  # Decimal as text
    annual_leave: Mapped[list[dict[str, Any]]] = mapped_column(JSON)  # [{"from_years": 0, "days": 25}, ...]
    notice: Mapped[list[dict[str, Any]]] = mapped_column(JSON)  # [{"grades": "A-F", "months": 1}, ...]
    standby: Mapped[dict[str, Any]] = mapped_column(JSON)  # rates in pounds as text
    overtime: Mapped[str] = mapped_column(Text, default="")
    additional_hours: Mapped[str] = mapped_column(Text, default="")
    car_allowance: Mapped[str] = mapped_column(Text, default="")
    clauses: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)  # [{"title", "text"}]
    source: Mapped[str] = mapped_column(Text, default="")

    council: Mapped[Council] = relationship()


class ProtectedTerms(Model):
    """The terms a person was on the day before their transfer, frozen: the package they were on
    and their own particulars. Immutable (the database refuses UPDATE and DELETE)."""

    __tablename__ = "protected_terms"
    id: Mapped[int] = mapped_column(primary_key=True)
    transfer_id: Mapped[int] = mapped_column(ForeignKey("transfers.id"), index=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id"), index=True)
    terms_council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"))
    terms_package_id: Mapped[int | None] = mapped_column(ForeignKey("terms_packages.id"))
    taken_on: Mapped[date]  # the day before the transfer: what was true then
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), server_default=func.now())

    transfer: Mapped[Transfer] = relationship()


class Election(Model):
    """A person's choice to move from protected terms onto the lead authority's own terms, from
    a date: a one-way door. Recorded by the employee or by HR for them; HR countersigns, and only
    then does the terms basis change."""

    __tablename__ = "elections"
    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id"), index=True)
    employment_id: Mapped[int] = mapped_column(ForeignKey("employments.id"), unique=True)
    effective_from: Mapped[date]
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    understood_irreversible: Mapped[bool]
    countersigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    countersigned_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class EmployeeCase(Model):
    """A disciplinary or grievance matter, or a claim, kept for the employee liability
    information a transferor must give (TUPE reg. 11(2)(c)-(d))."""

    __tablename__ = "employee_cases"
    __table_args__ = (CheckConstraint("kind IN ('disciplinary', 'grievance', 'claim')", name="kind_known"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    opened_on: Mapped[date]
    closed_on: Mapped[date | None]
    summary: Mapped[str] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(Text, default="")

