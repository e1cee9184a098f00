"""Forms for drafting, changing, comparing and deleting harmonisation models."""
from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from ...domain.grading import GradeBand
from ..fields import GovDateField

BLANK_ROWS = 3  # empty rows offered for adding grades
MAX_BANDS = 60


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class WholeNumberField(IntegerField):
    """An integer box whose error says what is wrong in plain words."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(f"{self.label.text} must be a whole number") from None


def _number(label: str) -> WholeNumberField:
    return WholeNumberField(label, validators=[Optional(), NumberRange(min=0, max=9999,
                                                                       message=f"{label} must be between 0 and 9,999")])


class BandForm(Form):
    """One row of the bands table. A row left blank is ignored."""

    grade = StringField("Grade", validators=[Length(max=40, message="Grade names are at most 40 characters")])
    points_min = _number("Lowest points")
    points_max = _number("Highest points")
    scp_min = _number("Lowest SCP")
    scp_max = _number("Highest SCP")

    def values(self) -> list[Any]:
        return [self.grade.data, self.points_min.data, self.points_max.data, self.scp_min.data, self.scp_max.data]

    def is_blank(self) -> bool:
        return all(_empty(v) for v in self.values())

    def validate_grade(self, field: StringField) -> None:
        # On the grade box because it starts the row: the error summary links there.
        if not self.is_blank() and any(_empty(v) for v in self.values()):
            raise ValidationError("Fill in every column of a grade's row, or clear the row")


class _Details(FlaskForm):
    name = StringField("Name", widget=GovTextInput(),
                       validators=[InputRequired("Enter a name for the model"), Length(max=200)])
    as_of = GovDateField("Workforce as at", validators=[InputRequired("Enter the date to take the workforce as at")])
    description = TextAreaField("Description (optional)", widget=GovTextArea(),
                                validators=[Optional(), Length(max=2000)])


def _set_field() -> SelectField:
    return SelectField("Local conventions", widget=GovSelect(), validators=[Optional()])


class NewModelForm(_Details):
    start = SelectField("Start from", widget=GovSelect(),
                        validators=[InputRequired("Choose where the model starts from")])
    convention_set_id = _set_field()
    submit = SubmitField("Create the model", widget=GovSubmitInput())

    def convention_set(self) -> int | None:
        return int(self.convention_set_id.data) if self.convention_set_id.data else None


class ModelForm(_Details):
    bands = FieldList(FormField(BandForm), min_entries=1, max_entries=MAX_BANDS + BLANK_ROWS)
    convention_set_id = _set_field()
    version = HiddenField()
    submit = SubmitField("Save the model", widget=GovSubmitInput())

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if valid and not self.grade_bands():
            self.form_errors.append("Give the model at least one grade band")
            return False
        return valid

    def convention_set(self) -> int | None:
        return int(self.convention_set_id.data) if self.convention_set_id.data else None

    def grade_bands(self) -> list[GradeBand]:
        return [GradeBand(row.form.grade.data.strip(), row.form.points_min.data, row.form.points_max.data,
                          row.form.scp_min.data, row.form.scp_max.data)
                for row in self.bands if not row.form.is_blank()]


class CompareForm(FlaskForm):
    """Two saved models to put side by side: a GET form, so no CSRF token."""

    class Meta:
        csrf = False

    a = SelectField("First model", widget=GovSelect(), validators=[InputRequired("Choose the first model")])
    b = SelectField("Second model", widget=GovSelect(), validators=[InputRequired("Choose the second model")])
    submit = SubmitField("Compare", widget=GovSubmitInput())

    def validate_b(self, field: SelectField) -> None:
        if field.data == self.a.data:
            raise ValidationError("Choose two different models")


class DeleteForm(FlaskForm):
    confirm = RadioField("Delete this model?", widget=GovRadioInput(), choices=[("yes", "Yes, delete it"),
                                                                               ("no", "No, keep it")],
                         validators=[InputRequired("Say whether to delete the model")])
    submit = SubmitField("Continue", widget=GovSubmitInput())
