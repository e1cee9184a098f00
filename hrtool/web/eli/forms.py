"""The form for recording that a person's disciplinary, grievance and claims records were checked."""
from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovSubmitInput
from wtforms import BooleanField, SubmitField
from wtforms.validators import InputRequired

from ..fields import GovDateField, PlausibleDate


class CasesCheckedForm(FlaskForm):
    checked_on = GovDateField("Date checked", validators=[InputRequired("Enter the date the records were checked"),
                                                          PlausibleDate("cases_checked_on")])
    confirm = BooleanField("I have checked this person's disciplinary, grievance and claims records for the two "
                           "years before the transfer, and everything found is recorded",
                           widget=GovCheckboxInput(), validators=[InputRequired("Confirm the records were checked")])
    submit = SubmitField("Record the check", widget=GovSubmitInput())
