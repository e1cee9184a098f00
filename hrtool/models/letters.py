"""Letters: templates as versioned data, and the register of every letter sent with exactly
what it said (the PDF itself), so it can be proved years later. Sent letters never change."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Date, DateTime, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint, func, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model


class LetterTemplate(Model):
    """A letter type (e.g. the TUPE regulation 13 letter to union representatives)."""

    __tablename__ = "letter_templates"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    audience: Mapped[str] = mapped_column(String(20))  # employee / union
    description: Mapped[str] = mapped_column(Text, default="")

    versions: Mapped[list[LetterTemplateVersion]] = relationship(
        back_populates="template", order_by="LetterTemplateVersion.version")


class LetterTemplateVersion(Model):
    """One version of a template's text, with named fields filled from the records. Versions are
    kept; a letter names the version it was made from."""

    __tablename__ = "letter_template_versions"
    __table_args__ = (UniqueConstraint("template_id", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("letter_templates.id"))
    version: Mapped[int]
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), server_default=func.now())

    template: Mapped[LetterTemplate] = relationship(back_populates="versions")


class LetterBatch(Model):
    __tablename__ = "letter_batches"
    id: Mapped[int] = mapped_column(primary_key=True)
    template_version_id: Mapped[int] = mapped_column(ForeignKey("letter_template_versions.id"))
    description: Mapped[str] = mapped_column(Text, default="")
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    count: Mapped[int] = mapped_column(default=0)


class Letter(Model):
    """A letter as sent: its reference, addressee, the fields it was filled with, and the PDF
    bytes with their SHA-256. Immutable (the database refuses UPDATE and DELETE)."""

    __tablename__ = "letters"
    __table_args__ = (
        Index("ix_letters_employee", "employee_id"),
        Index("ix_letters_union", "union_id"),
        Index("ix_letters_transfer", "transfer_id"),
        Index("ix_letters_source", "source_kind", "source_id"),
        Index("ix_letters_restructure", "restructure_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    template_version_id: Mapped[int] = mapped_column(ForeignKey("letter_template_versions.id"))
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("letter_batches.id"))
    letter_type: Mapped[str] = mapped_column(String(60))
    employee_id: Mapped[int | None] = mapped_column(ForeignKey("employees.id"))
    union_id: Mapped[int | None] = mapped_column(ForeignKey("trade_unions.id"))
    transfer_id: Mapped[int | None] = mapped_column(ForeignKey("transfers.id"))
    restructure_id: Mapped[int | None] = mapped_column(ForeignKey("restructures.id"))
    # The record the letter was filled from (see hrtool/letters/types.py), e.g. a cohort member.
    source_kind: Mapped[str] = mapped_column(String(30), default="", server_default="")
    source_id: Mapped[int | None]
    # A correction is a new letter naming the one it corrects; the old one is never changed.
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("letters.id"))
    correction_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    subject: Mapped[str] = mapped_column(String(300))
    addressee: Mapped[str] = mapped_column(Text)
    fields: Mapped[dict[str, Any]] = mapped_column(JSON)
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    template_version: Mapped[LetterTemplateVersion] = relationship()
    issued_by: Mapped[User | None] = relationship(foreign_keys=[issued_by_id])
    batch: Mapped[LetterBatch | None] = relationship()
    acknowledgement: Mapped[LetterAcknowledgement | None] = relationship(back_populates="letter", uselist=False)


class LetterAcknowledgement(Model):
    """An acknowledgement that a letter was received: by a union representative for their union,
    or by the employee a letter is addressed to (no union). Kept apart from the
    letter, which never changes."""

    __tablename__ = "letter_acknowledgements"
    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("letters.id"), unique=True)
    union_id: Mapped[int | None] = mapped_column(ForeignKey("trade_unions.id"))
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    acknowledged_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    letter: Mapped[Letter] = relationship(back_populates="acknowledgement")
    acknowledged_by: Mapped[User | None] = relationship()


class LetterJob(Model):
    """A batch of letters being made in the background: its progress for the status page, and
    the batch once every letter is in the register. Nothing of a failed job reaches the
    register: the letters are written in one transaction at the end."""

    __tablename__ = "letter_jobs"
    __table_args__ = (
        CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name="status_known"),
        # One active job per batch: the same batch started twice makes one job.
        Index("uq_letter_jobs_active", "letter_type", "scope_kind", "scope_id", unique=True,
              sqlite_where=text("status IN ('queued', 'running')"),
              postgresql_where=text("status IN ('queued', 'running')")),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    letter_type: Mapped[str] = mapped_column(String(60))
    scope_kind: Mapped[str] = mapped_column(String(20))  # transfer / restructure
    scope_id: Mapped[int]
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="queued")
    total: Mapped[int] = mapped_column(default=0)
    done: Mapped[int] = mapped_column(default=0)
    error: Mapped[str] = mapped_column(Text, default="")
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("letter_batches.id"))
    # the heartbeat (a "running" job with none for a minute is shown failed), HR's reason
    # for sending the letter again to people who have it, and how many were skipped as written to.
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reissue_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    skipped: Mapped[int] = mapped_column(default=0, server_default="0")
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")  # runs begun (a killed worker's)
    letter_date: Mapped[date | None] = mapped_column(Date)  # the date the letters bear


class LetterCounter(Model):
    """A sequence of numbers: "letter_reference" numbers the letters' references. Its
    row is locked and moved on in the transaction that writes the letters, so references are
    unique and without gaps whatever the number of workers (a failed batch rolls it back too)."""

    __tablename__ = "letter_counters"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    last_number: Mapped[int] = mapped_column(default=0, server_default="0")


class ConsultationNote(Model):
    """A union's response to consultation, or notes of a meeting, recorded against a transfer or
    restructure (union representatives record their own; HR can too)."""

    __tablename__ = "consultation_notes"
    id: Mapped[int] = mapped_column(primary_key=True)
    union_id: Mapped[int] = mapped_column(ForeignKey("trade_unions.id"), index=True)
    transfer_id: Mapped[int | None] = mapped_column(ForeignKey("transfers.id"))
    restructure_id: Mapped[int | None] = mapped_column(ForeignKey("restructures.id"))
    letter_id: Mapped[int | None] = mapped_column(ForeignKey("letters.id"))
    kind: Mapped[str] = mapped_column(String(20))  # response / meeting
    body: Mapped[str] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


from .accounts import User  # noqa: E402  (resolves the annotation above)
