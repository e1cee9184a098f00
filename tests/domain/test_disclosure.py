"""Withholding small groups, and the figures that would give them away by subtraction."""
from __future__ import annotations

import pytest

from hrtool.domain.disclosure import cell, publish, withheld, words


def test_small_groups_are_withheld_and_empty_ones_shown():
    assert withheld({"a": 4, "b": 5, "c": 0, "d": 1}, [], 5) == {"a", "d"}


def test_one_withheld_part_takes_the_smallest_other_part_with_it():
    # Down: CCDC 170, SBC 1, both 171. With SBC alone withheld, 171 - 170 gives it away, so CCDC
    # goes too; the total stays.
    sizes = {"CCDC": 170, "SBC": 1, "both": 171}
    assert withheld(sizes, [["CCDC", "SBC", "both"]], 5) == {"CCDC", "SBC"}


def test_a_row_and_its_columns():
    # Grade row: up 3, same 53, down 23, people 79; the up column adds up across grades to 20.
    #   primary: up 3 (row) -> the row has one withheld, so down 23 (smaller than same 53) goes;
    #   the up column: grade X up 3 and grade Y up 17 total 20: one withheld, so Y's 17 goes;
    #   the down column: X 23 and Y 2 (primary) already two withheld.
    sizes = {("X", "up"): 3, ("X", "same"): 53, ("X", "down"): 23, ("X", "people"): 79,
             ("Y", "up"): 17, ("Y", "same"): 30, ("Y", "down"): 2, ("Y", "people"): 49,
             ("all", "up"): 20, ("all", "same"): 83, ("all", "down"): 25, ("all", "people"): 128}
    lines = [[(g, m) for m in ("up", "same", "down", "people")] for g in ("X", "Y", "all")]
    lines += [[(g, m) for g in ("X", "Y", "all")] for m in ("up", "same", "down", "people")]
    hidden = withheld(sizes, lines, 5)
    assert {("X", "up"), ("Y", "down")} <= hidden
    for line in lines:  # no line is left with a single withheld figure
        assert sum(1 for key in line if key in hidden) != 1


def test_a_total_about_a_small_group_is_withheld_itself():
    # Protection in 2028/29: CCDC nobody, SBC one person, so the total is about one person too.
    assert withheld({"CCDC": 0, "SBC": 1, "both": 1}, [["CCDC", "SBC", "both"]], 5) == {"SBC", "both"}


# -- issue 16: totals given up first, how a withheld figure reads, a table with its total -------

def test_a_total_named_to_give_up_goes_before_a_part():
    # CCDC 170, SBC 1, both 171, the total named to give up: SBC and the total are withheld, so
    # CCDC's 170 stays (as another page showing it says) and 171 - 170 is not there to work out.
    sizes = {"CCDC": 170, "SBC": 1, "both": 171}
    assert withheld(sizes, [["CCDC", "SBC", "both"]], 5, give_up_first=["both"]) == {"SBC", "both"}


@pytest.mark.parametrize("size, hidden, expected", [
    (0, False, "0"), (4, False, "4"), (1234, False, "1,234"),
    (1, True, "fewer than 5"), (4, True, "fewer than 5"),
    (5, True, "withheld"), (170, True, "withheld"),  # withheld only so another cannot be worked out
])
def test_how_a_count_reads(size, hidden, expected):
    assert words(size, hidden, 5) == expected
    assert cell(size, hidden, 5) == expected[:1].upper() + expected[1:]


def test_a_table_of_one_person():
    shown = publish({"Grade 4": 1}, 1, 5)
    assert shown.parts == {"Grade 4": None} and shown.total is None
    assert shown.cells == {"Grade 4": "Fewer than 5"} and shown.total_words == "fewer than 5"


def test_a_table_whose_small_groups_sum_past_the_threshold_shows_its_total():
    # Grades 3 and 2, total 5: both withheld (two in the line), the total 5 says nothing of either.
    shown = publish({"A": 3, "B": 2}, 5, 5)
    assert shown.cells == {"A": "Fewer than 5", "B": "Fewer than 5"} and shown.total == 5
