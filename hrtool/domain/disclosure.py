"""Which figures of a set of published tables to withhold so that no small group can be seen or
worked out (DOMAIN.md 2: union representatives see aggregate figures only).

Primary suppression: a figure about a group of more than none and fewer than `threshold` people
is withheld. Complementary suppression: tables come with totals, so a line of figures that adds
up (the parts and their total, across a row, down a column, or between two tables sharing a
total) with exactly one figure withheld would give it away by subtraction; while any line has
exactly one, the figure about the smallest other non-empty group in it is withheld too. An empty
group (no one) is never withheld: it describes nobody.
"""
from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import TypeVar

K = TypeVar("K", bound=Hashable)


def withheld(sizes: Mapping[K, int], lines: Sequence[Sequence[K]], threshold: int) -> set[K]:
    """The figures to withhold. `sizes` gives, for each figure, how many people it is about;
    `lines` are the sets of figures that add up (parts with their total)."""
    hidden = {key for key, size in sizes.items() if 0 < size < threshold}
    changed = True
    while changed:
        changed = False
        for line in lines:
            if sum(1 for key in line if key in hidden) != 1:
                continue
            others = [key for key in line if key not in hidden and sizes[key] > 0]
            if others:
                hidden.add(min(others, key=lambda key: sizes[key]))
                changed = True
    return hidden
