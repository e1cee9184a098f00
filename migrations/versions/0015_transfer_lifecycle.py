"""Transfers through their whole life (issue 15): a transfer can be withdrawn, and completing
one records the legal steps that were not met and why it was completed anyway.

- `transfers.status` may be `withdrawn` (besides planned, completed and the older cancelled),
  with who withdrew it, when and why (`withdrawn_at`, `withdrawn_by_id`, `withdrawal_reason`).
- `transfers.completion_unmet` (JSON: the steps of the completion guard not met when it was
  completed, each `{"key", "title", "detail"}`) and `completion_reason` (why it was completed
  all the same); both empty for transfers completed before this revision.
- `transfer_members.status` may be `released`: the cohort of a withdrawn transfer is released
  (their membership ends; their employment does not change).

- The letter telling each union that a transfer is withdrawn: where letter templates are held
  already (an existing database) and this one is not, its version 1 from
  hrtool/reference_data/letters/transfer_withdrawn.txt (a new database gets it with the rest of
  the reference data).

Downgrading refuses while any transfer is withdrawn or any member released (their status would
break the older constraint), then removes that template if this upgrade added it and no letter
was made from it, and the columns.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 13:00:00
"""
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

TRANSFER_STATUSES_BEFORE = "status IN ('planned', 'completed', 'cancelled')"
TRANSFER_STATUSES = "status IN ('planned', 'completed', 'cancelled', 'withdrawn')"
MEMBER_STATUSES_BEFORE = "status IN ('proposed', 'confirmed', 'removed', 'transferred', 'objected')"
MEMBER_STATUSES = "status IN ('proposed', 'confirmed', 'removed', 'transferred', 'objected', 'released')"
TEMPLATE_KEY = "transfer_withdrawn"
ADDED_NOTE = "added by the upgrade to revision 0015"
TEMPLATE_FILE = Path(__file__).resolve().parents[2] / "hrtool" / "reference_data" / "letters" / f"{TEMPLATE_KEY}.txt"


def _add_template() -> None:
    bind = op.get_bind()
    if not bind.execute(sa.text("SELECT count(*) FROM letter_templates")).scalar():
        return  # an empty database: the reference data brings it
    if bind.execute(sa.text("SELECT id FROM letter_templates WHERE key = :k"), {"k": TEMPLATE_KEY}).first():
        return
    head, _, body = TEMPLATE_FILE.read_text(encoding="utf-8").partition("\n---\n")
    bind.execute(sa.text("INSERT INTO letter_templates (key, name, audience, description) VALUES (:k, :n, 'union', :d)"),
                 {"k": TEMPLATE_KEY, "n": "Transfer withdrawn: letter to the unions",
                  "d": "Filled from: transfer withdrawn"})
    template_id = bind.execute(sa.text("SELECT id FROM letter_templates WHERE key = :k"), {"k": TEMPLATE_KEY}).scalar()
    bind.execute(sa.text("INSERT INTO letter_template_versions (template_id, version, subject, body, note) "
                         "VALUES (:t, 1, :s, :b, :n)"),
                 {"t": template_id, "s": head.removeprefix("subject:").strip(), "b": body.strip() + "\n",
                  "n": f"Initial wording shipped with hrtool ({ADDED_NOTE})"})


def _remove_template() -> None:
    bind = op.get_bind()
    template_id = bind.execute(sa.text("SELECT id FROM letter_templates WHERE key = :k"), {"k": TEMPLATE_KEY}).scalar()
    if template_id is None:
        return
    # Only what the upgrade added (its version's note says so), and only if no letter was made from it.
    added = bind.execute(sa.text("SELECT count(*) FROM letter_template_versions WHERE template_id = :t "
                                 "AND version = 1 AND note LIKE :n"), {"t": template_id, "n": f"%{ADDED_NOTE}%"}).scalar()
    used = bind.execute(sa.text("SELECT count(*) FROM letters JOIN letter_template_versions v "
                                "ON v.id = letters.template_version_id WHERE v.template_id = :t"),
                        {"t": template_id}).scalar()
    if not added or used:
        return
    bind.execute(sa.text("DELETE FROM letter_template_versions WHERE template_id = :t"), {"t": template_id})
    bind.execute(sa.text("DELETE FROM letter_templates WHERE id = :t"), {"t": template_id})


def upgrade() -> None:
    with op.batch_alter_table("transfers", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_transfers_status_known"), type_="check")
        batch_op.create_check_constraint("status_known", TRANSFER_STATUSES)
        batch_op.add_column(sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("withdrawn_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("withdrawal_reason", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("completion_unmet", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("completion_reason", sa.Text(), nullable=False, server_default=""))
        batch_op.create_foreign_key(batch_op.f("fk_transfers_withdrawn_by_id_users"), "users", ["withdrawn_by_id"],
                                    ["id"])
    with op.batch_alter_table("transfer_members", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_transfer_members_status_known"), type_="check")
        batch_op.create_check_constraint("status_known", MEMBER_STATUSES)
    _add_template()


def downgrade() -> None:
    bind = op.get_bind()
    withdrawn = bind.execute(sa.text("SELECT count(*) FROM transfers WHERE status = 'withdrawn'")).scalar()
    released = bind.execute(sa.text("SELECT count(*) FROM transfer_members WHERE status = 'released'")).scalar()
    if withdrawn or released:
        raise RuntimeError(f"{withdrawn} withdrawn transfers and {released} released cohort members are held: "
                           "revision 0014 cannot hold them, so the downgrade stops here")
    _remove_template()
    with op.batch_alter_table("transfer_members", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_transfer_members_status_known"), type_="check")
        batch_op.create_check_constraint("status_known", MEMBER_STATUSES_BEFORE)
    with op.batch_alter_table("transfers", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_transfers_withdrawn_by_id_users"), type_="foreignkey")
        batch_op.drop_column("completion_reason")
        batch_op.drop_column("completion_unmet")
        batch_op.drop_column("withdrawal_reason")
        batch_op.drop_column("withdrawn_by_id")
        batch_op.drop_column("withdrawn_at")
        batch_op.drop_constraint(batch_op.f("ck_transfers_status_known"), type_="check")
        batch_op.create_check_constraint("status_known", TRANSFER_STATUSES_BEFORE)
