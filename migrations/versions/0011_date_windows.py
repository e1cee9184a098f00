"""Plausible date windows as rule settings (issue 13): an existing database gets the settings
hrtool/reference_data/date_windows.csv holds for a fresh one (hrtool load-reference).

Data only. Upgrading inserts each setting that is absent, as `hrtool load-reference` would (from
1 April 2000, like the other illustrative settings), and never touches one an administrator
entered. It does so only where reference data is already held: a new, empty database gets the
settings when its reference data is loaded. Each row it adds says so in its description, so
downgrading deletes exactly those rows (the first value it added for a key), and nothing an
administrator entered since.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 09:00:00
"""
from datetime import date

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

FROM = date(2000, 4, 1)  # reference_data.ILLUSTRATIVE_FROM
ADDED = " (Added to this database by the upgrade to revision 0011.)"

# The settings as this revision knows them (copied from date_windows.csv, so this migration
# does the same whatever later releases change there).
SETTINGS = [
    ('date_window.transfer_date.earliest', '1974-04-01',
     ('Plausible transfer dates: none before this day (the two councils began on 1 April 1974, under the '
      'Local Government Act 1972).')),
    ('date_window.transfer_date.latest_years_ahead', '5',
     'Plausible transfer dates: no more than this many years ahead of the day it is entered.'),
    ('date_window.objected_on.earliest_years_ago', '5',
     ('Plausible dates of an objection to transferring (TUPE reg. 4(7)): no more than this many years ago '
      '(and never after the transfer date).')),
    ('date_window.objected_on.latest_years_ahead', '0',
     ('Plausible dates of an objection: no more than this many years ahead (0: not after today; an '
      'objection is recorded once made).')),
    ('date_window.step_done_on.earliest_years_ago', '5',
     'Plausible dates a transfer checklist step was done: no more than this many years ago.'),
    ('date_window.step_done_on.latest_years_ahead', '0',
     ('Plausible dates a transfer checklist step was done: no more than this many years ahead (0: not after'
      ' today).')),
    ('date_window.cases_checked_on.earliest_years_ago', '5',
     ("Plausible dates a person's disciplinary, grievance and claims records were checked for the employee "
      'liability information: no more than this many years ago.')),
    ('date_window.cases_checked_on.latest_years_ahead', '0',
     'Plausible dates those records were checked: no more than this many years ahead (0: not after today).'),
    ('date_window.case_opened_on.earliest_years_ago', '50',
     ('Plausible dates a disciplinary matter, grievance or claim was opened: no more than this many years '
      'ago.')),
    ('date_window.case_opened_on.latest_years_ahead', '0',
     'Plausible dates a matter was opened: no more than this many years ahead (0: not after today).'),
    ('date_window.case_closed_on.earliest_years_ago', '50',
     ('Plausible dates a disciplinary matter, grievance or claim was closed: no more than this many years '
      'ago (and never before it was opened).')),
    ('date_window.case_closed_on.latest_years_ahead', '0',
     'Plausible dates a matter was closed: no more than this many years ahead (0: not after today).'),
    ('date_window.date_of_birth.earliest_years_ago', '100',
     'Plausible dates of birth: no more than this many years ago.'),
    ('date_window.date_of_birth.latest_years_ago', '15',
     ('Plausible dates of birth: at least this many years ago (working age: a school leaver can start work '
      'in the summer they turn 16).')),
    ('date_window.continuous_service_date.earliest_years_ago', '60',
     'Plausible continuous service dates: no more than this many years ago.'),
    ('date_window.continuous_service_date.latest_years_ahead', '1',
     ('Plausible continuous service dates: no more than this many years ahead (a starter recorded before '
      'they start).')),
    ('date_window.employment_start.earliest_years_ago', '60',
     'Plausible employment start dates: no more than this many years ago.'),
    ('date_window.employment_start.latest_years_ahead', '1',
     ('Plausible employment start dates: no more than this many years ahead (a starter recorded before they'
      ' start).')),
    ('date_window.change_effective_from.earliest_years_ago', '10',
     'Plausible dates a change of post, hours or pay takes effect: no more than this many years ago.'),
    ('date_window.change_effective_from.latest_years_ahead', '2',
     'Plausible dates a change of post, hours or pay takes effect: no more than this many years ahead.'),
    ('date_window.leaving_date.earliest_years_ago', '10',
     'Plausible last days of employment: no more than this many years ago.'),
    ('date_window.leaving_date.latest_years_ahead', '2',
     'Plausible last days of employment: no more than this many years ahead (notice already given).'),
    ('date_window.protection_start.earliest_years_ago', '10',
     'Plausible pay protection start dates: no more than this many years ago.'),
    ('date_window.protection_start.latest_years_ahead', '5',
     ('Plausible pay protection start dates: no more than this many years ahead (a band change can be '
      'agreed that far ahead).')),
    ('date_window.protection_early_end.earliest_years_ago', '10',
     ('Plausible first days without protection after an early-ending event: no more than this many years '
      'ago (and never before the protection started).')),
    ('date_window.protection_early_end.latest_years_ahead', '10',
     ('Plausible first days without protection after an early-ending event: no more than this many years '
      'ahead.')),
    ('date_window.evaluated_on.earliest', '1997-04-01',
     ('Plausible job evaluation panel dates: none before this day (the NJC job evaluation scheme came with '
      'the Single Status agreement of 1997).')),
    ('date_window.evaluated_on.latest_years_ahead', '0',
     ('Plausible job evaluation panel dates: no more than this many years ahead (0: not after today; a '
      'panel is recorded once it has met).')),
    ('date_window.bands_from.earliest_years_ago', '10',
     'Plausible dates new grade bands take effect: no more than this many years ago.'),
    ('date_window.bands_from.latest_years_ahead', '5',
     'Plausible dates new grade bands take effect: no more than this many years ahead.'),
    ('date_window.policy_from.earliest_years_ago', '10',
     ('Plausible dates a new version of a policy or terms package takes effect: no more than this many '
      'years ago.')),
    ('date_window.policy_from.latest_years_ahead', '5',
     ('Plausible dates a new version of a policy or terms package takes effect: no more than this many '
      'years ahead.')),
    ('date_window.restructure_date.earliest_years_ago', '5',
     "Plausible dates a restructure's new structure starts: no more than this many years ago."),
    ('date_window.restructure_date.latest_years_ahead', '5',
     "Plausible dates a restructure's new structure starts: no more than this many years ahead."),
    ('date_window.appointment_start.earliest_years_ago', '5',
     ('Plausible start dates of an appointment to a post in a restructure: no more than this many years '
      'ago.')),
    ('date_window.appointment_start.latest_years_ahead', '5',
     ('Plausible start dates of an appointment to a post in a restructure: no more than this many years '
      'ahead.')),
    ('date_window.increment_run_on.earliest_years_ago', '2',
     'Plausible increment run dates: no more than this many years ago.'),
    ('date_window.increment_run_on.latest_years_ahead', '1',
     'Plausible increment run dates: no more than this many years ahead.'),
    ('date_window.pay_year.earliest', '1997-04-01',
     ('Plausible pay years: none starting before this day (the NJC pay spine began with the Single Status '
      'agreement of 1997).')),
    ('date_window.pay_year.latest_years_ahead', '2',
     'Plausible pay years: none starting more than this many years ahead.'),
    ('date_window.award_agreed_on.earliest', '1997-04-01',
     'Plausible dates a pay award was agreed: none before this day (and never before its pay year starts).'),
    ('date_window.award_agreed_on.latest_years_ahead', '0',
     ('Plausible dates a pay award was agreed: no more than this many years ahead (0: not after today; an '
      'award is agreed when it is agreed).')),
    ('date_window.award_agreed_on.years_before_pay_year', '1',
     ('How many years before its pay year starts a pay award may have been agreed (0: not before its pay '
      'year starts). A two-year NJC agreement, like that of May 2016 for 2016/17 and 2017/18, is agreed up '
      'to a year before its second year starts.')),
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
            rule_settings.c.key == key, rule_settings.c.effective_from == FROM,
            rule_settings.c.description == description + ADDED))
