"""Where the councils part (issue 18): one post under both councils' conventions, and the report
across posts, every number worked by hand from the factor plan and the illustrative conventions.

Factor plan (foundation facts): factor 1 Knowledge levels 1-8 = 20, 40, 60, 80, 100, 121, 142, 163;
factors 2, 3, 9, 10, 11, 12 level n = 13n; factor 4 level n = 13n; factor 5 level n = 13n;
factors 6, 7, 8, 13 level n = 10n.

Illustrative conventions where the councils part:
  factor 1  "degree plus membership of a professional body"   CCDC 6 (121)  SBC 5 (100)
  factor 10 "Line manages a team of 5 to 9 staff"              CCDC 3 (39)   SBC 4 (52)
  factor 11 "cash and card payments daily at a counter"        CCDC 2 (26)   SBC 3 (39)

Post P (a CCDC post), under CCDC's conventions, levels 6,3,4,2,3,2,2,1,1,3,1,1,1:
  121 + 39 + 52 + 26 + 39 + 20 + 20 + 10 + 13 + 39 + 13 + 13 + 10 = 415.
Under SBC's conventions the panel cites SBC's readings: factor 1 is 5 (100), factor 10 is 4 (52):
  415 - 121 + 100 - 39 + 52 = 407. Per factor (SBC minus CCDC): factor 1 -21, factor 10 +13; total -8.
Grades (illustrative bands): CCDC F 370-414, G 415-454; SBC Grade 6 360-399, Grade 7 400-439.
  415: CCDC G, SBC Grade 7.   407: CCDC F, SBC Grade 7.

Post Q (an SBC post), under CCDC's conventions, levels 4,3,4,2,3,2,2,1,1,3,2,1,1:
  80 + 39 + 52 + 26 + 39 + 20 + 20 + 10 + 13 + 39 + 26 + 13 + 10 = 387.
Under SBC's: factor 10 is 4 (+13), factor 11 is 3 (+13): 413; difference +26.
  Under SBC's own bands 387 is Grade 6 and 413 Grade 7: the grade differs. P under CCDC's own bands:
  415 G, 407 F: differs too.

Report over P and Q: difference -8 + 26 = +18; 2 grade changes.
  By factor: 10: +13 + 13 = +26 in 2 posts, grade changes 1 (Q; in P it pushed up while P went down);
             1:  -21 in 1 post, grade changes 1 (P went down, factor 1 pushed down);
             11: +13 in 1 post, grade changes 1 (Q).  Largest effect first: 10 (26), 1 (21), 11 (13).
"""
from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from sqlalchemy import update

from hrtool.extensions import db
from hrtool.models import AuditEvent, JobEvaluation
from hrtool.services.pay import job_evaluations
from hrtool.services.pay.jes import compare, local_conventions
from hrtool.services.pay.job_evaluations import Choice

from ..factories import council, make_post

EVALUATED_ON = date(2025, 6, 2)
ON = date(2026, 4, 1)
DEGREE = "Post requires a degree plus membership of a professional body"
MANAGES = "Line manages a team of 5 to 9 staff"
CASH = "Handles cash and card payments daily at a counter"


def convention(code, text):
    the_set = local_conventions.council_set(council(code).id)
    return next(c for c in local_conventions.conventions(the_set.id) if c.situation.text == text)


def evaluate(post, code, levels, cites, status="agreed"):
    """An evaluation under `code`'s conventions; `cites` = {factor: situation text} of that council."""
    choices = [Choice(level, convention(code, cites[n]).id if n in cites else None)
               for n, level in enumerate(levels, start=1)]
    return job_evaluations.record_evaluation(post.id, council(code).id, EVALUATED_ON, choices,
                                             panel=job_evaluations.DEMO_PANEL, status=status, today=date.today())


P_CCDC = [6, 3, 4, 2, 3, 2, 2, 1, 1, 3, 1, 1, 1]
P_SBC = [5, 3, 4, 2, 3, 2, 2, 1, 1, 4, 1, 1, 1]
Q_CCDC = [4, 3, 4, 2, 3, 2, 2, 1, 1, 3, 2, 1, 1]
Q_SBC = [4, 3, 4, 2, 3, 2, 2, 1, 1, 4, 3, 1, 1]


@pytest.fixture
def only_ours(ctx):
    """Only the evaluations built here count: the demo's are withdrawn inside the test's transaction."""
    db.session.execute(update(JobEvaluation).values(status="withdrawn"))


@pytest.fixture
def p(only_ours):
    post = make_post("CCDC", title="Team manager P")
    evaluate(post, "CCDC", P_CCDC, {1: DEGREE, 10: MANAGES})
    evaluate(post, "SBC", P_SBC, {1: DEGREE, 10: MANAGES})
    return post


@pytest.fixture
def q(only_ours):
    post = make_post("SBC", title="Cashier supervisor Q")
    evaluate(post, "CCDC", Q_CCDC, {10: MANAGES, 11: CASH})
    evaluate(post, "SBC", Q_SBC, {10: MANAGES, 11: CASH})
    return post


def test_one_post_factor_by_factor_under_both_councils_conventions(p):
    view = compare.for_post(p.id, ON)
    ccdc, sbc = view.sides
    assert (ccdc.council.code, ccdc.points, sbc.council.code, sbc.points) == ("CCDC", 415, "SBC", 407)
    assert not ccdc.projected and not sbc.projected and view.projected_from is None
    assert view.difference == -8
    assert [(r.number, r.cells["CCDC"].points, r.cells["SBC"].points, r.points_difference) for r in view.differing] \
        == [(1, 121, 100, -21), (10, 39, 52, 13)]
    assert [r.number for r in view.rows] == list(range(1, 14))
    knowledge, supervision = view.differing
    assert knowledge.cells["CCDC"].cited.situation == DEGREE and knowledge.cells["SBC"].cited.level == 5
    assert [(x.situation, x.readings, x.cited_by) for x in supervision.reasons] == \
        [(MANAGES, {"CCDC": 3, "SBC": 4}, ["CCDC", "SBC"])]
    # Four grades: each total under each council's bands.
    assert {code: r.grade for code, r in ccdc.grades.items()} == {"CCDC": "G", "SBC": "Grade 7"}
    assert {code: r.grade for code, r in sbc.grades.items()} == {"CCDC": "F", "SBC": "Grade 7"}


def test_one_side_only_is_projected_not_evaluated(only_ours):
    post = make_post("CCDC", title="Evaluated once")
    evaluate(post, "CCDC", P_CCDC, {1: DEGREE, 10: MANAGES})
    evaluate(post, "SBC", P_SBC, {1: DEGREE, 10: MANAGES}, status="draft")  # a draft is never compared
    view = compare.for_post(post.id, ON)
    ccdc, sbc = view.sides
    assert view.projected_from == "CCDC" and sbc.projected and sbc.evaluation is None
    # SBC's current readings of the two situations CCDC's conventions decided: 5 and 4, as above.
    assert (ccdc.points, sbc.points) == (415, 407)
    assert [(r.number, r.cells["SBC"].level, r.points_difference) for r in view.differing] == [(1, 5, -21), (10, 4, 13)]
    assert view.differing[1].cells["SBC"].cited.situation == MANAGES


def test_a_post_not_evaluated_says_so(only_ours):
    view = compare.for_post(make_post("SBC").id, ON)
    assert view.note.startswith("The post has not been evaluated") and view.rows == []


def test_the_report_sums_the_posts_by_factor_and_by_convention(p, q):
    report = compare.report(ON)
    assert [(line.post_id, line.points, line.difference, line.grades) for line in report.lines] == [
        (q.id, (387, 413), 26, ("Grade 6", "Grade 7")), (p.id, (415, 407), -8, ("G", "F"))]
    assert (report.difference, report.grade_changes) == (18, 2)
    assert [(e.key, e.posts, e.points, e.grade_changes) for e in report.by_factor] == \
        [(10, 2, 26, 1), (1, 1, -21, 1), (11, 1, 13, 1)]
    assert [(e.label, e.points, e.grade_changes, e.readings) for e in report.by_convention] == [
        (MANAGES, 26, 1, "CCDC 3, SBC 4"), (DEGREE, -21, 1, "CCDC 6, SBC 5"), (CASH, 13, 1, "CCDC 2, SBC 3")]
    # Situations the councils read differently, and how many evaluated posts cite each: P cites the
    # degree and line management, Q line management and cash; nobody cites the other two.
    cited = {u.parting.situation.text[:20]: u.posts_citing for u in report.partings}
    assert cited == {DEGREE[:20]: 1, MANAGES[:20]: 2, CASH[:20]: 1,
                     "Works within broad p": 0, "Regular contact with": 0}


def test_the_report_downloads_as_csv_and_is_audited(p, q):
    out = io.BytesIO()
    assert compare.export(compare.report(ON), out, "csv") == 2
    rows = list(csv.DictReader(io.StringIO(out.getvalue().decode("utf-8-sig"))))
    assert [(r["post_number"], r["ccdc_conventions_points"], r["sbc_conventions_points"], r["difference_sbc_minus_ccdc"],
             r["grade_differs"]) for r in rows] == [(q.post_number, "387", "413", "26", "yes"),
                                                    (p.post_number, "415", "407", "-8", "yes")]
    assert rows[0]["factors_differing"].startswith("10 Responsibility for supervision")
    assert rows[0]["factors_differing"].endswith("3 to 4 (+13); 11 Responsibility for financial resources: 2 to 3 (+13)")
    assert db.session.query(AuditEvent).filter_by(action="export", entity_type="jes_councils_part").count() == 1
