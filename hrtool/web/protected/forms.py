from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovSubmitInput
from wtforms import BooleanField, SubmitField
from wtforms.validators import InputRequired

from ..fields import GovDateField


class ElectionForm(FlaskForm):
    effective_from = GovDateField("Date to move onto the lead authority's terms",
                                  validators=[InputRequired("Enter the date to move onto the lead authority's terms")])
    understood = BooleanField("I understand that this choice cannot be undone: I will not be able to return to my "
                              "protected terms", widget=GovCheckboxInput(),
                              validators=[InputRequired("Confirm that you understand the choice cannot be undone")])
    submit = SubmitField("Record my choice", widget=GovSubmitInput())


class CountersignForm(FlaskForm):
    submit = SubmitField("Countersign", widget=GovSubmitInput())
