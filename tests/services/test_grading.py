"""Job evaluations, the same job under both councils' bands, and increment runs, on small
hand-made fixtures with figures worked from the reference data."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from hrtool.errors import DomainError
from hrtool.extensions import db
from hrtool.models import Assignment, AuditEvent, IncrementRun, JobEvaluation
from hrtool.services.pay import increments, job_evaluations, side_by_side
from hrtool.services.pay.post_grades import grade_on

from ..factories import assign, council, employ, evaluate, make_employee, make_post, own_terms

pytestmark = pytest.mark.usefixtures("ctx")


def test_same_score_under_both_councils_bands():
    # 460 points on 1 June 2024. SBC: Grade 8 (440-479), SCP 26-28 = £36,124 to £37,938 in 2024/25.
    # CCDC: H (455-494), SCP 27-29 = £37,035 to £38,626.
    year, ranges = side_by_side.compare_score(460, date(2024, 6, 1))
    assert year == date(2024, 4, 1)
    sbc, ccdc = ranges["SBC"], ranges["CCDC"]
    assert (sbc.grade, sbc.scp_min, sbc.scp_max, sbc.salary_min, sbc.salary_max) == (
        "Grade 8", 26, 28, Decimal("36124"), Decimal("37938"))
    assert (ccdc.grade, ccdc.scp_min, ccdc.scp_max, ccdc.salary_min, ccdc.salary_max) == (
        "H", 27, 29, Decimal("37035"), Decimal("38626"))


def test_post_comparison_difference_and_totals():
    post = make_post("SBC", "Licensing", title="Comparison test", je_score=460, fte=Decimal("0.5"),
                     post_number="CMP-460")
    rows = [c for c in side_by_side.compare_posts(date(2024, 6, 1)) if c.post_id == post.id]
    assert rows[0].difference == Decimal("-688")  # 37,938 - 38,626: Cannock Chase pays more at the top
    totals = side_by_side.totals(rows, "council")["SBC"]
    assert totals.fte_weighted_difference == Decimal("-344.00") and totals.ccdc_higher == 1


def test_re_evaluation_keeps_history_and_regrades_the_post():
    # SBC: 400 points is Grade 7 (400-439), 445 is Grade 8 (440-479).
    post = make_post("SBC", "Licensing", je_score=400)
    assert post.grade == "Grade 7"
    evaluate(post, "SBC", 445, date(2026, 1, 10), date(2026, 11, 1), "Role revised")
    assert (post.je_score, post.grade) == (445, "Grade 8")
    # Dated from the evaluation: the day before, the post was still Grade 7.
    assert (grade_on(post.id, date(2026, 1, 9)), grade_on(post.id, date(2026, 1, 10))) == ("Grade 7", "Grade 8")
    # An evaluation under the other council's conventions is kept but does not regrade the post.
    evaluate(post, "CCDC", 470, date(2026, 2, 1), date(2026, 11, 1))
    assert post.je_score == 445
    history = job_evaluations.history(post.id)
    # The score held before the first evaluation is kept as an evaluation from the post's start.
    assert [(e.score, e.evaluated_on) for e in history] == [
        (470, date(2026, 2, 1)), (445, date(2026, 1, 10)), (400, date(2000, 1, 1))]
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.entity_type == "post",
                                                         AuditEvent.entity_id == str(post.id))
                                .order_by(AuditEvent.id)).all()
    assert [(e.before, e.after) for e in events] == [
        ({"je_score": 400}, {"je_score": 445}),
        ({"grade from 2026-01-10": "Grade 7"}, {"grade from 2026-01-10": "Grade 8"})]
    with pytest.raises(DomainError, match=r"future|no later than today"):
        evaluate(post, "SBC", 400, date(2027, 1, 1), date(2026, 11, 1))


@pytest.fixture
def april_team():
    """Three CCDC people (1 April rule) in a Grade D post (CCDC D: SCP 10-14)."""
    post = make_post("CCDC", "Licensing", title="Increment test post", je_score=300,
                     post_number="INC-D")
    people = {}
    for key, scp, since in (("moves", 11, date(2020, 5, 1)), ("top", 14, date(2015, 5, 1)),
                            ("new", 10, date(2025, 11, 1))):
        employee = make_employee(last_name=f"Increment{key}")
        employment = employ(employee, "CCDC", since)
        people[key] = assign(employment, post, since, None, scp=scp)
        own_terms(employment, since)
    return post, people


def _lines(result, post_id):
    return {line.name.split()[-1]: line for line in result.moves + result.stays
            if db.session.get(Assignment, line.assignment_id).post_id == post_id}


def test_increment_preview_lists_movers_and_reasons(april_team):
    post, _people = april_team
    result = increments.preview(council("CCDC").id, date(2027, 4, 1))
    lines = _lines(result, post.id)
    assert lines["Incrementmoves"].decision.moves and lines["Incrementmoves"].decision.new_scp == 12
    assert lines["Incrementtop"].decision.reason == "at the top of D (SCP 14)"
    # Started 1 November 2025: 17 months before 1 April 2027, so this one moves too.
    assert lines["Incrementnew"].decision.moves
    early = _lines(increments.preview(council("CCDC").id, date(2026, 4, 1)), post.id)
    assert "less than 6 months" in early["Incrementnew"].decision.reason  # five months in post
    assert db.session.scalar(select(IncrementRun.id)) is None  # a preview writes nothing


def test_applying_an_increment_run_creates_dated_records_once(april_team):
    _post, people = april_team
    increments.apply(council("CCDC").id, date(2027, 4, 1))
    mover = people["moves"]
    assert mover.effective_to == date(2027, 3, 31)
    new = db.session.scalars(select(Assignment).where(Assignment.employment_id == mover.employment_id,
                                                      Assignment.effective_from == date(2027, 4, 1))).one()
    assert new.scp == 12 and new.reason == "Annual increment (run for 01/04/2027)"
    assert people["top"].effective_to is None
    with pytest.raises(DomainError, match="already been applied"):
        increments.apply(council("CCDC").id, date(2027, 4, 1))


def test_increments_follow_the_terms_council_rule(april_team):
    """Someone employed by CCDC on protected SBC terms follows SBC's anniversary rule."""
    from hrtool.models import TermsRecord, Transfer

    post, people = april_team
    transfer = Transfer(reference="TR-TEST", service_id=post.service_id, transferor_id=council("SBC").id,
                        transferee_id=council("CCDC").id, transfer_date=date(2020, 5, 1), status="completed")
    db.session.add(transfer)
    db.session.flush()
    terms = db.session.scalars(select(TermsRecord).where(TermsRecord.employment_id == people["moves"].employment_id)).one()
    terms.basis, terms.terms_council_id, terms.transfer_id = "protected", council("SBC").id, transfer.id
    db.session.flush()
    lines = _lines(increments.preview(council("CCDC").id, date(2027, 4, 1)), post.id)
    assert not lines["Incrementmoves"].decision.moves
    assert "anniversary of appointment is in May" in lines["Incrementmoves"].decision.reason
    may = _lines(increments.preview(council("CCDC").id, date(2027, 5, 1)), post.id)
    assert may["Incrementmoves"].decision.effective_on == date(2027, 5, 1)


def test_evaluations_exist_for_the_demo_posts():
    assert db.session.scalar(select(JobEvaluation.id).limit(1)) is not None
