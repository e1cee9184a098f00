"""Forms for the scheme pages (an administrator's) and the local conventions pages (HR's)."""
from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from ..fields import GovDateField

REASON = "Enter the reason for the change"
FACTORS = [(str(n), f"Factor {n}") for n in range(1, 14)]


def _points(label: str) -> IntegerField:
    return IntegerField(label, widget=GovTextInput(), validators=[
        InputRequired("Enter the points, like 52"), NumberRange(min=0, max=1000, message="Points are 0 to 1,000")])


class LevelForm(FlaskForm):
    points = _points("Points")
    definition = TextAreaField("Definition", widget=GovTextArea(), validators=[Optional(), Length(max=2000)],
                               description="A short description of the level, as the councils' copy of the scheme puts it")
    reason = TextAreaField("Reason", widget=GovTextArea(), validators=[InputRequired(REASON), Length(max=500)])
    submit = SubmitField("Save the level", widget=GovSubmitInput())


class FactorForm(FlaskForm):
    definition = TextAreaField("Definition", widget=GovTextArea(), validators=[Optional(), Length(max=2000)])
    reason = TextAreaField("Reason", widget=GovTextArea(), validators=[InputRequired(REASON), Length(max=500)])
    submit = SubmitField("Save the factor", widget=GovSubmitInput())


class NewVersionForm(FlaskForm):
    """A new version from a date; one points box per level (points_<factor>_<level>, added by
    `new_version_form`), of which only the changed ones are passed on."""

    effective_from = GovDateField("In force from", validators=[InputRequired("Enter the date the version starts")],
                                  description="Evaluations made on or after this date are re-scored under it")
    name = StringField("Name", widget=GovTextInput(), validators=[Optional(), Length(max=200)],
                       description="For example NJC JES, 2027 guidance")
    reason = TextAreaField("Reason", widget=GovTextArea(), validators=[InputRequired(REASON), Length(max=500)])
    submit = SubmitField("Add the version", widget=GovSubmitInput())


def new_version_form(factors: Any) -> NewVersionForm:
    """The form with a points box for each level of the factor plan given (prefilled with its points)."""

    class Form(NewVersionForm):
        pass

    for factor in factors:
        for level in factor.levels:
            setattr(Form, f"points_{factor.number}_{level.level}",
                    _points(f"{factor.name} level {level.level}"))
    defaults = {f"points_{f.number}_{lv.level}": lv.points for f in factors for lv in f.levels}
    return Form(data=defaults)


def changed_points(form: NewVersionForm, factors: Any) -> dict[tuple[int, int], int]:
    return {(f.number, lv.level): form[f"points_{f.number}_{lv.level}"].data for f in factors for lv in f.levels
            if form[f"points_{f.number}_{lv.level}"].data != lv.points}


class ConventionForm(FlaskForm):
    """A convention agreed in a council's set, or a new reading of a situation (it supersedes)."""

    situation_id = SelectField("Situation", widget=GovSelect(), validators=[Optional()],
                               description="A situation some set already reads, or a new one described below")
    factor_number = SelectField("Factor (for a new situation)", widget=GovSelect(),
                                choices=[("", "Choose a factor")] + FACTORS, validators=[Optional()])
    situation_text = StringField("New situation", widget=GovTextInput(), validators=[Optional(), Length(max=500)],
                                 description="For example: Line manages a team of 5 to 9 staff")
    level = IntegerField("Level", widget=GovTextInput(), validators=[
        InputRequired("Enter the level the situation is read at"), NumberRange(min=1, max=8, message="Levels are 1 to 8")])
    rationale = TextAreaField("Rationale", widget=GovTextArea(), validators=[Optional(), Length(max=2000)])
    agreed_on = GovDateField("Agreed on", validators=[Optional()])
    agreed_by = StringField("Agreed by", widget=GovTextInput(), validators=[Optional(), Length(max=500)],
                            description="The joint panel: management and union side")
    reason = StringField("Reason (optional)", widget=GovTextInput(), validators=[Optional(), Length(max=500)])
    submit = SubmitField("Record the convention", widget=GovSubmitInput())


class WithdrawForm(FlaskForm):
    withdrawn_on = GovDateField("Withdrawn from", validators=[InputRequired("Enter the date it stops applying")])
    reason = TextAreaField("Reason", widget=GovTextArea(), validators=[InputRequired("Say why it is withdrawn"),
                                                                       Length(max=500)])
    submit = SubmitField("Withdraw the convention", widget=GovSubmitInput())


class DraftSetForm(FlaskForm):
    name = StringField("Name", widget=GovTextInput(), validators=[InputRequired("Give the draft set a name"),
                                                                  Length(max=200)])
    description = TextAreaField("Description (optional)", widget=GovTextArea(), validators=[Optional(), Length(max=2000)])
    copy_from = SelectField("Start from", widget=GovSelect(), validators=[Optional()])
    submit = SubmitField("Create the draft set", widget=GovSubmitInput())


class ChooseForm(FlaskForm):
    """In a draft set, the level chosen for one situation."""

    situation_id = IntegerField(widget=HiddenInput(), validators=[InputRequired("Choose a situation")])
    level = IntegerField("Level", widget=GovTextInput(), validators=[
        InputRequired("Enter the level chosen"), NumberRange(min=1, max=8, message="Levels are 1 to 8")])
    rationale = StringField("Rationale (optional)", widget=GovTextInput(), validators=[Optional(), Length(max=2000)])
    submit = SubmitField("Choose", widget=GovSubmitInput())
