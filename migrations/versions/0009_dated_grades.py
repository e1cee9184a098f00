"""Dated grades of posts (issue 13)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 09:00:00

A post's grade was one current value (`posts.grade`), rewritten by a change of bands whatever its
date. It becomes dated rows in `post_grades`, derived from the post's job evaluation scores and
its council's dated grade bands by `hrtool.domain.grading.grade_timeline` (the rule is in that
module's docstring). The upgrade works out every existing post's rows from the data with that
pure function (plain SQL reads: no application services), then drops `posts.grade` and its
index. The downgrade puts the column back holding the grade in force today (for a closed post,
the grade it closed with).
"""
from datetime import date

import sqlalchemy as sa
from alembic import op

from hrtool.domain.grading import BandVersion, GradeBand, ScoreStep, grade_timeline

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

BATCH = 5000


def _timelines(conn):
    """(post_id, DatedGrade) for every post, from the rows held now."""
    versions = {}
    bands = {}
    for convention_id, grade, points_min, points_max, scp_min, scp_max in conn.execute(sa.text(
            "SELECT convention_id, grade, points_min, points_max, scp_min, scp_max FROM grade_bands "
            "ORDER BY points_min")):
        bands.setdefault(convention_id, []).append(GradeBand(grade, points_min, points_max, scp_min, scp_max))
    for convention_id, council_id, starts, ends in conn.execute(sa.text(
            "SELECT id, council_id, effective_from, effective_to FROM grade_conventions "
            "ORDER BY effective_from, id")):
        versions.setdefault(council_id, []).append(
            BandVersion(convention_id, _day(starts), _day(ends), tuple(bands.get(convention_id, ()))))
    steps = {}
    for post_id, evaluated_on, score in conn.execute(sa.text(
            "SELECT e.post_id, e.evaluated_on, e.score FROM job_evaluations e JOIN posts p ON p.id = e.post_id "
            "WHERE e.council_id = p.council_id ORDER BY e.post_id, e.evaluated_on, e.id")):
        steps.setdefault(post_id, []).append(ScoreStep(_day(evaluated_on), score))
    for post_id, council_id, established_on, closed_on, je_score in conn.execute(sa.text(
            "SELECT id, council_id, established_on, closed_on, je_score FROM posts ORDER BY id")):
        for row in grade_timeline(_day(established_on), _day(closed_on), je_score, steps.get(post_id, ()),
                                  versions.get(council_id, [])):
            yield post_id, row


def _day(value):
    """SQLite hands dates back as text through plain SQL."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def upgrade():
    post_grades = op.create_table(
        'post_grades',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('post_id', sa.Integer(), nullable=False),
        sa.Column('effective_from', sa.Date(), nullable=False),
        sa.Column('effective_to', sa.Date(), nullable=True),
        sa.Column('je_score', sa.Integer(), nullable=True),
        sa.Column('grade', sa.String(length=40), nullable=True),
        sa.Column('convention_id', sa.Integer(), nullable=True),
        sa.CheckConstraint('effective_to IS NULL OR effective_to >= effective_from',
                           name=op.f('ck_post_grades_dates_in_order')),
        sa.ForeignKeyConstraint(['convention_id'], ['grade_conventions.id'],
                                name=op.f('fk_post_grades_convention_id_grade_conventions')),
        sa.ForeignKeyConstraint(['post_id'], ['posts.id'], name=op.f('fk_post_grades_post_id_posts')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_post_grades')),
        sa.UniqueConstraint('post_id', 'effective_from', name=op.f('uq_post_grades_post_id_effective_from')),
    )
    op.create_index('ix_post_grades_grade', 'post_grades', ['grade'], unique=False)

    rows = [{"post_id": post_id, "effective_from": r.effective_from, "effective_to": r.effective_to,
             "je_score": r.je_score, "grade": r.grade, "convention_id": r.convention_id}
            for post_id, r in _timelines(op.get_bind())]
    for start in range(0, len(rows), BATCH):
        op.bulk_insert(post_grades, rows[start:start + BATCH])

    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_posts_grade'))
        batch_op.drop_column('grade')


def downgrade():
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('grade', sa.String(length=40), nullable=True))
        batch_op.create_index(batch_op.f('ix_posts_grade'), ['grade'], unique=False)
    # The grade in force today: the row starting last on or before today, or on the day the post
    # is established if that is later (the same reading as the model's Post.grade).
    today = date.today()
    op.get_bind().execute(sa.text(
        "UPDATE posts SET grade = (SELECT g.grade FROM post_grades g WHERE g.post_id = posts.id "
        "AND g.effective_from <= CASE WHEN posts.established_on > :today THEN posts.established_on ELSE :today END "
        "ORDER BY g.effective_from DESC LIMIT 1)"), {"today": today})
    op.drop_index('ix_post_grades_grade', table_name='post_grades')
    op.drop_table('post_grades')
