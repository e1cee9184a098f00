"""Assimilation into a single set of grade bands, worked by hand on a three-grade model and a
made-up spine where SCP n pays 20,000 + 1,000 x n."""
from __future__ import annotations

from decimal import Decimal as D

import pytest

from hrtool.domain.equality import DOWN, SAME, UP
from hrtool.domain.grading import GradeBand
from hrtool.domain.harmonisation import (
    CHIEF_OFFICER,
    NO_SCP,
    NOT_EVALUATED,
    OFF_SPINE,
    OUTSIDE_BANDS,
    Exclusion,
    Outcome,
    Position,
    assimilate,
    harmonise,
    summarise,
    with_on_costs,
)

BANDS = [GradeBand("A", 100, 249, 2, 6), GradeBand("B", 250, 349, 7, 12), GradeBand("C", 350, 449, 13, 20)]
SPINE = {n: D(20000 + 1000 * n) for n in range(2, 21)}
FT = D(37)


def position(ref=1, score=300, scp=9, hours="37", local=False, employer="SBC"):
    salary = SPINE.get(scp) if scp is not None else None
    return Position(ref, employer, score, scp, D(local) if local else salary, D(hours), "F", 40, None, bool(local))


@pytest.mark.parametrize("score, scp, grade, new_scp, salary, direction", [
    (300, 9, "B", 9, "29000", SAME),   # SCP 9 is inside B's 7-12: kept
    (300, 5, "B", 7, "27000", UP),     # below the range: to its bottom, 7 (25,000 -> 27,000)
    (300, 15, "B", 12, "32000", DOWN),  # above the range: to its top, 12 (35,000 -> 32,000)
    (250, 6, "B", 7, "27000", UP),     # 250 is B's first point
    (249, 7, "A", 6, "26000", DOWN),   # 249 is A's last point
    (449, 20, "C", 20, "40000", SAME),
])
def test_assimilation_keeps_the_scp_or_moves_to_the_nearest_end(score, scp, grade, new_scp, salary, direction):
    outcome = assimilate(position(score=score, scp=scp), BANDS, SPINE)
    assert isinstance(outcome, Outcome)
    assert (outcome.grade, outcome.scp, outcome.full_time_salary, outcome.direction) == (grade, new_scp, D(salary), direction)


@pytest.mark.parametrize("kwargs, reason", [
    ({"local": "95000", "scp": None, "score": None}, CHIEF_OFFICER),
    ({"score": 500}, CHIEF_OFFICER),  # above the model's top grade
    ({"score": None}, NOT_EVALUATED),
    ({"scp": None}, NO_SCP),
    ({"scp": 60}, OFF_SPINE),  # today's SCP is not on the spine, so there is no salary to compare
    ({"score": 50}, OUTSIDE_BANDS),  # below the lowest band
])
def test_people_left_out_and_why(kwargs, reason):
    result = assimilate(position(**kwargs), BANDS, SPINE)
    assert isinstance(result, Exclusion) and result.reason == reason


def test_another_assimilation_rule_can_be_passed_in():
    def bottom_of_grade(scp, band):
        return band.scp_min

    outcome = assimilate(position(score=300, scp=9), BANDS, SPINE, bottom_of_grade)
    assert outcome.scp == 7 and outcome.direction == DOWN


def test_harmonise_counts_and_pay_bills():
    people = [position(1, 300, 9), position(2, 300, 5, hours="18.5"), position(3, 300, 15), position(4, 500, 13),
              position(5, None, 9)]
    result = harmonise(people, BANDS, SPINE)
    assert [o.position.ref for o in result.outcomes] == [1, 2, 3]
    assert result.excluded_by_reason() == {CHIEF_OFFICER: 1, NOT_EVALUATED: 1}
    summary = summarise(result.outcomes, lambda o: o.grade, FT, ["A", "B", "C"])
    assert summary["A"].people == 0 and summary["C"].people == 0
    b = summary["B"]
    # Before: 29,000 + 25,000 x 18.5/37 (12,500) + 35,000 = 76,500.
    # After:  29,000 + 27,000 x 18.5/37 (13,500) + 32,000 = 74,500. Change -2,000.
    assert (b.people, b.up, b.same, b.down) == (3, 1, 1, 1)
    assert (b.pay_before, b.pay_after, b.change) == (D("76500.00"), D("74500.00"), D("-2000.00"))


def test_on_costs_are_added_and_rounded_once():
    # 1,000.01 x 1.28 = 1,280.0128 -> 1,280.01; -2,000 x 1.28 = -2,560.00.
    assert with_on_costs(D("1000.01"), D("0.28")) == D("1280.01")
    assert with_on_costs(D(-2000), D("0.28")) == D("-2560.00")
