"""The demo's job evaluations (issue 18), as the session's demo data holds them: every post with a
score evaluated factor by factor under its own council's conventions, the total equal to its
score; the conventions cited decided the levels used; a few posts evaluated under both councils'
conventions, with different totals; and the checks find no drift."""
from __future__ import annotations

import csv
from collections import defaultdict
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from hrtool.extensions import db
from hrtool.models import Convention, EvaluationFactor, JobEvaluation, Post
from hrtool.models.grading import GRADING_STATUSES
from hrtool.services.demo.evaluations import MANAGES, situations_for
from hrtool.services.demo.workforce import DEMO_AS_OF
from hrtool.services.platform import check

REFERENCE = Path(__file__).resolve().parents[2] / "hrtool" / "reference_data"


def _plan_points() -> dict[tuple[int, int], int]:
    """The factor plan read from the reference file itself, not through the app."""
    with (REFERENCE / "njc_jes_factors.csv").open(newline="", encoding="utf-8") as handle:
        return {(int(r["factor_number"]), int(r["level"])): int(r["points"]) for r in csv.DictReader(handle)}


def _evaluations() -> list[JobEvaluation]:
    return list(db.session.scalars(select(JobEvaluation).options(
        selectinload(JobEvaluation.factors).selectinload(EvaluationFactor.convention)
        .selectinload(Convention.situation), selectinload(JobEvaluation.panel_members),
        selectinload(JobEvaluation.post)).order_by(JobEvaluation.id)))


def _latest_own(evaluations: list[JobEvaluation]) -> dict[int, JobEvaluation]:
    latest: dict[int, JobEvaluation] = {}
    for e in evaluations:
        if e.council_id == e.post.council_id and e.status in GRADING_STATUSES:
            held = latest.get(e.post_id)
            if held is None or (e.evaluated_on, e.id) > (held.evaluated_on, held.id):
                latest[e.post_id] = e
    return latest


def test_every_post_with_a_score_has_a_factor_level_evaluation_equal_to_its_score(ctx):
    points = _plan_points()
    latest = _latest_own(_evaluations())
    scored = list(db.session.scalars(select(Post).where(Post.je_score.is_not(None))))
    assert len(scored) > 100
    for post in scored:
        evaluation = latest[post.id]
        assert not evaluation.total_only, post.post_number
        levels = [(f.factor_number, f.level) for f in evaluation.factors]
        assert [n for n, _ in levels] == list(range(1, 14))
        # The points added up here from the reference file's weights: the post's score.
        assert sum(points[key] for key in levels) == evaluation.score == post.je_score, post.post_number
        assert {m.side for m in evaluation.panel_members} == {"management", "union"}


def test_the_conventions_cited_are_the_councils_and_decided_the_levels_used(ctx):
    cited = 0
    for evaluation in _evaluations():
        for factor in evaluation.factors:
            if factor.convention is None:
                continue
            cited += 1
            convention = factor.convention
            assert convention.convention_set.council_id == evaluation.council_id
            assert convention.situation.factor_number == factor.factor_number
            assert convention.level == factor.level
            # Each situation cited fits the job it was cited for.
            post = evaluation.post
            assert convention.situation.text in situations_for(post.service.name, post.title)
    assert cited > 50
    managers = [e for e in _evaluations() if e.post.title.endswith(" Manager") and e.post.je_score
                and any(f.convention and f.convention.situation.text == MANAGES for f in e.factors)]
    assert managers, "some managers' evaluations cite 'line manages a team of 5 to 9 staff'"


def test_some_posts_are_evaluated_under_both_councils_conventions_with_different_totals(ctx):
    by_post: dict[int, dict[int, JobEvaluation]] = defaultdict(dict)
    for evaluation in _evaluations():
        if evaluation.notes.startswith("The same job evaluated under"):
            by_post[evaluation.post_id][evaluation.council_id] = evaluation
        elif evaluation.council_id == evaluation.post.council_id and not evaluation.total_only:
            by_post[evaluation.post_id].setdefault(evaluation.council_id, evaluation)
    both = {post_id: found for post_id, found in by_post.items() if len(found) == 2}
    assert len(both) >= 5
    for found in both.values():
        a, b = found.values()
        assert a.score != b.score
        levels_a = {f.factor_number: f for f in a.factors}
        parted = [f for f in b.factors if levels_a[f.factor_number].level != f.level]
        # Only levels a convention decided differ, and each differing level cites the same situation.
        assert parted and all(f.convention is not None and levels_a[f.factor_number].convention is not None
                              and f.convention.situation_id == levels_a[f.factor_number].convention.situation_id
                              for f in parted)


def test_the_demo_grades_and_points_show_no_drift(ctx):
    report = check.run(DEMO_AS_OF, ["evaluation_points", "post_grades"])
    assert report.drift == []
    assert report.checked["evaluation_points"] > 100
    assert date(1997, 4, 1) <= min(e.evaluated_on for e in _evaluations() if not e.total_only)


def test_one_table_of_profiles_gives_what_profile_for_gives_for_every_score():
    """The demo works the scheme's reachable totals out once per set of fixed levels
    (`profiles`) and picks from them (`closest_profile`): the same levels as `profile_for`."""
    from hrtool.domain.job_evaluation import Factor, Plan, closest_profile, profile_for, profiles

    points = _plan_points()
    plan = Plan(date(1997, 4, 1), [Factor(n, f"factor {n}", "", {lv: p for (f, lv), p in points.items() if f == n})
                                   for n in range(1, 14)])
    for fixed in ({}, {10: 3, 1: 6}, {13: 3}):
        table = profiles(plan, fixed)
        for target in range(150, 660, 7):
            assert closest_profile(target, table) == profile_for(target, plan, fixed)
