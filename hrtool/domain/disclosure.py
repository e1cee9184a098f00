"""Which figures of a set of published tables to withhold so that no small group can be seen or
worked out (DOMAIN.md 2: union representatives see aggregate figures only). THE one rule: the
union pages, the letters to unions and their PDFs, and the harmonisation summary all publish
their figures through it, with the threshold from the rule setting `aggregate_min_group_size`
(the services look it up for the date and pass it in).

Primary suppression: a figure about a group of more than none and fewer than `threshold` people
is withheld. Complementary suppression: tables come with totals, so a line of figures that adds
up (the parts and their total, across a row, down a column, or between two tables sharing a
total) with exactly one figure withheld would give it away by subtraction; while any line has
exactly one, another figure in it is withheld too: a total named in `give_up_first` if the line
has one (so a part another page shows stays the same on both), otherwise the figure about the
smallest other non-empty group. An empty group (no one) is never withheld: it describes nobody.

How a withheld figure reads: "fewer than 5" where the group itself is small, "withheld" where it
is withheld only so that another cannot be worked out (saying "fewer than 5" would be untrue).
"""
from __future__ import annotations

from collections.abc import Collection, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)

WITHHELD = "withheld"


def withheld(sizes: Mapping[K, int], lines: Sequence[Sequence[K]], threshold: int,
             give_up_first: Collection[K] = ()) -> set[K]:
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
                totals = [key for key in others if key in give_up_first]
                hidden.add(totals[0] if totals else min(others, key=lambda key: sizes[key]))
                changed = True
    return hidden


def words(size: int, hidden: bool, threshold: int) -> str:
    """A count as published: "12", "1,234", "fewer than 5" or "withheld"."""
    if not hidden:
        return f"{size:,}"
    return f"fewer than {threshold}" if size < threshold else WITHHELD


def cell(size: int, hidden: bool, threshold: int) -> str:
    """A count as a table cell: "12", "Fewer than 5", "Withheld"."""
    text = words(size, hidden, threshold)
    return text[:1].upper() + text[1:]


@dataclass(frozen=True)
class Published(Generic[K]):
    """A table of counts with their total, as a union may see it: None where withheld."""

    parts: dict[K, int | None]
    total: int | None
    cells: dict[K, str]  # each part as its cell reads
    total_words: str  # the total as a sentence reads it ("12", "fewer than 5")
    threshold: int


def publish(parts: Mapping[K, int], total: int, threshold: int, give_up_total: bool = False) -> Published[K]:
    """One table of parts and their total (which they add up to), small groups withheld and
    nothing left to work out by subtraction."""
    key_total = ("total",)
    sizes: dict[Hashable, int] = {("part", key): n for key, n in parts.items()}
    sizes[key_total] = total
    hidden = withheld(sizes, [list(sizes)], threshold, give_up_first=[key_total] if give_up_total else [])
    return Published(
        {key: None if ("part", key) in hidden else n for key, n in parts.items()},
        None if key_total in hidden else total,
        {key: cell(n, ("part", key) in hidden, threshold) for key, n in parts.items()},
        words(total, key_total in hidden, threshold), threshold)
