"""TUPE dates as a careful adviser reads them (issue 14): an existing database gets the dated
period for employee liability information, the transfer checklist with the transferee's
measures before the regulation 13 letter, and its planned transfers' open steps moved to match.

Data only, and only where reference data is already held (a new, empty database gets all of
this when its reference data is loaded):

- Rule setting `eli_clear_days`, dated by the transfer date: 14 clear days for transfers from
  6 April 2006 (TUPE 2006 reg. 11(6) as made), 28 from 1 May 2014 (SI 2014/16). Added only if
  the key is absent, so an administrator's own values are never touched.
- The joint `tupe_checklist` policy: if the version in force is exactly the one hrtool shipped
  (the measures step 45 days before, after the regulation 13 letter at 60, and employee
  liability information at 28 days counted as calendar days), a new version from the day of the
  upgrade puts the measures first (74 days before: reg. 13(4)) and leaves employee liability
  information to the dated rule; the shipped version ends the day before. A version an
  administrator made is left as it is.
- Planned transfers' steps not yet done: employee liability information due 28 calendar days
  before the transfer (the old reading) moves to the statutory last day under the periods held
  (29 days before; 15 for a transfer before 1 May 2014); where the checklist was corrected above, a measures step due
  45 days before moves to 74 days before, unless the regulation 13 letter is already done.

Downgrading takes back exactly what it added: the settings and the policy version it wrote (the
shipped one is reopened), and the steps it moved, back to their old dates.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 11:00:00
"""
from datetime import date, timedelta

import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

ADDED = " (Added to this database by the upgrade to revision 0013.)"
SOURCE = ("Upgrade to revision 0013 (issue 14): the transferee's measures before the regulation 13 letter "
          "(TUPE reg. 13(4)); employee liability information by the dated rule setting eli_clear_days")
AMENDED_FROM = date(2014, 5, 1)  # reg. 11(6): 28 days for transfers on or after this date, 14 before

# As this revision knows them (copied from reference_data.DATED_RULE_SETTINGS and
# policies_illustrative.toml, so the migration does the same whatever later releases change).
SETTINGS = [
    ("eli_clear_days", date(2006, 4, 6), "14",
     ("Employee liability information: the clear days it must reach the transferee before a transfer on "
      "or after this date (TUPE 2006 reg. 11(6) as made: not less than 14 days). Clear days: neither the "
      "day it is given nor the transfer day counts, so the last day is the transfer date minus 15.")),
    ("eli_clear_days", AMENDED_FROM, "28",
     ("Employee liability information: the clear days it must reach the transferee before a transfer on "
      "or after this date (TUPE 2006 reg. 11(6) as amended by SI 2014/16: not less than 28 days). The "
      "last day is the transfer date minus 29.")),
]
SHIPPED_BODY = {"items": [
    {"key": "inform_representatives", "title": "Inform the recognised unions (reg. 13 letter)", "days_before": 60},
    {"key": "consultation_started", "title": "Start consultation with the unions", "days_before": 45},
    {"key": "measures_letter", "title": "Transferee's measures sent to the transferor", "days_before": 45},
    {"key": "eli_sent", "title": "Employee liability information sent to the transferee", "days_before": 28},
    {"key": "individual_letters", "title": "Letters to each transferring employee", "days_before": 21},
]}
CORRECTED_BODY = {"items": [
    {"key": "measures_letter", "title": "Transferee's measures sent to the transferor (reg. 13(4))", "days_before": 74},
    {"key": "inform_representatives", "title": "Inform the recognised unions (reg. 13 letter)", "days_before": 60},
    {"key": "consultation_started", "title": "Start consultation with the unions", "days_before": 45},
    {"key": "individual_letters", "title": "Letters to each transferring employee", "days_before": 21},
]}
OLD_ELI_DAYS, OLD_MEASURES_DAYS, MEASURES_DAYS = 28, 45, 74

rule_settings = sa.table(
    'rule_settings',
    sa.column('id', sa.Integer), sa.column('key', sa.String), sa.column('value', sa.String),
    sa.column('effective_from', sa.Date), sa.column('description', sa.Text),
)
policies = sa.table(
    'policies',
    sa.column('id', sa.Integer), sa.column('council_id', sa.Integer), sa.column('kind', sa.String),
    sa.column('name', sa.String), sa.column('effective_from', sa.Date), sa.column('effective_to', sa.Date),
    sa.column('body', sa.JSON), sa.column('source', sa.Text),
)
transfers = sa.table(
    'transfers', sa.column('id', sa.Integer), sa.column('status', sa.String), sa.column('transfer_date', sa.Date),
)
items = sa.table(
    'transfer_checklist_items',
    sa.column('id', sa.Integer), sa.column('transfer_id', sa.Integer), sa.column('key', sa.String),
    sa.column('due_on', sa.Date), sa.column('done_on', sa.Date),
)


def _eli_last_day(transfer_date, periods=None):
    """The last day leaving the clear days in force for the transfer date: the periods held
    (effective_from, days), as records.rule_value reads them, else those this revision knows."""
    periods = periods or [(on, int(value)) for _key, on, value, _ in SETTINGS]
    held = [days for on, days in sorted(periods) if on <= transfer_date] or [sorted(periods)[0][1]]
    return transfer_date - timedelta(days=held[-1] + 1)


def _periods(conn):
    return [(on, int(value)) for on, value in conn.execute(
        sa.select(rule_settings.c.effective_from, rule_settings.c.value).where(rule_settings.c.key == "eli_clear_days"))]


def _checklists(conn):
    """{transfer id: (transfer date, {key: (item id, due_on, done_on)})} of planned transfers."""
    found = {}
    rows = conn.execute(sa.select(transfers.c.id, transfers.c.transfer_date, items.c.id, items.c.key, items.c.due_on,
                                  items.c.done_on)
                        .select_from(transfers.join(items, items.c.transfer_id == transfers.c.id))
                        .where(transfers.c.status == 'planned'))
    for transfer_id, transfer_date, item_id, key, due_on, done_on in rows:
        found.setdefault(transfer_id, (transfer_date, {}))[1][key] = (item_id, due_on, done_on)
    return found


def _move(conn, item_id, due_on):
    conn.execute(items.update().where(items.c.id == item_id).values(due_on=due_on))


def _joint_checklist(conn):
    return conn.execute(sa.select(policies.c.id, policies.c.body, policies.c.effective_from, policies.c.source)
                        .where(policies.c.kind == 'tupe_checklist', policies.c.council_id.is_(None))
                        .order_by(policies.c.effective_from.desc(), policies.c.id.desc())).first()


def upgrade():
    conn = op.get_bind()
    if conn.execute(sa.select(sa.func.count()).select_from(rule_settings)).scalar() == 0:
        return  # no reference data yet: load-reference brings all of this with the rest
    held = set(conn.execute(sa.select(rule_settings.c.key)).scalars())
    rows = [{"key": key, "value": value, "effective_from": on, "description": description + ADDED}
            for key, on, value, description in SETTINGS if key not in held]
    if rows:
        op.bulk_insert(rule_settings, rows)

    corrected = False
    latest = _joint_checklist(conn)
    if latest is not None and latest.body == SHIPPED_BODY:
        today = date.today()
        if latest.effective_from < today:
            conn.execute(policies.update().where(policies.c.id == latest.id)
                         .values(effective_to=today - timedelta(days=1)))
            op.bulk_insert(policies, [{"council_id": None, "kind": "tupe_checklist",
                                       "name": f"Joint tupe checklist from {today:%d/%m/%Y}", "effective_from": today,
                                       "effective_to": None, "body": CORRECTED_BODY, "source": SOURCE}])
            corrected = True

    periods = _periods(conn)
    for transfer_date, steps in _checklists(conn).values():
        eli = steps.get("eli_sent")
        if eli and eli[2] is None and eli[1] == transfer_date - timedelta(days=OLD_ELI_DAYS):
            _move(conn, eli[0], _eli_last_day(transfer_date, periods))
        measures, letter = steps.get("measures_letter"), steps.get("inform_representatives")
        if corrected and measures and measures[2] is None and not (letter and letter[2] is not None) \
                and measures[1] == transfer_date - timedelta(days=OLD_MEASURES_DAYS):
            _move(conn, measures[0], transfer_date - timedelta(days=MEASURES_DAYS))


def downgrade():
    conn = op.get_bind()
    periods = _periods(conn)  # as upgrading found them, before the rows it added go
    for key, on, _value, description in SETTINGS:
        conn.execute(rule_settings.delete().where(
            rule_settings.c.key == key, rule_settings.c.effective_from == on,
            rule_settings.c.description == description + ADDED))

    latest = _joint_checklist(conn)
    reverted = latest is not None and latest.source == SOURCE and latest.body == CORRECTED_BODY
    if reverted:
        conn.execute(policies.delete().where(policies.c.id == latest.id))
        conn.execute(policies.update().where(
            policies.c.kind == 'tupe_checklist', policies.c.council_id.is_(None),
            policies.c.effective_to == latest.effective_from - timedelta(days=1)).values(effective_to=None))

    for transfer_date, steps in _checklists(conn).values():
        eli = steps.get("eli_sent")
        if eli and eli[2] is None and periods and eli[1] == _eli_last_day(transfer_date, periods):
            _move(conn, eli[0], transfer_date - timedelta(days=OLD_ELI_DAYS))
        measures = steps.get("measures_letter")
        if reverted and measures and measures[2] is None and measures[1] == transfer_date - timedelta(days=MEASURES_DAYS):
            _move(conn, measures[0], transfer_date - timedelta(days=OLD_MEASURES_DAYS))
