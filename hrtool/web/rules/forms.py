"""Forms for a new dated value of a statutory limit or rule setting, and a new dated version of a
policy or a terms package. A version's own values are fields added per request from the body
being replaced (body_form)."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import Field, RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from ...domain.rule_bodies import Item, Value, cell_name, rows_answered, value_name
from ...domain.rule_values import KIND_HINTS
from ..fields import GovDateField

BLANK_ROWS = 2  # empty rows offered under each table, for adding rows


class ChangeForm(FlaskForm):
    effective_from = GovDateField("Applies from", validators=[InputRequired("Enter the date the new value applies from")])
    reason = TextAreaField("Reason for the change", widget=GovTextArea(),
                           validators=[InputRequired("Enter the reason for the change"), Length(max=1000)])
    submit = SubmitField("Save", widget=GovSubmitInput())


class LimitForm(ChangeForm):
    value = StringField("New value (£)", widget=GovTextInput())
    source = StringField("Source (optional)", widget=GovTextInput(), validators=[Optional(), Length(max=500)])


class SettingForm(ChangeForm):
    value = StringField("New value", widget=GovTextInput())
    description = TextAreaField("Description", widget=GovTextArea(), validators=[Optional(), Length(max=2000)])


class PolicyVersionForm(ChangeForm):
    source = StringField("Source (optional)", widget=GovTextInput(), validators=[Optional(), Length(max=500)])
    # Checked against the start date by the service (rules_admin.review_problem), so every path agrees.
    review_on = GovDateField("Review date (optional)", validators=[Optional()])


class PackageVersionForm(ChangeForm):
    source = StringField("Source (optional)", widget=GovTextInput(), validators=[Optional(), Length(max=500)])
    name = StringField("Name of this version", widget=GovTextInput(), validators=[Length(max=200)])


def _value_field(item: Value) -> Field:
    if item.kind == "boolean":
        return RadioField(item.label, widget=GovRadioInput(), choices=[("yes", "Yes"), ("no", "No")],
                          validate_choice=False)
    if item.long:
        return TextAreaField(item.label, widget=GovTextArea())
    return StringField(item.label, widget=GovTextInput())


def row_count(item: Any, index: int, formdata: Mapping[str, str]) -> int:
    return max(len(item.rows) + BLANK_ROWS, rows_answered(formdata, index))


def body_form(base: type[FlaskForm], items: Sequence[Item], formdata: Mapping[str, str]) -> type[FlaskForm]:
    """`base` with a field for each value of the body and each cell of its tables (as many rows
    as were sent back, so nothing typed is lost). Types are checked by the service, not here."""
    fields: dict[str, Field] = {}
    for index, item in enumerate(items):
        if isinstance(item, Value):
            fields[value_name(index)] = _value_field(item)
            continue
        for row in range(row_count(item, index, formdata)):
            for c, column in enumerate(item.columns):
                label = f"{column.label}, row {row + 1}"
                fields[cell_name(index, row, c)] = (TextAreaField(label, widget=GovTextArea()) if column.long
                                                    else StringField(label, widget=GovTextInput()))
    return type(f"{base.__name__}WithBody", (base,), fields)


def layout(form: FlaskForm, items: Sequence[Item], formdata: Mapping[str, str]) -> list[dict[str, Any]]:
    """What the template draws, in the body's order: a field with its params, or a table of fields."""
    drawn: list[dict[str, Any]] = []
    for index, item in enumerate(items):
        if isinstance(item, Value):
            params: dict[str, Any] = {"hint": {"text": KIND_HINTS[item.kind]}}
            if item.kind == "boolean":
                params["classes"] = "govuk-radios--inline"
            elif item.kind in ("integer", "decimal"):
                params.update(classes="govuk-input--width-10", inputmode="decimal")
            elif item.kind == "text" and item.long:
                params["rows"] = 3
            drawn.append({"field": form[value_name(index)], "params": params})
            continue
        rows = [[form[cell_name(index, r, c)] for c in range(len(item.columns))]
                for r in range(row_count(item, index, formdata))]
        widths = ["govuk-input--width-10" if c.kind in ("integer", "decimal", "date") else "" for c in item.columns]
        drawn.append({"table": item, "rows": rows, "widths": widths})
    return drawn
