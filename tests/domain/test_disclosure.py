"""Withholding small groups, and the figures that would give them away by subtraction."""
from __future__ import annotations

from hrtool.domain.disclosure import withheld


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
