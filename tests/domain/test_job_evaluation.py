"""The NJC Job Evaluation Scheme's arithmetic (hrtool/domain/job_evaluation.py), against a factor
plan written out by hand from the foundation's factor facts (not read from the reference file):

  factor 1 Knowledge, levels 1-8: 20, 40, 60, 80, 100, 121, 142, 163
  factors 2, 3, 9, 10, 11, 12, levels 1-6: 13, 26, 39, 52, 65, 78
  factor 4, levels 1-5: 13, 26, 39, 52, 65
  factor 5, levels 1-8: 13, 26, ..., 104
  factors 6, 7, 8, 13, levels 1-5: 10, 20, 30, 40, 50

All level 1: 20 + 6 x 13 + 13 + 13 + 4 x 10 = 20 + 78 + 26 + 40 = 164.
All top levels: 163 + 6 x 78 + 65 + 104 + 4 x 50 = 163 + 468 + 169 + 200 = 1,000."""
from __future__ import annotations

from datetime import date

import pytest

from hrtool.domain.grading import GradeBand, grade_for_points
from hrtool.domain.job_evaluation import (
    Factor,
    Level,
    LevelOutOfRange,
    Plan,
    Reading,
    WrongNumberOfLevels,
    differences,
    in_force,
    maximum,
    plan_problems,
    profile_for,
    reevaluate,
    score,
)

NAMES = {1: "Knowledge", 2: "Mental skills", 3: "Interpersonal and communication skills", 4: "Physical skills",
         5: "Initiative and independence", 6: "Physical demands", 7: "Mental demands", 8: "Emotional demands",
         9: "Responsibility for people", 10: "Responsibility for supervision",
         11: "Responsibility for financial resources", 12: "Responsibility for physical resources",
         13: "Working conditions"}


def _points(number: int) -> dict[int, int]:
    if number == 1:
        return dict(enumerate([20, 40, 60, 80, 100, 121, 142, 163], start=1))
    if number in (2, 3, 9, 10, 11, 12):
        return {lv: 13 * lv for lv in range(1, 7)}
    if number == 4:
        return {lv: 13 * lv for lv in range(1, 6)}
    if number == 5:
        return {lv: 13 * lv for lv in range(1, 9)}
    return {lv: 10 * lv for lv in range(1, 6)}  # 6, 7, 8, 13


PLAN = Plan(date(1997, 4, 1), [Factor(n, NAMES[n], "group", _points(n)) for n in range(1, 14)])
TOP = [8, 6, 6, 5, 8, 5, 5, 5, 6, 6, 6, 6, 5]

# The illustrative grade boundaries (reference data grade_conventions_illustrative.csv), by hand.
CCDC = [GradeBand("I", 495, 534, 30, 32), GradeBand("J", 535, 579, 33, 36), GradeBand("K", 580, 624, 37, 40)]
SBC = [GradeBand("Grade 9", 480, 519, 29, 31), GradeBand("Grade 10", 520, 559, 32, 35),
       GradeBand("Grade 11", 560, 599, 36, 39)]


def test_all_level_one_scores_164():
    assert score([1] * 13, PLAN).points == 164


def test_all_top_levels_score_1000():
    assert score(TOP, PLAN).points == 1000
    assert maximum(PLAN) == 1000


def test_a_mixed_profile_and_its_grade_under_each_councils_bands():
    # 1 L6 121; 2 L4 52; 3 L4 52; 4 L2 26; 5 L5 65; 6 L2 20; 7 L3 30; 8 L3 30; 9 L3 39; 10 L3 39;
    # 11 L2 26; 12 L2 26; 13 L1 10: 121+52+52+26+65+20+30+30+39+39+26+26+10 = 536.
    result = score([6, 4, 4, 2, 5, 2, 3, 3, 3, 3, 2, 2, 1], PLAN)
    assert result.points == 536
    assert [(f.number, f.level, f.points) for f in result.factors][:2] == [(1, 6, 121), (2, 4, 52)]
    assert result.factors[9].factor == "Responsibility for supervision" and result.factors[9].points == 39
    assert grade_for_points(536, CCDC).grade == "J"  # 535 to 579
    assert grade_for_points(536, SBC).grade == "Grade 10"  # 520 to 559
    # The same job one level lower on Knowledge (level 5, 100 points): 515, CCDC I and SBC Grade 9.
    lower = score([5, 4, 4, 2, 5, 2, 3, 3, 3, 3, 2, 2, 1], PLAN).points
    assert lower == 515
    assert (grade_for_points(lower, CCDC).grade, grade_for_points(lower, SBC).grade) == ("I", "Grade 9")


@pytest.mark.parametrize(("levels", "message"), [
    ([9] + [1] * 12, "Factor 1, Knowledge: level 9 is outside its range 1 to 8"),
    ([1] * 5 + [6] + [1] * 7, "Factor 6, Physical demands: level 6 is outside its range 1 to 5"),
    ([1] * 12 + [0], "Factor 13, Working conditions: level 0 is outside its range 1 to 5"),
])
def test_a_level_out_of_range_names_the_factor_and_its_range(levels, message):
    with pytest.raises(LevelOutOfRange) as raised:
        score(levels, PLAN)
    assert str(raised.value) == message


def test_thirteen_levels_are_needed():
    with pytest.raises(WrongNumberOfLevels):
        score([1] * 12, PLAN)


def test_reevaluate_changes_only_the_levels_a_convention_decided():
    # Situations: 1 = degree plus membership (factor 1), 7 = line manages 5 to 9 (factor 10),
    # 9 = outdoor work (factor 13, read alike). CCDC's evaluation cited 1 and 7 and 9.
    levels = [Level(n, lv) for n, lv in enumerate([6, 4, 4, 2, 5, 2, 3, 3, 3, 3, 2, 2, 3], start=1)]
    levels[0] = Level(1, 6, situation_id=1)
    levels[9] = Level(10, 3, situation_id=7)
    levels[12] = Level(13, 3, situation_id=9)
    levels[4] = Level(5, 5, situation_id=42)  # a situation the other set does not read: stays
    sbc = {1: Reading(1, 1, 5, convention_id=101), 7: Reading(7, 10, 4, convention_id=107),
           9: Reading(9, 13, 3, convention_id=109), 99: Reading(99, 2, 6)}
    result = reevaluate(levels, sbc)
    assert [lv.level for lv in result.levels] == [5, 4, 4, 2, 5, 2, 3, 3, 3, 4, 2, 2, 3]
    assert [(c.factor_number, c.before, c.after, c.convention_id) for c in result.changes] == [
        (1, 6, 5, 101), (10, 3, 4, 107)]
    # Points: the 536 profile with working conditions at level 3 (30, not 10): 556 under CCDC's
    # readings; under SBC's, -21 (Knowledge 121 -> 100) + 13 (supervision 39 -> 52) = 548.
    assert score([lv.level for lv in levels], PLAN).points == 556
    assert score([lv.level for lv in result.levels], PLAN).points == 548


def test_a_reading_for_another_factor_is_not_applied():
    levels = [Level(n, 1) for n in range(1, 14)]
    levels[1] = Level(2, 1, situation_id=5)
    result = reevaluate(levels, {5: Reading(5, 3, 4)})  # situation 5 belongs to factor 3
    assert [lv.level for lv in result.levels] == [1] * 13 and result.changes == []


def test_differences_are_the_factors_that_part_largest_first():
    ccdc = score([6, 4, 4, 2, 5, 2, 3, 3, 3, 3, 2, 2, 1], PLAN)
    sbc = score([5, 4, 4, 2, 5, 2, 3, 2, 3, 4, 2, 2, 1], PLAN)
    found = differences(ccdc, sbc)
    # Knowledge 121 -> 100 (-21), supervision 39 -> 52 (+13), emotional demands 30 -> 20 (-10).
    assert [(d.number, d.points) for d in found] == [(1, -21), (10, 13), (8, -10)]


def test_profile_for_finds_the_closest_total_keeping_fixed_levels():
    levels = profile_for(536, PLAN, fixed={1: 6})
    assert levels[0] == 6 and score(levels, PLAN).points == 536
    assert score(profile_for(0, PLAN), PLAN).points == 164  # nothing scores less than all level 1
    assert score(profile_for(5000, PLAN), PLAN).points == 1000
    # 165 cannot be reached (the smallest step from 164 is 10): 164 is closest.
    assert score(profile_for(165, PLAN), PLAN).points == 164


def test_the_version_in_force_and_a_sound_plan():
    later = Plan(date(2027, 4, 1), PLAN.factors)
    assert in_force([PLAN, later], date(2027, 3, 31)) is PLAN
    assert in_force([PLAN, later], date(2027, 4, 1)) is later
    assert in_force([PLAN, later], date(1990, 1, 1)) is None
    assert plan_problems(PLAN) == []
    gap = Plan(PLAN.effective_from, [*PLAN.factors[:12], Factor(13, "Working conditions", "g", {1: 10, 3: 30})])
    assert plan_problems(gap) == ["factor 13 (Working conditions): levels must run 1, 2, 3... without a gap"]
