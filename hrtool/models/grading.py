"""Job evaluations of posts, and the harmonisation models HR drafts to cost a single structure."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from .evaluation import EvaluationFactor, PanelMember, SchemeVersion
from .org import Council
from .posts import Post

EVALUATION_STATUSES = ("draft", "agreed", "under appeal", "confirmed", "withdrawn")
GRADING_STATUSES = ("agreed", "under appeal", "confirmed")  # a draft grades nothing


class JobEvaluation(Model):
    """A post's points under the shared scheme, evaluated under one council's conventions (its
    factor-level interpretations) on a date. Re-evaluations add rows: history is kept.

    An evaluation is its factor levels (`factors`), and `score` is their points
    under `scheme_version` (computed, never typed). One made before that holds only a total:
    `scheme_version_id` is None and it is shown "total only (factor levels not recorded)"."""

    __tablename__ = "job_evaluations"
    __table_args__ = (Index("ix_job_evaluations_post_on", "post_id", "evaluated_on"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id"))
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"))  # whose conventions the panel applied
    score: Mapped[int]
    evaluated_on: Mapped[date]
    panel: Mapped[str] = mapped_column(Text, default="")
    factor_levels: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    notes: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    scheme_version_id: Mapped[int | None] = mapped_column(ForeignKey("jes_scheme_versions.id"))
    status: Mapped[str] = mapped_column(String(20), default="agreed", server_default="agreed")  # EVALUATION_STATUSES
    job_description: Mapped[str] = mapped_column(String(200), default="", server_default="")  # the JD version it was made from
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("job_evaluations.id"))  # an appeal's outcome
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    post: Mapped[Post] = relationship()
    council: Mapped[Council] = relationship()
    factors: Mapped[list[EvaluationFactor]] = relationship(order_by="EvaluationFactor.factor_number",
                                                           cascade="all, delete-orphan")
    panel_members: Mapped[list[PanelMember]] = relationship(order_by="PanelMember.id", cascade="all, delete-orphan")
    scheme_version: Mapped[SchemeVersion | None] = relationship()

    __mapper_args__ = {"version_id_col": version}

    @property
    def total_only(self) -> bool:
        """Made before factor levels were recorded: its points were typed in."""
        return self.scheme_version_id is None

    @property
    def grades(self) -> bool:
        return self.status in GRADING_STATUSES


class HarmonisationModel(Model):
    """A draft single grading structure (bands as data) and, once run, its saved results so
    models can be compared later."""

    __tablename__ = "harmonisation_models"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    based_on: Mapped[str] = mapped_column(String(40), default="draft")  # a council code, or "draft"
    # [{"grade", "points_min", "points_max", "scp_min", "scp_max"}, ...]
    bands: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    as_of: Mapped[date | None]
    # the local conventions the model re-evaluates posts under before grading them
    # (a council's set or a draft merged set); None grades each post's score as evaluated.
    convention_set_id: Mapped[int | None] = mapped_column(ForeignKey("jes_convention_sets.id"))
    results: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


class IncrementRun(Model):
    """An increment run applied for a council and date, so the same run is never applied twice."""

    __tablename__ = "increment_runs"
    __table_args__ = (Index("ix_increment_runs_council_on", "council_id", "run_on", unique=True),)
    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"))
    run_on: Mapped[date]
    moved: Mapped[int]
    not_moved: Mapped[int]
    applied_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    applied_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    council: Mapped[Council] = relationship()
