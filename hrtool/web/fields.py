"""Form fields shared by the areas: GOV.UK date inputs with plain-English errors."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovDateInput
from wtforms import DateField, ValidationError


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


class PlausibleDate:
    """A date within the plausible window of its kind (issue 13): the rule settings in force today,
    read by services/date_windows.py, so the form says exactly what the service would. An empty
    field passes (InputRequired or Optional decide whether one must be given)."""

    def __init__(self, kind: str):
        self.kind = kind

    def __call__(self, form: Any, field: Any) -> None:
        from ..services import date_windows

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
