"""Identifiers a spreadsheet stripped of their leading zeros.

Person numbers, post numbers and phone numbers are text, but a spreadsheet opening a CSV (or a
person typing into a General cell) reads an all-digit one as a number and writes `0012345` back
as `12345`. The rule, the same for every import: a value of digits only that equals an
identifier held once zero-padded to that identifier's length is that identifier. It never
matches when the value is itself held, and two held identifiers that pad to the same value
(`0012345` and `012345` for `12345`) are ambiguous: the caller refuses the row naming both.
"""
from __future__ import annotations

from collections.abc import Iterable


def _digits(value: str) -> bool:
    return value.isascii() and value.isdigit()


def lost_zeros(value: str, held: str) -> bool:
    """Whether `value` is `held` with leading zeros lost: '12345' and '0012345'."""
    return len(value) < len(held) and _digits(value) and _digits(held) and value.zfill(len(held)) == held


class Padded:
    """The held identifiers that begin with a zero and are digits only, by their value without
    the zeros: the only ones a stripped value can stand for."""

    def __init__(self, held: Iterable[str]):
        self.by_value: dict[str, list[str]] = {}
        for number in held:
            if number.startswith("0") and _digits(number):
                self.by_value.setdefault(number.lstrip("0"), []).append(number)

    def candidates(self, value: str) -> list[str]:
        """The held identifiers `value` equals once zero-padded to their length (sorted); the
        caller first checks that `value` is not itself held."""
        if not _digits(value) or not self.by_value:
            return []
        return sorted(h for h in self.by_value.get(value.lstrip("0"), []) if lost_zeros(value, h))

    def __bool__(self) -> bool:
        return bool(self.by_value)


def read_as(column: str, held: str, value: str) -> str:
    """The repair as reported: 'person_number 0012345 read as 12345 by a spreadsheet: matched'."""
    return f"{column} {held} read as {value} by a spreadsheet: matched"


def ambiguous(column: str, value: str, held: list[str]) -> str:
    return (f"{value} could be {' or '.join(held)} with its leading zeros lost by a spreadsheet: give the "
            f"{column} in full, as text")
