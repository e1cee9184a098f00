"""Restructures that go live (issue 15): a restructure implemented on its effective date, and
what the implementation changed.

`restructure_implementations` holds who implemented a restructure, when and why, the reason HR
gave for going ahead with current postholders not yet appointed, and (if it was undone before
the date) who undid it, when and why. A partial unique index lets at most one implementation of
a restructure stand (not undone) at a time, so two submissions cannot both implement it.

`restructure_changes` holds each thing an implementation changed: an establishment post opened
from a proposed post, an old post closed (with its closing date before), a person moved into a
new post (the assignment closed and the one opened), a pay protection created or linked to the
new post. The restructure page lists them, and undoing reverses exactly them.

No existing rows change: restructures keep their status (a new value, "implemented", is used
from now on).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03 13:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "restructure_implementations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("restructure_id", sa.Integer(), nullable=False),
        sa.Column("effective_date", sa.Date(), nullable=False),
        sa.Column("status_before", sa.String(length=20), nullable=False),
        sa.Column("implemented_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("implemented_by_id", sa.Integer(), nullable=True),
        sa.Column("implemented_by", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("gaps_reason", sa.Text(), nullable=False),
        sa.Column("undone_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("undone_by_id", sa.Integer(), nullable=True),
        sa.Column("undone_by", sa.String(length=200), nullable=False),
        sa.Column("undo_reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["restructure_id"], ["restructures.id"],
                                name=op.f("fk_restructure_implementations_restructure_id_restructures")),
        sa.ForeignKeyConstraint(["implemented_by_id"], ["users.id"],
                                name=op.f("fk_restructure_implementations_implemented_by_id_users")),
        sa.ForeignKeyConstraint(["undone_by_id"], ["users.id"],
                                name=op.f("fk_restructure_implementations_undone_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_restructure_implementations")),
    )
    with op.batch_alter_table("restructure_implementations") as batch:
        batch.create_index(batch.f("ix_restructure_implementations_restructure_id"), ["restructure_id"], unique=False)
        batch.create_index("uq_restructure_implementations_standing", ["restructure_id"], unique=True,
                           sqlite_where=sa.text("undone_at IS NULL"), postgresql_where=sa.text("undone_at IS NULL"))
    op.create_table(
        "restructure_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("implementation_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("structure_post_id", sa.Integer(), nullable=True),
        sa.Column("post_id", sa.Integer(), nullable=True),
        sa.Column("employee_id", sa.Integer(), nullable=True),
        sa.Column("appointment_id", sa.Integer(), nullable=True),
        sa.Column("assignment_id", sa.Integer(), nullable=True),
        sa.Column("previous_assignment_id", sa.Integer(), nullable=True),
        sa.Column("protection_id", sa.Integer(), nullable=True),
        sa.Column("previous_end", sa.Date(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.CheckConstraint("kind IN ('post_opened', 'post_closed', 'moved', 'protection_created', "
                           "'protection_linked')", name=op.f("ck_restructure_changes_kind_known")),
        sa.ForeignKeyConstraint(["implementation_id"], ["restructure_implementations.id"],
                                name=op.f("fk_restructure_changes_implementation_id_restructure_implementations")),
        sa.ForeignKeyConstraint(["structure_post_id"], ["structure_posts.id"],
                                name=op.f("fk_restructure_changes_structure_post_id_structure_posts")),
        sa.ForeignKeyConstraint(["post_id"], ["posts.id"], name=op.f("fk_restructure_changes_post_id_posts")),
        sa.ForeignKeyConstraint(["employee_id"], ["employees.id"],
                                name=op.f("fk_restructure_changes_employee_id_employees")),
        sa.ForeignKeyConstraint(["appointment_id"], ["appointments.id"],
                                name=op.f("fk_restructure_changes_appointment_id_appointments")),
        sa.ForeignKeyConstraint(["assignment_id"], ["assignments.id"],
                                name=op.f("fk_restructure_changes_assignment_id_assignments")),
        sa.ForeignKeyConstraint(["previous_assignment_id"], ["assignments.id"],
                                name=op.f("fk_restructure_changes_previous_assignment_id_assignments")),
        sa.ForeignKeyConstraint(["protection_id"], ["protections.id"],
                                name=op.f("fk_restructure_changes_protection_id_protections")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_restructure_changes")),
    )
    with op.batch_alter_table("restructure_changes") as batch:
        batch.create_index(batch.f("ix_restructure_changes_implementation_id"), ["implementation_id"], unique=False)


def downgrade() -> None:
    op.drop_table("restructure_changes")
    op.drop_table("restructure_implementations")
