"""Rules that know they are due (issue 14): an existing database gets the rule settings that say
how long after its expected date a dated rule may go without a new value before `hrtool rules
status` calls it overdue. A policy's review date needs no schema change: it is `review_on`
(YYYY-MM-DD) in the policy's body.

Data only, and only where reference data is already held (a new, empty database gets these when
its reference data is loaded). Each setting is added only if its key is absent, so an
administrator's own values are never touched; downgrading deletes only the rows this added. The
pay awards and spine years of the 2025 agreement come with `hrtool load-reference --update`
(README: the yearly round), which applies them through the pay spine service.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 11:30:00
"""
from datetime import date

import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

ADDED = " (Added to this database by the upgrade to revision 0014.)"
FROM = date(2000, 4, 1)  # reference_data.ILLUSTRATIVE_FROM

# As this revision knows them (copied from reference_data.RULE_SETTINGS, so the migration does the
# same whatever later releases change).
SETTINGS = [
    ("pay_award_overdue_days", "334",
     ("Days after 1 April that the pay award for the pay year begun may stay provisional (or unrecorded) before "
      "hrtool rules status calls it overdue. NJC awards are often agreed months late (2024/25 on 22 October "
      "2024, 2025/26 on 23 July 2025; 2021/22 on 28 February 2022, 333 days after its 1 April).")),
    ("statutory_limit_overdue_days", "0",
     ("Days after 6 April that a statutory limit may go without a value for the new year before hrtool rules "
      "status calls it overdue (the Increase of Limits Order is made before 6 April each year).")),
    ("policy_review_overdue_days", "0",
     "Days after a policy's review date (review_on in its body) before hrtool rules status calls it overdue."),
]

rule_settings = sa.table(
    'rule_settings',
    sa.column('id', sa.Integer), sa.column('key', sa.String), sa.column('value', sa.String),
    sa.column('effective_from', sa.Date), sa.column('description', sa.Text),
)


def upgrade():
    conn = op.get_bind()
    if conn.execute(sa.select(sa.func.count()).select_from(rule_settings)).scalar() == 0:
        return  # no reference data yet: load-reference brings these with the rest
    held = set(conn.execute(sa.select(rule_settings.c.key)).scalars())
    rows = [{"key": key, "value": value, "effective_from": FROM, "description": description + ADDED}
            for key, value, description in SETTINGS if key not in held]
    if rows:
        op.bulk_insert(rule_settings, rows)


def downgrade():
    conn = op.get_bind()
    for key, _value, description in SETTINGS:
        conn.execute(rule_settings.delete().where(
            rule_settings.c.key == key, rule_settings.c.description == description + ADDED))
