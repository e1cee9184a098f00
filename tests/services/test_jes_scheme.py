"""The factor plan as dated data (services/pay/jes/scheme.py): the reference file gives the NJC
weights; a new version from a date re-scores only the evaluations made on or after it, and the
post's grades follow from then; editing a level's points re-scores the evaluations under its
version and is audited.

Worked by hand (foundation factor facts; illustrative CCDC bands I 495-534, J 535-579):
PROFILE = 1 L6 121, 2 L4 52, 3 L4 52, 4 L2 26, 5 L5 65, 6 L2 20, 7 L3 30, 8 L3 30, 9 L3 39,
10 L3 39, 11 L2 26, 12 L2 26, 13 L1 10 = 536 points, CCDC J. With Knowledge level 6 at 101 points
(20 fewer) it is 516, CCDC I; at 125 points (4 more) 540, still J."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from hrtool.errors import DomainError
from hrtool.extensions import db
from hrtool.models import AuditEvent, JobEvaluation, SchemeFactor, SchemeLevel, SchemeVersion
from hrtool.services.pay import job_evaluations
from hrtool.services.pay.jes import scheme
from hrtool.services.pay.post_grades import grade_on

from ..factories import council, make_post

pytestmark = pytest.mark.usefixtures("ctx")

PROFILE = [6, 4, 4, 2, 5, 2, 3, 3, 3, 3, 2, 2, 1]
TODAY = date.today()


def _evaluate(post, on):
    return job_evaluations.record_evaluation(post.id, council("CCDC").id, on, PROFILE, panel=job_evaluations.DEMO_PANEL,
                                             job_description="JD v1", today=TODAY)


def _knowledge_level(version_id: int, level: int) -> SchemeLevel:
    return db.session.scalars(select(SchemeLevel).join(SchemeFactor).where(
        SchemeFactor.version_id == version_id, SchemeFactor.number == 1, SchemeLevel.level == level)).one()


def test_the_reference_plan_scores_164_to_1000_and_carries_its_caveat():
    version, plan = scheme.plan_on(date(2025, 6, 1))
    assert version.effective_from == date(1997, 4, 1) and scheme.SOURCE_CAVEAT in version.source
    assert sum(f.points[1] for f in plan.factors) == 164
    assert sum(f.points[f.top] for f in plan.factors) == 1000
    assert plan.factor(1).points == {1: 20, 2: 40, 3: 60, 4: 80, 5: 100, 6: 121, 7: 142, 8: 163}
    with pytest.raises(DomainError, match="No version of the job evaluation scheme"):
        scheme.plan_on(date(1990, 1, 1))


def test_a_new_version_from_a_date_rescores_only_evaluations_on_or_after_it():
    post = make_post("CCDC", "Licensing")
    before = _evaluate(post, date(2024, 5, 1))
    after = _evaluate(post, date(2025, 6, 2))
    first_version = before.scheme_version_id
    assert (before.score, after.score, post.je_score, grade_on(post.id, date(2025, 7, 1))) == (536, 536, 536, "J")
    assert scheme.evaluations_from(date(2025, 1, 1)) >= 1

    made = scheme.add_version(date(2025, 1, 1), "Guidance 2025", {(1, 6): 101}, "NJC revised Knowledge level 6")

    db.session.refresh(before)
    db.session.refresh(after)
    assert (before.score, before.scheme_version_id) == (536, first_version)  # made before the date: unchanged
    assert (after.score, after.scheme_version_id) == (516, made.id)
    assert post.je_score == 516
    assert grade_on(post.id, date(2024, 12, 31)) == "J" and grade_on(post.id, date(2025, 6, 2)) == "I"
    # Only the point changed differs between the versions.
    old, new = scheme.as_plan(db.session.get(SchemeVersion, first_version)), scheme.as_plan(made)
    assert [(f.number, lv) for f, g in zip(old.factors, new.factors, strict=True)
            for lv in f.points if f.points[lv] != g.points[lv]] == [(1, 6)]
    assert db.session.scalar(select(AuditEvent.id).where(AuditEvent.entity_type == "jes_scheme_version",
                                                         AuditEvent.entity_id == str(made.id))) is not None
    with pytest.raises(DomainError, match="already starts on that date"):
        scheme.add_version(date(2025, 1, 1), "Again", {}, "twice")


def test_editing_a_levels_points_rescores_and_is_audited():
    post = make_post("CCDC", "Licensing")
    evaluation = _evaluate(post, date(2025, 6, 2))
    level = _knowledge_level(evaluation.scheme_version_id, 6)
    assert scheme.evaluations_at(level.id) >= 1

    scheme.edit_level(level.id, 125, "Applies specialist knowledge across a service", "Councils' copy says 125")

    db.session.refresh(evaluation)
    assert evaluation.score == 540 and post.je_score == 540
    assert evaluation.factors[0].factor_number == 1 and evaluation.factors[0].points == 125
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.entity_type == "jes_level",
                                                        AuditEvent.entity_id == str(level.id))).one()
    assert event.before == {"points": 121, "definition": ""} and event.after["points"] == 125
    assert event.reason == "Councils' copy says 125"
    rescored = db.session.scalars(select(AuditEvent).where(AuditEvent.entity_type == "job_evaluation",
                                                           AuditEvent.entity_id == str(evaluation.id),
                                                           AuditEvent.action == "update")).all()
    assert any(e.before.get("score") == 536 and e.after.get("score") == 540 for e in rescored)


def test_a_level_edit_that_breaks_the_plan_or_has_no_reason_is_refused():
    version, _ = scheme.plan_on(TODAY)
    level = _knowledge_level(version.id, 6)
    with pytest.raises(DomainError, match="points fall as the level rises"):
        scheme.edit_level(level.id, 150, "", "Typo")  # level 7 is 142
    with pytest.raises(DomainError, match="Say why"):
        scheme.edit_level(level.id, 121, "A definition", "")
    assert db.session.get(SchemeLevel, level.id).points == 121


def test_a_definition_only_edit_rescores_nothing():
    post = make_post("CCDC", "Licensing")
    evaluation = _evaluate(post, date(2025, 6, 2))
    level = _knowledge_level(evaluation.scheme_version_id, 6)
    scheme.edit_level(level.id, 121, "Advanced knowledge of a specialist area", "Definition from the councils' copy")
    assert db.session.get(JobEvaluation, evaluation.id).score == 536
    assert db.session.get(SchemeLevel, level.id).definition == "Advanced knowledge of a specialist area"
