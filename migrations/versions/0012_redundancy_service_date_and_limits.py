"""Redundancy service date and every statutory limit (issue 14): an optional service date for
redundancy on each person, and the statutory week's pay cap from October 2009 to April 2026.

Schema: `employees.redundancy_service_date` (a date, or NULL for none). For redundancy pay only,
continuous service with other local-government employers counts (Redundancy Payments
(Continuity of Employment in Local Government, etc.) (Modification) Order 1999), so a person may
have an earlier date for redundancy than their continuous service date.

Data: upgrading inserts each cap (name, effective_from) that is absent, as
hrtool/reference_data/statutory_limits.csv holds it for a fresh database, and never touches a row
already held: where an administrator entered a value for one of these dates, theirs stays. It does
so only where limits are already held: a new, empty database gets them when its reference data is
loaded. Each row it adds says so in its source, so downgrading deletes exactly those rows, and
nothing an administrator entered.

Letters: the at-risk letter now states the service date redundancy pay counts from and the notice
that would be given (statutory beside contractual). Where the latest version of the at-risk
template is exactly the wording hrtool shipped, a new version with the new wording is added; a
version an administrator wrote is left as it is (they can add the new fields in the editor).
Downgrading deletes that version unless a letter or batch was made from it.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 10:00:00
"""
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

CAP = 'statutory_redundancy_week_pay_cap'
ADDED = ' (Added to this database by the upgrade to revision 0012.)'

# The caps as this revision knows them (copied from statutory_limits.csv, so this migration does
# the same whatever later releases change there): the day each Order's limit applies from, in £.
LIMITS = [
    (CAP, date(2009, 10, 1), '380', 'Employment Rights (Increase of Limits) Order 2009'),
    (CAP, date(2011, 2, 1), '400', 'Employment Rights (Increase of Limits) Order 2010'),
    (CAP, date(2012, 2, 1), '430', 'Employment Rights (Increase of Limits) Order 2011'),
    (CAP, date(2013, 2, 1), '450', 'Employment Rights (Increase of Limits) Order 2012'),
    (CAP, date(2014, 4, 6), '464', 'Employment Rights (Increase of Limits) Order 2014'),
    (CAP, date(2015, 4, 6), '475', 'Employment Rights (Increase of Limits) Order 2015'),
    (CAP, date(2016, 4, 6), '479', 'Employment Rights (Increase of Limits) Order 2016'),
    (CAP, date(2017, 4, 6), '489', 'Employment Rights (Increase of Limits) Order 2017'),
    (CAP, date(2018, 4, 6), '508', 'Employment Rights (Increase of Limits) Order 2018'),
    (CAP, date(2019, 4, 6), '525', 'Employment Rights (Increase of Limits) Order 2019'),
    (CAP, date(2020, 4, 6), '538', 'Employment Rights (Increase of Limits) Order 2020'),
    (CAP, date(2021, 4, 6), '544', 'Employment Rights (Increase of Limits) Order 2021'),
    (CAP, date(2022, 4, 6), '571', 'Employment Rights (Increase of Limits) Order 2022'),
    (CAP, date(2023, 4, 6), '643', 'Employment Rights (Increase of Limits) Order 2023'),
    (CAP, date(2024, 4, 6), '700', 'Employment Rights (Increase of Limits) Order 2024'),
    (CAP, date(2025, 4, 6), '719', 'Employment Rights (Increase of Limits) Order 2025'),
    (CAP, date(2026, 4, 6), '751', 'Employment Rights (Increase of Limits) Order 2026'),
]

# The at-risk letter as shipped before this revision, and as it is now (hrtool/reference_data/letters).
AT_RISK_SUBJECT = '{{ restructure.name }}: your post is at risk of redundancy'
AT_RISK_BEFORE = '\n'.join([
    '{{ recipient.salutation }},',
    '',
    ('I am writing to tell you that, under the proposals in {{ restructure.name }}, your post of '
     '{{ current_post.title }} ({{ current_post.grade }}) is at risk of redundancy. No decision to '
     'dismiss has been made. This letter begins individual consultation with you.'),
    '',
    '# Why your post is at risk',
    '{{ restructure.description }}',
    '',
    '{{ decision.reasons }}',
    '',
    '# What happens next',
    ('- You will be invited to an individual consultation meeting, and may be accompanied by a trade '
     'union representative or a work colleague.'),
    ('- You will be considered for suitable alternative employment and given priority for redeployment. '
     'If you accept a suitable alternative post you will have a statutory trial period of four weeks.'),
    '- The new structure is proposed to take effect from {{ restructure.effective_date }}.',
    ('- Your continuous service dates from {{ employee.continuous_service_date }}; it is used to work out '
     'any redundancy payment.'),
    '',
    ('Please contact Human Resources if you would like support, including the Employee Assistance '
     'Programme.'),
    '',
    'Yours sincerely',
]) + '\n'
AT_RISK_AFTER = '\n'.join([
    '{{ recipient.salutation }},',
    '',
    ('I am writing to tell you that, under the proposals in {{ restructure.name }}, your post of '
     '{{ current_post.title }} ({{ current_post.grade }}) is at risk of redundancy. No decision to '
     'dismiss has been made. This letter begins individual consultation with you.'),
    '',
    '# Why your post is at risk',
    '{{ restructure.description }}',
    '',
    '{{ decision.reasons }}',
    '',
    '# What happens next',
    ('- You will be invited to an individual consultation meeting, and may be accompanied by a trade '
     'union representative or a work colleague.'),
    ('- You will be considered for suitable alternative employment and given priority for redeployment. '
     'If you accept a suitable alternative post you will have a statutory trial period of four weeks.'),
    '- The new structure is proposed to take effect from {{ restructure.effective_date }}.',
    ('- Any redundancy payment would count your service from {{ redundancy.service_date }}, '
     '{{ redundancy.service_date_basis }}.'),
    ('- If you were dismissed as redundant when the new structure takes effect, your notice would be '
     '{{ notice.to_give }}, the longer of the statutory minimum ({{ notice.statutory }}) and your '
     'contractual notice ({{ notice.contractual }}). It would be given no later than {{ notice.give_by }}.'),
    '',
    ('Please contact Human Resources if you would like support, including the Employee Assistance '
     'Programme.'),
    '',
    'Yours sincerely',
]) + '\n'
AT_RISK_NOTE = 'Service date for redundancy and the notice owed (issue 14)' + ADDED

statutory_limits = sa.table(
    'statutory_limits',
    sa.column('id', sa.Integer), sa.column('name', sa.String), sa.column('effective_from', sa.Date),
    sa.column('value', sa.Numeric(12, 2)), sa.column('source', sa.Text),
)


templates = sa.table('letter_templates', sa.column('id', sa.Integer), sa.column('key', sa.String))
versions = sa.table(
    'letter_template_versions',
    sa.column('id', sa.Integer), sa.column('template_id', sa.Integer), sa.column('version', sa.Integer),
    sa.column('subject', sa.String), sa.column('body', sa.Text), sa.column('note', sa.Text),
)


def _as_date(value):
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _at_risk_template(conn):
    return conn.execute(sa.select(templates.c.id).where(templates.c.key == 'at_risk')).scalar()


def _upgrade_at_risk_letter(conn):
    template_id = _at_risk_template(conn)
    if template_id is None:
        return  # no letter templates yet: load-reference brings the new wording
    latest = conn.execute(sa.select(versions.c.version, versions.c.subject, versions.c.body)
                          .where(versions.c.template_id == template_id)
                          .order_by(versions.c.version.desc()).limit(1)).first()
    if latest is None or (latest.subject.strip(), latest.body.strip()) != (AT_RISK_SUBJECT, AT_RISK_BEFORE.strip()):
        return  # an administrator's own wording: theirs stays
    op.bulk_insert(versions, [{'template_id': template_id, 'version': latest.version + 1, 'subject': AT_RISK_SUBJECT,
                               'body': AT_RISK_AFTER, 'note': AT_RISK_NOTE}])


def _downgrade_at_risk_letter(conn):
    template_id = _at_risk_template(conn)
    if template_id is None:
        return
    for (version_id,) in conn.execute(sa.select(versions.c.id).where(
            versions.c.template_id == template_id, versions.c.note == AT_RISK_NOTE)).all():
        used = conn.execute(sa.text(
            "SELECT (SELECT COUNT(*) FROM letters WHERE template_version_id = :v)"
            " + (SELECT COUNT(*) FROM letter_batches WHERE template_version_id = :v)"), {'v': version_id}).scalar()
        if not used:
            conn.execute(versions.delete().where(versions.c.id == version_id))


def upgrade():
    op.add_column('employees', sa.Column('redundancy_service_date', sa.Date(), nullable=True))
    conn = op.get_bind()
    _upgrade_at_risk_letter(conn)
    if conn.execute(sa.select(sa.func.count()).select_from(statutory_limits)).scalar() == 0:
        return  # no reference data yet: load-reference brings the limits with the rest
    held = {(name, _as_date(on)) for name, on in conn.execute(
        sa.select(statutory_limits.c.name, statutory_limits.c.effective_from))}
    rows = [{'name': name, 'effective_from': on, 'value': Decimal(value), 'source': source + ADDED}
            for name, on, value, source in LIMITS if (name, on) not in held]
    if rows:
        op.bulk_insert(statutory_limits, rows)


def downgrade():
    conn = op.get_bind()
    _downgrade_at_risk_letter(conn)
    for name, on, _value, source in LIMITS:
        conn.execute(statutory_limits.delete().where(
            statutory_limits.c.name == name, statutory_limits.c.effective_from == on,
            statutory_limits.c.source == source + ADDED))
    op.drop_column('employees', 'redundancy_service_date')
