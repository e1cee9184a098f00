"""Forms for job evaluations and increment runs."""
from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import HiddenField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from ...services.job_evaluations import FACTORS
from ..fields import GovDateField, PlausibleDate


class EvaluationForm(FlaskForm):
    council_id = SelectField("Evaluated under the conventions of", widget=GovSelect(), coerce=int)
    score = IntegerField("Total points", widget=GovTextInput(), validators=[
        InputRequired("Enter the total points, like 412"),
        NumberRange(min=0, max=2000, message="Total points must be between 0 and 2,000")])
    evaluated_on = GovDateField("Date of the panel", validators=[InputRequired("Enter the date of the panel"),
                                                                 PlausibleDate("evaluated_on")])
    panel = StringField("Panel members", widget=GovTextInput(), validators=[Optional(), Length(max=500)])
    notes = TextAreaField("Notes", widget=GovTextArea(), validators=[Optional(), Length(max=2000)])
    submit = SubmitField("Record evaluation", widget=GovSubmitInput())


# One optional level field per factor of the scheme (factor_0 ... factor_12).
for _index, _factor in enumerate(FACTORS):
    setattr(EvaluationForm, f"factor_{_index}", IntegerField(
        _factor, widget=GovTextInput(),
        validators=[Optional(), NumberRange(min=1, max=8, message=f"{_factor}: the level must be between 1 and 8")]))


class IncrementRunForm(FlaskForm):
    """Choosing a run: a GET form, so no CSRF token."""

    class Meta:
        csrf = False

    council = SelectField("Employer", widget=GovSelect(), validate_choice=False)
    run_on = GovDateField("Increment date", validators=[InputRequired("Enter the increment date"),
                                                        PlausibleDate("increment_run_on")])


class ApplyRunForm(FlaskForm):
    council = HiddenField()
    run_on = HiddenField()
    submit = SubmitField("Apply increments", widget=GovSubmitInput())
