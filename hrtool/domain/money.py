"""Amounts as people type them: "£1,234.50", "1234.5", " £ 12 ". One reading for the web
forms, the imports, the rules editor and the command line; each caller then applies its own
limits (range, places) and words its own message. Pure: text in, Decimal out.

A thousands separator must separate thousands: "1,23" is refused rather than read as 123, as it
is either a typing slip or a decimal comma. Only ASCII digits count."""
from __future__ import annotations

import re
from decimal import Decimal


class NotAnAmount(ValueError):
    """The text is not an amount of the form asked for."""


def _pattern(signed: bool, spaces: bool, percent: bool) -> re.Pattern[str]:
    separator = "[, ]" if spaces else ","
    number = rf"(?:[0-9]{{1,3}}(?:{separator}[0-9]{{3}})+|[0-9]+)(?:\.[0-9]*)?|\.[0-9]+"
    # The sign goes before the pound sign or after it: "-£3.00" and "£-3.00".
    sign = r"(?:[+-]\s*£?|£?\s*[+-]?)" if signed else "£?"
    return re.compile(rf"{sign}\s*(?:{number})" + (r"\s*%?" if percent else ""))


_PATTERNS = {(signed, spaces, percent): _pattern(signed, spaces, percent)
             for signed in (False, True) for spaces in (False, True) for percent in (False, True)}
_DECORATION = re.compile(r"[£,%\s]")


def parse_amount(text: str, *, signed: bool = False, spaces: bool = False, percent: bool = False,
                 whole: bool = False) -> Decimal:
    """The number in `text`, its places kept ("1234.50" is Decimal("1234.50")): white space
    around it, a pound sign before it and commas between its thousands are allowed; digits may
    stand on one side of the point only ("12." and ".5"). NotAnAmount for anything else.

    signed: a leading + or - is allowed (the caller refuses a negative in its own words);
    spaces: a space may separate thousands too ("1 234.50", as some spreadsheets write them);
    percent: a per cent sign may follow ("2.5%");
    whole: a whole number, with no decimal point."""
    match = _PATTERNS[signed, spaces, percent].fullmatch(text.strip())
    if match is None or (whole and "." in text):
        raise NotAnAmount(f"{text!r} is not an amount")
    return Decimal(_DECORATION.sub("", text))
