"""Long work done by the job queue's workers: one row per job, for its page.

The queue (Huey: hrtool/jobs/) carries only the job's id; this row is the truth about it: what
it is, who asked, its progress and heartbeat, and its outcome in plain words. A worker killed
mid-job leaves the row "running" with a heartbeat that stops: the sweeper fails it within a
minute (or queues it again), and since a job writes its results in one transaction at its end,
nothing half-written is left behind."""
from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, String, Text, func, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model

if TYPE_CHECKING:
    from .accounts import User

ACTIVE = "status IN ('queued', 'running')"


class Job(Model):
    __tablename__ = "jobs"
    __table_args__ = (
        CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name="status_known"),
        # One active job per key: a pay award run or an import asked for twice makes one job.
        Index("uq_jobs_active_key", "dedupe_key", unique=True,
              sqlite_where=text(f"{ACTIVE} AND dedupe_key IS NOT NULL"),
              postgresql_where=text(f"{ACTIVE} AND dedupe_key IS NOT NULL")),
        Index("ix_jobs_status", "status"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="queued")
    params_json: Mapped[str] = mapped_column("params", Text, default="{}")
    result_json: Mapped[str] = mapped_column("result", Text, default="{}")
    outcome: Mapped[str] = mapped_column(Text, default="")  # plain words, on success
    error: Mapped[str] = mapped_column(Text, default="")  # plain words and an error reference, never SQL
    total: Mapped[int] = mapped_column(default=0)
    done: Mapped[int] = mapped_column(default=0)
    attempts: Mapped[int] = mapped_column(default=0)
    dedupe_key: Mapped[str | None] = mapped_column(String(200))
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    retry_of_id: Mapped[int | None] = mapped_column(ForeignKey("jobs.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # the heartbeat

    requested_by: Mapped[User | None] = relationship(foreign_keys=[requested_by_id])

    @property
    def params(self) -> dict[str, Any]:
        params: dict[str, Any] = json.loads(self.params_json or "{}")
        return params

    @property
    def result(self) -> dict[str, Any]:
        result: dict[str, Any] = json.loads(self.result_json or "{}")
        return result

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else (100 if self.status == "done" else 0)

    @property
    def active(self) -> bool:
        return self.status in ("queued", "running")
