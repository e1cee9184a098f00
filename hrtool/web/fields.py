"""Form fields shared by the areas: GOV.UK date inputs and amounts in pounds, with plain-English
errors."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any, cast

from flask import abort, request
from govuk_frontend_wtf.wtforms_widgets import GovDateInput
from wtforms import DateField, DecimalField, ValidationError

from ..domain.money import NotAnAmount, parse_amount


class GovDateField(DateField):
    """Day, month and year boxes (GOV.UK date input pattern). Empty boxes give None; a date that
    does not exist gives '<label> must be a real date'."""

    widget = GovDateInput()

    def __init__(self, label: str | None = None, validators: Any = None, **kwargs: Any):
        super().__init__(label, validators, format="%d %m %Y", **kwargs)

    def process_formdata(self, valuelist: list[str]) -> None:
        if len(valuelist) != 3:
            # Absent (or tampered with): the widget re-renders from raw_data, which must be
            # None or exactly day, month and year.
            self.raw_data = None
            if valuelist:
                self.data = None
                raise ValueError(f"{self.label.text} must include a day, month and year")
            return
        parts = [v.strip() for v in valuelist]
        if not any(parts):
            self.data = None
            return
        if len(parts) != 3 or not all(parts):
            self.data = None
            raise ValueError(f"{self.label.text} must include a day, month and year")
        try:
            self.data = datetime.strptime(" ".join(parts), "%d %m %Y").date()
        except ValueError:
            self.data = None
            raise ValueError(f"{self.label.text} must be a real date") from None
        if not date(1900, 1, 1) <= self.data <= date(2100, 12, 31):
            self.data = None
            raise ValueError(f"{self.label.text} must be between 1900 and 2100")


class MoneyField(DecimalField):
    """Pounds, with a plain-English error (and £ signs and commas allowed)."""

    def process_formdata(self, valuelist: list[str]) -> None:
        if not valuelist:
            return
        try:
            # Signed, so a negative amount is refused by the range, in its words.
            self.data = parse_amount(valuelist[0], signed=True)
        except NotAnAmount:
            self.data = None  # type: ignore[assignment]  # as DecimalField does, not the object's value
            raise ValueError(f"{self.label.text} must be an amount in pounds, like 950.00") from None


def required_date(field: GovDateField) -> date:
    """The date in a field with InputRequired, read once its form has validated: a date by then
    (InputRequired refuses empty boxes, process_formdata a date that does not exist)."""
    return cast(date, field.data)


class PlausibleDate:
    """A date within the plausible window of its kind: the rule settings in force today,
    read by services/rules/date_windows.py, so the form says exactly what the service would. An empty
    field passes (InputRequired or Optional decide whether one must be given)."""

    def __init__(self, kind: str):
        self.kind = kind

    def __call__(self, form: Any, field: Any) -> None:
        from ..services.rules import date_windows

        found = date_windows.problem(self.kind, field.data) if isinstance(field.data, date) else None
        if found:
            raise ValidationError(found)


def date_from_query(value: str) -> date | None:
    """A date typed into a page's query string (filters, "as at" boxes): 2027-04-01 or 1/4/2027;
    None when it is not a real date, so the page can say so instead of failing."""
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(value.strip(), fmt).date()
        except ValueError:
            continue
    return None


def parse_id(value: str) -> int | None:
    """A record id as typed into a URL: ASCII digits for a number from 1 to the largest a row can
    have (the same rule as the `int` URL converter); None for anything else ("²", "-1", thirty 9s)."""
    from . import MAX_ID

    value = value.strip()
    if not value or not value.isascii() or not value.isdigit() or len(value) > len(str(MAX_ID)):
        return None
    number = int(value)
    return number if 1 <= number <= MAX_ID else None


def id_from_query(name: str) -> int | None:
    """The id in query-string argument `name`: None when it is absent or blank (no
    filter), the id when it is one, and a 404 when it cannot be an id, as for a bad id in the path."""
    value = request.args.get(name, "")
    if not value.strip():
        return None
    parsed = parse_id(value)
    if parsed is None:
        abort(404)
    return parsed


def page_from_query(name: str = "page", limit: int = 10**9) -> int:
    """A page number from the query string: 1 for anything that is not one, at most `limit` (so
    an offset computed from it always fits the database's integer)."""
    value = request.args.get(name, "").strip()
    if not (value.isascii() and value.isdigit()) or len(value) > len(str(limit)):
        return 1
    return min(max(1, int(value)), limit)
