"""The NJC Job Evaluation Scheme as data: the factor plan by dated version, each
council's local conventions (and draft merged sets), an evaluation's factor levels and panel,
and appeals against an evaluation.

An evaluation's points are never typed: they are the sum of the points of its factor levels under
the scheme version in force on the evaluation date (hrtool/domain/job_evaluation.py). The points
are kept on `JobEvaluation.score` because grading reads them on every date (post_grades), and are
recomputed in the same unit of work whenever the levels or the version's points change."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, DateTime, ForeignKey, Index, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from .org import Council


class SchemeVersion(Model):
    """The factor plan in force from a date: each version holds all 13 factors and their levels.
    A new version starts from a date and never changes evaluations made before it."""

    __tablename__ = "jes_scheme_versions"
    __table_args__ = (UniqueConstraint("effective_from", name="uq_jes_scheme_versions_effective_from"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    effective_from: Mapped[date]
    name: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(Text, default="", server_default="")  # where the weights come from, and their caveat
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    factors: Mapped[list[SchemeFactor]] = relationship(back_populates="version", order_by="SchemeFactor.number",
                                                       cascade="all, delete-orphan")


class SchemeFactor(Model):
    __tablename__ = "jes_factors"
    __table_args__ = (UniqueConstraint("version_id", "number", name="uq_jes_factors_version_number"),
                      CheckConstraint("number BETWEEN 1 AND 13", name="ck_jes_factors_number"))
    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("jes_scheme_versions.id"))
    number: Mapped[int]
    name: Mapped[str] = mapped_column(String(200))
    group: Mapped[str] = mapped_column("factor_group", String(100))  # knowledge and skills, effort, ...
    definition: Mapped[str] = mapped_column(Text, default="", server_default="")

    version: Mapped[SchemeVersion] = relationship(back_populates="factors")
    levels: Mapped[list[SchemeLevel]] = relationship(back_populates="factor", order_by="SchemeLevel.level",
                                                     cascade="all, delete-orphan")


class SchemeLevel(Model):
    __tablename__ = "jes_levels"
    __table_args__ = (UniqueConstraint("factor_id", "level", name="uq_jes_levels_factor_level"),
                      CheckConstraint("level >= 1 AND points >= 0", name="ck_jes_levels_positive"))
    id: Mapped[int] = mapped_column(primary_key=True)
    factor_id: Mapped[int] = mapped_column(ForeignKey("jes_factors.id"))
    level: Mapped[int]
    points: Mapped[int]
    definition: Mapped[str] = mapped_column(Text, default="", server_default="")  # short text an administrator edits

    factor: Mapped[SchemeFactor] = relationship(back_populates="levels")


class ConventionSet(Model):
    """A set of local conventions: a council's own (one per council), or a draft merged set a
    harmonisation model can use, where each situation's level is chosen."""

    __tablename__ = "jes_convention_sets"
    __table_args__ = (UniqueConstraint("name", name="uq_jes_convention_sets_name"),
                      UniqueConstraint("council_id", name="uq_jes_convention_sets_council_id"))
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    council_id: Mapped[int | None] = mapped_column(ForeignKey("councils.id"))  # None: a draft set
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    council: Mapped[Council | None] = relationship()
    conventions: Mapped[list[Convention]] = relationship(back_populates="convention_set",
                                                         cascade="all, delete-orphan")

    @property
    def is_draft(self) -> bool:
        return self.council_id is None


class Situation(Model):
    """A situation that recurs in jobs, for one factor ("Line manages a team of 5 to 9 staff"): the
    thing a convention gives a level to, and what lets two councils' conventions be set side by side."""

    __tablename__ = "jes_situations"
    __table_args__ = (UniqueConstraint("factor_number", "text", name="uq_jes_situations_factor_text"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    factor_number: Mapped[int]
    text: Mapped[str] = mapped_column(String(500))


class Convention(Model):
    """One agreed reading: in this set, this situation is this factor level. Never edited once
    agreed: a change is a new convention that supersedes it (history is kept); a withdrawn one
    has `superseded_on` and no successor."""

    __tablename__ = "jes_conventions"
    __table_args__ = (Index("ix_jes_conventions_set_situation", "set_id", "situation_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    set_id: Mapped[int] = mapped_column(ForeignKey("jes_convention_sets.id"))
    situation_id: Mapped[int] = mapped_column(ForeignKey("jes_situations.id"))
    level: Mapped[int]
    rationale: Mapped[str] = mapped_column(Text, default="", server_default="")
    agreed_on: Mapped[date | None]
    agreed_by: Mapped[str] = mapped_column(Text, default="", server_default="")  # the joint panel: management and union side
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("jes_conventions.id"))
    superseded_on: Mapped[date | None]
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    convention_set: Mapped[ConventionSet] = relationship(back_populates="conventions")
    situation: Mapped[Situation] = relationship()
    superseded_by: Mapped[Convention | None] = relationship(remote_side=[id])

    @property
    def current(self) -> bool:
        """In use: neither superseded by a newer reading nor withdrawn."""
        return self.superseded_on is None


class EvaluationFactor(Model):
    """The level an evaluation gives one factor, its points under the evaluation's scheme
    version, and the convention that decided it (if one did)."""

    __tablename__ = "job_evaluation_factors"
    __table_args__ = (UniqueConstraint("evaluation_id", "factor_number", name="uq_job_evaluation_factors"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("job_evaluations.id"))
    factor_number: Mapped[int]
    level: Mapped[int]
    points: Mapped[int]
    convention_id: Mapped[int | None] = mapped_column(ForeignKey("jes_conventions.id"))
    note: Mapped[str] = mapped_column(Text, default="", server_default="")

    convention: Mapped[Convention | None] = relationship()


class PanelMember(Model):
    __tablename__ = "job_evaluation_panel"
    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("job_evaluations.id"))
    name: Mapped[str] = mapped_column(String(200))
    side: Mapped[str] = mapped_column(String(20))  # management / union
    role: Mapped[str] = mapped_column(String(200), default="", server_default="")  # e.g. "UNISON branch secretary"


class EvaluationAppeal(Model):
    """An employee's appeal against their post's evaluation, on named factors with reasons. The
    appeal panel's outcome either confirms the evaluation or makes a new dated one."""

    __tablename__ = "job_evaluation_appeals"
    __table_args__ = (Index("ix_job_evaluation_appeals_evaluation", "evaluation_id"),
                      Index("ix_job_evaluation_appeals_employee", "employee_id"))
    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("job_evaluations.id"))
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id"))
    lodged_on: Mapped[date]
    # [{"factor": 10, "reasons": "...", "level_sought": 4 | None}, ...]
    grounds: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(20), default="lodged", server_default="lodged")  # lodged / decided / withdrawn
    outcome: Mapped[str] = mapped_column(String(20), default="", server_default="")  # upheld / partly upheld / not upheld
    decided_on: Mapped[date | None]
    effective_from: Mapped[date | None]  # the date the new evaluation (and grade) takes effect
    appeal_panel: Mapped[str] = mapped_column(Text, default="", server_default="")
    outcome_notes: Mapped[str] = mapped_column(Text, default="", server_default="")
    new_evaluation_id: Mapped[int | None] = mapped_column(ForeignKey("job_evaluations.id"))
    # The appellant's point in the post on `effective_from` under the evaluation appealed, taken
    # before the outcome is recorded ({"scp": int | None, "local_salary": str | None}): the
    # letter's "before". The day before would be wrong when the appealed evaluation itself
    # changed the grade that day (an appeal against a downgrade, upheld from its date).
    pay_before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    withdrawn_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    lodged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    evaluation: Mapped[Any] = relationship("JobEvaluation", foreign_keys=[evaluation_id])
    new_evaluation: Mapped[Any] = relationship("JobEvaluation", foreign_keys=[new_evaluation_id])
    employee: Mapped[Any] = relationship("Employee")

    __mapper_args__ = {"version_id_col": version}
