"""Mail that reaches people: the outbox, one row per message.

Every message hrtool sends is first a row here: a short notice that a letter is waiting, or an
HR officer's daily digest. A worker delivers it through SMTP when a mail server is configured
(status "sent"); without one it stays "kept_in_outbox" for an administrator to read on the
outbox page. A failure to send leaves it "queued" with the reason in plain words (the queue
tries again), or "failed" once the mail server refuses it for good or every attempt is spent.

Bodies hold no personal content of a letter (no salary, no address, no other person's name):
only that a letter is waiting, its type and reference, and a link (services/letters/mail.py)."""
from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model

if TYPE_CHECKING:
    from .accounts import User

KINDS = ("letter_waiting", "daily_digest")
STATUSES = ("queued", "sent", "failed", "kept_in_outbox")


class OutboxMessage(Model):
    __tablename__ = "mail_outbox"
    __table_args__ = (
        CheckConstraint("kind IN ('letter_waiting', 'daily_digest')", name="kind_known"),
        CheckConstraint("status IN ('queued', 'sent', 'failed', 'kept_in_outbox')", name="status_known"),
        # One digest per person per day: the daily run made twice (a retry, a second scheduler)
        # sends it once. Letter notices leave digest_on empty (NULLs never collide).
        UniqueConstraint("kind", "to_user_id", "digest_on", name="uq_mail_outbox_digest_per_day"),
        Index("ix_mail_outbox_status_created", "status", "created_at"),
        Index("ix_mail_outbox_created", "created_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(String(200))
    to_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)  # plain text
    digest_on: Mapped[date | None]  # the day a daily digest is for
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(20), default="queued")
    attempts: Mapped[int] = mapped_column(default=0)
    # While a worker sends it: no other worker takes it until then (a worker killed mid-send
    # leaves it to be taken again once this has passed).
    sending_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    error: Mapped[str] = mapped_column(Text, default="")  # plain words, never a server's raw reply

    to_user: Mapped[User | None] = relationship()

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)


STATUS_LABELS = {"queued": "Waiting to be sent", "sent": "Sent", "failed": "Not sent (given up)",
                 "kept_in_outbox": "Kept in the outbox (no mail server)"}
KIND_LABELS = {"letter_waiting": "A letter is waiting", "daily_digest": "HR daily digest"}
