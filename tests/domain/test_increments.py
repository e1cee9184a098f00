"""Increments (DOMAIN.md 3.2): one point a year to the top of the grade, on 1 April or on the
anniversary of appointment, not within six months of starting."""
from datetime import date

import pytest

from hrtool.domain.increments import (
    IncrementFacts,
    IncrementPolicy,
    anniversary_in_month,
    increment_decision,
)

APRIL = IncrementPolicy("1 April", 6)
ANNIV = IncrementPolicy("anniversary", 6)


def facts(scp=10, since=date(2020, 7, 15), scp_min=9, scp_max=12, later=None):
    return IncrementFacts(scp, "Grade 4", scp_min, scp_max, since, later)


def test_moves_one_point_on_1_april():
    d = increment_decision(facts(), APRIL, date(2026, 4, 1))
    assert (d.moves, d.new_scp, d.effective_on) == (True, 11, date(2026, 4, 1))


def test_top_of_grade_does_not_move():
    d = increment_decision(facts(scp=12), APRIL, date(2026, 4, 1))
    assert not d.moves and d.reason == "at the top of Grade 4 (SCP 12)"


@pytest.mark.parametrize("since, moves", [
    (date(2025, 10, 1), True),   # exactly six months before 1 April
    (date(2025, 10, 2), False),  # a day short
    (date(2026, 3, 1), False),
])
def test_six_months_in_post(since, moves):
    assert increment_decision(facts(since=since), APRIL, date(2026, 4, 1)).moves is moves


def test_april_rule_only_pays_on_1_april():
    d = increment_decision(facts(), APRIL, date(2026, 5, 1))
    assert not d.moves and d.reason == "increments are paid on 1 April"


def test_anniversary_rule_moves_on_the_anniversary_in_the_run_month():
    d = increment_decision(facts(since=date(2019, 7, 15)), ANNIV, date(2026, 7, 1))
    assert (d.moves, d.effective_on, d.new_scp) == (True, date(2026, 7, 15), 11)
    other = increment_decision(facts(since=date(2019, 8, 15)), ANNIV, date(2026, 7, 1))
    assert not other.moves and "August" in other.reason


def test_first_anniversary_needs_the_months_too():
    # Appointed 15 July 2025: the July 2026 anniversary is 12 months on, so it moves.
    assert increment_decision(facts(since=date(2025, 7, 15)), ANNIV, date(2026, 7, 1)).moves
    # Appointed this July: no anniversary yet.
    assert not increment_decision(facts(since=date(2026, 7, 2)), ANNIV, date(2026, 7, 1)).moves


def test_local_salary_and_no_grade_do_not_move():
    assert increment_decision(IncrementFacts(None, None, None, None, date(2010, 1, 1)), APRIL, date(2026, 4, 1)).reason \
        == "not on the NJC pay spine (local salary)"
    assert increment_decision(IncrementFacts(10, None, None, None, date(2010, 1, 1)), APRIL, date(2026, 4, 1)).reason \
        == "the post has no grade"


def test_below_the_grade_minimum_moves_to_the_minimum():
    assert increment_decision(facts(scp=7, scp_min=9), APRIL, date(2026, 4, 1)).new_scp == 9


def test_a_later_recorded_change_blocks_the_increment():
    d = increment_decision(facts(later=date(2026, 4, 1)), APRIL, date(2026, 4, 1))
    assert not d.moves and "already recorded" in d.reason


def test_29_february_anniversary():
    assert anniversary_in_month(date(2020, 2, 29), date(2026, 2, 1)) == date(2026, 2, 28)
    assert anniversary_in_month(date(2020, 2, 29), date(2028, 2, 1)) == date(2028, 2, 29)
