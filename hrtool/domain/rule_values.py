"""Rule values held as data, typed and dated (README: "Rules are data"): reading a value an
administrator typed as the type the rule already has, storing it back the way it was stored,
and the dating rule every new version follows. Pure: values in, values out.

Types are inferred from the value held today, so a whole number stays a whole number (the
services read many of them with `int(...)`), a decimal stays an exact decimal, yes/no stays
yes/no and a date stays a date. Numbers in policy bodies are stored as strings so they read back
as exact Decimals; a value stored as a JSON number stays one."""
from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Literal

from .money import NotAnAmount, parse_amount

Kind = Literal["integer", "decimal", "boolean", "date", "text"]
Typed = int | Decimal | bool | date | str

KIND_HINTS: dict[str, str] = {
    "integer": "A whole number",
    "decimal": "A number; decimals are allowed, like 37.5",
    "boolean": "Yes or no",
    "date": "A date, like 6/4/2025",
    "text": "Text",
}
MAX_TEXT = 2000

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
INTEGER = re.compile(r"^[+-]?\d+$")
DECIMAL = re.compile(r"^[+-]?(\d+\.\d*|\.\d+|\d+)$")
UK_DATE = re.compile(r"^(\d{1,2})[/ .-](\d{1,2})[/ .-](\d{4})$")


class ValueProblem(ValueError):
    """What is wrong with a typed value, in words for the person who typed it."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def infer_kind(value: Any) -> Kind:
    """The type of a value held today: JSON booleans and numbers as they are; text that reads as
    an ISO date, a whole number or a decimal as that; anything else is text."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, (float, Decimal)):
        return "decimal"
    if isinstance(value, date):
        return "date"
    if isinstance(value, str):
        text = value.strip()
        if ISO_DATE.match(text):
            try:
                date.fromisoformat(text)
                return "date"
            except ValueError:
                pass
        if INTEGER.match(text):
            return "integer"
        if DECIMAL.match(text):
            return "decimal"
    return "text"


def parse_value(text: str | None, kind: Kind, label: str, *, required: bool = True,
                allow_negative: bool = False) -> Typed | None:
    """The value `text` holds as `kind`, or ValueProblem naming `label`. Blank gives None when
    the value is not required (text only: a number, yes/no or date is always required)."""
    text = (text or "").strip()
    if not text:
        if kind == "text" and not required:
            return ""
        raise ValueProblem(f"Choose yes or no for {label}" if kind == "boolean" else f"Enter a value for {label}")
    if kind in ("integer", "decimal"):
        return _parse_number(text, label, whole=kind == "integer", allow_negative=allow_negative)
    if kind == "boolean":
        return _parse_boolean(text, label)
    if kind == "date":
        return _parse_date(text, label)
    if len(text) > MAX_TEXT:
        raise ValueProblem(f"{label} must be {MAX_TEXT:,} characters or fewer")
    return text


def _parse_number(text: str, label: str, *, whole: bool, allow_negative: bool) -> int | Decimal:
    """A number, with thousands separators, a pound sign and a per cent sign allowed around it."""
    try:
        number = parse_amount(text, signed=True, percent=True, whole=whole)
    except NotAnAmount:
        raise ValueProblem(f"{label} must be a whole number" if whole else f"{label} must be a number") from None
    if number < 0 and not allow_negative:
        raise ValueProblem(f"{label} must be 0 or more")
    return int(number) if whole else number


def _parse_boolean(text: str, label: str) -> bool:
    answer = text.lower()
    if answer in ("yes", "true", "y"):
        return True
    if answer in ("no", "false", "n"):
        return False
    raise ValueProblem(f"Choose yes or no for {label}")


def _parse_date(text: str, label: str) -> date:
    match = UK_DATE.match(text)
    try:
        if match:
            return date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
        if ISO_DATE.match(text):
            return date.fromisoformat(text)
    except ValueError:
        pass
    raise ValueProblem(f"{label} must be a real date, like 6/4/2025")


def stored_like(sample: Any, value: Typed | None) -> Any:
    """`value` in the form the value it replaces was stored in: a JSON boolean or whole number
    stays one; every other number and every date is stored as exact text."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int) and isinstance(sample, int) and not isinstance(sample, bool):
        return value
    if isinstance(value, (int, Decimal)):
        return str(value)
    return value


def shown(value: Any, kind: Kind) -> str:
    """A held value as the text that goes in a form box (the inverse of parse_value)."""
    if value is None:
        return ""
    if kind == "boolean":
        return "yes" if value is True or str(value).lower() == "true" else "no"
    if kind == "date":
        held = value if isinstance(value, date) else date.fromisoformat(str(value).strip())
        return f"{held.day}/{held.month}/{held.year}"
    return str(value)


def positive_amount(text: str | None, label: str) -> Decimal:
    """A statutory limit: an amount in pounds more than 0, to the penny."""
    amount = parse_value(text, "decimal", label, allow_negative=True)
    assert isinstance(amount, Decimal)
    if amount <= 0:
        raise ValueProblem(f"{label} must be more than £0")
    if amount.as_tuple().exponent < -2:  # type: ignore[operator]
        raise ValueProblem(f"{label} must be in pounds and pence, like 719 or 719.50")
    if amount >= Decimal(10000000000):
        raise ValueProblem(f"{label} must be less than £10,000,000,000")
    return amount


# -- dating -------------------------------------------------------------------------------------

def check_new_start(new_from: date, latest_from: date | None, what: str) -> None:
    """A new value or version starts after the latest one held: never on the same day (two
    values for one day) and never before it (history is added to, not rewritten)."""
    if latest_from is None:
        return
    if new_from == latest_from:
        raise ValueProblem(f"There is already a {what} from {latest_from:%d/%m/%Y}: choose a later date")
    if new_from < latest_from:
        raise ValueProblem(f"The new {what} must start after the latest one, which starts on {latest_from:%d/%m/%Y}")


def closed_on(previous_to: date | None, new_from: date) -> date | None:
    """The end date the previous version takes: the day before the new one starts, unless it
    already ends before that (then it is left alone)."""
    day_before = new_from - timedelta(days=1)
    if previous_to is None or previous_to > day_before:
        return day_before
    return previous_to
