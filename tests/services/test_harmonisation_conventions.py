"""A harmonisation model that re-evaluates posts under a set of local conventions (issue 18), run
with the same bands and each council's set and a merged draft set: different winners and losers,
and the equality picture follows. Every number worked by hand.

As in test_harmonisation.py the demo workforce leaves on 31 March 2030, so on 1 April 2030 only
the two people built here are in post; SCP n pays 20,000 + 1,000 x n; model bands
B 300-399 points, SCPs 10-14; C 400-499, SCPs 15-20 (and A 0-299, SCPs 5-9, unused).

Factor points (foundation facts): factor 1 level n = 20, 40, 60, 80, ...; factors 2, 3, 4, 5, 9,
10, 11, 12 level n = 13n; factors 6, 7, 8, 13 level n = 10n.

  Xena (F), CCDC post X, SCP 14, 37 hours. Evaluated under CCDC's conventions, levels
    4,3,4,2,4,2,3,1,1,3,1,1,1 = 80+39+52+26+52+20+30+10+13+39+13+13+10 = 397; factor 10 cites
    "Line manages a team of 5 to 9 staff" (CCDC 3; SBC reads it 4: +13 -> 410).
  Yusuf (M), SBC post Y, SCP 15, 37 hours. Evaluated under SBC's conventions, levels
    4,3,4,2,4,2,3,2,1,1,3,1,1 = 80+39+52+26+52+20+30+20+13+13+39+13+10 = 407; factor 11 cites
    "Handles cash and card payments daily at a counter" (SBC 3; CCDC reads it 2: -13 -> 394).

  set                       X points  Xena              Y points  Yusuf
  none (as evaluated)       397 B     SCP 14, same      407 C     SCP 15, same
  CCDC's                    397 B     same              394 B     15 -> 14, down
  SBC's                     410 C     14 -> 15, up      407 C     same
  merged (CCDC's, with
   line management at 4)    410 C     up                394 B     down

Yusuf's protection (SBC, cash-frozen, 36 months at 100%): 35,000 - 34,000 = 1,000 a year,
83.33 a month, 36 x 83.33 = 2,999.88; with on-costs x 1.28 = 3,839.8464 -> 3,839.85.
Hourly pay gap, men's minus women's over men's (both 37 hours, so annual pay compares the same):
  before: women 34,000, men 35,000: 1,000 / 35,000 = 2.857% -> 2.9
  CCDC's set after: 34,000 and 34,000 -> 0.0;   SBC's set after: 35,000 and 35,000 -> 0.0
  merged after: women 35,000, men 34,000: -1,000 / 34,000 = -2.941% -> -2.9
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
from sqlalchemy import update

from hrtool.domain.grading import GradeBand
from hrtool.extensions import db
from hrtool.models import Employment, PaySpinePoint
from hrtool.services.harmonisation import harmonisation, harmonisation_reports
from hrtool.services.pay import job_evaluations
from hrtool.services.pay.jes import local_conventions
from hrtool.services.pay.job_evaluations import Choice

from ..factories import assign, council, employ, make_employee, make_post, own_terms

ON = date(2030, 4, 1)
BANDS = [GradeBand("A", 0, 299, 5, 9), GradeBand("B", 300, 399, 10, 14), GradeBand("C", 400, 499, 15, 20)]
MANAGES = "Line manages a team of 5 to 9 staff"
CASH = "Handles cash and card payments daily at a counter"


def _set(code):
    return local_conventions.council_set(council(code).id)


def _convention(set_id, text):
    return next(c for c in local_conventions.conventions(set_id) if c.situation.text == text)


def _holder(name, sex, code, levels, cites, scp):
    post = make_post(code, title=f"{name}'s post")
    choices = [Choice(level, _convention(_set(code).id, cites[n]).id if n in cites else None)
               for n, level in enumerate(levels, start=1)]
    job_evaluations.record_evaluation(post.id, council(code).id, date(2026, 6, 1), choices,
                                      panel=job_evaluations.DEMO_PANEL, today=date(2026, 6, 1))
    person = make_employee(first_name=name, last_name="Fixture", sex=sex, date_of_birth=date(1985, 5, 5))
    employment = employ(person, code, date(2020, 1, 1))
    assign(employment, post, date(2020, 1, 1), scp=scp)
    own_terms(employment, date(2020, 1, 1))
    return person, post


@pytest.fixture
def people(ctx):
    db.session.execute(update(Employment).where(Employment.end_date.is_(None)).values(end_date=date(2030, 3, 31)))
    db.session.add_all([PaySpinePoint(spine="NJC", pay_year_from=ON, scp=n, annual_salary=D(20000 + 1000 * n))
                        for n in range(1, 51)])
    xena = _holder("Xena", "F", "CCDC", [4, 3, 4, 2, 4, 2, 3, 1, 1, 3, 1, 1, 1], {10: MANAGES}, 14)
    yusuf = _holder("Yusuf", "M", "SBC", [4, 3, 4, 2, 4, 2, 3, 2, 1, 1, 3, 1, 1], {11: CASH}, 15)
    db.session.flush()
    return {"Xena": xena, "Yusuf": yusuf}


@pytest.fixture
def merged(people):
    draft = local_conventions.create_draft_set("Merged draft", "CCDC's, with SBC's line management",
                                               _set("CCDC").id)
    manages = _convention(draft.id, MANAGES)
    local_conventions.choose(draft.id, manages.situation_id, 4, "count staff supervised through team leaders")
    return draft


def _run(name, set_id):
    created = harmonisation.create_model(name, "", ON, "council:CCDC", convention_set_id=set_id)
    model = harmonisation.update_model(created, created.version, name, "", ON, BANDS)
    return model, harmonisation.run_model(model)


def _outcomes(results, people):
    by_id = {a.employee_id: a.direction for a in results.affected}
    return {name: by_id.get(person.id, "same") for name, (person, _) in people.items()}


def test_each_set_of_conventions_gives_different_winners_and_losers(people, merged):
    runs = {"none": _run("As evaluated", None)[1], "CCDC": _run("CCDC conventions", _set("CCDC").id)[1],
            "SBC": _run("SBC conventions", _set("SBC").id)[1], "merged": _run("Merged conventions", merged.id)[1]}
    assert {k: _outcomes(r, people) for k, r in runs.items()} == {
        "none": {"Xena": "same", "Yusuf": "same"}, "CCDC": {"Xena": "same", "Yusuf": "down"},
        "SBC": {"Xena": "up", "Yusuf": "same"}, "merged": {"Xena": "up", "Yusuf": "down"}}
    assert {k: (r.total.up, r.total.same, r.total.down) for k, r in runs.items()} == {
        "none": (0, 2, 0), "CCDC": (0, 1, 1), "SBC": (1, 1, 0), "merged": (1, 0, 1)}
    # Protection for Yusuf under SBC's cash-frozen policy, with on-costs: 3,839.85 (see above).
    assert [runs[k].total.protection_with_on_costs for k in ("none", "CCDC", "SBC", "merged")] == \
        [D("0.00"), D("3839.85"), D("0.00"), D("3839.85")]
    # The equality picture follows the conventions.
    assert {k: [(g.label, g.up, g.same, g.down) for g in r.by_sex] for k, r in runs.items()} == {
        "none": [("Female", 0, 1, 0), ("Male", 0, 1, 0)], "CCDC": [("Female", 0, 1, 0), ("Male", 0, 0, 1)],
        "SBC": [("Female", 1, 0, 0), ("Male", 0, 1, 0)], "merged": [("Female", 1, 0, 0), ("Male", 0, 0, 1)]}
    assert runs["none"].gap_before.mean == D("2.9")
    assert {k: r.gap_after.mean for k, r in runs.items()} == {
        "none": D("2.9"), "CCDC": D("0.0"), "SBC": D("0.0"), "merged": D("-2.9")}


def test_the_results_say_which_set_and_which_conventions_changed_each_post(people, merged):
    _, results = _run("Merged conventions", merged.id)
    used = results.conventions
    assert (used.name, used.kind, used.posts_reevaluated, used.posts_total_only, used.posts_not_evaluated) == \
        ("Merged draft", "draft", 2, 0, 0)
    by_post = {p.post_id: p for p in used.posts}
    x, y = by_post[people["Xena"][1].id], by_post[people["Yusuf"][1].id]
    assert (x.points_before, x.points_after) == (397, 410)
    assert [(c.factor, c.situation, c.level_before, c.level_after, c.points) for c in x.changes] == \
        [(10, MANAGES, 3, 4, 13)]
    assert (y.points_before, y.points_after) == (407, 394)
    assert [(c.factor, c.situation, c.level_before, c.level_after, c.points) for c in y.changes] == \
        [(11, CASH, 3, 2, -13)]
    # Summed by convention for the results page: one post each, +13 and -13.
    assert [(e.factor, e.situation, e.level_before, e.level_after, e.posts, e.points)
            for e in harmonisation_reports.convention_effects(results)] == \
        [(10, MANAGES, 3, 4, 1, 13), (11, CASH, 3, 2, 1, -13)]
    _, as_evaluated = _run("As evaluated", None)
    assert as_evaluated.conventions is None and harmonisation_reports.convention_effects(as_evaluated) == []


def test_changing_a_sets_conventions_marks_only_the_models_using_it_stale(people, merged):
    merged_model, _ = _run("Merged conventions", merged.id)
    sbc_model, _ = _run("SBC conventions", _set("SBC").id)
    local_conventions.choose(merged.id, _convention(merged.id, CASH).situation_id, 3, "SBC's reading of takings")
    db.session.refresh(merged_model)
    db.session.refresh(sbc_model)
    stale = harmonisation.stale_reason(merged_model)
    assert stale is not None and "local conventions" in stale["why"]
    assert harmonisation.stale_reason(sbc_model) is None


def test_choosing_another_set_clears_the_results(people, merged):
    model, _ = _run("Merged conventions", merged.id)
    harmonisation.update_model(model, model.version, model.name, "", ON, BANDS, convention_set_id=_set("SBC").id)
    assert model.results is None and model.convention_set_id == _set("SBC").id


def test_a_total_only_evaluation_keeps_its_total(people):
    """An evaluation holding only a typed total (made before factor levels were recorded) is kept."""
    from hrtool.models import JobEvaluation

    _, post = people["Yusuf"]
    db.session.add(JobEvaluation(post_id=post.id, council_id=council("SBC").id, score=407, evaluated_on=date(2027, 1, 1),
                                 panel="", status="agreed", factor_levels=None))
    db.session.flush()
    _, results = _run("CCDC conventions", _set("CCDC").id)
    assert (results.conventions.posts_reevaluated, results.conventions.posts_total_only) == (1, 1)
    assert _outcomes(results, people) == {"Xena": "same", "Yusuf": "same"}  # 407 kept: grade C, SCP 15
